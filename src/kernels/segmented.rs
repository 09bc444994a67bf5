//! Segmented reductions: one result per segment (a group's values, whole
//! and in grouped order) for GroupBy's `segmentedReduction`.
//!
//! Each function reduces ONE segment on the calling thread, always in the
//! same order (left to right, or NumPy's pairwise tree for float sums), so
//! a result depends only on the segment's values, never on the number of
//! ranks or threads; [`per_segment`] runs them over many segments on every
//! core. Float semantics are NumPy's: `skip_nan` gives the `nan*` variant
//! (`np.nansum`, `np.nanmean`, `np.nanvar`, `np.nanmedian`, ...).

use std::cmp::Ordering;
use std::ops::{BitAnd, BitOr, BitXor, Not, Range};

use rayon::prelude::*;

use super::aggregate::{Two, pairwise};
use super::{install, threads_for};

/// An element type that can be reduced.
pub trait Value: Copy + Send + Sync + 'static {
    fn f64(self) -> f64;
    fn is_nan(self) -> bool {
        false
    }
    /// A key whose unsigned order is the value order (NaNs last, as one
    /// value) and which is equal exactly for equal values (-0.0 == 0.0).
    fn key(self) -> u64;
    /// What `min` / `max` give for no values: NaN for floats (pandas);
    /// for the others Arkouda's sentinels, the type's largest / smallest.
    const EMPTY_MIN: Self;
    const EMPTY_MAX: Self;
    /// What `first` and `mode` give for no values: NaN, or the type's zero.
    const NONE: Self;
    /// The exact sum of integer values rounded once to float64; `None` for
    /// floats (summed pairwise instead).
    fn exact_sum(_v: &[Self]) -> Option<f64> {
        None
    }
}

impl Value for i64 {
    const EMPTY_MIN: Self = i64::MAX;
    const EMPTY_MAX: Self = i64::MIN;
    const NONE: Self = 0;
    fn exact_sum(v: &[Self]) -> Option<f64> {
        // In i64 while it does not overflow (rounded the same way): the
        // 128-bit sum and its conversion, a library call, made GroupBy's
        // mean of one-element groups 4x its sum (10^7 groups: 0.10 s
        // against 0.037 s this way).
        Some(match v.iter().try_fold(0i64, |a, x| a.checked_add(*x)) {
            Some(s) => s as f64,
            None => v.iter().map(|x| i128::from(*x)).sum::<i128>() as f64,
        })
    }
    fn f64(self) -> f64 {
        self as f64
    }
    fn key(self) -> u64 {
        (self as u64) ^ (1 << 63)
    }
}

impl Value for u64 {
    const EMPTY_MIN: Self = u64::MAX;
    const EMPTY_MAX: Self = 0;
    const NONE: Self = 0;
    fn exact_sum(v: &[Self]) -> Option<f64> {
        Some(match v.iter().try_fold(0u64, |a, x| a.checked_add(*x)) {
            Some(s) => s as f64,
            None => v.iter().map(|x| u128::from(*x)).sum::<u128>() as f64,
        })
    }
    fn f64(self) -> f64 {
        self as f64
    }
    fn key(self) -> u64 {
        self
    }
}

impl Value for u8 {
    const EMPTY_MIN: Self = u8::MAX;
    const EMPTY_MAX: Self = 0;
    const NONE: Self = 0;
    fn exact_sum(v: &[Self]) -> Option<f64> {
        Some(v.iter().map(|x| u64::from(*x)).sum::<u64>() as f64)
    }
    fn f64(self) -> f64 {
        f64::from(self)
    }
    fn key(self) -> u64 {
        u64::from(self)
    }
}

impl Value for bool {
    const EMPTY_MIN: Self = true;
    const EMPTY_MAX: Self = false;
    const NONE: Self = false;
    fn exact_sum(v: &[Self]) -> Option<f64> {
        Some(v.iter().filter(|b| **b).count() as f64)
    }
    fn f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn key(self) -> u64 {
        u64::from(self)
    }
}

