//! Arkouda's own benchmarks (benchmarks/*.py in its repository) against the
//! release server, each beside NumPy running the same kernel in this run
//! (`cargo bench --bench arkouda`).
//!
//! For every kernel the bench sends, over ZeroMQ, the commands the Python
//! client sends for the script's timed statement (with the script's default
//! dtype and data), takes the median time of `BENCH_TRIALS` runs and prints
//! GiB/s with the script's own byte formula. NumPy's time comes from
//! benches/numpy_kernels.py, run once before the server starts: the script's
//! numpy branch where it has one, else the obvious NumPy equivalent (the
//! printed legend says which). NumPy's GiB/s uses the same byte count, so
//! the ratio (ours / NumPy) is NumPy's time over ours; rows below 1.5 are
//! marked. Bandwidth-bound kernels also get a memcpy reading taken right
//! before each run, and upload/download a bare ZeroMQ transfer of the same
//! bytes (what benches/arrays.rs used to print). A command the server
//! refuses prints `unsupported: <command>` and the bench goes on.
//!
//! Sizes: `BENCH_N` (default 10^8, the scripts' default) for the
//! bandwidth-bound kernels; `BENCH_SORT_N` (default N/10) for the sorts,
//! set operations, groupby, aggregate and every string kernel (str-in1d's
//! default; the sorting scripts' 10^8 would not fit the bench's 10 minutes).
//! `BENCH_TRIALS` (default 3; a kernel stops after 20 s of trials, at least
//! one), `BENCH_KERNELS` (comma-separated prefixes of kernel names, e.g.
//! `stream,str-`), `BENCH_SERVER_ARGS` (extra server flags), `BENCH_RANKS`
//! (with `--features mpi`: that many ranks on this machine, launched as
//! benches/dist.rs does), `BENCH_PYTHON` (default python3).

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Instant;

use support::*;

const GIB: f64 = (1u64 << 30) as f64;
/// in1d's regimes: b just below and just above the scripts' 2^23 threshold.
const THRESHOLD: usize = 1 << 23;
/// A kernel's trials stop once they have taken this long.
const BUDGET_SECS: f64 = 20.0;

type Res<T> = Result<T, String>;

/// NumPy's medians and what it ran, by kernel name.
#[derive(Default)]
struct NumPy {
    secs: HashMap<String, f64>,
    what: Vec<(String, String)>,
    note: Option<String>,
}

fn run_numpy(n: usize, sort_n: usize, trials: usize, filter: &str) -> NumPy {
    let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/numpy_kernels.py");
    let t = Instant::now();
    let child = Command::new(&python)
        .arg(script)
        .args([n, sort_n, trials].map(|x| x.to_string()))
        .arg(filter)
        // Not a folder that could shadow numpy.
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut np = NumPy::default();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            np.note = Some(format!("NumPy skipped: cannot run {python}: {e}"));
            return np;
        }
    };
    // Read as it comes, with progress on stderr: NumPy's side takes minutes.
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("#what ") {
            let (k, what) = rest.split_once(' ').unwrap_or((rest, ""));
            np.what.push((k.to_string(), what.to_string()));
        } else if let Some((k, s)) = line.split_once(' ')
            && let Ok(s) = s.trim().parse()
        {
            eprintln!("numpy: {k} {s:.4} s");
            np.secs.insert(k.to_string(), s);
        }
    }
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    if !child.wait().is_ok_and(|s| s.success()) {
        np.note = Some(format!(
            "NumPy skipped: {python} {script} failed: {}",
            err.trim().lines().last().unwrap_or("")
        ));
        np.secs.clear();
        return np;
    }
    println!("(NumPy side took {:.0} s)", t.elapsed().as_secs_f64());
    np
}

/// What an ERROR reply means for the table.
fn refused(cmd: &str, args: &[(&str, &str, &str)], msg: &str) -> String {
    let unsupported = ["Unrecognized command", "NotImplemented", "not supported"]
        .iter()
        .any(|w| msg.contains(w));
    if unsupported {
        let op = args.iter().find(|a| a.0 == "op").map(|a| a.2);
        format!(
            "unsupported: {cmd}{}",
            op.map(|o| format!(" {o}")).unwrap_or_default()
        )
    } else {
        let msg: String = msg.chars().take(120).collect();
        format!("failed: {cmd}: {msg}")
    }
}

/// A JSON list of strings as the client sends one in a `str` argument.
fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("json")
}

