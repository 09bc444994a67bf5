//! Whole-array reductions through the release server over ZeroMQ, as the
//! client sends them: every op (sum, prod, min, max, any, all, argmin,
//! argmax, mean, var) on every dtype, and a float64 array with a NaN near
//! its end (with and without `skipNan`), beside
//! * the machine's read bandwidth, measured in this process in alternation
//!   with the server's runs: a wrapping sum of u64 words over as many bytes
//!   as the array has, on every core;
//! * NumPy's single thread (`benches/numpy_reduce.py`, run before the
//!   server starts; skipped with a note if python3 or NumPy is missing).
//!
//! Data: random non-zero values below 2^20 (floats: those / 1024). Each op
//! reads the whole array: `any` runs on an all-zero array, `all` on the
//! non-zero one, and bool argmin/min/all/prod on all-true, argmax/max/any
//! on all-false arrays (a byte search stops at the first find otherwise).
//! `var` reads the array twice (the mean first, as NumPy), so its best is
//! about 50% of one read.
//!
//! Columns: GiB/s = array bytes / median server time (request and reply
//! included); % read = of the read loop's GiB/s in the same trials; x NumPy
//! = NumPy's median time / ours.
//!
//! Environment: `BENCH_N` (default 100,000,000 elements), `BENCH_TRIALS`
//! (default 5), `BENCH_OPS` (e.g. `min,argmax`: only those), `BENCH_DTYPES`
//! (e.g. `float64,bool`), `BENCH_RANKS` (`1`, or with `--features mpi`
//! `1,2`, the default there: 2 ranks of one thread each).

mod support;

use std::collections::HashMap;
use std::hint::black_box;
use std::process::Command;
use std::thread;
use std::time::Instant;

use support::{Server, env_or, median, name_of, random_words};

const OPS: [&str; 10] = [
    "sum", "prod", "min", "max", "any", "all", "argmin", "argmax", "mean", "var",
];

/// Wrapping sum of `words` on every core: the read-bandwidth baseline.
fn read_loop(words: &[u64]) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let per = words.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        let parts: Vec<_> = words
            .chunks(per)
            .map(|c| {
                s.spawn(move || {
                    let (rows, rest) = c.as_chunks::<8>();
                    let mut acc = [0u64; 8];
                    for row in rows {
                        for (a, x) in acc.iter_mut().zip(row) {
                            *a = a.wrapping_add(*x);
                        }
                    }
                    acc.iter().chain(rest).fold(0u64, |a, x| a.wrapping_add(*x))
                })
            })
            .collect();
        parts
            .into_iter()
            .map(|p| p.join().expect("read thread"))
            .fold(0, u64::wrapping_add)
    })
}

/// NumPy's median seconds by (op, dtype), or why there are none.
fn numpy_times(n: usize, trials: usize) -> Result<HashMap<(String, String), f64>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/numpy_reduce.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(n.to_string())
        .arg(trials.to_string())
        .current_dir(std::env::temp_dir())
        .output()
        .map_err(|e| format!("python3 did not run: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "numpy_reduce.py failed: {}",
            err.lines().last().unwrap_or("")
        ));
    }
    let mut times = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if let ["numpy", op, dtype, secs] = w[..]
            && let Ok(s) = secs.parse::<f64>()
        {
            times.insert((op.to_string(), dtype.to_string()), s);
        }
    }
    Ok(times)
}

/// One uploaded array (`n` elements of `dtype`, `bytes` its payload).
fn upload(s: &Server, dtype: &str, n: usize, bytes: Vec<u8>) -> String {
    let shape = format!("[\"{n}\"]");
    let args = [
        ("dtype", "str", dtype),
        ("shape", "list", shape.as_str()),
        ("seg_string", "bool", "False"),
    ];
    name_of(&s.send_binary(&format!("array<{dtype},1>"), &args, bytes.into()))
}