impl Value for f64 {
    const EMPTY_MIN: Self = f64::NAN;
    const EMPTY_MAX: Self = f64::NAN;
    const NONE: Self = f64::NAN;
    fn f64(self) -> f64 {
        self
    }
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    fn key(self) -> u64 {
        if self.is_nan() {
            return u64::MAX;
        }
        // +0.0 for -0.0; then the usual flip to an unsigned order.
        let b = (self + 0.0).to_bits();
        if b >> 63 == 1 { !b } else { b | (1 << 63) }
    }
}

/// GroupBy's int64 segment starts as they are, made relative to `base`
/// (where the values at hand begin), with `end` after the last segment:
/// segment k is `at(k)..at(k + 1)`. No array of bounds is built, which for
/// millions of one-element groups is a pass as long as the reduction.
pub struct Starts<'a> {
    pub starts: &'a [i64],
    pub base: usize,
    pub end: usize,
}

impl Starts<'_> {
    fn segments(&self) -> usize {
        self.starts.len()
    }
    #[inline]
    fn at(&self, k: usize) -> usize {
        match self.starts.get(k) {
            Some(&s) => s as usize - self.base,
            None => self.end - self.base,
        }
    }
}

/// The length of every segment of `bounds`: neighbouring starts
/// subtracted in one vectorised pass (on every core), with no call per
/// segment.
pub fn lengths(bounds: &Starts) -> Vec<i64> {
    let s = bounds.starts;
    let Some(&last) = s.last() else {
        return Vec::new();
    };
    let n = s.len();
    super::build(n, |start, chunk| {
        let end = (start + chunk.len()).min(n - 1);
        let pairs = s[start..=end].windows(2);
        for (o, w) in chunk.iter_mut().zip(pairs) {
            o.write(w[1] - w[0]);
        }
        // The last segment ends where the values do.
        if start + chunk.len() == n {
            chunk[chunk.len() - 1].write(bounds.end as i64 - last);
        }
    })
}