struct Bench {
    s: Server,
    trials: usize,
    filter: Vec<String>,
    numpy: NumPy,
    memcpy: RefCell<Memcpy>,
    below: Vec<String>,
    failed: Vec<String>,
    ctx: zmq::Context,
}

impl Bench {
    fn want(&self, name: &str) -> bool {
        self.filter.is_empty() || self.filter.iter().any(|f| name.starts_with(f.as_str()))
    }

    fn any(&self, names: &[String]) -> bool {
        names.iter().any(|n| self.want(n))
    }

    fn call(&self, cmd: &str, args: &[(&str, &str, &str)]) -> Res<String> {
        self.s
            .try_call(cmd, args)
            .map_err(|m| refused(cmd, args, &m))
    }

    fn created(&self, cmd: &str, args: &[(&str, &str, &str)]) -> Res<String> {
        self.call(cmd, args).map(|r| name_of(&r))
    }

    fn delete(&self, name: &str) {
        self.s.delete(name)
    }

    fn randint(&self, n: usize, low: &str, high: &str, seed: u64) -> Res<String> {
        self.created(
            "randint<int64,1>",
            &[
                ("shape", "int64", &n.to_string()),
                ("low", "str", low),
                ("high", "str", high),
                ("seed", "int64", &seed.to_string()),
            ],
        )
    }

    fn arange(&self, start: usize, stop: usize) -> Res<String> {
        self.created(
            "arange<int64,1>",
            &[
                ("start", "int64", &start.to_string()),
                ("stop", "int64", &stop.to_string()),
                ("step", "int64", "1"),
            ],
        )
    }

    /// `ak.ones(n, dtype)` / `ak.zeros`: `create`, then `set` for ones.
    fn filled(&self, n: usize, dtype: &str, one: Option<&str>) -> Res<String> {
        let name = self.created(
            &format!("create<{dtype},1>"),
            &[("shape", "int64", &n.to_string())],
        )?;
        if let Some(v) = one {
            self.call(
                &format!("set<{dtype},1>"),
                &[
                    ("array", dtype, &name),
                    ("dtype", "str", dtype),
                    ("val", "str", v),
                ],
            )?;
        }
        Ok(name)
    }

    /// `ak.random_strings_uniform(lo, hi, n)`: the name and `nbytes`.
    fn strings(&self, n: usize, lo: usize, hi: usize, seed: u64) -> Res<(String, usize)> {
        let r = self.call(
            "randomStrings",
            &[
                ("size", "str", &n.to_string()),
                ("dist", "str", "uniform"),
                ("chars", "str", "uppercase"),
                ("arg1", "str", &lo.to_string()),
                ("arg2", "str", &hi.to_string()),
                ("seed", "int64", &seed.to_string()),
            ],
        )?;
        Ok((name_of(&r), strings_nbytes(&r)))
    }

    /// `strings[idx]` as the client sends it: the name and `nbytes`.
    fn str_gather(&self, strings: &str, idx: &str) -> Res<(String, usize)> {
        let r = self.call(
            "segmentedIndex",
            &[
                ("subcmd", "str", "pdarrayIndex"),
                ("objType", "str", "Strings"),
                ("dtype", "<class 'numpy.dtypes.StrDType'>", "<U0"),
                ("obj", "<U0", strings),
                ("key", "int64", idx),
            ],
        )?;
        Ok((name_of(&r), strings_nbytes(&r)))
    }

    /// Median seconds of the trials of `f` (each run times itself), after
    /// one untimed run when `warm`.
    fn time(&self, warm: bool, mut f: impl FnMut() -> Res<f64>) -> Res<f64> {
        if warm {
            f()?;
        }
        let (mut secs, start) = (Vec::new(), Instant::now());
        while secs.len() < self.trials
            && (secs.is_empty() || start.elapsed().as_secs_f64() < BUDGET_SECS)
        {
            secs.push(f()?);
        }
        Ok(median(secs))
    }

    /// As [`Bench::time`] (warm), beside a memcpy reading per run.
    fn time_memcpy(&self, f: impl FnMut() -> Res<f64>) -> Res<(f64, f64)> {
        beside_memcpy(&mut self.memcpy.borrow_mut(), self.trials, f)
    }

