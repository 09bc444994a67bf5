//! The splitting of work over threads the kernels had (one scoped thread per
//! chunk, spawned per call; kept here as `scoped_*`) against rayon's pool,
//! which `kernels::build`, `fold_chunks`, `map_ranges` now use
//! (`par_chunks` / `par_chunks_mut` over the same chunk lengths, in the
//! pool of `kernels::install`), on the same kernels:
//! * triad `c = a + k*b` over float64 with `write_each` (non-temporal stores
//!   for large outputs), at N and at 2^17 elements (the per-call cost of the
//!   threads: many calls, each just above `PAR_THRESHOLD`);
//! * sum of float64 (chunk sums, combined in order);
//! * one pass of the argsort's radix sort over N/10 (key, index) items: the
//!   per-chunk digit histograms, then the stable scatter of each chunk.
//!
//! The two run interleaved (alternating which goes first), median of
//! `BENCH_TRIALS` (default 7) trials, printed as milliseconds and the ratio
//! rayon / scoped (below 1: rayon is faster). Nothing is asserted about time.
//!
//! Environment: `BENCH_N` (default 100,000,000), `BENCH_TRIALS`.

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::thread;
use std::time::Instant;

use std::ops::Range;

use arkouda_server::kernels::{self, chunk_len, ord::Scatter, streams, threads_for, write_each};
use rayon::prelude::*;

const K: f64 = 3.0;