/// `f(k, range)` for every segment k of `bounds` (the range of its values
/// in the slice they index), in order; segments are shared among threads
/// in runs of about equal weight (elements plus one per segment, for the
/// empty ones), once there is enough work. The runs are found by binary
/// search and write their results in place: with millions of tiny
/// segments (GroupBy on nearly unique keys) a sequential pass to cut the
/// runs, or a copy to join them, cost more than the reductions.
pub fn per_segment<R: Send>(
    bounds: &Starts,
    f: impl Fn(usize, Range<usize>) -> R + Sync,
) -> Vec<R> {
    let segs = bounds.segments();
    let seg = |k: usize| f(k, bounds.at(k)..bounds.at(k + 1));
    let work = if segs == 0 {
        0
    } else {
        bounds.at(segs) - bounds.at(0) + segs
    };
    let threads = threads_for(work);
    if threads == 1 || segs < 2 {
        return (0..segs).map(seg).collect();
    }
    // Weight before segment k, rising with k; run p starts at the first
    // segment whose weight reaches p / pieces of the whole.
    let weight = |k: usize| bounds.at(k) - bounds.at(0) + k;
    let first_reaching = |target: usize| {
        let (mut lo, mut hi) = (0, segs);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if weight(mid) < target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let pieces = (threads * 4).min(segs);
    let mut cuts: Vec<usize> = (0..pieces)
        .map(|p| first_reaching(p * work / pieces))
        .chain([segs])
        .collect();
    cuts.dedup();
    let mut out: Vec<R> = Vec::with_capacity(segs);
    let mut runs = Vec::with_capacity(cuts.len());
    let mut rest = &mut out.spare_capacity_mut()[..segs];
    for w in cuts.windows(2) {
        let (run, tail) = rest.split_at_mut(w[1] - w[0]);
        runs.push((w[0], run));
        rest = tail;
    }
    install(|| {
        runs.into_par_iter().for_each(|(k0, run)| {
            for (j, o) in run.iter_mut().enumerate() {
                o.write(seg(k0 + j));
            }
        })
    });
    // SAFETY: the runs cover all `segs` slots (cuts go from 0 to segs) and
    // each wrote every slot of its run; a panic in `f` propagates before
    // this point, leaving `out` empty.
    unsafe { out.set_len(segs) };
    out
}

/// The values that are not NaN.
pub fn count<T: Value>(v: &[T]) -> i64 {
    v.iter().filter(|x| !x.is_nan()).count() as i64
}

/// Wrapping integer sum, as NumPy's int64/uint64 sums overflow.
pub fn sum_wrapping<T: Copy, A: Copy>(v: &[T], zero: A, add: impl Fn(A, T) -> A) -> A {
    v.iter().fold(zero, |a, x| add(a, *x))
}

/// `np.sum` (or `np.nansum`) of float64 values.
pub fn sum_f64(v: &[f64], skip_nan: bool) -> f64 {
    if skip_nan {
        pairwise(v, &|x: f64| if x.is_nan() { 0.0 } else { x })
    } else {
        pairwise(v, &|x| x)
    }
}

/// The product as float64, left to right; NaNs count as 1 when skipped.
/// Empty: 1.0.
pub fn prod<T: Value>(v: &[T], skip_nan: bool) -> f64 {
    v.iter()
        .filter(|x| !(skip_nan && x.is_nan()))
        .fold(1.0, |p, x| p * x.f64())
}

/// Sum and count of the values as float64 (NaNs left out when skipped):
/// integers summed exactly and rounded once, floats with NumPy's pairwise
/// sum (`np.nansum` replaces NaNs by 0, so the tree is the same).
fn float_sum<T: Value>(v: &[T], skip_nan: bool) -> (f64, usize) {
    if let Some(s) = T::exact_sum(v) {
        (s, v.len())
    } else if skip_nan {
        let nan_sum = |x: T| {
            if x.is_nan() {
                Two(0.0, 0.0)
            } else {
                Two(x.f64(), 1.0)
            }
        };
        let Two(s, n) = pairwise(v, &nan_sum);
        (s, n as usize)
    } else {
        (pairwise(v, &|x: T| x.f64()), v.len())
    }
}

/// The mean; NaN when nothing is left to average (NumPy's 0/0).
pub fn mean<T: Value>(v: &[T], skip_nan: bool) -> f64 {
    let (s, n) = float_sum(v, skip_nan);
    s / n as f64
}

/// The variance with divisor `count - ddof` (NumPy's two passes: the mean,
/// then the pairwise sum of squared deviations); NaN when the divisor is
/// not positive, as pandas and Arkouda give.
pub fn var<T: Value>(v: &[T], skip_nan: bool, ddof: i64) -> f64 {
    let (s, n) = float_sum(v, skip_nan);
    let m = s / n as f64;
    let sq = if skip_nan {
        pairwise(v, &|x: T| {
            if x.is_nan() {
                0.0
            } else {
                let d = x.f64() - m;
                d * d
            }
        })
    } else {
        pairwise(v, &|x: T| {
            let d = x.f64() - m;
            d * d
        })
    };
    let div = n as i128 - i128::from(ddof);
    if div > 0 { sq / div as f64 } else { f64::NAN }
}

/// The order of values by key (NaNs last).
fn by_key<T: Value>(a: &T, b: &T) -> Ordering {
    a.key().cmp(&b.key())
}

/// NumPy's median (mean of the two middle values for an even count); NaN
/// when empty, or when a NaN is present and not skipped.
pub fn median<T: Value>(v: &[T], skip_nan: bool) -> f64 {
    let has_nan = v.iter().any(|x| x.is_nan());
    if has_nan && !skip_nan {
        return f64::NAN;
    }
    let mut w: Vec<T> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    let n = w.len();
    if n == 0 {
        return f64::NAN;
    }
    let (_, hi, _) = w.select_nth_unstable_by(n / 2, by_key);
    let hi = hi.f64();
    if n % 2 == 1 {
        return hi;
    }
    // The lower middle is the largest of the lower half.
    let lo = w[..n / 2]
        .iter()
        .copied()
        .max_by(by_key)
        .expect("n >= 2")
        .f64();
    (lo + hi) / 2.0
}

/// Smallest (`max == false`) or largest value; `None` when there is none
/// (empty, or only skipped NaNs); NaN when a NaN is met and not skipped.
pub fn extreme<T: Value>(v: &[T], max: bool, skip_nan: bool) -> Option<T> {
    let mut best: Option<T> = None;
    for &x in v {
        if x.is_nan() {
            if skip_nan {
                continue;
            }
            return Some(x);
        }
        let better = match best {
            None => true,
            Some(b) if max => x.key() > b.key(),
            Some(b) => x.key() < b.key(),
        };
        if better {
            best = Some(x);
        }
    }
    best
}

/// Position of the first smallest (largest) value; a NaN not skipped wins
/// (NumPy's `argmin`); with only NaNs, the first one. `None` when empty.
pub fn arg_extreme<T: Value>(v: &[T], max: bool, skip_nan: bool) -> Option<usize> {
    if !skip_nan && let Some(i) = v.iter().position(|x| x.is_nan()) {
        return Some(i);
    }
    let mut best: Option<(usize, u64)> = None;
    for (i, x) in v.iter().enumerate() {
        if x.is_nan() {
            continue;
        }
        let k = x.key();
        let better = match best {
            None => true,
            Some((_, b)) if max => k > b,
            Some((_, b)) => k < b,
        };
        if better {
            best = Some((i, k));
        }
    }
    best.map(|(i, _)| i)
        .or(if v.is_empty() { None } else { Some(0) })
}

/// The sorted keys of the values (NaNs left out when skipped).
fn sorted_keys<T: Value>(v: &[T], skip_nan: bool) -> Vec<u64> {
    let mut k: Vec<u64> = v
        .iter()
        .filter(|x| !(skip_nan && x.is_nan()))
        .map(|x| x.key())
        .collect();
    k.sort_unstable();
    k
}

/// Distinct values (-0.0 and 0.0 are one; NaNs are one value unless
/// skipped, as pandas' `nunique(dropna=...)`).
pub fn nunique<T: Value>(v: &[T], skip_nan: bool) -> i64 {
    let k = sorted_keys(v, skip_nan);
    (k.len() - k.windows(2).filter(|w| w[0] == w[1]).count()) as i64
}

/// The most common value; of several, the one that appears first. NaNs
/// are one value unless skipped. `None` when there is none.
pub fn mode<T: Value>(v: &[T], skip_nan: bool) -> Option<T> {
    // (key, first position) sorted: each run of one key starts at its
    // first occurrence.
    let mut kp: Vec<(u64, usize)> = v
        .iter()
        .enumerate()
        .filter(|(_, x)| !(skip_nan && x.is_nan()))
        .map(|(i, x)| (x.key(), i))
        .collect();
    kp.sort_unstable();
    let mut best: Option<(usize, usize)> = None; // (count, first position)
    let mut i = 0;
    while i < kp.len() {
        let j = i + kp[i..].iter().take_while(|p| p.0 == kp[i].0).count();
        let (n, at) = (j - i, kp[i].1);
        if best.is_none_or(|(bn, bat)| n > bn || (n == bn && at < bat)) {
            best = Some((n, at));
        }
        i = j;
    }
    best.map(|(_, at)| v[at])
}

/// The first value (the first that is not NaN, when skipping, as pandas'
/// `first`).
pub fn first<T: Value>(v: &[T], skip_nan: bool) -> Option<T> {
    v.iter().copied().find(|x| !(skip_nan && x.is_nan()))
}

/// Bitwise reductions; an empty segment gives the identity (0 for or and
/// xor, all ones for and).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BitOp {
    Or,
    And,
    Xor,
}