/// One reduction request; the reply text.
fn reduce(s: &Server, op: &str, dtype: &str, name: &str, skip: bool) -> String {
    let skip = if skip { "True" } else { "False" };
    let cmd = format!("{op}All<{dtype},1>");
    match op {
        "argmin" | "argmax" => s.call(&cmd, &[("x", "str", name)]),
        "var" => s.call(
            &cmd,
            &[
                ("x", "str", name),
                ("skipNan", "bool", skip),
                ("ddof", "float64", "0"),
            ],
        ),
        _ => s.call(&cmd, &[("x", "str", name), ("skipNan", "bool", skip)]),
    }
}

/// A row of the table: the case and its medians.
struct Row {
    op: String,
    dtype: String,
    ours: f64,
    read: f64,
    bytes: usize,
}

/// The arrays of one dtype on the server: the one each op should read whole.
struct Arrays {
    dtype: &'static str,
    label: &'static str,
    /// (op, array name, skipNan)
    cases: Vec<(String, String, bool)>,
    names: Vec<String>,
    itemsize: usize,
}

fn arrays(s: &Server, label: &'static str, n: usize, ops: &[String]) -> Arrays {
    let words: Vec<u64> = random_words(n, 0x5eed, (1 << 20) - 1)
        .into_iter()
        .map(|w| w + 1)
        .collect();
    let (dtype, itemsize) = match label {
        "float64+nan" => ("float64", 8),
        "uint8" | "bool" => (label, 1),
        _ => (label, 8),
    };
    let mut names = Vec::new();
    let mut put = |bytes: Vec<u8>| {
        let name = upload(s, dtype, n, bytes);
        names.push(name.clone());
        name
    };
    let wanted = |op: &str| ops.iter().any(|o| o == op);
    let mut cases = Vec::new();
    match label {
        "bool" => {
            let r = put(words.iter().map(|w| (w & 1) as u8).collect());
            let z = put(vec![0; n]);
            let o = put(vec![1; n]);
            for op in OPS.iter().filter(|o| wanted(o)) {
                let a = match *op {
                    "prod" | "min" | "all" | "argmin" => &o,
                    "max" | "any" | "argmax" => &z,
                    _ => &r,
                };
                cases.push((op.to_string(), a.clone(), false));
            }
        }
        "float64+nan" => {
            let mut f: Vec<f64> = words.iter().map(|w| *w as f64 / 1024.0).collect();
            f[n - n / 100 - 1] = f64::NAN;
            let a = put(f.iter().flat_map(|x| x.to_le_bytes()).collect());
            for op in OPS
                .iter()
                .filter(|o| wanted(o) && !["any", "all"].contains(o))
            {
                cases.push((op.to_string(), a.clone(), false));
            }
            for op in ["sum", "prod", "min", "max", "mean", "var"] {
                if wanted(op) {
                    cases.push((format!("{op}-skip"), a.clone(), true));
                }
            }
        }
        _ => {
            let r: Vec<u8> = match dtype {
                "uint8" => words.iter().map(|w| (w % 255 + 1) as u8).collect(),
                "float64" => words
                    .iter()
                    .flat_map(|w| (*w as f64 / 1024.0).to_le_bytes())
                    .collect(),
                _ => words.iter().flat_map(|w| w.to_le_bytes()).collect(),
            };
            let r = put(r);
            let z = if wanted("any") {
                put(vec![0; n * itemsize])
            } else {
                String::new()
            };
            for op in OPS.iter().filter(|o| wanted(o)) {
                let a = if *op == "any" { &z } else { &r };
                cases.push((op.to_string(), a.clone(), false));
            }
        }
    }
    Arrays {
        dtype,
        label,
        cases,
        names,
        itemsize,
    }
}

