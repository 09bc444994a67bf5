//! Data-parallel building blocks for the array commands: build a vector
//! chunk by chunk, or fold a slice chunk by chunk, on every core once the
//! array is large enough to be worth the threads; the kernel families
//! (arith, cast, scan, select, aggregate, ord, math) are built on them.
//!
//! Threads: rayon's pool, not a scoped thread per chunk per call. Measured
//! by `cargo bench --bench threads` (2 cores shared with other builds, load
//! average 5-13; interleaved, medians of 7, 7 and 11; rayon / scoped time,
//! three runs): triad `c = a + k*b` over 10^8 float64 with `write_each`
//! 0.99, 1.07, 1.00 (noise); sum of 10^8 float64 0.97, 0.93, 0.77; one
//! radix pass over 10^7 (key, index) items 0.81, 0.86, 0.90; 2000 triads of
//! 2^17 elements 0.25, 0.36, 0.22 (a call just above `PAR_THRESHOLD` no
//! longer pays for spawning its threads: about 0.12 ms against 0.45 ms).
//! As fast on large arrays, faster on small ones, and the chunk loops are
//! rayon's. The chunks are the same as before (`chunk_len`), so results
//! (float sums included) do not change; the pool has `set_threads` threads
//! (all the machine's until set), so ranks sharing a node still split its
//! cores.

#[macro_use]
pub(crate) mod simd;

pub mod aggregate;
pub mod arith;
pub mod cast;
pub mod elem;
pub mod math;
pub mod member;
pub mod ord;
pub mod scan;
pub mod segmented;
pub mod select;

use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use rayon::prelude::*;

/// Arrays shorter than this are handled on the calling thread.
pub const PAR_THRESHOLD: usize = 1 << 16;

/// Cores this process may use; 0 until set: all the machine lets it have.
static CORES: AtomicUsize = AtomicUsize::new(0);

/// Limits kernels to `n` threads (ranks sharing a node split its cores).
pub fn set_threads(n: usize) {
    CORES.store(n.max(1), Ordering::Relaxed);
}

fn cores() -> usize {
    match CORES.load(Ordering::Relaxed) {
        0 => thread::available_parallelism().map_or(1, |c| c.get()),
        n => n,
    }
}

/// The kernels' thread pool, of `cores()` threads (rebuilt if `set_threads`
/// changes the count after first use).
static POOL: Mutex<Option<Arc<rayon::ThreadPool>>> = Mutex::new(None);

fn pool() -> Arc<rayon::ThreadPool> {
    let mut slot = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    let want = cores();
    if let Some(p) = slot.as_ref().filter(|p| p.current_num_threads() == want) {
        return Arc::clone(p);
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(want)
            .thread_name(|i| format!("kernel-{i}"))
            .build()
            .expect("the kernels' thread pool starts"),
    );
    *slot = Some(Arc::clone(&p));
    p
}

/// Runs `f` in the kernels' pool: rayon's parallel iterators inside it use
/// this process's share of the cores. Called from a pool thread, `f` runs
/// right there.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        return f();
    }
    pool().install(f)
}

/// How many threads to use for `n` elements.
pub fn threads_for(n: usize) -> usize {
    if n < PAR_THRESHOLD {
        return 1;
    }
    let cores = cores();
    cores.min(n / (PAR_THRESHOLD / 2)).max(1)
}

/// How many elements ahead a gather asks for the cache line it is going to
/// read: far enough for the line to arrive while the loads between run,
/// near enough for it to be still cached when read (8 to 32 measured alike
/// on the 2-core VM, 64 slower).
pub const AHEAD: usize = 16;

/// Asks the CPU to bring the cache line holding `p` into its caches. `p`
/// need not point anywhere valid: a prefetch never faults and changes no
/// value. Random reads otherwise wait one memory latency each (a gather of
/// 10^8 int64 by random index: 1.73 s without, 1.26 s with, one thread).
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is part of SSE, which every x86_64 CPU has; it
    // reads no memory architecturally and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Builds a vector of `n` elements: `fill(start, chunk)` must write every
/// element of `chunk`, which holds elements `start..start + chunk.len()`.
/// Chunks are filled in parallel for large `n`.
pub fn build<T: Send>(n: usize, fill: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(n);
    for_chunks(&mut out.spare_capacity_mut()[..n], fill);
    // SAFETY: `fill` wrote all `n` elements (every chunk of the spare
    // capacity was handed to it and it must write each element); a panic
    // in any chunk propagates out before this point, leaving `out` empty.
    unsafe { out.set_len(n) };
    out
}

/// `at(first + k)` for every k below `n`: a block of a sequence defined by
/// global position, whose first element is at global index `first`.
pub fn tabulate<T: Send>(n: usize, first: usize, at: impl Fn(usize) -> T + Sync) -> Vec<T> {
    build(n, |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            o.write(at(first + start + k));
        }
    })
}