pub fn bits<T>(v: &[T], op: BitOp) -> T
where
    T: Copy
        + Default
        + BitOr<Output = T>
        + BitAnd<Output = T>
        + BitXor<Output = T>
        + Not<Output = T>,
{
    match op {
        BitOp::Or => v.iter().fold(T::default(), |a, x| a | *x),
        BitOp::And => v.iter().fold(!T::default(), |a, x| a & *x),
        BitOp::Xor => v.iter().fold(T::default(), |a, x| a ^ *x),
    }
}

/// The first `n` (or, `tail`, last `n`) positions of a segment.
pub fn head_tail(r: Range<usize>, n: usize, tail: bool) -> Range<usize> {
    let take = r.len().min(n);
    if tail {
        r.end - take..r.end
    } else {
        r.start..r.start + take
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lengths from neighbouring starts match the ranges per_segment
    /// hands out, at sizes that split among threads and not.
    #[test]
    fn lengths_match_segment_ranges() {
        for n in [0usize, 1, 2, 7, 100_003] {
            let starts: Vec<i64> = (0..n as i64).map(|k| 5 + k * 3 - k % 2).collect();
            let end = 5 + 3 * n + 4;
            let b = Starts {
                starts: &starts,
                base: 5,
                end,
            };
            assert_eq!(lengths(&b), per_segment(&b, |_, r| r.len() as i64), "{n}");
        }
    }

    #[test]
    fn keys_order_values() {
        let f = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
            f64::NAN,
        ];
        assert!(f.windows(2).all(|w| w[0].key() <= w[1].key()));
        assert_eq!((-0.0f64).key(), 0.0f64.key());
        assert!((-1i64).key() < 0i64.key());
        assert_eq!((-f64::NAN).key(), f64::NAN.key());
    }

    #[test]
    fn per_segment_keeps_order_at_any_size() {
        let mut starts = vec![0i64];
        for k in 0..50_000 {
            starts.push(starts[k] + (k % 5) as i64);
        }
        let end = starts.pop().unwrap() as usize;
        let b = Starts {
            starts: &starts,
            base: 0,
            end,
        };
        let got = per_segment(&b, |k, r| (k, r.len()));
        assert!(
            got.iter()
                .enumerate()
                .all(|(i, (k, l))| i == *k && *l == i % 5)
        );
        // Millions of tiny segments, a run of empty ones and one huge one,
        // through int64 starts relative to a base, as GroupBy sends them.
        let mut starts: Vec<i64> = (0..1_000_000).map(|i| 100 + i / 2).collect();
        starts.extend(std::iter::repeat_n(500_100, 1000));
        starts.push(500_100);
        let b = Starts {
            starts: &starts,
            base: 100,
            end: 2_000_100,
        };
        let got = per_segment(&b, |k, r| (k, r.start, r.len()));
        assert_eq!(got.len(), starts.len());
        for (i, &(k, at, len)) in got.iter().enumerate() {
            let want_end = starts.get(i + 1).map_or(2_000_100, |&s| s as usize);
            assert_eq!((k, at), (i, starts[i] as usize - 100), "segment {i}");
            assert_eq!(len, want_end - starts[i] as usize, "segment {i}");
        }
    }

    #[test]
    fn medians_modes_and_args() {
        assert_eq!(median(&[3i64, 1, 2, 10], false), 2.5);
        assert_eq!(median(&[3.0, f64::NAN, 1.0], true), 2.0);
        assert!(median(&[3.0, f64::NAN], false).is_nan());
        assert_eq!(mode(&[4i64, 5, 5, 4, 6], false), Some(4));
        assert_eq!(
            arg_extreme(&[2.0, f64::NAN, 1.0, 1.0], false, true),
            Some(2)
        );
        assert_eq!(arg_extreme(&[2.0, f64::NAN, 1.0], false, false), Some(1));
        assert_eq!(nunique(&[0.0, -0.0, f64::NAN, f64::NAN], false), 2);
        assert_eq!(bits(&[6i64, 3], BitOp::And), 2);
        assert_eq!(bits::<u64>(&[], BitOp::And), u64::MAX);
    }
}