    /// Prints one row: `bytes` by the script's formula, our result, and an
    /// optional baseline (what, bytes per second).
    fn row(&mut self, name: &str, n: usize, bytes: f64, ours: Res<f64>, base: Option<(&str, f64)>) {
        let np = self.numpy.secs.get(name).copied();
        let np_rate = np.map(|t| bytes / t / GIB);
        let np_col = np_rate.map_or("n/a".to_string(), |r| format!("{r:.2}"));
        match ours {
            Err(e) => {
                println!("{name:<24} {n:>11} {e:>9}   (NumPy {np_col} GiB/s)");
                self.failed.push(format!("{name} ({e})"));
            }
            Ok(t) => {
                let rate = bytes / t / GIB;
                let ratio = np_rate.map(|r| rate / r);
                let ratio_col = ratio.map_or("-".to_string(), |r| format!("{r:.2}"));
                let mark = match ratio {
                    Some(r) if r < 1.5 => {
                        self.below.push(format!("{name} {r:.2}"));
                        "<1.5"
                    }
                    _ => "",
                };
                let base_col = base.map_or(String::new(), |(what, b)| {
                    format!(
                        "{what} {:.2} GiB/s, ours {:.0}%",
                        b / GIB,
                        100.0 * rate * GIB / b
                    )
                });
                println!(
                    "{name:<24} {n:>11} {rate:>9.2} {np_col:>9} {ratio_col:>7} {mark:<4}  {base_col}"
                );
            }
        }
    }

    /// A group whose setup failed: one row per kernel it would have run.
    fn group_failed(&mut self, names: &[String], n: usize, e: String) {
        let wanted: Vec<&String> = names.iter().filter(|k| self.want(k)).collect();
        for name in wanted {
            self.row(name, n, 1.0, Err(e.clone()), None);
        }
    }
}

/// Seconds of `f` and its result.
fn clock<T>(f: impl FnOnce() -> Res<T>) -> Res<(f64, T)> {
    let t = Instant::now();
    let r = f()?;
    Ok((t.elapsed().as_secs_f64(), r))
}

/// stream.py: `c = a + b*alpha`, float64 ones, alpha 1.0; 3 x 8N bytes.
fn stream(b: &mut Bench, n: usize) -> Res<()> {
    let x = b.filled(n, "float64", Some("1.0"))?;
    let y = b.filled(n, "float64", Some("1.0"))?;
    let mut c: Option<String> = None;
    let r = b.time_memcpy(|| {
        let (secs, next) = clock(|| {
            let tmp = b.created(
                "binopvs<float64,float64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "float64", &y),
                    ("value", "float64", "1.0"),
                ],
            )?;
            let next = b.created(
                "binopvv<float64,float64,1>",
                &[
                    ("op", "str", "+"),
                    ("a", "float64", &x),
                    ("b", "float64", &tmp),
                ],
            )?;
            b.delete(&tmp);
            // The script's `c = ...` frees the previous c inside the clock.
            if let Some(old) = c.take() {
                b.delete(&old);
            }
            Ok(next)
        })?;
        c = Some(next);
        Ok(secs)
    });
    for name in [Some(x), Some(y), c].into_iter().flatten() {
        b.delete(&name);
    }
    let (t, m) = split(r);
    b.row(
        "stream",
        n,
        3.0 * 8.0 * n as f64,
        t,
        m.map(|m| ("memcpy", m)),
    );
    Ok(())
}

/// A memcpy-timed result as (time, baseline).
fn split(r: Res<(f64, f64)>) -> (Res<f64>, Option<f64>) {
    match r {
        Ok((t, m)) => (Ok(t), Some(m)),
        Err(e) => (Err(e), None),
    }
}

/// reduce.py: sum, prod, min, max of `arange(1, N)` (and `1.0 * a` for
/// float64); a.size x 8 bytes.
fn reduce(b: &mut Bench, n: usize) -> Res<()> {
    let ints = b.arange(1, n)?;
    let floats = b.created(
        "binopsv<int64,float64,1>",
        &[
            ("op", "str", "*"),
            ("a", "int64", &ints),
            ("value", "float64", "1.0"),
        ],
    );
    for (dtype, a) in [("int64", Ok(ints.clone())), ("float64", floats.clone())] {
        for op in ["sum", "prod", "min", "max"] {
            let name = format!("reduce-{op}-{dtype}");
            if !b.want(&name) {
                continue;
            }
            let cmd = format!("{op}All<{dtype},1>");
            let r = a.clone().and_then(|a| {
                b.time_memcpy(|| {
                    clock(|| b.call(&cmd, &[("x", dtype, &a), ("skipNan", "bool", "False")]))
                        .map(|(t, _)| t)
                })
            });
            let (t, m) = split(r);
            b.row(
                &name,
                n - 1,
                8.0 * (n - 1) as f64,
                t,
                m.map(|m| ("memcpy", m)),
            );
        }
    }
    b.delete(&ints);
    if let Ok(f) = floats {
        b.delete(&f);
    }
    Ok(())
}