/// `f` of every element of `v`, in order, computed on every core for
/// large slices.
pub fn map<S: Copy + Sync, T: Plain + Send>(v: &[S], f: impl Fn(S) -> T + Sync) -> Vec<T> {
    let stream = streams::<T>(v.len());
    build(v.len(), |start, chunk| {
        let v = &v[start..start + chunk.len()];
        write_each(chunk, stream, |i| f(v[i]));
    })
}

/// Runs `f(start, chunk)` over consecutive chunks of `v`, on every core
/// once `v` is large enough.
pub fn for_chunks<T: Send>(v: &mut [T], f: impl Fn(usize, &mut [T]) + Sync) {
    let threads = threads_for(v.len());
    if threads == 1 {
        return f(0, v);
    }
    let per = v.len().div_ceil(threads);
    install(|| {
        v.par_chunks_mut(per)
            .enumerate()
            .for_each(|(k, chunk)| f(k * per, chunk));
    });
}

/// Element types whose every byte is part of the value (no padding), so a
/// cache line of them can be stored as 16-byte vectors.
///
/// # Safety
/// Implement only for types without padding bytes.
pub unsafe trait Plain: Copy {}

// SAFETY: primitive types have no padding.
unsafe impl Plain for i64 {}
// SAFETY: as above.
unsafe impl Plain for u64 {}
// SAFETY: as above.
unsafe impl Plain for u32 {}
// SAFETY: as above.
unsafe impl Plain for u8 {}
// SAFETY: as above.
unsafe impl Plain for f64 {}
// SAFETY: as above.
unsafe impl Plain for bool {}

/// `f(x[i], y[i])` for every i (`y` at least as long as `x`), computed on
/// every core for large slices.
pub fn map2<A: Copy + Sync, B: Copy + Sync, T: Plain + Send>(
    x: &[A],
    y: &[B],
    f: impl Fn(A, B) -> T + Sync,
) -> Vec<T> {
    let stream = streams::<T>(x.len());
    build(x.len(), |start, chunk| {
        let r = start..start + chunk.len();
        let (x, y) = (&x[r.clone()], &y[r]);
        write_each(chunk, stream, |i| f(x[i], y[i]));
    })
}

/// Outputs at least this large are written past the cache: they cannot
/// stay in it anyway, and skipping it saves reading every destination line
/// before overwriting it.
pub const STREAM_BYTES: usize = 32 << 20;

/// Whether an output of `n` elements of `T` is written with [`write_each`]'s
/// non-temporal stores.
pub fn streams<T>(n: usize) -> bool {
    n.saturating_mul(std::mem::size_of::<T>()) >= STREAM_BYTES
}

/// Writes `f(i)` into `out[i]` for every i, in increasing order of i (so
/// `f` may carry a running value). With `stream` (on x86_64), the values go
/// to memory in non-temporal stores, a cache line at a time, as glibc's
/// memcpy does for large copies: an ordinary store first reads the
/// destination line into cache, so an elementwise kernel would move a third
/// more bytes than it counts (measured on this project's VM: `c = a + b*k`
/// went from 74% to 90% of memcpy bandwidth).
///
/// The loop is compiled for AVX2 too ([`simd::wide`]), where `f` gets
/// 64-bit compares and float rounding in vectors: `a < b` of int64, `floor`
/// and `round` ran at 0.6-1.4x NumPy's one thread on the baseline.
pub fn write_each<T: Plain>(
    out: &mut [MaybeUninit<T>],
    stream: bool,
    mut f: impl FnMut(usize) -> T,
) {
    wide!({
        #[cfg(target_arch = "x86_64")]
        if stream {
            return stream_each(out, f);
        }
        let _ = stream;
        for (i, o) in out.iter_mut().enumerate() {
            o.write(f(i));
        }
    })
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn stream_each<T: Plain>(out: &mut [MaybeUninit<T>], mut f: impl FnMut(usize) -> T) {
    use std::arch::x86_64::{__m128i, _mm_sfence, _mm_stream_si128};
    // A whole cache line per step: the write-combining buffer then goes to
    // memory full (measured: 90% of memcpy against 85% for 16-byte steps).
    const LINE: usize = 64;
    let size = std::mem::size_of::<T>();
    if size == 0 || !LINE.is_multiple_of(size) {
        out.iter_mut().enumerate().for_each(|(i, o)| {
            o.write(f(i));
        });
        return;
    }
    let lanes = LINE / size;
    let n = out.len();
    // Ordinary stores up to the first line boundary.
    let head = out.as_ptr().align_offset(LINE).min(n);
    for (i, o) in out[..head].iter_mut().enumerate() {
        o.write(f(i));
    }
    let mut i = head;
    while i + lanes <= n {
        let mut line = MaybeUninit::<[__m128i; 4]>::uninit();
        let lane = line.as_mut_ptr().cast::<T>();
        for l in 0..lanes {
            // SAFETY: `l < lanes`, so the write stays inside the 64 bytes of
            // `line`, whose alignment (16) suits any `T` of size <= 64 that
            // divides it.
            unsafe { lane.add(l).write(f(i + l)) };
        }
        // SAFETY: every byte of `line` was just written (`T` is `Plain`:
        // no padding); `out[i..i + lanes]` is inside `out` and starts on a
        // line boundary (`head` aligned it and each step adds 64 bytes).
        unsafe {
            let line = line.assume_init();
            let dst = out.as_mut_ptr().add(i).cast::<__m128i>();
            for (k, v) in line.into_iter().enumerate() {
                _mm_stream_si128(dst.add(k), v);
            }
        }
        i += lanes;
    }
    for (k, o) in out[i..].iter_mut().enumerate() {
        o.write(f(i + k));
    }
    // Non-temporal stores are weakly ordered: make them visible before the
    // thread reports its chunk done.
    // SAFETY: SSE2 is part of the x86_64 baseline.
    unsafe { _mm_sfence() };
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
    let f = &f;
    install(|| ranges.into_par_iter().map(f).collect())
}

/// Where each part starts when parts of `counts` lengths lie one after the
/// other (the exclusive prefix sums).
pub fn starts(counts: &[usize]) -> Vec<usize> {
    counts
        .iter()
        .scan(0, |acc, c| {
            let s = *acc;
            *acc += c;
            Some(s)
        })
        .collect()
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
        install(|| {
            src.par_chunks(per * src_unit)
                .zip(spare.par_chunks_mut(per * dst_unit))
                .for_each(|(i, o)| fill(i, o));
        });
    }
    // SAFETY: as in `build`: the chunks cover all `n` elements and `fill`
    // writes each; a panic propagates before this point.
    unsafe { out.set_len(n) };
    out
}

