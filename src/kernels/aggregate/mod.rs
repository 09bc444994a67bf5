//! Aggregation kernels: whole-slice folds (sums, products, any/all, counts),
//! minimum and maximum, the index of the first best element, sortedness,
//! and NumPy's pairwise float sum in NumPy's order.
//!
//! Speed: every loop that reads the whole slice is written so that the
//! compiler can vectorise it (fixed arrays of lane accumulators over
//! `chunks_exact`, no branch per element, a NaN seen counted in a lane
//! rather than tested), runs on every core ([`fold_chunks`]), and is
//! compiled a second time for AVX2 ([`super::simd::wide`]): the baseline
//! x86_64 target (SSE2) has no 64-bit compare, so a min/max of int64 would
//! otherwise cost a dozen instructions per pair of elements. Searches (the
//! first NaN, the first true or false byte) stop at what they look for.
//!
//! - [`extreme`]: min, max, argmin, argmax.
//! - [`count`]: sums and products of integers, counts of true bytes,
//!   any/all, exact integer sums for means.
//! - [`pairwise`]: NumPy's `np.sum` order for float sums, means and
//!   variances.

mod count;
mod extreme;
mod pairwise;

pub use count::{Tolerance, all_close};
pub use count::{
    Wrap, int_prod, int_sum, sum_bound_i64, sum_bound_u64, sum_u8, u8_prod, wrap_fold,
};
pub use count::{
    all_nonzero, any_nonzero, bytes_of, count_true, first_byte, float_prod, histogram,
    trues_by_chunk,
};
pub use extreme::{arg_extreme, arg_extreme_bool, extreme, extreme_f64, extremes, pick_f64};
pub(crate) use pairwise::{Two, nan_sum_count, np_sum, pairwise};

use super::fold_chunks;

/// Folds `v` per chunk with `f` from `init`, then combines the chunk results.
pub fn fold<T: Copy + Sync, R: Copy + Send + Sync>(
    v: &[T],
    init: R,
    f: impl Fn(R, T) -> R + Sync,
    combine: impl Fn(R, R) -> R,
) -> R {
    fold_chunks(v, |c| c.iter().fold(init, |acc, x| f(acc, *x)))
        .into_iter()
        .fold(init, combine)
}

/// Whether `le` holds for every neighbouring pair; chunks are checked in
/// parallel and then joined at their seams.
pub fn sorted_by<T: Copy + Send + Sync>(v: &[T], le: impl Fn(T, T) -> bool + Sync) -> bool {
    let parts = fold_chunks(v, |c| {
        let inside = c.windows(2).all(|w| le(w[0], w[1]));
        (inside, c.first().copied(), c.last().copied())
    });
    parts.iter().all(|p| p.0)
        && parts.windows(2).all(|w| match (w[0].2, w[1].1) {
            (Some(a), Some(b)) => le(a, b),
            _ => true,
        })
}

/// Deterministic pseudo-random words for the kernels' tests.
#[cfg(test)]
pub(crate) fn test_words(n: usize, seed: u64) -> Vec<u64> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect()
}
