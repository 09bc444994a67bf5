//! Sums, products and counts in lane loops, any/all with an early stop,
//! byte searches, and the exact integer sums behind integer means.

use super::fold_chunks;
use crate::kernels::elem::{BLOCK, Side, load};

/// Elements per block of the any/all loops: the search stops at the end of
/// the first block that decides it.
const HIT_BLOCK: usize = 4096;

/// A bool slice as its bytes (each 0 or 1).
pub fn bytes_of(v: &[bool]) -> &[u8] {
    // SAFETY: bool is one byte, 0 or 1, with u8's alignment; the slice is
    // borrowed for the same lifetime and only read.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), v.len()) }
}

/// Integers with wrapping sums and products.
pub trait Wrap: Copy + Send + Sync {
    const ZERO: Self;
    const ONE: Self;
    fn wadd(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    /// The same bits as a u64, and back.
    fn word(self) -> u64;
    fn from_word(w: u64) -> Self;
}

macro_rules! wrap {
    ($($t:ty),*) => {$(
        impl Wrap for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn wadd(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn wmul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn word(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_word(w: u64) -> Self {
                w as Self
            }
        }
    )*};
}
wrap!(i64, u64);

/// `f` folded into `L` lanes of `R` from `init` (each lane takes every L-th
/// element), then the lanes and the tail into one value with `join`.
#[inline(always)]
fn lanes<T: Copy, R: Copy, const L: usize>(
    v: &[T],
    init: R,
    f: impl Fn(R, T) -> R,
    join: impl Fn(R, R) -> R,
) -> R {
    let (rows, rest) = v.as_chunks::<L>();
    let mut acc = [init; L];
    for row in rows {
        for (a, x) in acc.iter_mut().zip(row) {
            *a = f(*a, *x);
        }
    }
    let r = acc.into_iter().fold(init, &join);
    rest.iter().fold(r, |a, x| f(a, *x))
}

/// Wrapping sum of an int64 or uint64 slice.
pub fn int_sum<T: Wrap>(v: &[T]) -> T {
    fold_chunks(v, |c| wrap_fold(c, false, |x| x))
        .into_iter()
        .fold(T::ZERO, T::wadd)
}

/// Wrapping product of an int64 or uint64 slice (exact in any order: the
/// product modulo 2^64).
pub fn int_prod<T: Wrap>(v: &[T]) -> T {
    fold_chunks(v, |c| wrap_fold(c, true, |x| x))
        .into_iter()
        .fold(T::ONE, T::wmul)
}

/// Wrapping product of `c` read as 64-bit words by `word`, in AVX-512
/// vectors: four independent chains of eight lanes. Written out because
/// LLVM vectorised the lane loop across rows instead, gathering each lane
/// from eight rows (`vpgatherdq`): 10^8 int64 at 4-6 GiB/s on two cores
/// where NumPy's one read 10 and a sum reads 40.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn prod_avx512<T: Copy>(c: &[T], word: impl Fn(T) -> u64) -> u64 {
    use std::arch::x86_64::{
        _mm512_loadu_si512, _mm512_mullo_epi64, _mm512_set1_epi64, _mm512_storeu_si512,
    };
    let (rows, rest) = c.as_chunks::<32>();
    let mut acc = [_mm512_set1_epi64(1); 4];
    for row in rows {
        let w: [u64; 32] = std::array::from_fn(|k| word(row[k]));
        for (k, a) in acc.iter_mut().enumerate() {
            // SAFETY: `w` has 8 readable words at 8k; the load is unaligned.
            let x = unsafe { _mm512_loadu_si512(w[8 * k..].as_ptr().cast()) };
            *a = _mm512_mullo_epi64(*a, x);
        }
    }
    let mut lanes = [0u64; 32];
    for (k, a) in acc.iter().enumerate() {
        // SAFETY: `lanes` has 8 writable words at 8k; the store is unaligned.
        unsafe { _mm512_storeu_si512(lanes[8 * k..].as_mut_ptr().cast(), *a) };
    }
    let r = lanes.into_iter().fold(1, u64::wrapping_mul);
    rest.iter().fold(r, |a, x| a.wrapping_mul(word(*x)))
}

/// The wrapping sum (product if `prod`) of `c`, each element read as
/// `conv` gives it, in lane loops on the calling thread alone (the chunk
/// totals of an integer scan; a one-lane fold waits a multiply's latency
/// per element).
#[inline]
pub fn wrap_fold<T: Copy, R: Wrap>(c: &[T], prod: bool, conv: impl Fn(T) -> R) -> R {
    if prod {
        #[cfg(target_arch = "x86_64")]
        if crate::kernels::simd::has_avx512_mul() {
            // SAFETY: the CPU has AVX-512 (F, DQ), checked just above.
            return R::from_word(unsafe { prod_avx512(c, |x| conv(x).word()) });
        }
        // Without AVX-512: scalar multiplies in 16 independent lanes.
        wide!(lanes::<T, R, 16>(
            c,
            R::ONE,
            |a, x| a.wmul(conv(x)),
            R::wmul
        ))
    } else {
        wide!(lanes::<T, R, 16>(
            c,
            R::ZERO,
            |a, x| a.wadd(conv(x)),
            R::wadd
        ))
    }
}

/// Wrapping uint64 product of a uint8 slice (NumPy's `prod` of uint8).
/// A 64-bit multiply per byte in lanes; AVX-512 has one in vectors
/// ([`wide_mul`]). With AVX2 only, [`byte_prod_avx2`] multiplies the bytes
/// down exactly to fewer, wider factors first.
pub fn u8_prod(v: &[u8]) -> u64 {
    let part = |c: &[u8]| {
        #[cfg(target_arch = "x86_64")]
        if !crate::kernels::simd::has_avx512_mul() && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { byte_prod_avx2(c) };
        }
        wide_mul!(lanes::<u8, u64, 16>(
            c,
            1,
            |a, x| a.wrapping_mul(x.into()),
            u64::wrapping_mul
        ))
    };
    fold_chunks(v, part).into_iter().fold(1, u64::wrapping_mul)
}

