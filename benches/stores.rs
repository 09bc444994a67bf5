//! Why large results are written with non-temporal stores: the STREAM triad
//! `c = a + b*k` on all cores, in this process, with ordinary stores and
//! with `kernels::write_each`'s streaming stores, each run right after a
//! memcpy of the same array (the baseline), in alternation.
//!
//! Bytes are counted as STREAM and Arkouda count them: 3 x 8N for the triad
//! (read a and b, write c), 2 x 8N for memcpy. An ordinary store first reads
//! the destination line, so the triad really moves 4 x 8N; memcpy (glibc,
//! large sizes) does not. Environment: `BENCH_N` (default 100,000,000),
//! `BENCH_TRIALS` (default 9; medians are reported).

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::Instant;

use arkouda_server::kernels;

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Seconds of one run of `f`.
fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// `c[i] = a[i] + b[i] * k` on every core, written by `write_each`.
fn triad(c: &mut [MaybeUninit<f64>], a: &[f64], b: &[f64], k: f64, stream: bool) {
    let per = kernels::chunk_len(c.len());
    std::thread::scope(|s| {
        for (j, out) in c.chunks_mut(per).enumerate() {
            let r = j * per..j * per + out.len();
            let (a, b) = (&a[r.clone()], &b[r]);
            s.spawn(move || kernels::write_each(out, stream, |i| a[i] + b[i] * k));
        }
    });
}

fn main() {
    let n = env_or("BENCH_N", 100_000_000);
    let trials = env_or("BENCH_TRIALS", 9).max(1);
    let a = vec![1.5f64; n];
    let b = vec![2.5f64; n];
    let mut c = vec![MaybeUninit::new(0.0f64); n];
    let mut copy = vec![0.0f64; n];
    let k = black_box(3.0);
    let per = kernels::chunk_len(n);
    let (mut memcpy, mut plain, mut streamed) = (Vec::new(), Vec::new(), Vec::new());
    for trial in 0..=trials {
        let m = secs(|| {
            std::thread::scope(|s| {
                for (d, src) in copy.chunks_mut(per).zip(a.chunks(per)) {
                    s.spawn(move || d.copy_from_slice(src));
                }
            })
        });
        let p = secs(|| triad(&mut c, &a, &b, k, false));
        let st = secs(|| triad(&mut c, &a, &b, k, true));
        // The first round warms the pages up, as STREAM's first iteration.
        if trial > 0 {
            memcpy.push(m);
            plain.push(p);
            streamed.push(st);
        }
    }
    black_box((&c, &copy));
    let gib = (8 * n) as f64 / (1u64 << 30) as f64;
    let base = 2.0 * gib / median(memcpy);
    println!(
        "N = {n}, trials = {trials} (median), threads = {}",
        n.div_ceil(per)
    );
    println!("memcpy                       {base:>7.2} GiB/s");
    for (what, t) in [
        ("triad, ordinary stores", plain),
        ("triad, streaming stores", streamed),
    ] {
        let rate = 3.0 * gib / median(t);
        println!(
            "{what:<28} {rate:>7.2} GiB/s  {:>4.0}% of memcpy",
            100.0 * rate / base
        );
    }
}
