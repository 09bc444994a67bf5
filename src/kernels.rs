//! Data-parallel building blocks for the array commands: build a vector
//! chunk by chunk, or fold a slice chunk by chunk, on every core once the
//! array is large enough to be worth the threads.

use std::mem::MaybeUninit;
use std::ops::Range;
use std::thread;

/// Arrays shorter than this are handled on the calling thread.
pub const PAR_THRESHOLD: usize = 1 << 16;

/// How many threads to use for `n` elements.
pub fn threads_for(n: usize) -> usize {
    if n < PAR_THRESHOLD {
        return 1;
    }
    let cores = thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(n / (PAR_THRESHOLD / 2)).max(1)
}

/// Builds a vector of `n` elements: `fill(start, chunk)` must write every
/// element of `chunk`, which holds elements `start..start + chunk.len()`.
/// Chunks are filled in parallel for large `n`.
pub fn build<T: Send>(n: usize, fill: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(n);
    let spare = &mut out.spare_capacity_mut()[..n];
    let threads = threads_for(n);
    if threads == 1 {
        fill(0, spare);
    } else {
        let per = n.div_ceil(threads);
        thread::scope(|s| {
            for (k, chunk) in spare.chunks_mut(per).enumerate() {
                let fill = &fill;
                s.spawn(move || fill(k * per, chunk));
            }
        });
    }
    // SAFETY: `fill` wrote all `n` elements (every chunk of `spare` was
    // handed to it and it must write each element); a panic in any chunk
    // propagates out of the scope before this point, leaving `out` empty.
    unsafe { out.set_len(n) };
    out
}

/// `f` of every element of `v`, in order, computed on every core for
/// large slices.
pub fn map<S: Copy + Sync, T: Send>(v: &[S], f: impl Fn(S) -> T + Sync) -> Vec<T> {
    build(v.len(), |start, chunk| {
        for (o, x) in chunk.iter_mut().zip(&v[start..]) {
            o.write(f(*x));
        }
    })
}

/// The length of the chunks `0..n` is split into, one per thread.
pub fn chunk_len(n: usize) -> usize {
    n.div_ceil(threads_for(n)).max(1)
}

/// Runs `f` on each chunk range of `0..n` (in parallel for large `n`) and
/// returns the results in order.
pub fn map_ranges<R: Send>(n: usize, f: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let per = chunk_len(n);
    let ranges: Vec<Range<usize>> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
    if ranges.len() <= 1 {
        return vec![f(0..n)];
    }
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|r| {
                let f = &f;
                s.spawn(move || f(r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Folds `v` chunk by chunk (in parallel for large slices) and returns the
/// per-chunk results in order; the caller combines them.
pub fn fold_chunks<T: Sync, R: Send>(v: &[T], fold: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    map_ranges(v.len(), |r| fold(&v[r]))
}

/// Builds a vector from `src` in matching chunks: every `src_unit` source
/// items give `dst_unit` output items, and `fill(src_chunk, out_chunk)` must
/// write all of `out_chunk`. `src.len()` must be a multiple of `src_unit`.
/// Chunks are converted in parallel for large inputs.
pub fn convert<S: Sync, D: Send>(
    src: &[S],
    src_unit: usize,
    dst_unit: usize,
    fill: impl Fn(&[S], &mut [MaybeUninit<D>]) + Sync,
) -> Vec<D> {
    assert!(src_unit > 0 && src.len().is_multiple_of(src_unit));
    let units = src.len() / src_unit;
    let n = units * dst_unit;
    let mut out: Vec<D> = Vec::with_capacity(n);
    let spare = &mut out.spare_capacity_mut()[..n];
    // Thread count by bytes moved, so byte-sized inputs split like words.
    let threads = threads_for(units * dst_unit.max(src_unit));
    if threads == 1 {
        fill(src, spare);
    } else {
        let per = units.div_ceil(threads);
        thread::scope(|s| {
            for (i, o) in src
                .chunks(per * src_unit)
                .zip(spare.chunks_mut(per * dst_unit))
            {
                let fill = &fill;
                s.spawn(move || fill(i, o));
            }
        });
    }
    // SAFETY: as in `build`: the chunks cover all `n` elements and `fill`
    // writes each; a panic propagates before this point.
    unsafe { out.set_len(n) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_fold_large() {
        let n = PAR_THRESHOLD * 3 + 7;
        let v: Vec<u64> = build(n, |start, chunk| {
            for (k, o) in chunk.iter_mut().enumerate() {
                o.write((start + k) as u64);
            }
        });
        assert!(v.iter().enumerate().all(|(i, x)| *x == i as u64));
        let sums = fold_chunks(&v, |c| c.iter().sum::<u64>());
        assert_eq!(sums.iter().sum::<u64>(), (n as u64) * (n as u64 - 1) / 2);
        let bytes: Vec<u8> = convert(&v, 1, 8, |src, out| {
            for (x, o) in src.iter().zip(out.chunks_exact_mut(8)) {
                for (b, o) in x.to_le_bytes().into_iter().zip(o) {
                    o.write(b);
                }
            }
        });
        assert_eq!(bytes.len(), 8 * n);
        assert_eq!(bytes[8 * (n - 1)..], ((n - 1) as u64).to_le_bytes());
        let back: Vec<u64> = convert(&bytes, 8, 1, |src, out| {
            for (c, o) in src.chunks_exact(8).zip(out) {
                o.write(u64::from_le_bytes(c.try_into().unwrap()));
            }
        });
        assert_eq!(back, v);
        let empty: Vec<u8> = build(0, |_, c| assert!(c.is_empty()));
        assert!(empty.is_empty());
    }
}
