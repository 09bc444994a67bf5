//! Arkouda's own benchmarks (benchmarks/*.py in its repository) against the
//! release server, each beside NumPy running the same kernel in this run
//! (`cargo bench --bench arkouda`).
//!
//! For every kernel the bench sends, over ZeroMQ, the commands the Python
//! client sends for the script's timed statement (with the script's default
//! dtype and data), takes the median time of `BENCH_TRIALS` runs and prints
//! GiB/s with the script's own byte formula. NumPy's time comes from
//! benches/numpy_kernels.py, a co-process that runs one kernel at a time as
//! asked, its runs alternating with the server's trials so that both see
//! the same state of the machine (timed minutes apart, NumPy's gather took
//! 1.35 s in one run and 2.4 s in the next on the 2-core VM): the script's
//! numpy branch where it has one, else the obvious NumPy equivalent (the
//! printed legend says which). NumPy's GiB/s uses the same byte count, so
//! the ratio (ours / NumPy) is NumPy's time over ours; rows below 1.5 are
//! marked. Bandwidth-bound kernels also get a memcpy reading taken right
//! before each run (reductions, which only read, a read loop's), and
//! upload/download a bare ZeroMQ transfer of the same bytes (what
//! benches/arrays.rs used to print); such rows also print NumPy's share of
//! that baseline, so that a ratio below 1.5 shows whether 1.5 was within
//! reach of a kernel at the baseline (1 / share). A command the server
//! refuses prints `unsupported: <command>` and the bench goes on. Two rows
//! have no script: `where` and `astype`, which issue 10 names (bytes read
//! and written).
//!
//! Sizes: `BENCH_N` (default 10^8, the scripts' default) for the
//! bandwidth-bound kernels; `BENCH_SORT_N` (default N/10) for the sorts,
//! set operations, groupby, aggregate and every string kernel (str-in1d's
//! default; the sorting scripts' 10^8 would not fit the bench's 10 minutes).
//! `BENCH_TRIALS` (default 3; a kernel stops after 30 s of trials, NumPy's
//! runs included, at least one), `BENCH_KERNELS` (comma-separated prefixes
//! of kernel names, e.g. `stream,str-`), `BENCH_SERVER_ARGS` (extra server
//! flags), `BENCH_SERVER_LOG` (a file for the server's log), `BENCH_RANKS`
//! (with `--features mpi`: that many ranks on this machine, launched as
//! benches/dist.rs does), `BENCH_PYTHON` (default python3).

mod numeric;
mod strings;
#[path = "../support/mod.rs"]
mod support;

use numeric::*;
use strings::*;

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread;
use std::time::Instant;

use support::*;

const GIB: f64 = (1u64 << 30) as f64;
/// in1d's regimes: b just below and just above the scripts' 2^23 threshold.
const THRESHOLD: usize = 1 << 23;
/// A kernel's trials stop once they have taken this long.
const BUDGET_SECS: f64 = 30.0;

type Res<T> = Result<T, String>;

/// NumPy's side: the co-process running one kernel at a time as asked,
/// and its medians and what it ran, by kernel name.
#[derive(Default)]
struct NumPy {
    proc: Option<CoProcess>,
    secs: HashMap<String, f64>,
    what: Vec<(String, String)>,
    note: Option<String>,
}

impl NumPy {
    fn start(n: usize, sort_n: usize) -> NumPy {
        match CoProcess::start("numpy_kernels.py", &[n.to_string(), sort_n.to_string()]) {
            Ok(p) => NumPy {
                proc: Some(p),
                ..NumPy::default()
            },
            Err(why) => NumPy {
                note: Some(format!("NumPy skipped: {why}")),
                ..NumPy::default()
            },
        }
    }

    /// The script's answer to `verb kernel`; `None` when it has no such
    /// kernel (or has ended: then no later kernel gets a NumPy side).
    fn ask(&mut self, verb: &str, kernel: &str) -> Option<String> {
        let p = self.proc.as_mut()?;
        match p.ask(&format!("{verb} {kernel}")) {
            Some(a) if a != "none" => Some(a),
            Some(_) => None,
            None => {
                self.note = Some(format!("NumPy ended at {kernel}"));
                self.proc = None;
                None
            }
        }
    }

    /// Builds `kernel`'s inputs (untimed) and notes what NumPy runs;
    /// whether NumPy has the kernel.
    fn prepare(&mut self, kernel: &str) -> bool {
        let what = self.ask("what", kernel);
        if let Some(w) = &what
            && !self.what.iter().any(|(k, _)| k == kernel)
        {
            self.what.push((kernel.to_string(), w.clone()));
        }
        what.is_some()
    }

    /// Seconds of one run of `kernel`.
    fn run(&mut self, kernel: &str) -> Option<f64> {
        self.ask("run", kernel)?.parse().ok()
    }
}

