//! The server at 2 ranks of 1 thread each (MPI, on this machine) against one
//! process of 2 threads, with the same commands the client sends, over
//! ZeroMQ to the release binary: how much the scale-out layer costs where it
//! cannot gain (one machine). Ratios are one-process time / 2-rank time, so
//! 1.0 means no cost; the targets are stream and sum 0.9, cumsum 0.8,
//! argsort 0.6, gather 0.5, upload/download 0.7, and a noop round trip at 2
//! ranks within 1.2x of one process. Every configuration runs in this one
//! bench run, one after another, and the ranks are run twice: over shared
//! memory and over TCP (`--mca btl self,tcp`, as between nodes without a
//! fast fabric).
//!
//! Needs the MPI build: `cargo bench --features mpi --bench dist`.
//! Environment: `BENCH_N` (default 100,000,000), `BENCH_SORT_N` (N/10),
//! `BENCH_TRIALS` (default 3, median reported).

mod support;

use std::time::Instant;

use support::*;

struct Config {
    label: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

/// Seconds per kernel, in the order of `KERNELS`.
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

fn run(c: &Config, n: usize, sort_n: usize, trials: usize) -> Vec<f64> {
    let ctx = zmq::Context::new();
    let s = Server::start_with(&ctx, &c.args, &c.env);
    let shape = n.to_string();
    let mut out = Vec::new();

    let noops = 2000;
    let t = Instant::now();
    for _ in 0..noops {
        s.call("noop", &[]);
    }
    out.push(t.elapsed().as_secs_f64() / noops as f64);

    let new_f = |val: &str| {
        let name = name_of(&s.call("create<float64,1>", &[("shape", "int64", &shape)]));
        s.call(
            "set<float64,1>",
            &[
                ("array", "str", &name),
                ("dtype", "str", "float64"),
                ("val", "float64", val),
            ],
        );
        name
    };
    let (a, b) = (new_f("1.0"), new_f("2.0"));
    out.push(timed(
        trials,
        || (),
        |()| {
            let tmp = name_of(&s.call(
                "binopvs<float64,float64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "pdarray", &b),
                    ("value", "float64", "3.0"),
                ],
            ));
            let c = name_of(&s.call(
                "binopvv<float64,float64,1>",
                &[
                    ("op", "str", "+"),
                    ("a", "pdarray", &a),
                    ("b", "pdarray", &tmp),
                ],
            ));
            s.delete(&tmp);
            s.delete(&c);
        },
    ));

    let ints = s.upload(
        "int64",
        zmq::Message::from(le_bytes(&random_words(n, 7, 1 << 40))),
    );
    out.push(timed(
        trials,
        || (),
        |()| {
            s.call(
                "sumAll<int64,1>",
                &[("x", "pdarray", &ints), ("skipNan", "bool", "False")],
            );
        },
    ));
    out.push(timed(
        trials,
        || (),
        |()| {
            let c = name_of(&s.call(
                "cumSum<int64,1>",
                &[
                    ("x", "pdarray", &ints),
                    ("axis", "int64", "0"),
                    ("includeInitial", "bool", "False"),
                ],
            ));
            s.delete(&c);
        },
    ));

    let idx = s.upload(
        "int64",
        zmq::Message::from(le_bytes(&random_words(n, 11, n as u64))),
    );
    out.push(timed(
        trials,
        || (),
        |()| {
            let c = name_of(&s.call(
                "[pdarray]",
                &[("array", "pdarray", &a), ("idx", "pdarray", &idx)],
            ));
            s.delete(&c);
        },
    ));
    for name in [&a, &b, &idx] {
        s.delete(name);
    }

    let keys = s.upload(
        "int64",
        zmq::Message::from(le_bytes(&random_words(sort_n, 13, 1 << 62))),
    );
    out.push(timed(
        trials,
        || (),
        |()| {
            let p = name_of(&s.call(
                "argsort<int64,1>",
                &[
                    ("name", "pdarray", &keys),
                    ("algoName", "str", "RadixSortLSD"),
                    ("objType", "str", "pdarray"),
                    ("axis", "int64", "0"),
                ],
            ));
            s.delete(&p);
        },
    ));
    s.delete(&keys);

    let payload = le_bytes(&random_words(n, 17, u64::MAX));
    out.push(timed(
        trials,
        || zmq::Message::from(&payload[..]),
        |m| {
            let name = s.upload("int64", m);
            s.delete(&name);
        },
    ));
    out.push(timed(
        trials,
        || (),
        |()| {
            std::hint::black_box(s.download("int64", &ints));
        },
    ));
    s.delete(&ints);
    out
}

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
    println!("N = {n}, argsort N = {sort_n}, trials = {trials} (median)");
    let times: Vec<Vec<f64>> = configs.iter().map(|c| run(c, n, sort_n, trials)).collect();
    print!("{:<26}", "kernel");
    for c in &configs {
        print!(" {:>24}", c.label);
    }
    println!();
    for (k, name) in KERNELS.iter().enumerate() {
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
