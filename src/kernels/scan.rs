//! Inclusive scans (cumulative sums and products) of a slice under any
//! associative operator, on all cores, and their inverse, the differences
//! of neighbours ([`differences`]).
//!
//! Large arrays are scanned in two passes: each chunk's total in parallel,
//! then each chunk again from the combined totals of the chunks before it.
//! Integer results are exact (wrapping arithmetic is associative). Below
//! `kernels::PAR_THRESHOLD` elements float64 results are NumPy's bit for
//! bit (one sequential pass); above it every element is still a running
//! sum (product) element by element, but started from the sum of the
//! earlier chunks' totals, so it may differ from NumPy's sequential result
//! in the last bits, as any regrouping of a float sum may.

use std::mem::MaybeUninit;

use super::{Plain, build, fold_chunks, streams, threads_for, write_each};

/// The inclusive scan of `v` under `op`, each element read as `conv` gives
/// it, with `initial` first when given; `seed` is the running value before
/// `v[0]` (the earlier ranks' total), if any. `chunk_total` gives a
/// chunk's combination under `op` (`None` when empty): [`in_order`] for
/// floats, a lane loop where `op` may be regrouped (integers).
pub fn scan<T: Copy + Sync, R: Plain + Send + Sync>(
    v: &[T],
    initial: Option<R>,
    seed: Option<R>,
    conv: impl Fn(T) -> R + Sync,
    op: impl Fn(R, R) -> R + Sync,
    chunk_total: impl Fn(&[T]) -> Option<R> + Sync,
) -> Vec<R> {
    // The running value after `x`; the first element is taken as it is, as
    // NumPy's accumulate does (so a float cumsum keeps a leading -0.0).
    let step = |acc: Option<R>, x: T| Some(acc.map_or(conv(x), |a| op(a, conv(x))));
    // Pass 1: where each chunk starts and the running value before it.
    // One chunk (one thread: a small array, or a rank with one core) runs
    // on from `seed` alone: its total is never needed, and skipping it saves
    // a whole read of `v`.
    let totals = if threads_for(v.len()) == 1 {
        vec![(v.len(), None)]
    } else {
        fold_chunks(v, |c| (c.len(), chunk_total(c)))
    };
    let mut starts = Vec::with_capacity(totals.len());
    let (mut pos, mut before) = (0, seed);
    for (len, total) in totals {
        starts.push((pos, before));
        before = match (before, total) {
            (Some(a), Some(t)) => Some(op(a, t)),
            (a, t) => a.or(t),
        };
        pos += len;
    }
    // Pass 2: every output chunk runs on from the nearest start at or before
    // it (the chunks of `build` normally coincide with those of pass 1).
    let lead = usize::from(initial.is_some());
    let stream = streams::<R>(v.len());
    build(v.len() + lead, |start, chunk: &mut [MaybeUninit<R>]| {
        let (chunk, from) = match initial.filter(|_| start == 0) {
            Some(init) => {
                chunk[0].write(init);
                (&mut chunk[1..], 0)
            }
            None => (chunk, start - lead),
        };
        let k = starts.partition_point(|(p, _)| *p <= from) - 1;
        let (p, before) = starts[k];
        let input = &v[from..from + chunk.len()];
        // The hot loop below carries a plain value, not an Option.
        let (mut acc, done) = match v[p..from].iter().fold(before, |a, x| step(a, *x)) {
            Some(a) => (a, 0),
            None => match input.first() {
                Some(x) => (*chunk[0].write(conv(*x)), 1),
                None => return,
            },
        };
        let input = &input[done..];
        write_each(&mut chunk[done..], stream, |i| {
            acc = op(acc, conv(input[i]));
            acc
        });
    })
}

/// The combination under `op` of all of `v`, each chunk combined by
/// `chunk_total` on all cores and the chunks' results in order; `None`
/// when `v` is empty.
pub fn total<T: Copy + Sync, R: Copy + Send>(
    v: &[T],
    chunk_total: impl Fn(&[T]) -> Option<R> + Sync,
    op: impl Fn(R, R) -> R + Sync,
) -> Option<R> {
    fold_chunks(v, chunk_total)
        .into_iter()
        .flatten()
        .reduce(&op)
}