/// [`u8_prod`] of a chunk with AVX2, which has no 64-bit multiply: each 32
/// bytes are multiplied in pairs exactly in 16-bit lanes (255^2 < 2^16),
/// those in pairs in 32-bit lanes, and those in pairs into four 64-bit
/// lanes (`mul_epu32`, exact), so only one emulated 64-bit multiply (three
/// `mul_epu32`) is left per 32 bytes where the plain loop needs one per
/// byte: 5.2 -> 12.1 GiB/s on one core in cache, 61% -> 84% of a read loop
/// from memory on two. The order does not matter: the product modulo 2^64
/// is exact.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn byte_prod_avx2(c: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_loadu_si256, _mm256_mul_epu32,
        _mm256_mullo_epi16, _mm256_mullo_epi32, _mm256_set1_epi16, _mm256_set1_epi32,
        _mm256_set1_epi64x, _mm256_slli_epi64, _mm256_srli_epi16, _mm256_srli_epi32,
        _mm256_srli_epi64, _mm256_storeu_si256,
    };
    /// The low 64 bits of each lane's product.
    #[target_feature(enable = "avx2")]
    fn mul64(a: __m256i, b: __m256i) -> __m256i {
        let cross = _mm256_add_epi64(
            _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), b),
            _mm256_mul_epu32(a, _mm256_srli_epi64::<32>(b)),
        );
        _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64::<32>(cross))
    }
    /// The 32 bytes of `v` as four 64-bit lanes, each the product of 8.
    #[target_feature(enable = "avx2")]
    fn eights(v: __m256i) -> __m256i {
        let low = _mm256_set1_epi16(0xff);
        let p16 = _mm256_mullo_epi16(_mm256_and_si256(v, low), _mm256_srli_epi16::<8>(v));
        let low = _mm256_set1_epi32(0xffff);
        let p32 = _mm256_mullo_epi32(_mm256_and_si256(p16, low), _mm256_srli_epi32::<16>(p16));
        _mm256_mul_epu32(p32, _mm256_srli_epi64::<32>(p32))
    }
    // Two accumulators of four lanes, for two independent multiply chains.
    let (rows, rest) = c.as_chunks::<128>();
    let mut acc = [_mm256_set1_epi64x(1); 2];
    for row in rows {
        // SAFETY: the row is 128 readable bytes; the loads are unaligned.
        let [a, b, c, d] =
            std::array::from_fn(|k| unsafe { _mm256_loadu_si256(row[32 * k..].as_ptr().cast()) });
        acc[0] = mul64(acc[0], mul64(eights(a), eights(b)));
        acc[1] = mul64(acc[1], mul64(eights(c), eights(d)));
    }
    let mut lanes = [0u64; 8];
    // SAFETY: `lanes` is 64 writable bytes; the stores are unaligned.
    unsafe {
        _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc[0]);
        _mm256_storeu_si256(lanes[4..].as_mut_ptr().cast(), acc[1]);
    }
    let r = lanes.into_iter().fold(1, u64::wrapping_mul);
    rest.iter().fold(r, |a, x| a.wrapping_mul(u64::from(*x)))
}

