//! NumPy's pairwise float sum (`np.sum`), bit for bit.
//!
//! NumPy's `np.sum` is reproduced exactly: its pairwise summation, with
//! the same split points; non-float64 input is converted in blocks of 8192
//! elements (NumPy's buffer size) whose pairwise sums are added in turn.
//! The top of the tree, or the run of blocks, is shared out among threads
//! without changing the order of the additions.

use std::ops::{Add, AddAssign};

use rayon::prelude::*;

use crate::kernels::{install, threads_for};

/// NumPy's `PW_BLOCKSIZE`: pieces up to this size are summed with eight
/// accumulators instead of being split further.
const PW_BLOCK: usize = 128;
/// NumPy's default ufunc buffer size, in elements.
const BUFSIZE: usize = 8192;

/// What a pairwise tree adds: a float64, or several added side by side
/// (each in the order it would be alone).
pub(crate) trait Acc: Copy + Send + Add<Output = Self> + AddAssign {
    const ZERO: Self;
}

impl Acc for f64 {
    const ZERO: Self = 0.0;
}

/// Two sums in one tree: a sum and a count of what it took (`np.nansum`
/// and the non-NaN count beside it), read in one pass. The count is a
/// float64 sum of ones, exact below 2^53 elements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Two(pub f64, pub f64);

impl Add for Two {
    type Output = Two;
    #[inline(always)]
    fn add(self, o: Two) -> Two {
        Two(self.0 + o.0, self.1 + o.1)
    }
}

impl AddAssign for Two {
    #[inline(always)]
    fn add_assign(&mut self, o: Two) {
        *self = *self + o;
    }
}

impl Acc for Two {
    const ZERO: Self = Two(0.0, 0.0);
}

/// NumPy's `pairwise_sum` of `f` over `v`, compiled for AVX2 when the CPU
/// has it (the leaves' eight accumulators are then two vectors, and the
/// conversions of a leaf vector instructions).
pub(crate) fn pairwise<T: Copy, A: Acc>(v: &[T], f: &impl Fn(T) -> A) -> A {
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
        fn $name<T: Copy, A: Acc>(v: &[T], f: &impl Fn(T) -> A) -> A {
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
fn leaf<T: Copy, A: Acc>(v: &[T], f: &impl Fn(T) -> A) -> A {
    let n = v.len();
    if n < 8 {
        return v.iter().fold(A::ZERO, |acc, x| acc + f(*x));
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
fn pairwise_par<T: Copy + Sync, A: Acc>(
    v: &[T],
    f: &(impl Fn(T) -> A + Sync),
    threads: usize,
) -> A {
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
pub(crate) fn np_sum<T: Copy + Sync, A: Acc>(
    v: &[T],
    f: impl Fn(T) -> A + Sync,
    blocked: bool,
) -> A {
    let threads = threads_for(v.len());
    if !blocked {
        // NumPy starts from the identity, which turns a -0.0 sum into 0.0.
        return A::ZERO + install(|| pairwise_par(v, &f, threads));
    }
    if v.is_empty() {
        return A::ZERO;
    }
    let per = v.len().div_ceil(threads).next_multiple_of(BUFSIZE);
    let block_sums: Vec<Vec<A>> = install(|| {
        v.par_chunks(per)
            .map(|part| part.chunks(BUFSIZE).map(|b| pairwise(b, &f)).collect())
            .collect()
    });
    block_sums
        .into_iter()
        .flatten()
        .fold(A::ZERO, |acc, s| acc + s)
}

/// `np.nansum` of a float64 `v` (NaNs as 0, one tree) and how many
/// elements are not NaN, in one pass.
pub(crate) fn nan_sum_count(v: &[f64]) -> (f64, usize) {
    let nan_sum = |x: f64| {
        if x.is_nan() {
            Two(0.0, 0.0)
        } else {
            Two(x, 1.0)
        }
    };
    let Two(s, n) = np_sum(v, nan_sum, false);
    (s, n as usize)
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

    /// The fused NaN sum and count match a NaN-zeroed sum and a count.
    #[test]
    fn nan_sum_count_matches_two_passes() {
        let v: Vec<f64> = (0..100_003)
            .map(|i| {
                if i % 7 == 3 {
                    f64::NAN
                } else {
                    1.0 / f64::from(i % 1013 + 1)
                }
            })
            .collect();
        let (s, n) = nan_sum_count(&v);
        let zeroed = np_sum(&v, |x| if x.is_nan() { 0.0 } else { x }, false);
        assert_eq!(s.to_bits(), zeroed.to_bits());
        assert_eq!(n, v.iter().filter(|x| !x.is_nan()).count());
    }
}
