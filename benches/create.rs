//! Array creation, a few selection kernels and the elementwise kernels that
//! once ran below NumPy (an int64 compare, floor, round, isnan) through the
//! release server over ZeroMQ, beside NumPy's single thread doing the same
//! (in `benches/numpy_create.py`, a co-process fed one operation at a time,
//! so both sides run interleaved under the same load).
//!
//! `cargo bench --bench create` (1 rank, all cores); with `--features mpi`
//! and `BENCH_RANKS=2`, two ranks on this node. Environment: `BENCH_N`
//! (10^8), `BENCH_TRIALS` (5, medians; one untimed run first),
//! `BENCH_KINDS` (a comma list of kinds), `BENCH_PYTHON` (python3).
//!
//! Columns: our median seconds and GiB/s of result written (scatter: of
//! values stored), NumPy's, and the ratio NumPy time / our time. The client
//! builds `ones` and `full` from `create` then `set`, timed together here.
//! `zeros` is lazily mapped on both sides (NumPy's is calloc; ours a fresh
//! mapping): neither time includes writing pages, which the first writer
//! of each page pays. Random kinds compare with NumPy's Generator (faster
//! than the legacy `np.random` functions); values differ by design.

mod support;

use std::time::Instant;

use support::{CoProcess, Server, env_or, median, name_of};

const KINDS: [&str; 18] = [
    "zeros",
    "ones",
    "full",
    "arange",
    "randint",
    "uniform",
    "standard_normal",
    "gather",
    "scatter",
    "slice",
    "where",
    "compress",
    "cumsum",
    "astype",
    "compare",
    "floor",
    "round",
    "isnan",
];

/// The server's inputs, built once.
struct Inputs {
    idx: String,
    v: String,
    a: String,
    m: String,
    target: String,
}

fn inputs(s: &Server, n: usize) -> Inputs {
    let ns = n.to_string();
    let rand = |dtype: &str, low: &str, high: &str| {
        name_of(&s.call(
            &format!("randint<{dtype},1>"),
            &[
                ("shape", "int64", &ns),
                ("low", "str", low),
                ("high", "str", high),
                ("seed", "int64", "1"),
            ],
        ))
    };
    Inputs {
        idx: rand("int64", "0", &ns),
        v: rand("float64", "0.0", "1.0"),
        a: arange(s, n),
        m: rand("bool", "0", "2"),
        target: s.full_f64(n, "1.0"),
    }
}

fn arange(s: &Server, n: usize) -> String {
    name_of(&s.call(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", &n.to_string()),
            ("step", "int64", "1"),
        ],
    ))
}

fn create_set(s: &Server, dtype: &str, n: usize, val: &str) -> String {
    let name = name_of(&s.call(
        &format!("create<{dtype},1>"),
        &[("shape", "int64", &n.to_string())],
    ));
    s.call(
        &format!("set<{dtype},1>"),
        &[
            ("array", "str", &name),
            ("dtype", "str", dtype),
            ("val", dtype, val),
        ],
    );
    name
}

/// Runs `kind` once on the server: (seconds, the result to delete).
fn ours(s: &Server, x: &Inputs, n: usize, kind: &str) -> (f64, Option<String>) {
    let ns = n.to_string();
    let t = Instant::now();
    let made = match kind {
        "zeros" => Some(name_of(
            &s.call("create<int64,1>", &[("shape", "int64", &ns)]),
        )),
        "ones" => Some(create_set(s, "int64", n, "1")),
        "full" => Some(create_set(s, "float64", n, "5.0")),
        "arange" => Some(arange(s, n)),
        "randint" | "uniform" => {
            let (cmd, low, high) = if kind == "randint" {
                ("randint<int64,1>", "0", "100")
            } else {
                ("randint<float64,1>", "0.0", "1.0")
            };
            let args = [
                ("shape", "int64", ns.as_str()),
                ("low", "str", low),
                ("high", "str", high),
                ("seed", "int64", "-1"),
            ];
            Some(name_of(&s.call(cmd, &args)))
        }
        "standard_normal" => Some(name_of(&s.call(
            "randomNormal<1>",
            &[("shape", "int64", &ns), ("seed", "str", "None")],
        ))),
        "gather" => Some(name_of(&s.call(
            "[pdarray]",
            &[("array", "pdarray", &x.v), ("idx", "pdarray", &x.idx)],
        ))),
        "scatter" => {
            s.call(
                "[pdarray]=pdarray",
                &[
                    ("array", "pdarray", &x.target),
                    ("idx", "pdarray", &x.idx),
                    ("value", "pdarray", &x.v),
                ],
            );
            None
        }
        "slice" => Some(name_of(&s.call(
            "[slice]<int64,1>",
            &[
                ("array", "pdarray", &x.a),
                ("starts", "str", "0"),
                ("stops", "str", &ns),
                ("strides", "str", "2"),
            ],
        ))),
        "where" => Some(name_of(&s.call(
            "wherevv<1,float64,int64>",
            &[
                ("condition", "pdarray", &x.m),
                ("a", "pdarray", &x.v),
                ("b", "pdarray", &x.a),
            ],
        ))),
        "compress" => Some(name_of(&s.call(
            "[pdarray]",
            &[("array", "pdarray", &x.v), ("idx", "pdarray", &x.m)],
        ))),
        "cumsum" => Some(name_of(&s.call(
            "cumSum<int64,1>",
            &[
                ("x", "pdarray", &x.a),
                ("axis", "int64", "0"),
                ("includeInitial", "bool", "False"),
            ],
        ))),
        "astype" => Some(name_of(
            &s.call("cast<int64,float64,1>", &[("name", "pdarray", &x.a)]),
        )),
        "compare" => Some(name_of(&s.call(
            "binopvv<int64,int64,1>",
            &[
                ("op", "str", "<"),
                ("a", "pdarray", &x.idx),
                ("b", "pdarray", &x.a),
            ],
        ))),
        "floor" | "round" => Some(name_of(&s.call(
            &format!("{kind}<float64,1>"),
            &[("x", "pdarray", &x.v), ("n", "int64", "0")],
        ))),
        "isnan" => Some(name_of(&s.call("isnan<1>", &[("pda", "pdarray", &x.v)]))),
        other => panic!("unknown kind {other}"),
    };
    (t.elapsed().as_secs_f64(), made)
}