/// Float product in lanes: each thread's chunk multiplied in 8 lanes (the
/// lanes then in order, then the tail), the chunk products in order; NaNs
/// count as 1 with `skip_nan`. NumPy multiplies one element after another,
/// a chain that no vector unit can shorten; this order is faster and may
/// differ from NumPy's in the last bits (as may a product at several ranks).
pub fn float_prod(v: &[f64], skip_nan: bool) -> f64 {
    // Without `skip_nan` each lane also notes whether it met a NaN, so that
    // a NaN product is known to be genuine without a second read.
    let join = |(a, n): (f64, bool), (b, m): (f64, bool)| (a * b, n | m);
    let part = |c: &[f64]| {
        wide!({
            if skip_nan {
                let f = |(a, _): (f64, bool), x: f64| (a * if x.is_nan() { 1.0 } else { x }, false);
                lanes::<f64, (f64, bool), 8>(c, (1.0, false), f, join)
            } else {
                let f = |(a, n): (f64, bool), x: f64| (a * x, n | x.is_nan());
                lanes::<f64, (f64, bool), 8>(c, (1.0, false), f, join)
            }
        })
    };
    let (p, nan_in) = fold_chunks(v, part).into_iter().fold((1.0, false), join);
    // Reordering can meet 0 * inf where NumPy's chain never does (a zero
    // times a product that only overflows later): a NaN from NaN-free
    // input is redone in NumPy's order, so it is never a made-up NaN.
    if p.is_nan() && !nan_in {
        let keep = |x: &&f64| !(skip_nan && x.is_nan());
        return v.iter().filter(keep).fold(1.0, |a, x| a * x);
    }
    p
}

/// The sum of bytes up to 255 each: byte lanes add up to 257 rows before
/// they could overflow 16 bits, so rows are added into u16 lanes in runs of
/// 256 and each run into the total.
#[inline(always)]
fn byte_sum(v: &[u8]) -> u64 {
    const L: usize = 64;
    let mut total = 0u64;
    for run in v.chunks(256 * L) {
        let (rows, rest) = run.as_chunks::<L>();
        let mut acc = [0u16; L];
        for row in rows {
            for (a, x) in acc.iter_mut().zip(row) {
                *a += u16::from(*x);
            }
        }
        total += acc.iter().map(|a| u64::from(*a)).sum::<u64>();
        total += rest.iter().map(|x| u64::from(*x)).sum::<u64>();
    }
    total
}

/// The sum of a uint8 slice (exact: at most 255 * len).
pub fn sum_u8(v: &[u8]) -> u64 {
    fold_chunks(v, |c| wide!(byte_sum(c))).into_iter().sum()
}

/// How many elements are true.
pub fn count_true(v: &[bool]) -> u64 {
    sum_u8(bytes_of(v))
}

/// How many elements are true in each chunk that [`fold_chunks`] cuts `v`
/// into, in order.
pub fn trues_by_chunk(v: &[bool]) -> Vec<usize> {
    fold_chunks(bytes_of(v), |c| wide!(byte_sum(c)) as usize)
}

/// The first index of `byte` in `v` (a memchr on each thread's chunk).
pub fn first_byte(v: &[u8], byte: u8) -> Option<usize> {
    let parts = fold_chunks(v, |c| (c.len(), memchr::memchr(byte, c)));
    let mut offset = 0;
    for (len, found) in parts {
        if let Some(i) = found {
            return Some(offset + i);
        }
        offset += len;
    }
    None
}

