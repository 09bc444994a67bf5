//! Minimum, maximum and the first index of either, in lane loops.
//!
//! Rules (NumPy's, except signed zeros): a NaN wins a float min or max
//! unless NaNs are skipped; argmin and argmax give the first NaN's index
//! when there is one, else the first index of the extreme value. Between
//! -0.0 and 0.0 a min gives -0.0 and a max 0.0 wherever they are (IEEE
//! 754-2019 minimum/maximum): NumPy's choice there depends on where its
//! SIMD lanes put the two zeros (and so on the CPU it runs on), and an
//! order-free rule gives the same reply at any thread and rank count.

use super::fold_chunks;

/// Bytes per block of the argmin/argmax search: the block that holds the
/// best value is read a second time to find its first index, from cache.
const ARG_BLOCK_BYTES: usize = 32 << 10;

/// `pick` folded over `v` from `init`, in `L` independent lanes (so the
/// compiler keeps them in vector registers), the lanes and the tail
/// folded last. `pick` must be associative and commutative.
#[inline(always)]
fn lanes<T: Copy, const L: usize>(v: &[T], init: T, pick: impl Fn(T, T) -> T) -> T {
    let (rows, rest) = v.as_chunks::<L>();
    let mut acc = [init; L];
    for row in rows {
        for (a, x) in acc.iter_mut().zip(row) {
            *a = pick(*a, *x);
        }
    }
    let r = acc.into_iter().fold(init, &pick);
    rest.iter().fold(r, |a, x| pick(a, *x))
}

/// `lanes` with 128 bytes of lanes for any element size (8 AVX2 registers'
/// worth for bytes, 4 for words).
#[inline(always)]
fn lanes_any<T: Copy>(v: &[T], init: T, pick: impl Fn(T, T) -> T) -> T {
    match size_of::<T>() {
        1 => lanes::<T, 128>(v, init, pick),
        2 => lanes::<T, 64>(v, init, pick),
        4 => lanes::<T, 32>(v, init, pick),
        _ => lanes::<T, 16>(v, init, pick),
    }
}

/// Smallest (`max == false`) or largest element; `None` when empty.
pub fn extreme<T: Copy + Ord + Send + Sync>(v: &[T], max: bool) -> Option<T> {
    let first = *v.first()?;
    let parts = fold_chunks(v, |c| {
        wide!({
            if max {
                lanes_any(c, first, Ord::max)
            } else {
                lanes_any(c, first, Ord::min)
            }
        })
    });
    let pick = if max { Ord::max } else { Ord::min };
    parts.into_iter().reduce(pick)
}

