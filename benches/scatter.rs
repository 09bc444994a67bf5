//! Why random stores into a large array are dealt into bins first
//! (`kernels::select::bins`): `c[i] = v` for N random int64 positions into
//! N int64, in this process, stored one by one on one thread (NumPy's way,
//! the baseline) and through `write_at` on all cores (deal, then store),
//! with the two phases also timed apart, and the deal again for two
//! owners (as one rank of two deals). A memcpy of the same array runs
//! beside them for the machine's bandwidth.
//!
//! Bytes are counted as Arkouda's scatter.py counts them: 3 x 8N. A random
//! store really moves a cache line in and out (128 bytes for 8), so the
//! direct loop runs far below memcpy whatever the threads. Environment:
//! `BENCH_N` (default 100,000,000), `BENCH_TRIALS` (default 7; medians),
//! `BENCH_THREADS` (default: every core).

use std::hint::black_box;
use std::time::Instant;

use arkouda_server::kernels::select::{Index, Targets, bins, write_at};
use arkouda_server::kernels::{self};

mod support;
use support::{env_or, median, random_words};

#[global_allocator]
static ALLOC: arkouda_server::alloc::CachingAlloc = arkouda_server::alloc::CachingAlloc;

fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn main() {
    let n = env_or("BENCH_N", 100_000_000);
    let trials = env_or("BENCH_TRIALS", 7).max(1);
    // As the server: freed large blocks are reused, not faulted in afresh.
    arkouda_server::alloc::set_limit(4 << 30);
    if let Ok(t) = std::env::var("BENCH_THREADS") {
        kernels::set_threads(t.parse().unwrap());
    }
    let idx = random_words(n, 0x9e37_79b9_7f4a_7c15, n as u64);
    let vals: Vec<i64> = (0..n as i64).collect();
    let mut direct = vec![0i64; n];
    let mut binned = vec![0i64; n];
    let mut copy = vec![0i64; n];
    let regions = bins::Regions::new::<i64>(&[0, n]);
    let bounds = regions.owner_bounds(0);
    let halves = bins::Regions::new::<i64>(&[0, n / 2, n]);
    let per = kernels::chunk_len(n);
    let mut t: [Vec<f64>; 6] = Default::default();
    for trial in 0..=trials {
        let m = secs(|| {
            std::thread::scope(|s| {
                for (d, src) in copy.chunks_mut(per).zip(vals.chunks(per)) {
                    s.spawn(move || d.copy_from_slice(src));
                }
            })
        });
        let d = secs(|| {
            for (&i, &v) in idx.iter().zip(&vals) {
                direct[i as usize] = v;
            }
        });
        let w = secs(|| {
            write_at(&mut binned, Targets::Index(&Index::Unsigned(&idx)), |k| {
                vals[k]
            })
        });
        let mut got = None;
        let deal = secs(|| got = bins::deal(&regions, n, |k| idx[k] as usize, |k| vals[k]));
        let got = got.unwrap();
        let store = secs(|| bins::store(&mut binned, &bounds, &[got.pairs(0)]));
        drop(got);
        // The same pairs dealt for two ranks (each owning half): what one
        // rank of two does before the all-to-all.
        let mut got2 = None;
        let deal2 = secs(|| got2 = bins::deal(&halves, n, |k| idx[k] as usize, |k| vals[k]));
        drop(got2);
        // The first round maps the pages.
        if trial > 0 {
            for (v, x) in t.iter_mut().zip([m, d, w, deal, store, deal2]) {
                v.push(x);
            }
        }
    }
    assert!(direct == binned, "binned stores differ from direct ones");
    black_box(&copy);
    let gib = (8 * n) as f64 / (1u64 << 30) as f64;
    let [m, d, w, deal, store, deal2] = t.map(median);
    println!(
        "N = {n}, trials = {trials} (median), threads = {}, {} bins of 2^{} elements",
        n.div_ceil(per),
        regions.bins(),
        regions.shift()
    );
    println!("memcpy                      {:>7.2} GiB/s", 2.0 * gib / m);
    println!(
        "direct, one thread          {:>7.2} GiB/s  {:>6.1} ms",
        3.0 * gib / d,
        d * 1e3
    );
    println!(
        "write_at (binned)           {:>7.2} GiB/s  {:>6.1} ms  {:.2}x direct",
        3.0 * gib / w,
        w * 1e3,
        d / w
    );
    println!("  deal {:.1} ms, store {:.1} ms", deal * 1e3, store * 1e3);
    println!("  deal for two owners {:.1} ms", deal2 * 1e3);
}