/// Whether `hit` holds for some element: in blocks, each tested whole with
/// a lane loop, stopping after the first block with a hit.
#[inline(always)]
fn any_hit<T: Copy, const L: usize>(v: &[T], hit: &impl Fn(T) -> bool) -> bool {
    // A plain loop, as `wide` wants.
    let mut at = 0;
    while at < v.len() {
        let b = &v[at..(at + HIT_BLOCK).min(v.len())];
        let (rows, rest) = b.as_chunks::<L>();
        let mut acc = [false; L];
        for row in rows {
            for (a, x) in acc.iter_mut().zip(row) {
                *a |= hit(*x);
            }
        }
        if acc.iter().any(|a| *a) || rest.iter().any(|x| hit(*x)) {
            return true;
        }
        at += HIT_BLOCK;
    }
    false
}

fn any_par<T: Copy + Sync>(v: &[T], hit: impl Fn(T) -> bool + Sync) -> bool {
    let part = |c: &[T]| {
        wide!(match size_of::<T>() {
            1 => any_hit::<T, 64>(c, &hit),
            _ => any_hit::<T, 16>(c, &hit),
        })
    };
    fold_chunks(v, part).into_iter().any(|h| h)
}

/// Whether some element is non-zero by `nz` (bool arrays: a byte search).
pub fn any_nonzero<T: Copy + Sync>(v: &[T], nz: impl Fn(T) -> bool + Sync) -> bool {
    any_par(v, nz)
}

/// Whether every element is non-zero by `nz`.
pub fn all_nonzero<T: Copy + Sync>(v: &[T], nz: impl Fn(T) -> bool + Sync) -> bool {
    !any_par(v, |x| !nz(x))
}

/// Wrapping sum of an int64 slice and the OR of the magnitudes of its
/// elements: every |x| is below the OR's next power of two, which bounds
/// every partial sum in any order.
pub fn sum_bound_i64(v: &[i64]) -> (i64, u64) {
    let f = |(s, o): (i64, u64), x: i64| (s.wrapping_add(x), o | x.unsigned_abs());
    let join = |(s, o): (i64, u64), (t, p): (i64, u64)| (s.wrapping_add(t), o | p);
    fold_chunks(v, |c| {
        wide!(lanes::<i64, (i64, u64), 8>(c, (0, 0), f, join))
    })
    .into_iter()
    .fold((0, 0), join)
}

/// As [`sum_bound_i64`] for uint64.
pub fn sum_bound_u64(v: &[u64]) -> (u64, u64) {
    let f = |(s, o): (u64, u64), x: u64| (s.wrapping_add(x), o | x);
    let join = |(s, o): (u64, u64), (t, p): (u64, u64)| (s.wrapping_add(t), o | p);
    fold_chunks(v, |c| {
        wide!(lanes::<u64, (u64, u64), 8>(c, (0, 0), f, join))
    })
    .into_iter()
    .fold((0, 0), join)
}

/// How many of `v` (each read as `real` gives it) fall in each of `bins`
/// equal bins over `[lo, hi]`, by Arkouda's rule: bin `(x - lo) / width`
/// truncated, a value equal to `hi` in the last bin, and a value outside
/// the range (or NaN) in none. Each core counts its chunk into its own
/// bins while they are few; many bins are counted once, in one pass.
pub fn histogram<T: Copy + Sync>(
    v: &[T],
    (lo, hi): (f64, f64),
    bins: usize,
    real: impl Fn(T) -> f64 + Sync,
) -> Vec<i64> {
    const FEW: usize = 1 << 16;
    let width = (hi - lo) / bins as f64;
    let count = |c: &[T]| {
        let mut h = vec![0i64; bins];
        for &x in c {
            let x = real(x);
            if lo <= x && x <= hi {
                // Rounding may put a value just below hi one past the end.
                let b = if x == hi {
                    bins
                } else {
                    ((x - lo) / width) as usize
                };
                h[b.min(bins - 1)] += 1;
            }
        }
        h
    };
    if bins > FEW {
        return count(v);
    }
    fold_chunks(v, count)
        .into_iter()
        .reduce(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a
        })
        .unwrap_or_else(|| vec![0; bins])
}

/// Tolerances of [`all_close`].
#[derive(Clone, Copy)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
    pub equal_nan: bool,
}