/// Whether a virtio balloon device offers free page reporting (feature
/// bit 5, VIRTIO_BALLOON_F_REPORTING): then the host takes back pages the
/// guest frees, and the next process to touch them waits for the host
/// (np.ones of 2 GB in a fresh process took 5.5 s on the 2-core VM, then
/// 0.28 s), which moves NumPy's times, not the server's.
fn reports_free_pages() -> bool {
    let Ok(devices) = std::fs::read_dir("/sys/bus/virtio/drivers/virtio_balloon") else {
        return false;
    };
    devices.flatten().any(|d| {
        std::fs::read_to_string(d.path().join("features"))
            .is_ok_and(|f| f.as_bytes().get(5) == Some(&b'1'))
    })
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
    numpy: RefCell<NumPy>,
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

    /// Median seconds of the trials of `f` (each run times itself; one
    /// untimed run first when `warm`), each trial right after one of
    /// NumPy's timed runs of `kernel` (each after an untimed one, see
    /// numpy_kernels.py; `row` prints their median) and a
    /// `reading` of a baseline (bytes per second), if any, with the median
    /// of those readings: a shared VM's speed drifts by tens of percent
    /// within minutes, so all three are measured side by side. The trials
    /// stop after `BUDGET_SECS` (one at least) or at our first error.
    fn trials(
        &self,
        kernel: &str,
        warm: bool,
        mut reading: Option<&mut dyn FnMut() -> f64>,
        mut f: impl FnMut() -> Res<f64>,
    ) -> Res<(f64, Option<f64>)> {
        let mut np = self.numpy.borrow_mut();
        let numpy = np.prepare(kernel);
        if warm {
            f()?;
        }
        let (mut secs, mut np_secs, mut rates) = (Vec::new(), Vec::new(), Vec::new());
        let start = Instant::now();
        while secs.len() < self.trials
            && (secs.is_empty() || start.elapsed().as_secs_f64() < BUDGET_SECS)
        {
            if numpy {
                np_secs.extend(np.run(kernel));
            }
            rates.extend(reading.as_mut().map(|r| r()));
            secs.push(f()?);
        }
        if !np_secs.is_empty() {
            np.secs.insert(kernel.to_string(), median(np_secs));
        }
        Ok((median(secs), (!rates.is_empty()).then(|| median(rates))))
    }

    /// Our median seconds of `kernel` (see [`Bench::trials`]).
    fn time(&self, kernel: &str, warm: bool, f: impl FnMut() -> Res<f64>) -> Res<f64> {
        self.trials(kernel, warm, None, f).map(|(t, _)| t)
    }

    /// As [`Bench::time`] (warm), beside a memcpy reading per run.
    fn time_memcpy(&self, kernel: &str, f: impl FnMut() -> Res<f64>) -> Res<(f64, f64)> {
        let mut m = self.memcpy.borrow_mut();
        self.beside(kernel, &mut || m.rate(), f)
    }

    /// As [`Bench::time`] (warm), beside a reading of the read limit per
    /// run (for reductions, which only read).
    fn time_read(&self, kernel: &str, f: impl FnMut() -> Res<f64>) -> Res<(f64, f64)> {
        let m = self.memcpy.borrow();
        self.beside(kernel, &mut || m.read_rate(), f)
    }

    /// Warm trials with a `reading` before each: our median seconds and
    /// the readings' median.
    fn beside(
        &self,
        kernel: &str,
        reading: &mut dyn FnMut() -> f64,
        f: impl FnMut() -> Res<f64>,
    ) -> Res<(f64, f64)> {
        let (t, r) = self.trials(kernel, true, Some(reading), f)?;
        Ok((t, r.expect("a reading per trial")))
    }

    /// Prints one row: `bytes` by the script's formula, our result, and an
    /// optional baseline (what, bytes per second).
    fn row(&mut self, name: &str, n: usize, bytes: f64, ours: Res<f64>, base: Option<(&str, f64)>) {
        let np = self.numpy.get_mut().secs.get(name).copied();
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
                // NumPy's share of the baseline bounds the ratio any
                // kernel at the baseline can reach (1 / share).
                let base_col = base.map_or(String::new(), |(what, b)| {
                    let np_share = np_rate.map_or(String::new(), |r| {
                        format!(", NumPy {:.0}%", 100.0 * r * GIB / b)
                    });
                    format!(
                        "{what} {:.2} GiB/s, ours {:.0}%{np_share}",
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

    if reports_free_pages() {
        println!(
            "This machine reports free pages to its host (virtio balloon free page reporting): \
             memory a process gives back is reclaimed within seconds and costs up to 3 ns/byte \
             to touch again. NumPy maps fresh pages for each result (each timed run follows an \
             untimed one, whose pages it mostly reuses); the server reuses its freed arrays'."
        );
    }
    let numpy = NumPy::start(n, sort_n);
    let ctx = zmq::Context::new();
    let (args, env) = ranks_config(ranks);
    let s = Server::start_with(&ctx, &args, &env);
    let mut b = Bench {
        s,
        trials,
        filter,
        numpy: RefCell::new(numpy),
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
            names("scan-", &["cumsum-int64", "cumprod-int64", "diff-int64"]),
            n,
            scan as Group,
        ),
        (
            names("", &["gather-int64", "scatter-int64"]),
            n,
            gather_scatter as Group,
        ),
        (
            names("", &["where-int64", "astype-int64-float64"]),
            n,
            where_astype as Group,
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
    let np = b.numpy.get_mut();
    if let Some(note) = &np.note {
        println!("{note}");
    }
    println!("NumPy ran (benches/numpy_kernels.py):");
    for (k, what) in &np.what {
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