/// `n` deterministic pseudo-random words below `below` (xorshift), for
/// tests that need random positions without seeding a crate's generator.
#[cfg(test)]
pub(crate) fn test_words(n: usize, seed: u64, below: u64) -> Vec<u64> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % below
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every element written, whatever the alignment of the first one and
    /// the length, by the streaming and the ordinary path alike.
    fn check_write_each<T: Plain + PartialEq + std::fmt::Debug>(value: impl Fn(usize) -> T) {
        for stream in [false, true] {
            for skip in 0..70 {
                for len in [0, 1, 2, 3, 15, 16, 17, 33, 64, 100, 129, 300] {
                    let mut buf: Vec<MaybeUninit<T>> = Vec::with_capacity(skip + len);
                    // SAFETY: MaybeUninit needs no initialisation.
                    unsafe { buf.set_len(skip + len) };
                    write_each(&mut buf[skip..], stream, |i| value(skip + i));
                    let got: Vec<T> = buf[skip..]
                        .iter()
                        // SAFETY: write_each wrote every element of the slice.
                        .map(|x| unsafe { x.assume_init() })
                        .collect();
                    let want: Vec<T> = (skip..skip + len).map(&value).collect();
                    assert_eq!(got, want, "stream {stream}, skip {skip}, len {len}");
                }
            }
        }
    }

    #[test]
    fn write_each_writes_every_element() {
        check_write_each(|i| i as u8 ^ 0x5a);
        check_write_each(|i| i % 3 == 0);
        check_write_each(|i| i as f64 * -1.5);
        check_write_each(|i| (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // What the AVX2 copy computes in vectors (rounding, NaN tests,
        // 64-bit compares) against the same closure on the baseline.
        let x = [
            -2.5,
            -0.5,
            -0.0,
            0.5,
            1.5,
            2.5,
            1e300,
            -1e-300,
            f64::NAN,
            f64::INFINITY,
        ];
        let f = |i: usize| x[i % x.len()] * (1.0 + (i / x.len()) as f64);
        check_write_each(|i| f(i).floor().to_bits());
        check_write_each(|i| f(i).round_ties_even().to_bits());
        check_write_each(|i| f(i).is_nan());
        let w = |i: usize| (i as i64).wrapping_mul(-0x61c8_8646_80b5_83eb);
        check_write_each(|i| w(i) < w(i + 1));
        assert!(!streams::<f64>(STREAM_BYTES / 8 - 1) && streams::<f64>(STREAM_BYTES / 8));
        // In order of i, so a running value can be carried.
        for stream in [false, true] {
            let mut buf = vec![MaybeUninit::<u64>::uninit(); 101];
            let mut next = 0;
            write_each(&mut buf[3..], stream, |i| {
                assert_eq!(i, next);
                next += 1;
                i as u64
            });
            assert_eq!(next, 98);
        }
    }

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
pub mod string;