/// Whether every pair of the first `n` elements of `a` and `b` (any dtypes,
/// read as float64 a block at a time, as the binary operators read them)
/// is close, as `np.allclose`: `|x - y| <= atol + rtol * |y|` for finite
/// pairs, infinities equal in sign, and NaN pairs only with `equal_nan`.
/// With no pairs the answer is true.
pub fn all_close(n: usize, a: &Side, b: &Side, tol: Tolerance) -> bool {
    let close = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() {
            (x - y).abs() <= tol.atol + tol.rtol * y.abs()
        } else if x.is_nan() || y.is_nan() {
            tol.equal_nan && x.is_nan() && y.is_nan()
        } else {
            x == y
        }
    };
    crate::kernels::map_ranges(n, |r| {
        let (mut x, mut y) = ([0.0; BLOCK], [0.0; BLOCK]);
        r.clone().step_by(BLOCK).all(|start| {
            let len = BLOCK.min(r.end - start);
            let (x, y) = (&mut x[..len], &mut y[..len]);
            load(a, start, x);
            load(b, start, y);
            x.iter().zip(y.iter()).all(|(&x, &y)| close(x, y))
        })
    })
    .into_iter()
    .all(|ok| ok)
}

#[cfg(test)]
mod tests {
    use super::super::test_words;
    use super::*;
    use crate::symbol_table::ArrayData;

    const LENS: [usize; 12] = [0, 1, 7, 8, 9, 15, 16, 17, 33, 16_385, 70_001, 300_007];

