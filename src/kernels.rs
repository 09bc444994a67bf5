//! Data-parallel building blocks for the array commands: build a vector
//! chunk by chunk, or fold a slice chunk by chunk, on every core once the
//! array is large enough to be worth the threads.

use std::mem::MaybeUninit;
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

/// Folds `v` chunk by chunk (in parallel for large slices) and returns the
/// per-chunk results in order; the caller combines them.
pub fn fold_chunks<T: Sync, R: Send>(v: &[T], fold: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = threads_for(v.len());
    if threads == 1 {
        return vec![fold(v)];
    }
    let per = v.len().div_ceil(threads);
    thread::scope(|s| {
        let handles: Vec<_> = v
            .chunks(per)
            .map(|chunk| {
                let fold = &fold;
                s.spawn(move || fold(chunk))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
        let empty: Vec<u8> = build(0, |_, c| assert!(c.is_empty()));
        assert!(empty.is_empty());
    }
}