fn env(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn secs(f: &mut dyn FnMut()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Median times of `scoped` and `rayon`, run alternately.
fn race(name: &str, trials: usize, scoped: &mut dyn FnMut(), rayon: &mut dyn FnMut()) {
    // One untimed run each: first-touch page faults, pool start-up.
    scoped();
    rayon();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for t in 0..trials {
        if t % 2 == 0 {
            a.push(secs(scoped));
            b.push(secs(rayon));
        } else {
            b.push(secs(rayon));
            a.push(secs(scoped));
        }
    }
    let (a, b) = (median(a), median(b));
    println!(
        "{name:<28} scoped {:>9.3} ms   rayon {:>9.3} ms   rayon/scoped {:.3}",
        a * 1e3,
        b * 1e3,
        b / a
    );
}

// --- the scoped splitter the kernels had --------------------------------------

fn scoped_build<T: Send>(n: usize, fill: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Vec<T> {
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
    // SAFETY: `fill` wrote every element of every chunk.
    unsafe { out.set_len(n) };
    out
}

fn scoped_map_ranges<R: Send>(n: usize, f: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let per = chunk_len(n);
    let ranges: Vec<Range<usize>> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
    if ranges.len() <= 1 {
        return vec![f(0..n)];
    }
    thread::scope(|s| {
        let hs: Vec<_> = ranges
            .into_iter()
            .map(|r| {
                let f = &f;
                s.spawn(move || f(r))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

// --- triad -----------------------------------------------------------------

fn triad_scoped(a: &[f64], b: &[f64]) -> Vec<f64> {
    let stream = streams::<f64>(a.len());
    scoped_build(a.len(), |start, chunk| {
        let r = start..start + chunk.len();
        let (a, b) = (&a[r.clone()], &b[r]);
        write_each(chunk, stream, |i| a[i] + K * b[i]);
    })
}

/// What the arithmetic kernels run (`kernels::map2`: `build` in the pool).
fn triad_rayon(a: &[f64], b: &[f64]) -> Vec<f64> {
    kernels::map2(a, b, |x, y| x + K * y)
}

// --- sum -------------------------------------------------------------------

fn sum_scoped(a: &[f64]) -> f64 {
    scoped_map_ranges(a.len(), |r| a[r].iter().sum::<f64>())
        .into_iter()
        .sum()
}

fn sum_rayon(a: &[f64]) -> f64 {
    kernels::fold_chunks(a, |c| c.iter().sum::<f64>())
        .into_iter()
        .sum()
}

// --- one radix pass --------------------------------------------------------

const BUCKETS: usize = 256;

fn digit(x: &(u64, u64)) -> usize {
    (x.0 >> 56) as usize
}

fn histogram(c: &[(u64, u64)]) -> Vec<usize> {
    let mut h = vec![0usize; BUCKETS];
    for x in c {
        h[digit(x)] += 1;
    }
    h
}

/// Each chunk's start for each digit (stable: chunk order within a digit).
fn starts(mut counts: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut run = 0;
    for b in 0..BUCKETS {
        for h in counts.iter_mut() {
            let c = h[b];
            h[b] = run;
            run += c;
        }
    }
    counts
}

fn scatter(chunk: &[(u64, u64)], mut at: Vec<usize>, out: &Scatter<(u64, u64)>) {
    for x in chunk {
        let b = digit(x);
        // SAFETY: the positions of all chunks and digits are disjoint.
        unsafe { out.write(at[b], *x) };
        at[b] += 1;
    }
}

fn pass_scoped(src: &[(u64, u64)], dst: &mut Vec<(u64, u64)>) {
    let n = src.len();
    let at = starts(scoped_map_ranges(n, |r| histogram(&src[r])));
    dst.clear();
    let out = Scatter::new(dst);
    thread::scope(|s| {
        for (chunk, at) in src.chunks(chunk_len(n)).zip(at) {
            let out = &out;
            s.spawn(move || scatter(chunk, at, out));
        }
    });
    // SAFETY: the pass wrote every position of 0..n.
    unsafe { dst.set_len(n) };
}

fn pass_rayon(src: &[(u64, u64)], dst: &mut Vec<(u64, u64)>) {
    let n = src.len();
    let per = chunk_len(n);
    let at = starts(kernels::map_ranges(n, |r| histogram(&src[r])));
    dst.clear();
    let out = Scatter::new(dst);
    kernels::install(|| {
        src.par_chunks(per)
            .zip(at)
            .for_each(|(chunk, at)| scatter(chunk, at, &out))
    });
    // SAFETY: as above.
    unsafe { dst.set_len(n) };
}

fn main() {
    let n = env("BENCH_N", 100_000_000);
    let trials = env("BENCH_TRIALS", 7).max(1);
    let cores = threads_for(usize::MAX);
    println!("threads: {cores} (scoped, and the kernels' rayon pool), N = {n}, median of {trials}");

    let a: Vec<f64> = kernels::tabulate(n, 0, |i| (i % 1000) as f64 * 0.5);
    let b: Vec<f64> = kernels::tabulate(n, 0, |i| (i % 777) as f64 * 0.25);
    assert_eq!(triad_scoped(&a, &b), triad_rayon(&a, &b));
    race(
        "triad N",
        trials,
        &mut || drop(black_box(triad_scoped(&a, &b))),
        &mut || drop(black_box(triad_rayon(&a, &b))),
    );

    let small = 1 << 17;
    let reps = 2000;
    let (sa, sb) = (&a[..small], &b[..small]);
    race(
        "triad 2^17 x 2000 calls",
        trials,
        &mut || {
            for _ in 0..reps {
                drop(black_box(triad_scoped(sa, sb)));
            }
        },
        &mut || {
            for _ in 0..reps {
                drop(black_box(triad_rayon(sa, sb)));
            }
        },
    );

    assert_eq!(sum_scoped(&a), sum_rayon(&a));
    race(
        "sum N",
        trials,
        &mut || {
            black_box(sum_scoped(&a));
        },
        &mut || {
            black_box(sum_rayon(&a));
        },
    );
    drop((a, b));

    let m = n / 10;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let items: Vec<(u64, u64)> = (0..m as u64)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x, i)
        })
        .collect();
    let (mut d1, mut d2) = (Vec::with_capacity(m), Vec::with_capacity(m));
    pass_scoped(&items, &mut d1);
    pass_rayon(&items, &mut d2);
    assert!(d1 == d2);
    race(
        "radix pass N/10 items",
        trials,
        &mut || pass_scoped(&items, &mut d1),
        &mut || pass_rayon(&items, &mut d2),
    );
}
