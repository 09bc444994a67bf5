//! NumPy's pairwise float sum (`np.sum`), bit for bit.
//!
//! NumPy's `np.sum` is reproduced exactly: its pairwise summation, with
//! the same split points; non-float64 input is converted in blocks of 8192
//! elements (NumPy's buffer size) whose pairwise sums are added in turn.
//! The top of the tree, or the run of blocks, is shared out among threads
//! without changing the order of the additions.

use rayon::prelude::*;

use crate::kernels::{install, threads_for};

/// NumPy's `PW_BLOCKSIZE`: pieces up to this size are summed with eight
/// accumulators instead of being split further.
const PW_BLOCK: usize = 128;
/// NumPy's default ufunc buffer size, in elements.
const BUFSIZE: usize = 8192;

/// NumPy's `pairwise_sum` of `f` over `v`, compiled for AVX2 when the CPU
/// has it (the leaves' eight accumulators are then two vectors, and the
/// conversions of a leaf vector instructions).
pub(crate) fn pairwise<T: Copy>(v: &[T], f: &impl Fn(T) -> f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { pairwise_avx2(v, f) };
    }
    pairwise_base(v, f)
}

/// The recursion, once per instruction set (a recursive call must stay in
/// its own copy to keep the wider instructions).
macro_rules! pairwise_tree {
    ($name:ident $(, $feature:literal)?) => {
        $(#[target_feature(enable = $feature)])?
        fn $name<T: Copy>(v: &[T], f: &impl Fn(T) -> f64) -> f64 {
            if v.len() <= PW_BLOCK {
                return leaf(v, f);
            }
            let (a, b) = v.split_at(pairwise_split(v.len()));
            $name(a, f) + $name(b, f)
        }
    };
}
pairwise_tree!(pairwise_base);
#[cfg(target_arch = "x86_64")]
pairwise_tree!(pairwise_avx2, "avx2");

/// A piece of at most `PW_BLOCK` elements: eight accumulators, each taking
/// every eighth element, added in NumPy's order.
#[inline(always)]
fn leaf<T: Copy>(v: &[T], f: &impl Fn(T) -> f64) -> f64 {
    let n = v.len();
    if n < 8 {
        return v.iter().fold(0.0, |acc, x| acc + f(*x));
    }
    let (rows, rest) = v.as_chunks::<8>();
    let mut r = rows[0].map(f);
    for row in &rows[1..] {
        for (r, x) in r.iter_mut().zip(row) {
            *r += f(*x);
        }
    }
    let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for x in rest {
        res += f(*x);
    }
    res
}

/// Where NumPy splits `n > PW_BLOCK` elements: half, down to a multiple of 8.
fn pairwise_split(n: usize) -> usize {
    let half = n / 2;
    half - half % 8
}

/// `pairwise` with the top `log2(threads)` splits run on separate threads.
fn pairwise_par<T: Copy + Sync>(v: &[T], f: &(impl Fn(T) -> f64 + Sync), threads: usize) -> f64 {
    if threads < 2 || v.len() <= PW_BLOCK {
        return pairwise(v, f);
    }
    let (a, b) = v.split_at(pairwise_split(v.len()));
    let (left, right) = rayon::join(
        || pairwise_par(a, f, threads / 2),
        || pairwise_par(b, f, threads - threads / 2),
    );
    left + right
}

/// `np.sum` of `f` over `v` with a float64 accumulator: one pairwise tree
/// when `v` is float64 already (`blocked == false`), else the sums of
/// 8192-element blocks added in order, as NumPy's buffered casting loop does.
pub(crate) fn np_sum<T: Copy + Sync>(v: &[T], f: impl Fn(T) -> f64 + Sync, blocked: bool) -> f64 {
    let threads = threads_for(v.len());
    if !blocked {
        // NumPy starts from the identity, which turns a -0.0 sum into 0.0.
        return 0.0 + install(|| pairwise_par(v, &f, threads));
    }
    if v.is_empty() {
        return 0.0;
    }
    let per = v.len().div_ceil(threads).next_multiple_of(BUFSIZE);
    let block_sums: Vec<Vec<f64>> = install(|| {
        v.par_chunks(per)
            .map(|part| part.chunks(BUFSIZE).map(|b| pairwise(b, &f)).collect())
            .collect()
    });
    block_sums.into_iter().flatten().fold(0.0, |acc, s| acc + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairwise tree must not depend on how many threads share it.
    #[test]
    fn threads_do_not_change_sums() {
        let v: Vec<f64> = (0..100_003)
            .map(|i| ((i * 7919) % 1013) as f64 / 3.0)
            .collect();
        let one = pairwise(&v, &|x| x);
        for t in 2..6 {
            assert_eq!(pairwise_par(&v, &|x| x, t).to_bits(), one.to_bits());
        }
    }
}
