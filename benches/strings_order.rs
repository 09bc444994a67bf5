//! String ordering kernels (`cargo bench --bench strings_order`) against
//! baselines measured in the same run, in this process (issue 11's targets,
//! 2 cores):
//! * argsort of N random strings of 1-16 bytes (kernels::string::order::argsort,
//!   what `argsortStrings` runs at one rank) against a single-threaded
//!   `sort_unstable_by` over the byte slices, and against NumPy's
//!   `np.argsort` of the same strings held as a NumPy bytes array (through
//!   `python3`, when it has NumPy; `BENCH_PYTHON` names another interpreter).
//! * in1d of N strings in N/2 others (`segmentedIn1d`'s kernel) against a
//!   single-threaded loop over a `HashSet<&[u8]>` of the same strings.
//! * unique: the dense rank of each string (what `unique` with a Strings key
//!   sorts by) against a single-threaded sort and dedup of the slices.
//!
//! Arkouda's `str-argsort` byte formula is used for the GiB/s figure:
//! bytes of the strings (NULs included) plus 8 per string of offsets.
//! Environment: `BENCH_N` (default 10,000,000), `BENCH_TRIALS` (default 3;
//! the median is reported). Nothing is asserted about time.

use std::collections::HashSet;
use std::hint::black_box;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use arkouda_server::dist::comm::Single;
use arkouda_server::dist::string_sort;
use arkouda_server::kernels::string::{Strs, StrsBuilder, order};

fn env(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Median seconds of `trials` runs of `f`.
fn time<T>(trials: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut t: Vec<f64> = (0..trials)
        .map(|_| {
            let s = Instant::now();
            black_box(f());
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// `n` strings of 1-16 random lowercase letters.
fn random_strings(n: usize, seed: u64) -> (Vec<u64>, Vec<u8>) {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut b = StrsBuilder::with_capacity(n, n * 10);
    let mut buf = [0u8; 16];
    for _ in 0..n {
        let r = next();
        let len = 1 + (r % 16) as usize;
        let r2 = next();
        for (k, c) in buf[..len].iter_mut().enumerate() {
            let bits = if k < 12 {
                r2 >> (5 * k)
            } else {
                r >> (8 + 5 * (k - 12))
            };
            *c = b'a' + (bits % 26) as u8;
        }
        b.push(&buf[..len]);
    }
    b.finish()
}

/// NumPy's argsort of the strings (written to a file, NUL-separated),
/// seconds: (default kind, stable kind); None without NumPy.
fn numpy_argsort(bytes: &[u8], trials: usize) -> Option<(f64, f64)> {
    let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut f = tempfile_path();
    f.1.write_all(bytes).ok()?;
    drop(f.1);
    let script = format!(
        "import numpy as np, time, statistics\n\
         d = open({path:?}, 'rb').read()\n\
         a = np.array(d[:-1].split(b'\\0'))\n\
         def t(kind):\n\
         \x20   r = []\n\
         \x20   for _ in range({trials}):\n\
         \x20       s = time.perf_counter(); np.argsort(a, kind=kind); r.append(time.perf_counter() - s)\n\
         \x20   return statistics.median(r)\n\
         print(t('quicksort'), t('stable'))\n",
        path = f.0.display().to_string()
    );
    let out = Command::new(python).arg("-c").arg(script).output().ok();
    let _ = std::fs::remove_file(&f.0);
    let out = out?;
    if !out.status.success() {
        eprintln!("numpy: {}", String::from_utf8_lossy(&out.stderr).trim());
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut w = text.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some((w.next()??, w.next()??))
}

fn tempfile_path() -> (std::path::PathBuf, std::fs::File) {
    let p = std::env::temp_dir().join(format!("strings-bench-{}.bin", std::process::id()));
    let f = std::fs::File::create(&p).expect("temp file");
    (p, f)
}

fn main() {
    let n = env("BENCH_N", 10_000_000);
    let trials = env("BENCH_TRIALS", 3).max(1);
    let (offsets, bytes) = random_strings(n, 42);
    let s = Strs::new(&offsets, &bytes);
    let gib = (bytes.len() + 8 * n) as f64 / (1u64 << 30) as f64;
    println!(
        "strings: {n} of 1-16 bytes, {} bytes with NULs, {trials} trials (median)",
        bytes.len()
    );

    // argsort
    let ours = time(trials, || order::argsort(s));
    let slices: Vec<&[u8]> = s.iter().collect();
    let single = time(trials, || {
        let mut p: Vec<u32> = (0..n as u32).collect();
        p.sort_unstable_by(|&a, &b| slices[a as usize].cmp(slices[b as usize]));
        p
    });
    println!(
        "argsort: ours {ours:.3} s ({:.2} GiB/s); single-threaded sort_unstable_by {single:.3} s: ratio {:.2}x",
        gib / ours,
        single / ours
    );
    match numpy_argsort(&bytes, trials) {
        Some((quick, stable)) => println!(
            "argsort: numpy quicksort {quick:.3} s: ratio {:.2}x; numpy stable {stable:.3} s: ratio {:.2}x",
            quick / ours,
            stable / ours
        ),
        None => println!("argsort: numpy not available"),
    }

    // in1d: every string of s probed against the other half of a second set.
    let (o2, b2) = random_strings(n / 2, 7);
    let other = Strs::new(&o2, &b2);
    let ours = time(trials, || order::member(s, other, false));
    let single = time(trials, || {
        let set: HashSet<&[u8]> = other.iter().collect();
        s.iter().map(|x| set.contains(x)).collect::<Vec<bool>>()
    });
    println!(
        "in1d: ours {ours:.3} s; single-threaded HashSet loop {single:.3} s: ratio {:.2}x",
        single / ours
    );

    // unique: dense ranks (the key `unique` sorts a Strings column by).
    let comm = Single::default();
    let ours = time(trials, || {
        string_sort::ranks(&comm, s, n).expect("one rank")
    });
    let single = time(trials, || {
        let mut v = slices.clone();
        v.sort_unstable();
        v.dedup();
        v.len()
    });
    println!(
        "unique: ours (dense ranks) {ours:.3} s; single-threaded sort+dedup {single:.3} s: ratio {:.2}x",
        single / ours
    );
}
