//! The server at 2 ranks of 1 thread each (MPI, on this machine) against one
//! process of 2 threads, with the same commands the client sends, over
//! ZeroMQ to the release binary: how much the scale-out layer costs where it
//! cannot gain (one machine). Ratios are one-process time / 2-rank time, so
//! 1.0 means no cost; the targets are stream and sum 0.9, cumsum 0.8,
//! argsort 0.6, gather 0.5, upload/download 0.7, and a noop round trip at 2
//! ranks within 1.2x of one process. Every configuration runs in this one
//! bench run, one after another, and the ranks are run twice: over shared
//! memory and over TCP (`--mca btl self,tcp`, as between nodes without a
//! fast fabric). The three servers run side by side and take turns trial by
//! trial.
//!
//! Needs the MPI build: `cargo bench --features mpi --bench dist`.
//! Environment: `BENCH_N` (default 100,000,000), `BENCH_SORT_N` (N/10),
//! `BENCH_TRIALS` (default 3, median reported), `BENCH_KERNELS` (the
//! kernels to run, by number in the printed order from 0, e.g. `5,6,7`;
//! default all).

mod support;

use std::time::Instant;

use support::*;

struct Config {
    label: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

/// The kernels, in the order they are printed.
const KERNELS: [&str; 8] = [
    "noop round trip",
    "stream c = a + alpha*b",
    "reduce sum int64",
    "scan cumsum int64",
    "gather C = V[I]",
    "argsort int64",
    "upload int64",
    "download int64",
];

/// One configuration's server and the arrays the kernels read.
struct Setup {
    s: Server,
    a: String,
    b: String,
    ints: String,
    idx: String,
    keys: String,
}

fn setup(ctx: &zmq::Context, c: &Config, n: usize, sort_n: usize) -> Setup {
    let s = Server::start_with(ctx, &c.args, &c.env);
    let new_f = |val: &str| s.full_f64(n, val);
    let (a, b) = (new_f("1.0"), new_f("2.0"));
    let up = |v: Vec<u64>| s.upload("int64", zmq::Message::from(le_bytes(&v)));
    let ints = up(random_words(n, 7, 1 << 40));
    let idx = up(random_words(n, 11, n as u64));
    let keys = up(random_words(sort_n, 13, 1 << 62));
    Setup {
        s,
        a,
        b,
        ints,
        idx,
        keys,
    }
}

/// Seconds of one run of kernel `k` on `x` (`payload` for the upload).
fn once(x: &Setup, k: usize, payload: &[u8]) -> f64 {
    let s = &x.s;
    let t = Instant::now();
    match k {
        0 => {
            for _ in 0..NOOPS {
                s.call("noop", &[]);
            }
            return t.elapsed().as_secs_f64() / NOOPS as f64;
        }
        1 => {
            let tmp = name_of(&s.call(
                "binopvs<float64,float64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "pdarray", &x.b),
                    ("value", "float64", "3.0"),
                ],
            ));
            let c = name_of(&s.call(
                "binopvv<float64,float64,1>",
                &[
                    ("op", "str", "+"),
                    ("a", "pdarray", &x.a),
                    ("b", "pdarray", &tmp),
                ],
            ));
            s.delete(&tmp);
            s.delete(&c);
        }
        2 => {
            s.call(
                "sumAll<int64,1>",
                &[("x", "pdarray", &x.ints), ("skipNan", "bool", "False")],
            );
        }
        3 => {
            let c = name_of(&s.call(
                "cumSum<int64,1>",
                &[
                    ("x", "pdarray", &x.ints),
                    ("axis", "int64", "0"),
                    ("includeInitial", "bool", "False"),
                ],
            ));
            s.delete(&c);
        }
        4 => {
            let c = name_of(&s.call(
                "[pdarray]",
                &[("array", "pdarray", &x.a), ("idx", "pdarray", &x.idx)],
            ));
            s.delete(&c);
        }
        5 => {
            let p = name_of(&s.call(
                "argsort<int64,1>",
                &[
                    ("name", "pdarray", &x.keys),
                    ("algoName", "str", "RadixSortLSD"),
                    ("objType", "str", "pdarray"),
                    ("axis", "int64", "0"),
                ],
            ));
            s.delete(&p);
        }
        6 => {
            // The frame is built before the clock starts, as the client's is.
            let m = zmq::Message::from(payload);
            let t = Instant::now();
            let name = s.upload("int64", m);
            let secs = t.elapsed().as_secs_f64();
            s.delete(&name);
            return secs;
        }
        _ => {
            std::hint::black_box(s.download("int64", &x.ints));
        }
    }
    t.elapsed().as_secs_f64()
}

const NOOPS: usize = 1000;

fn main() {
    if !cfg!(feature = "mpi") {
        println!("dist bench: build with --features mpi");
        return;
    }
    let n = env_or("BENCH_N", 100_000_000);
    let sort_n = env_or("BENCH_SORT_N", n / 10);
    let trials = env_or("BENCH_TRIALS", 3);
    let root = [
        ("OMPI_ALLOW_RUN_AS_ROOT", "1"),
        ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
    ];
    let ranks = |label, launcher: &'static str| Config {
        label,
        args: vec!["--numLocales=2".into()],
        env: [&root[..], &[("ARKOUDA_LAUNCHER", launcher)]].concat(),
    };
    let configs = [
        Config {
            label: "1 process, 2 threads",
            args: vec![],
            env: vec![],
        },
        ranks("2 ranks, shared memory", "mpirun --bind-to core -np {n}"),
        ranks(
            "2 ranks, TCP",
            "mpirun --bind-to core --mca btl self,tcp -np {n}",
        ),
    ];
    println!("N = {n}, argsort N = {sort_n}, trials = {trials} (median), configurations alternate");
    let ctx = zmq::Context::new();
    let setups: Vec<Setup> = configs.iter().map(|c| setup(&ctx, c, n, sort_n)).collect();
    let payload = le_bytes(&random_words(n, 17, u64::MAX));
    // Trial by trial, every configuration in turn (after one untimed run
    // each), so that drifts of this shared machine's bandwidth hit all alike.
    let chosen: Vec<usize> = std::env::var("BENCH_KERNELS")
        .ok()
        .map(|v| v.split(',').filter_map(|k| k.trim().parse().ok()).collect())
        .unwrap_or_else(|| (0..KERNELS.len()).collect());
    let mut times = vec![vec![f64::NAN; KERNELS.len()]; configs.len()];
    for &k in chosen.iter().filter(|&&k| k < KERNELS.len()) {
        let mut runs = vec![Vec::new(); configs.len()];
        for trial in 0..=trials {
            for (i, x) in setups.iter().enumerate() {
                let secs = once(x, k, &payload);
                if trial > 0 {
                    runs[i].push(secs);
                }
            }
        }
        for (i, r) in runs.into_iter().enumerate() {
            times[i][k] = median(r);
        }
    }
    print!("{:<26}", "kernel");
    for c in &configs {
        print!(" {:>24}", c.label);
    }
    println!();
    for (k, name) in KERNELS.iter().enumerate() {
        if !chosen.contains(&k) {
            continue;
        }
        print!("{name:<26}");
        for (i, t) in times.iter().enumerate() {
            if i == 0 {
                print!(" {:>21.4} s ", t[k]);
            } else {
                print!(" {:>10.4} s  x{:<8.2}", t[k], times[0][k] / t[k]);
            }
        }
        println!();
    }
    println!("(x = one-process time / this time; 1.0 = as fast as one process)");
}