/// Bytes of result written.
fn bytes(kind: &str, n: usize) -> f64 {
    let n = n as f64;
    match kind {
        "slice" | "compress" => n / 2.0 * 8.0,
        "compare" | "isnan" => n,
        _ => n * 8.0,
    }
}

/// NumPy's co-process (`benches/numpy_create.py`), or `None` (with a
/// note) when it cannot run.
struct NumPy(CoProcess);

impl NumPy {
    fn start(n: usize) -> Option<NumPy> {
        match CoProcess::start("numpy_create.py", &[n.to_string()]) {
            Ok(p) => Some(NumPy(p)),
            Err(why) => {
                println!("NumPy side skipped: {why}");
                None
            }
        }
    }

    fn run(&mut self, kind: &str) -> f64 {
        let line = self.0.ask(kind).expect("numpy's answer");
        line.parse().expect("numpy's seconds")
    }
}

fn main() {
    let n = env_or("BENCH_N", 100_000_000);
    let trials = env_or("BENCH_TRIALS", 5).max(1);
    let ranks = env_or("BENCH_RANKS", 1);
    let kinds: Vec<String> = match std::env::var("BENCH_KINDS") {
        Ok(list) => list.split(',').map(|k| k.trim().to_string()).collect(),
        Err(_) => KINDS.iter().map(|k| k.to_string()).collect(),
    };
    if ranks > 1 && !cfg!(feature = "mpi") {
        println!("create bench: BENCH_RANKS={ranks} needs --features mpi");
        return;
    }
    let ctx = zmq::Context::new();
    let args = if ranks > 1 {
        vec![format!("--numLocales={ranks}")]
    } else {
        vec![]
    };
    let env: Vec<(&str, &str)> = if ranks > 1 {
        vec![
            ("OMPI_ALLOW_RUN_AS_ROOT", "1"),
            ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
            ("ARKOUDA_LAUNCHER", "mpirun --bind-to none -np {n}"),
        ]
    } else {
        vec![]
    };
    let s = Server::start_with(&ctx, &args, &env);
    let x = inputs(&s, n);
    let mut numpy = NumPy::start(n);
    if numpy.is_none() {
        println!("NumPy not available: our side only");
    }
    println!(
        "N = {n}, {ranks} rank(s), medians of {trials} interleaved trials; load: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "{:<16} {:>9} {:>9} {:>10} {:>9} {:>9}",
        "kind", "ours s", "GiB/s", "NumPy s", "GiB/s", "x NumPy"
    );
    let gib = |kind: &str, secs: f64| bytes(kind, n) / secs / (1u64 << 30) as f64;
    for kind in &kinds {
        let (mut mine, mut theirs) = (vec![], vec![]);
        for trial in 0..=trials {
            let (secs, made) = ours(&s, &x, n, kind);
            if let Some(name) = made {
                s.delete(&name);
            }
            let np = numpy.as_mut().map(|p| p.run(kind));
            if trial > 0 {
                mine.push(secs);
                theirs.extend(np);
            }
        }
        let ours_s = median(mine);
        match theirs.is_empty() {
            true => println!(
                "{kind:<16} {ours_s:>9.4} {:>9.1} {:>10} {:>9} {:>9}",
                gib(kind, ours_s),
                "-",
                "-",
                "-"
            ),
            false => {
                let np_s = median(theirs);
                println!(
                    "{kind:<16} {ours_s:>9.4} {:>9.1} {np_s:>10.4} {:>9.1} {:>8.2}x",
                    gib(kind, ours_s),
                    gib(kind, np_s),
                    np_s / ours_s
                );
            }
        }
    }
    println!(
        "load after: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