/// scan.py: cumsum and cumprod of `arange(1, N)`; 2 x 8 x a.size bytes.
fn scan(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.arange(1, n)?;
    for (op, cmd) in [
        ("cumsum", "cumSum<int64,1>"),
        ("cumprod", "cumProd<int64,1>"),
    ] {
        let name = format!("scan-{op}-int64");
        if !b.want(&name) {
            continue;
        }
        let r = b.time_memcpy(|| {
            clock(|| {
                let c = b.created(
                    cmd,
                    &[
                        ("x", "int64", &a),
                        ("axis", "int64", "0"),
                        ("includeInitial", "bool", "False"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let (t, m) = split(r);
        b.row(
            &name,
            n - 1,
            16.0 * (n - 1) as f64,
            t,
            m.map(|m| ("memcpy", m)),
        );
    }
    b.delete(&a);
    Ok(())
}

/// gather.py `c = v[i]` and scatter.py `c[i] = v`: int64 ones, random
/// indexes, N each; 3 x 8N bytes.
fn gather_scatter(b: &mut Bench, n: usize) -> Res<()> {
    let i = b.randint(n, "0", &n.to_string(), 1)?;
    let v = b.filled(n, "int64", Some("1"))?;
    if b.want("gather-int64") {
        let r = b.time_memcpy(|| {
            clock(|| {
                let c = b.created("[pdarray]", &[("array", "int64", &v), ("idx", "int64", &i)])?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let (t, m) = split(r);
        b.row(
            "gather-int64",
            n,
            24.0 * n as f64,
            t,
            m.map(|m| ("memcpy", m)),
        );
    }
    if b.want("scatter-int64") {
        let c = b.filled(n, "int64", None)?;
        let r = b.time_memcpy(|| {
            clock(|| {
                b.call(
                    "[pdarray]=pdarray",
                    &[
                        ("array", "int64", &c),
                        ("idx", "int64", &i),
                        ("value", "int64", &v),
                    ],
                )
            })
            .map(|(t, _)| t)
        });
        b.delete(&c);
        let (t, m) = split(r);
        b.row(
            "scatter-int64",
            n,
            24.0 * n as f64,
            t,
            m.map(|m| ("memcpy", m)),
        );
    }
    b.delete(&i);
    b.delete(&v);
    Ok(())
}

/// in1d.py: `arange(N) % (2^23+1)` in `arange(2^23 -+ 1)`;
/// (a.size + b.size) x 8 bytes.
fn in1d(b: &mut Bench, n: usize) -> Res<()> {
    let r = b.arange(0, n)?;
    let a = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "%"),
            ("a", "int64", &r),
            ("value", "int64", &(THRESHOLD + 1).to_string()),
        ],
    );
    b.delete(&r);
    let a = a?;
    for (regime, bsize) in [("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)] {
        let name = format!("in1d-int64-{regime}");
        if !b.want(&name) {
            continue;
        }
        let other = b.arange(0, bsize)?;
        let t = b.time(false, || {
            clock(|| {
                let c = b.created(
                    "in1d",
                    &[
                        ("pda1", "int64", &a),
                        ("pda2", "int64", &other),
                        ("invert", "bool", "False"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&other);
        b.row(&name, n, 8.0 * (n + bsize) as f64, t, None);
    }
    b.delete(&a);
    Ok(())
}

/// array_create.py: zeros, ones, randint(0, 2^32) of int64; 8N bytes.
fn create(b: &mut Bench, n: usize) -> Res<()> {
    for op in ["zeros", "ones", "randint"] {
        let name = format!("array_create-{op}");
        if !b.want(&name) {
            continue;
        }
        let r = b.time_memcpy(|| {
            clock(|| {
                let a = match op {
                    "zeros" => b.filled(n, "int64", None)?,
                    "ones" => b.filled(n, "int64", Some("1"))?,
                    _ => b.randint(n, "0", "4294967296", 7)?,
                };
                b.delete(&a);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let (t, m) = split(r);
        b.row(&name, n, 8.0 * n as f64, t, m.map(|m| ("memcpy", m)));
    }
    Ok(())
}

/// array_transfer.py: `to_ndarray` and `ak.array` of int64; 8N bytes each,
/// beside a bare ZeroMQ transfer of the same bytes (NumPy has no side).
fn transfer(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.randint(n, "0", "4294967296", 3)?;
    let bytes = 8 * n;
    let mut err = None;
    if b.want("array_transfer-download") {
        let peer = BarePeer::start(&b.ctx, 1, bytes, b.trials);
        let (ours, bare) = interleaved(peer, b.trials, || {
            let t = Instant::now();
            let got = b.s.download("int64", &a);
            let secs = t.elapsed().as_secs_f64();
            if got.len() != bytes {
                err = Some(format!("failed: tondarray: {} bytes", got.len()));
            }
            secs
        });
        let r = err.take().map_or(Ok(ours), Err);
        b.row(
            "array_transfer-download",
            n,
            bytes as f64,
            r,
            Some(("bare ZeroMQ", bytes as f64 / bare)),
        );
    }
    if b.want("array_transfer-upload") {
        let payload = b.s.download("int64", &a).to_vec();
        let peer = BarePeer::start(&b.ctx, bytes, 2, b.trials);
        let (ours, bare) = interleaved(peer, b.trials, || {
            // The frame is built before the clock starts, as the client's is.
            let msg = zmq::Message::from(&payload[..]);
            let t = Instant::now();
            let name = b.s.upload("int64", msg);
            b.delete(&name);
            t.elapsed().as_secs_f64()
        });
        b.row(
            "array_transfer-upload",
            n,
            bytes as f64,
            Ok(ours),
            Some(("bare ZeroMQ", bytes as f64 / bare)),
        );
    }
    b.delete(&a);
    Ok(())
}

/// slice.py: five slices of `arange(N)`; 2 x 8 x result.size bytes.
fn slices(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.arange(0, n)?;
    let last = n as i64 - 1;
    let cases: [(&str, i64, i64, i64); 5] = [
        ("exclude-last", 0, last, 1),
        ("exclude-first", 1, n as i64, 1),
        ("stride-2", 0, n as i64, 2),
        ("interior-stride-3", 1, last, 3),
        ("reverse", last, -1, -1),
    ];
    for (label, start, stop, stride) in cases {
        let name = format!("slice-{label}");
        if !b.want(&name) {
            continue;
        }
        let size = if stride > 0 {
            (stop - start + stride - 1) / stride
        } else {
            (start - stop - stride - 1) / -stride
        };
        let r = b.time_memcpy(|| {
            clock(|| {
                let c = b.created(
                    "[slice]<int64,1>",
                    &[
                        ("array", "int64", &a),
                        ("starts", "int64", &start.to_string()),
                        ("stops", "int64", &stop.to_string()),
                        ("strides", "int64", &stride.to_string()),
                        ("max_bits", "int64", "0"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let (t, m) = split(r);
        b.row(&name, n, 16.0 * size as f64, t, m.map(|m| ("memcpy", m)));
    }
    b.delete(&a);
    Ok(())
}

/// argsort.py: `ak.argsort` of random int64 (0..2^32); 8N bytes.
fn argsort(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.randint(n, "0", "4294967296", 11)?;
    let t = b.time(false, || {
        clock(|| {
            let p = b.created(
                "argsort<int64,1>",
                &[
                    ("name", "str", &a),
                    ("algoName", "str", "RadixSortLSD"),
                    ("objType", "str", "pdarray"),
                    ("axis", "int64", "0"),
                ],
            )?;
            b.delete(&p);
            Ok(())
        })
        .map(|(t, _)| t)
    });
    b.delete(&a);
    b.row("argsort-int64", n, 8.0 * n as f64, t, None);
    Ok(())
}

/// `coargsort` of `keys` (names) of one object type.
fn coargsort(b: &Bench, keys: &[String], ty: &str) -> Res<()> {
    let p = b.created(
        "coargsort",
        &[
            ("algoName", "str", "RadixSortLSD"),
            ("nstr", "int64", &keys.len().to_string()),
            ("arr_names", "str", &json_list(keys)),
            (
                "arr_types",
                "str",
                &json_list(&vec![ty.to_string(); keys.len()]),
            ),
        ],
    )?;
    b.delete(&p);
    Ok(())
}

/// `ak.GroupBy(keys)`: `unique`, then each key gathered at the unique keys'
/// positions; everything it made is deleted (inside the clock, as the
/// script's `g = ...` frees the previous groupby).
fn groupby(b: &Bench, keys: &[String], ty: &str, sorted: bool) -> Res<Vec<String>> {
    let r = b.call(
        "unique",
        &[
            ("returnGroupStr", "bool", "True"),
            (
                "assumeSortedStr",
                "bool",
                if sorted { "True" } else { "False" },
            ),
            ("nstr", "int64", &keys.len().to_string()),
            ("keynames", "str", &json_list(keys)),
            (
                "keytypes",
                "str",
                &json_list(&vec![ty.to_string(); keys.len()]),
            ),
        ],
    )?;
    let mut made = names_of(&r);
    let ukidx = made
        .last()
        .cloned()
        .ok_or_else(|| format!("failed: unique: {r}"))?;
    for k in keys {
        made.push(if ty == "Strings" {
            b.str_gather(k, &ukidx)?.0
        } else {
            b.created(
                "[pdarray]",
                &[("array", "int64", k), ("idx", "int64", &ukidx)],
            )?
        });
    }
    Ok(made)
}

/// coargsort.py and groupby.py: 1, 2, 8, 16 int64 arrays of N/k each;
/// bytes of all keys.
fn multi_key(b: &mut Bench, n: usize) -> Res<()> {
    for k in [1usize, 2, 8, 16] {
        let names = [format!("coargsort-{k}"), format!("groupby-{k}")];
        if !b.any(&names) {
            continue;
        }
        let keys = (0..k)
            .map(|j| b.randint(n / k, "0", "4294967296", 100 + j as u64))
            .collect::<Res<Vec<_>>>()?;
        let bytes = 8.0 * (k * (n / k)) as f64;
        if b.want(&names[0]) {
            let t = b.time(false, || {
                clock(|| coargsort(b, &keys, "pdarray")).map(|(t, _)| t)
            });
            b.row(&names[0], n, bytes, t, None);
        }
        if b.want(&names[1]) {
            let t = b.time(false, || {
                clock(|| {
                    for x in groupby(b, &keys, "pdarray", false)? {
                        b.delete(&x);
                    }
                    Ok(())
                })
                .map(|(t, _)| t)
            });
            b.row(&names[1], n, bytes, t, None);
        }
        for x in &keys {
            b.delete(x);
        }
    }
    Ok(())
}

/// setops.py: intersect1d, union1d, setxor1d, setdiff1d of two random int64
/// arrays; 2 x 8N bytes.
fn setops(b: &mut Bench, n: usize) -> Res<()> {
    let x = b.randint(n, "0", "4294967296", 21)?;
    let y = b.randint(n, "0", "4294967296", 22)?;
    for op in ["intersect1d", "union1d", "setxor1d", "setdiff1d"] {
        let name = format!("setops-{op}");
        if !b.want(&name) {
            continue;
        }
        let mut args = vec![("arg1", "int64", x.as_str()), ("arg2", "int64", y.as_str())];
        if op != "union1d" {
            args.push(("assume_unique", "bool", "False"));
        }
        let t = b.time(false, || {
            clock(|| {
                let c = b.created(op, &args)?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.row(&name, n, 16.0 * n as f64, t, None);
    }
    b.delete(&x);
    b.delete(&y);
    Ok(())
}

const AGG_OPS: [&str; 11] = [
    "sum", "prod", "min", "max", "mean", "count", "any", "all", "or", "and", "xor",
];

/// aggregate.py: `GroupBy(sorted keys, assume_sorted=True).aggregate(v, op)`
/// with v random int64 below 2^16 (bool `v % 2 == 0` for any/all);
/// v.size x itemsize bytes.
fn aggregate(b: &mut Bench, n: usize) -> Res<()> {
    let raw = b.randint(n, "0", "4294967296", 31)?;
    let keys = b.created(
        "sort<int64,1>",
        &[
            ("alg", "str", "RadixSortLSD"),
            ("array", "int64", &raw),
            ("axis", "int64", "0"),
        ],
    );
    b.delete(&raw);
    let keys = keys?;
    let vals = b.randint(n, "0", "65536", 32)?;
    let odd = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "%"),
            ("a", "int64", &vals),
            ("value", "int64", "2"),
        ],
    )?;
    let bools = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "=="),
            ("a", "int64", &odd),
            ("value", "int64", "0"),
        ],
    )?;
    b.delete(&odd);
    let g = groupby(b, std::slice::from_ref(&keys), "pdarray", true)?;
    let segs = g[1].clone();
    for op in AGG_OPS {
        let name = format!("aggregate-{op}");
        if !b.want(&name) {
            continue;
        }
        let boolean = matches!(op, "any" | "all");
        let (v, dtype) = if boolean {
            (&bools, "bool")
        } else {
            (&vals, "int64")
        };
        let t = b.time(false, || {
            clock(|| {
                let c = b.created(
                    "segmentedReduction",
                    &[
                        ("values", dtype, v),
                        ("segments", "int64", &segs),
                        ("op", "str", op),
                        ("skip_nan", "bool", "True"),
                        ("ddof", "int64", "1"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let bytes = if boolean { n } else { 8 * n };
        b.row(&name, n, bytes as f64, t, None);
    }
    for x in g.iter().chain([&keys, &vals, &bools]) {
        b.delete(x);
    }
    Ok(())
}

/// str-argsort.py and str-gather.py on `random_strings_uniform(1, 16, N)`:
/// argsort moves a.nbytes; gather 3 x 8 x c.size (offsets) + 8 x c.size +
/// 2 x c.nbytes.
fn str_single(b: &mut Bench, n: usize) -> Res<()> {
    let (s, nbytes) = b.strings(n, 1, 16, 41)?;
    if b.want("str-argsort") {
        let t = b.time(false, || {
            clock(|| {
                let p = b.created(
                    "argsortStrings",
                    &[("name", "str", &s), ("algoName", "str", "RadixSortLSD")],
                )?;
                b.delete(&p);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.row("str-argsort", n, nbytes as f64, t, None);
    }
    if b.want("str-gather") {
        let i = b.randint(n, "0", &n.to_string(), 42)?;
        let mut c_nbytes = 0;
        let t = b.time(false, || {
            clock(|| {
                let (c, nb) = b.str_gather(&s, &i)?;
                c_nbytes = nb;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&i);
        let bytes = 3 * n * 8 + n * 8 + 2 * c_nbytes;
        b.row("str-gather", n, bytes as f64, t, None);
    }
    b.delete(&s);
    Ok(())
}

/// str-coargsort.py and str-groupby.py: 1, 2, 8, 16 arrays of N/k strings
/// of 1-16 letters; bytes = the keys' nbytes.
fn str_multi(b: &mut Bench, n: usize) -> Res<()> {
    for k in [1usize, 2, 8, 16] {
        let names = [format!("str-coargsort-{k}"), format!("str-groupby-{k}")];
        if !b.any(&names) {
            continue;
        }
        let made = (0..k)
            .map(|j| b.strings(n / k, 1, 16, 200 + j as u64))
            .collect::<Res<Vec<_>>>()?;
        let bytes = made.iter().map(|m| m.1).sum::<usize>() as f64;
        let keys: Vec<String> = made.into_iter().map(|m| m.0).collect();
        if b.want(&names[0]) {
            let t = b.time(false, || {
                clock(|| coargsort(b, &keys, "Strings")).map(|(t, _)| t)
            });
            b.row(&names[0], n, bytes, t, None);
        }
        if b.want(&names[1]) {
            let t = b.time(false, || {
                clock(|| {
                    for x in groupby(b, &keys, "Strings", false)? {
                        b.delete(&x);
                    }
                    Ok(())
                })
                .map(|(t, _)| t)
            });
            b.row(&names[1], n, bytes, t, None);
        }
        for x in &keys {
            b.delete(x);
        }
    }
    Ok(())
}

/// str-in1d.py: N strings of 1-5 letters in 2^23 -+ 1 others;
/// a.size x 8 + a.nbytes + b.size x 8 + b.nbytes.
fn str_in1d(b: &mut Bench, n: usize) -> Res<()> {
    let (a, a_nbytes) = b.strings(n, 1, 5, 51)?;
    for (regime, bsize) in [("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)] {
        let name = format!("str-in1d-{regime}");
        if !b.want(&name) {
            continue;
        }
        let (other, o_nbytes) = b.strings(bsize, 1, 5, 52)?;
        let t = b.time(false, || {
            clock(|| {
                let c = b.created(
                    "segmentedIn1d",
                    &[
                        ("objType", "str", "Strings"),
                        ("obj", "<U0", &a),
                        ("otherType", "str", "Strings"),
                        ("other", "<U0", &other),
                        ("invert", "bool", "False"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&other);
        let bytes = n * 8 + a_nbytes + bsize * 8 + o_nbytes;
        b.row(&name, n, bytes as f64, t, None);
    }
    b.delete(&a);
    Ok(())
}

fn names(prefix: &str, items: &[&str]) -> Vec<String> {
    items.iter().map(|i| format!("{prefix}{i}")).collect()
}

fn main() {
    if bare_peer_main() {
        return;
    }
    let n = env_or("BENCH_N", 100_000_000).max(16);
    let sort_n = env_or("BENCH_SORT_N", n / 10).max(16);
    let trials = env_or("BENCH_TRIALS", 3).max(1);
    let filter_text = std::env::var("BENCH_KERNELS").unwrap_or_default();
    let filter: Vec<String> = filter_text
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let cores = thread::available_parallelism().map_or(1, |c| c.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut ranks = env_or("BENCH_RANKS", 1).max(1);
    if ranks > 1 && !cfg!(feature = "mpi") {
        println!("BENCH_RANKS={ranks} needs --features mpi: running one process");
        ranks = 1;
    }
    println!(
        "Arkouda's benchmark kernels: N = {n} (BENCH_N), sorts, setops, groupby, aggregate and \
         strings N = {sort_n} (BENCH_SORT_N), trials = {trials} (median), cores = {cores}, \
         ranks = {ranks}, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let numpy = run_numpy(n, sort_n, trials, &filter_text);
    if let Some(note) = &numpy.note {
        println!("{note}");
    }
    let ctx = zmq::Context::new();
    let (args, env) = ranks_config(ranks);
    let s = Server::start_with(&ctx, &args, &env);
    let mut b = Bench {
        s,
        trials,
        filter,
        numpy,
        memcpy: RefCell::new(Memcpy::new(8 * n)),
        below: Vec::new(),
        failed: Vec::new(),
        ctx,
    };
    println!(
        "{:<24} {:>11} {:>9} {:>9} {:>7} {:<4}  baseline (read beside each run)",
        "kernel", "N", "GiB/s", "NumPy", "ratio", ""
    );

    type Group = fn(&mut Bench, usize) -> Res<()>;
    let groups: Vec<(Vec<String>, usize, Group)> = vec![
        (vec!["stream".into()], n, stream as Group),
        (
            ["int64", "float64"]
                .iter()
                .flat_map(|d| {
                    names("reduce-", &["sum", "prod", "min", "max"])
                        .into_iter()
                        .map(move |o| format!("{o}-{d}"))
                })
                .collect(),
            n,
            reduce as Group,
        ),
        (
            names("scan-", &["cumsum-int64", "cumprod-int64"]),
            n,
            scan as Group,
        ),
        (
            names("", &["gather-int64", "scatter-int64"]),
            n,
            gather_scatter as Group,
        ),
        (names("in1d-int64-", &["medium", "large"]), n, in1d as Group),
        (
            names("array_create-", &["zeros", "ones", "randint"]),
            n,
            create as Group,
        ),
        (
            names("array_transfer-", &["download", "upload"]),
            n,
            transfer as Group,
        ),
        (
            names(
                "slice-",
                &[
                    "exclude-last",
                    "exclude-first",
                    "stride-2",
                    "interior-stride-3",
                    "reverse",
                ],
            ),
            n,
            slices as Group,
        ),
        (vec!["argsort-int64".into()], sort_n, argsort as Group),
        (
            names("coargsort-", &["1", "2", "8", "16"])
                .into_iter()
                .chain(names("groupby-", &["1", "2", "8", "16"]))
                .collect(),
            sort_n,
            multi_key as Group,
        ),
        (
            names(
                "setops-",
                &["intersect1d", "union1d", "setxor1d", "setdiff1d"],
            ),
            sort_n,
            setops as Group,
        ),
        (names("aggregate-", &AGG_OPS), sort_n, aggregate as Group),
        (
            names("str-", &["argsort", "gather"]),
            sort_n,
            str_single as Group,
        ),
        (
            names("str-coargsort-", &["1", "2", "8", "16"])
                .into_iter()
                .chain(names("str-groupby-", &["1", "2", "8", "16"]))
                .collect(),
            sort_n,
            str_multi as Group,
        ),
        (
            names("str-in1d-", &["medium", "large"]),
            sort_n,
            str_in1d as Group,
        ),
    ];
    let start = Instant::now();
    for (kernels, size, run) in groups {
        if !b.any(&kernels) {
            continue;
        }
        if let Err(e) = run(&mut b, size) {
            b.group_failed(&kernels, size, e);
        }
    }
    println!(
        "(server side took {:.0} s; GiB/s = the script's bytes / median seconds; NumPy's \
         GiB/s uses the same bytes, so ratio = NumPy's time / ours; <1.5 marks a ratio below \
         1.5)",
        start.elapsed().as_secs_f64()
    );
    println!("NumPy ran (benches/numpy_kernels.py):");
    for (k, what) in &b.numpy.what {
        println!("  {k:<24} {what}");
    }
    println!(
        "below 1.5: {}",
        if b.below.is_empty() {
            "none".into()
        } else {
            b.below.join(", ")
        }
    );
    println!(
        "unsupported or failed: {}",
        if b.failed.is_empty() {
            "none".into()
        } else {
            b.failed.join(", ")
        }
    );
}