fn run_config(
    ctx: &zmq::Context,
    ranks: usize,
    n: usize,
    trials: usize,
    ops: &[String],
    dtypes: &[&'static str],
    words: &[u64],
) -> Vec<Row> {
    let s = if ranks == 1 {
        Server::start(ctx)
    } else {
        let root = [
            ("OMPI_ALLOW_RUN_AS_ROOT", "1"),
            ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
            ("ARKOUDA_LAUNCHER", "mpirun --bind-to core -np {n}"),
        ];
        Server::start_with(ctx, &[format!("--numLocales={ranks}")], &root)
    };
    let mut rows = Vec::new();
    for label in dtypes {
        let a = arrays(&s, label, n, ops);
        let bytes = n * a.itemsize;
        let read_words = &words[..bytes / 8];
        for (op, name, skip) in &a.cases {
            let base = op.trim_end_matches("-skip");
            // One untimed run of each, then alternate.
            reduce(&s, base, a.dtype, name, *skip);
            black_box(read_loop(read_words));
            let (mut ours, mut read) = (Vec::new(), Vec::new());
            for _ in 0..trials {
                let t = Instant::now();
                black_box(read_loop(read_words));
                read.push(t.elapsed().as_secs_f64());
                let t = Instant::now();
                black_box(reduce(&s, base, a.dtype, name, *skip));
                ours.push(t.elapsed().as_secs_f64());
            }
            rows.push(Row {
                op: op.clone(),
                dtype: a.label.to_string(),
                ours: median(ours),
                read: median(read),
                bytes,
            });
        }
        for name in &a.names {
            s.delete(name);
        }
    }
    rows
}

fn main() {
    let n = env_or("BENCH_N", 100_000_000);
    let trials = env_or("BENCH_TRIALS", 5);
    let list = |key: &str| -> Option<Vec<String>> {
        std::env::var(key)
            .ok()
            .map(|v| v.split(',').map(|x| x.trim().to_string()).collect())
    };
    let ops = list("BENCH_OPS").unwrap_or_else(|| OPS.iter().map(|o| o.to_string()).collect());
    let all_dtypes = ["int64", "uint64", "uint8", "float64", "float64+nan", "bool"];
    let dtypes: Vec<&'static str> = match list("BENCH_DTYPES") {
        Some(l) => all_dtypes
            .into_iter()
            .filter(|d| l.iter().any(|x| x == d))
            .collect(),
        None => all_dtypes.to_vec(),
    };
    let default_ranks = if cfg!(feature = "mpi") { "1,2" } else { "1" };
    let ranks: Vec<usize> = std::env::var("BENCH_RANKS")
        .unwrap_or_else(|_| default_ranks.into())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .filter(|r| *r == 1 || cfg!(feature = "mpi"))
        .collect();
    println!("N = {n}, trials = {trials} (medians), ranks {ranks:?}");
    let numpy = match numpy_times(n, trials) {
        Ok(t) => t,
        Err(why) => {
            println!("NumPy skipped: {why}");
            HashMap::new()
        }
    };
    // The read loop's words, written so that every page is real memory.
    let words = random_words(n, 3, u64::MAX);
    let ctx = zmq::Context::new();
    let gib = |bytes: usize, secs: f64| bytes as f64 / secs / (1u64 << 30) as f64;
    for r in ranks {
        let rows = run_config(&ctx, r, n, trials, &ops, &dtypes, &words);
        let what = if r == 1 {
            "1 process".to_string()
        } else {
            format!("{r} ranks, one thread each")
        };
        println!("\n{what}:");
        println!(
            "{:<10} {:<12} {:>9} {:>9} {:>8} {:>8}",
            "op", "dtype", "GiB/s", "read", "% read", "x NumPy"
        );
        for row in rows {
            let ours = gib(row.bytes, row.ours);
            let read = gib(row.bytes, row.read);
            let np = numpy
                .get(&(row.op.clone(), row.dtype.clone()))
                .map_or("-".to_string(), |t| format!("{:.2}", t / row.ours));
            println!(
                "{:<10} {:<12} {:>9.2} {:>9.2} {:>7.0}% {:>8}",
                row.op,
                row.dtype,
                ours,
                read,
                100.0 * ours / read,
                np
            );
        }
    }
    println!(
        "\nGiB/s: array bytes / median time of one request (reply included); read: \
         the read loop over as many bytes in the same trials; x NumPy: NumPy's single \
         thread time / ours. var reads twice (mean, then deviations): ~50% is its limit."
    );
}