/// A chunk total that folds element by element from the first, as NumPy's
/// accumulate does (a float total must not be regrouped: it is the seed of
/// the next chunk's running values).
pub fn in_order<T: Copy, R: Copy>(
    conv: impl Fn(T) -> R,
    op: impl Fn(R, R) -> R,
) -> impl Fn(&[T]) -> Option<R> {
    move |c| {
        c.split_first()
            .map(|(x, rest)| rest.iter().fold(conv(*x), |a, y| op(a, conv(*y))))
    }
}

/// `v`'s n-th differences (NumPy's `diff`): `sub(v[i + 1], v[i])` for
/// each neighbouring pair, applied `n` times; `v.len() - n` elements, none
/// when `n >= v.len()`. Each round is one parallel pass.
pub fn differences<T: Copy + Send + Sync>(
    v: &[T],
    n: usize,
    sub: impl Fn(T, T) -> T + Sync,
) -> Vec<T> {
    if n >= v.len() {
        return Vec::new();
    }
    let round = |v: &[T]| {
        build(v.len() - 1, |start, chunk: &mut [MaybeUninit<T>]| {
            for (k, o) in chunk.iter_mut().enumerate() {
                o.write(sub(v[start + k + 1], v[start + k]));
            }
        })
    };
    if n == 0 {
        return v.to_vec();
    }
    let mut out = round(v);
    for _ in 1..n {
        out = round(&out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::PAR_THRESHOLD;
    use crate::kernels::aggregate::wrap_fold;

    /// Pass 2 must give the right answer wherever its chunks start,
    /// including with the leading initial value shifting them by one.
    #[test]
    fn scans_match_sequential_on_every_size() {
        for n in [
            0,
            1,
            2,
            PAR_THRESHOLD - 1,
            PAR_THRESHOLD,
            2 * PAR_THRESHOLD + 3,
        ] {
            let v: Vec<i64> = (0..n as i64).map(|i| i * 37 % 101 - 50).collect();
            let mut want = Vec::new();
            let mut acc = 0i64;
            for x in &v {
                acc = acc.wrapping_add(*x);
                want.push(acc);
            }
            let in_lanes = |c: &[i64]| (!c.is_empty()).then(|| wrap_fold(c, false, |x| x));
            let ordered = in_order(|x| x, i64::wrapping_add);
            assert_eq!(
                scan(&v, None, None, |x| x, i64::wrapping_add, in_lanes),
                want,
                "n = {n}"
            );
            assert_eq!(
                scan(&v, None, None, |x| x, i64::wrapping_add, &ordered),
                want,
                "n = {n}"
            );
            want.insert(0, 0);
            assert_eq!(
                scan(&v, Some(0), None, |x| x, i64::wrapping_add, &ordered),
                want,
                "n = {n}"
            );
        }
    }

    #[test]
    fn differences_as_numpy() {
        let v = [1i64, 2, 4, 7, 0];
        let sub = |a: i64, b: i64| a.wrapping_sub(b);
        assert_eq!(differences(&v, 0, sub), v);
        assert_eq!(differences(&v, 1, sub), [1, 2, 3, -7]);
        assert_eq!(differences(&v, 2, sub), [1, 1, -10]);
        assert_eq!(differences(&v, 3, sub), [0, -11]);
        assert_eq!(differences(&v, 4, sub), [-11]);
        assert!(differences(&v, 5, sub).is_empty());
        assert!(differences(&v, 9, sub).is_empty());
        let big: Vec<u64> = (0..300_000u64).map(|i| i * i).collect();
        let d = differences(&big, 2, |a: u64, b: u64| a.wrapping_sub(b));
        assert_eq!(d.len(), big.len() - 2);
        assert!(d.iter().all(|&x| x == 2));
    }
}