    #[test]
    fn lane_sums_and_products_match_a_scalar_loop() {
        for n in LENS {
            let w = test_words(n, n as u64 + 3);
            let i: Vec<i64> = w.iter().map(|x| *x as i64).collect();
            let odd: Vec<u64> = w.iter().map(|x| x | 1).collect();
            let b: Vec<u8> = w.iter().map(|x| *x as u8).collect();
            let t: Vec<bool> = w.iter().map(|x| x % 3 == 0).collect();
            assert_eq!(int_sum(&i), i.iter().fold(0i64, |a, x| a.wrapping_add(*x)));
            assert_eq!(int_sum(&w), w.iter().fold(0u64, |a, x| a.wrapping_add(*x)));
            assert_eq!(
                int_prod(&odd),
                odd.iter().fold(1u64, |a, x| a.wrapping_mul(*x))
            );
            assert_eq!(int_prod(&i), i.iter().fold(1i64, |a, x| a.wrapping_mul(*x)));
            let p = b
                .iter()
                .fold(1u64, |a, x| a.wrapping_mul(u64::from(*x) | 1));
            let b1: Vec<u8> = b.iter().map(|x| x | 1).collect();
            assert_eq!(u8_prod(&b1), p);
            // Through a conversion, as a scan's chunk totals take bytes.
            assert_eq!(wrap_fold(&b1, true, u64::from), p);
            // Some factors of two, too few to wrap the product to 0.
            let b2: Vec<u8> = (b1.iter().enumerate())
                .map(|(k, x)| if k % 5000 == 7 { 2 } else { *x })
                .collect();
            let p2 = b2.iter().fold(1u64, |a, x| a.wrapping_mul(u64::from(*x)));
            assert_ne!(p2, 0);
            assert_eq!(u8_prod(&b2), p2);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                assert_eq!(unsafe { byte_prod_avx2(&b2) }, p2);
            }
            assert_eq!(sum_u8(&b), b.iter().map(|x| u64::from(*x)).sum::<u64>());
            assert_eq!(count_true(&t), t.iter().filter(|x| **x).count() as u64);
            let small: Vec<i64> = w.iter().map(|x| (*x as i64) >> 40).collect();
            let (s, o) = sum_bound_i64(&small);
            assert_eq!(s, small.iter().sum::<i64>());
            assert_eq!(o, small.iter().fold(0, |a, x| a | x.unsigned_abs()));
            let (s, o) = sum_bound_u64(&w);
            assert_eq!(s, w.iter().fold(0u64, |a, x| a.wrapping_add(*x)));
            assert_eq!(o, w.iter().fold(0, |a, x| a | x));
            for at in [0, n / 2, n.saturating_sub(1)] {
                let mut z = odd.clone();
                if n > 0 {
                    z[at] = 0;
                }
                assert_eq!(all_nonzero(&z, |x| x != 0), z.iter().all(|x| *x != 0));
                assert_eq!(any_nonzero(&z, |x| x == 0), z.contains(&0));
                let f: Vec<f64> = z.iter().map(|x| *x as f64).collect();
                assert_eq!(all_nonzero(&f, |x| x != 0.0), f.iter().all(|x| *x != 0.0));
                let bt: Vec<u8> = z.iter().map(|x| u8::from(*x != 0)).collect();
                assert_eq!(first_byte(&bt, 0), bt.iter().position(|x| *x == 0));
            }
        }
    }

    #[test]
    fn float_product_skips_nans() {
        let v = [2.0, f64::NAN, 3.0, 0.5, 4.0, 1.0, 1.0, 1.0, 1.0, 2.0];
        assert_eq!(float_prod(&v, true), 24.0);
        assert!(float_prod(&v, false).is_nan());
        assert_eq!(float_prod(&[], false), 1.0);
        // A zero before an overflow: NumPy's chain gives 0, never NaN.
        let mut big = vec![1e300; 40];
        big[0] = 0.0;
        assert_eq!(float_prod(&big, false), 0.0);
        big[5] = f64::NAN;
        assert_eq!(float_prod(&big, true), 0.0);
        assert!(float_prod(&big, false).is_nan());
    }

    #[test]
    fn histogram_counts_as_arkouda() {
        let v = [
            0.0,
            0.5,
            1.0,
            2.5,
            3.0,
            -1.0,
            4.0,
            f64::NAN,
            2.999_999_999_999_999_6,
        ];
        assert_eq!(histogram(&v, (0.0, 3.0), 3, |x| x), [2, 1, 3]);
        assert_eq!(histogram(&v, (1.0, 1.0), 2, |x| x), [0, 1]);
        assert_eq!(histogram(&v, (5.0, 1.0), 2, |x| x), [0, 0]);
        let big: Vec<i64> = (0..200_000).collect();
        let h = histogram(&big, (0.0, 199_999.0), 4, |x| x as f64);
        assert_eq!(h, [50_000; 4]);
        let many = histogram(&big, (0.0, 200_000.0), 100_000, |x| x as f64);
        assert!(many.iter().all(|&c| c == 2));
    }

    #[test]
    fn all_close_as_numpy() {
        let tol = Tolerance {
            rtol: 1e-5,
            atol: 1e-8,
            equal_nan: false,
        };
        let pair = |a: &[f64], b: &[f64], t| {
            let (a, b) = (
                ArrayData::Float64(a.to_vec()),
                ArrayData::Float64(b.to_vec()),
            );
            all_close(a.len(), &Side::Arr(&a), &Side::Arr(&b), t)
        };
        assert!(pair(&[1.0, 2.0, 3.0], &[1.0, 2.00001, 2.99999], tol));
        assert!(!pair(&[1.0], &[1.0001], tol));
        assert!(pair(
            &[f64::INFINITY, -f64::INFINITY],
            &[f64::INFINITY, -f64::INFINITY],
            tol
        ));
        assert!(!pair(&[f64::INFINITY], &[-f64::INFINITY], tol));
        assert!(!pair(&[f64::INFINITY], &[1e308], tol));
        assert!(!pair(&[f64::NAN], &[f64::NAN], tol));
        let nan_ok = Tolerance {
            equal_nan: true,
            ..tol
        };
        assert!(pair(&[f64::NAN, 1.0], &[f64::NAN, 1.0], nan_ok));
        assert!(!pair(&[f64::NAN], &[1.0], nan_ok));
        assert!(pair(&[], &[], tol));
        // Mixed dtypes, over several cores and blocks (the last one short).
        let big: Vec<i64> = (0..200_001).collect();
        let mut near: Vec<f64> = big.iter().map(|&x| x as f64 * (1.0 + 1e-6)).collect();
        let ints = ArrayData::Int64(big);
        let close = |near: &[f64]| {
            let floats = ArrayData::Float64(near.to_vec());
            all_close(near.len(), &Side::Arr(&ints), &Side::Arr(&floats), tol)
        };
        assert!(close(&near));
        near[150_000] += 10.0;
        assert!(!close(&near));
        near[150_000] -= 10.0;
        near[200_000] += 10.0;
        assert!(!close(&near));
    }
}