/// The smallest and the largest element in one pass; `None` when empty.
pub fn extremes<T: Copy + Ord + Send + Sync>(v: &[T]) -> Option<(T, T)> {
    let first = *v.first()?;
    let parts = fold_chunks(v, |c| {
        wide!({
            let (rows, rest) = c.as_chunks::<16>();
            let (mut lo, mut hi) = ([first; 16], [first; 16]);
            for row in rows {
                for ((l, h), &x) in lo.iter_mut().zip(&mut hi).zip(row) {
                    *l = (*l).min(x);
                    *h = (*h).max(x);
                }
            }
            let lo = rest
                .iter()
                .fold(lo.into_iter().fold(first, Ord::min), |a, &x| a.min(x));
            let hi = rest
                .iter()
                .fold(hi.into_iter().fold(first, Ord::max), |a, &x| a.max(x));
            (lo, hi)
        })
    });
    parts
        .into_iter()
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// The better of two numbers (no NaN), or of two equal ones the zero of
/// the sign `max` wants (bits OR for min gives -0.0, AND for max 0.0; on
/// other equal values both are no-ops).
#[inline(always)]
fn pick_number<const MAX: bool>(a: f64, x: f64) -> f64 {
    let (ab, xb) = (a.to_bits(), x.to_bits());
    let tie = f64::from_bits(if MAX { ab & xb } else { ab | xb });
    let better = if MAX { x > a } else { x < a };
    if x == a {
        tie
    } else if better {
        x
    } else {
        a
    }
}

/// Combines two partial minima (`max == false`) or maxima: a NaN wins,
/// else as the lane loops pick (so -0.0 beats 0.0 in a min, and the
/// reverse in a max).
pub fn pick_f64(max: bool, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if max {
        pick_number::<true>(a, b)
    } else {
        pick_number::<false>(a, b)
    }
}

/// Best number of `v` (the identity, ±inf, when it has none) and the count
/// of NaNs, which the lanes skip (a NaN compares false).
#[inline(always)]
fn best_and_nans<const MAX: bool>(v: &[f64]) -> (f64, usize) {
    const L: usize = 16;
    let init = if MAX {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let (rows, rest) = v.as_chunks::<L>();
    let mut acc = [init; L];
    let mut nans = [0u64; L];
    // Plain compares in the lanes (one vector min/max each); the sign of a
    // zero best is settled afterwards, which keeps the loop at memory speed.
    for row in rows {
        for ((a, n), x) in acc.iter_mut().zip(&mut nans).zip(row) {
            let better = if MAX { *x > *a } else { *x < *a };
            *a = if better { *x } else { *a };
            *n += u64::from(x.is_nan());
        }
    }
    let mut best = acc.into_iter().fold(init, pick_number::<MAX>);
    let mut nan = nans.iter().sum::<u64>() as usize;
    for x in rest {
        best = pick_number::<MAX>(best, *x);
        nan += usize::from(x.is_nan());
    }
    if best == 0.0 {
        // -0.0 wins a min and 0.0 a max when both are there.
        let want = if MAX { 0.0f64 } else { -0.0f64 };
        if v.iter().any(|x| x.to_bits() == want.to_bits()) {
            best = want;
        }
    }
    (best, nan)
}

/// Float minimum or maximum: `None` when empty (or, skipping NaNs, when
/// there is nothing else); NaN when a NaN is met and not skipped.
pub fn extreme_f64(v: &[f64], max: bool, skip_nan: bool) -> Option<f64> {
    let parts = fold_chunks(v, |c| {
        wide!({
            if max {
                best_and_nans::<true>(c)
            } else {
                best_and_nans::<false>(c)
            }
        })
    });
    let nans: usize = parts.iter().map(|p| p.1).sum();
    if v.is_empty() || (skip_nan && nans == v.len()) {
        return None;
    }
    if nans > 0 && !skip_nan {
        return Some(f64::NAN);
    }
    parts
        .into_iter()
        .map(|p| p.0)
        .reduce(|a, b| pick_f64(max, a, b))
}

/// NaN test for any `PartialOrd` type (always false for integers, where it
/// compiles to nothing).
#[inline(always)]
#[allow(clippy::eq_op)]
fn is_nan<T: PartialOrd>(x: &T) -> bool {
    x != x
}

/// Whether `a` beats `b` in an argmin (`MAX == false`) or argmax: a NaN
/// beats every number and nothing beats a NaN.
#[inline(always)]
fn beats<T: PartialOrd, const MAX: bool>(a: &T, b: &T) -> bool {
    (if MAX { a > b } else { a < b }) || (is_nan(a) && !is_nan(b))
}

/// Best value of a non-empty block (NaNs skipped) and whether it has a NaN,
/// in `L` lanes.
#[inline(always)]
fn block_best<T: Copy + PartialOrd, const MAX: bool, const L: usize>(b: &[T]) -> (T, bool) {
    let init = b[0];
    let (rows, rest) = b.as_chunks::<L>();
    let mut acc = [init; L];
    // Word flags, not bools: a float compare mask stays a vector lane
    // rather than being packed down to bytes every row.
    let mut nan = [0u64; L];
    for row in rows {
        for ((a, n), x) in acc.iter_mut().zip(&mut nan).zip(row) {
            *a = if if MAX { *x > *a } else { *x < *a } {
                *x
            } else {
                *a
            };
            *n |= u64::from(is_nan(x));
        }
    }
    let mut best = init;
    let mut any_nan = nan.iter().any(|n| *n != 0) || is_nan(&init);
    for x in acc.iter().chain(rest) {
        if if MAX { *x > best } else { *x < best } {
            best = *x;
        }
        any_nan |= is_nan(x);
    }
    (best, any_nan)
}

/// The first index of the best element of a non-empty `c` and that
/// element: block by block, the best value found with a lane loop; only
/// the first block holding the final best (or the first NaN) is searched
/// for its index.
#[inline(always)]
fn first_best<T: Copy + PartialOrd, const MAX: bool, const L: usize>(c: &[T]) -> (usize, T) {
    let block = (ARG_BLOCK_BYTES / size_of::<T>().max(1)).max(L);
    let mut best: Option<(usize, T)> = None;
    // A plain loop, as `wide` wants.
    let mut at = 0;
    while at < c.len() {
        let b = &c[at..(at + block).min(c.len())];
        let (m, nan) = block_best::<T, MAX, L>(b);
        if nan {
            let i = b.iter().position(is_nan).unwrap_or(0);
            return (at + i, b[i]);
        }
        if best.is_none_or(|(_, y)| beats::<T, MAX>(&m, &y)) {
            best = Some((at, m));
        }
        at += block;
    }
    let (start, m) = best.unwrap_or((0, c[0]));
    // `m` is an element of that block; `==` also finds a zero of either
    // sign, as argmin's first-index rule wants.
    let i = c[start..].iter().position(|x| *x == m).unwrap_or(0);
    (start + i, c[start + i])
}

#[inline(always)]
fn first_best_any<T: Copy + PartialOrd, const MAX: bool>(c: &[T]) -> (usize, T) {
    match size_of::<T>() {
        1 => first_best::<T, MAX, 128>(c),
        _ => first_best::<T, MAX, 16>(c),
    }
}

/// Index of the first element that no other one beats (argmax with `max`,
/// else argmin): the first NaN when there is one, else the first index of
/// the extreme value. `None` when empty.
pub fn arg_extreme<T: Copy + PartialOrd + Send + Sync>(v: &[T], max: bool) -> Option<usize> {
    let parts = fold_chunks(v, |c| {
        let found = (!c.is_empty()).then(|| {
            wide!({
                if max {
                    first_best_any::<T, true>(c)
                } else {
                    first_best_any::<T, false>(c)
                }
            })
        });
        (c.len(), found)
    });
    let mut offset = 0;
    let mut best: Option<(usize, T)> = None;
    // Chunks come in order, so a tie keeps the earlier chunk's index.
    for (len, found) in parts {
        if let Some((i, x)) = found {
            let better = match best {
                None => true,
                Some((_, b)) if max => beats::<T, true>(&x, &b),
                Some((_, b)) => beats::<T, false>(&x, &b),
            };
            if better {
                best = Some((offset + i, x));
            }
        }
        offset += len;
    }
    best.map(|(i, _)| i)
}

/// argmax (`max`) or argmin of a bool array: the first true (false), else
/// 0; `None` when empty. A byte search that stops at the first find.
pub fn arg_extreme_bool(v: &[bool], max: bool) -> Option<usize> {
    if v.is_empty() {
        return None;
    }
    Some(super::count::first_byte(super::bytes_of(v), u8::from(max)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::super::test_words;
    use super::*;

    fn scalar_arg<T: Copy + PartialOrd>(v: &[T], max: bool) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, x) in v.iter().enumerate() {
            let better = match best {
                None => true,
                Some(j) if max => beats::<T, true>(x, &v[j]),
                Some(j) => beats::<T, false>(x, &v[j]),
            };
            if better {
                best = Some(i);
            }
        }
        best
    }

    /// Lengths around the lane widths and the block size, and a parallel one.
    const LENS: [usize; 14] = [
        0, 1, 7, 8, 9, 15, 16, 17, 33, 127, 129, 4097, 40_000, 200_003,
    ];

    fn check_ints<T: Copy + Ord + Send + Sync + std::fmt::Debug>(of: impl Fn(u64) -> T) {
        for n in LENS {
            for (s, m) in [(1, u64::MAX), (2, 5), (3, 1)] {
                let v: Vec<T> = test_words(n, s * 7 + n as u64)
                    .into_iter()
                    .map(|w| of(w % m.max(1)))
                    .collect();
                for max in [false, true] {
                    let want = if max {
                        v.iter().copied().max()
                    } else {
                        v.iter().copied().min()
                    };
                    assert_eq!(extreme(&v, max), want, "n={n} max={max}");
                    assert_eq!(arg_extreme(&v, max), scalar_arg(&v, max), "n={n}");
                }
                let both = v.iter().copied().min().zip(v.iter().copied().max());
                assert_eq!(extremes(&v), both, "n={n}");
            }
        }
    }

    #[test]
    fn integer_lanes_match_a_scalar_loop() {
        check_ints(|w| w as i64);
        check_ints(|w| w);
        check_ints(|w| w as u8);
        check_ints(|w| (w as i64).wrapping_mul(-3) >> 40);
    }

    fn scalar_extreme_f64(v: &[f64], max: bool, skip: bool) -> Option<f64> {
        let mut best: Option<f64> = None;
        for x in v {
            if x.is_nan() && skip {
                continue;
            }
            best = Some(match best {
                None => *x,
                Some(b) => pick_f64(max, b, *x),
            });
        }
        best
    }

    #[test]
    fn float_lanes_match_a_scalar_loop() {
        let specials = [0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        for n in LENS {
            for (case, nan_every) in [(0, 0), (1, 3), (2, 1000), (3, 1)] {
                let w = test_words(n, 99 + case + n as u64);
                let v: Vec<f64> = w
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        if nan_every > 0 && (x % nan_every) == 0 && i > n / 2 {
                            f64::NAN
                        } else if x % 7 == 0 {
                            specials[(x / 7 % 5) as usize]
                        } else {
                            (x % 21) as f64 - 10.0
                        }
                    })
                    .collect();
                for max in [false, true] {
                    for skip in [false, true] {
                        let got = extreme_f64(&v, max, skip).map(f64::to_bits);
                        let want = scalar_extreme_f64(&v, max, skip).map(f64::to_bits);
                        let canon = |x: Option<u64>| {
                            x.map(|b| if f64::from_bits(b).is_nan() { 1 } else { b })
                        };
                        assert_eq!(canon(got), canon(want), "n={n} case={case} max={max}");
                    }
                    assert_eq!(arg_extreme(&v, max), scalar_arg(&v, max), "n={n}");
                }
            }
        }
    }

    #[test]
    fn signed_zeros_do_not_depend_on_order() {
        let mut v = vec![0.0; 100_000];
        for at in [0, 5, 16, 99_999] {
            v[at] = -0.0;
            assert!(extreme_f64(&v, false, false).unwrap().is_sign_negative());
            assert!(extreme_f64(&v, true, false).unwrap().is_sign_positive());
            assert_eq!(arg_extreme(&v, false), Some(0));
            v[at] = 0.0;
        }
    }

    #[test]
    fn bool_search() {
        for n in LENS {
            let v: Vec<bool> = test_words(n, 5).iter().map(|x| x % 9 == 0).collect();
            for max in [false, true] {
                assert_eq!(arg_extreme_bool(&v, max), scalar_arg(&v, max), "n={n}");
            }
        }
    }
}
