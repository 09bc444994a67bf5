//! Array kernels of the server against baselines measured in the same run.
//!
//! Arkouda's own benchmarks (benchmarks/*.py in its repository) drive the
//! server from the client and print GiB/s with fixed byte formulas; we send
//! the same commands the client sends for them, over ZeroMQ, to the release
//! binary and use the same formulas:
//! * stream `c = a + alpha*b` (float64): binopvs then binopvv, and the
//!   client's two deletes; 3 x 8N bytes.
//! * reduce sum/prod/min/max (int64): 8N bytes. scan cumsum: 2 x 8N bytes.
//! * gather `C = V[I]` and scatter `C[I] = V` (float64 values, random int64
//!   indexes, N each): 3 x 8N bytes.
//! * argsort (int64, 10x fewer elements by default): 8N bytes.
//! * creation zeros/ones/randint (int64): 8N bytes.
//! * upload `ak.array` and download `to_ndarray` (int64): 8N bytes.
//!
//! Baselines, in this process: memcpy bandwidth (bytes read + written, the
//! better of one thread and all cores, read right before each kernel run)
//! for the bandwidth-bound kernels, a plain single-threaded loop for the
//! rest, and a bare ZeroMQ REQ/REP transfer of the same bytes, with the peer
//! in its own process like the server, for upload and download. Every
//! figure is printed beside its baseline as a ratio; nothing is asserted
//! about time.
//!
//! Environment: `BENCH_N` (default 100,000,000), `BENCH_SORT_N` (default
//! N/10), `BENCH_TRIALS` (default 3; the median is reported),
//! `BENCH_SERVER_ARGS` (extra server flags).

mod support;

use std::hint::black_box;
use std::thread;
use std::time::Instant;

use support::*;

const GIB: f64 = (1u64 << 30) as f64;

/// The memcpy baseline: buffers of one array's bytes, kept for the whole run.
struct Memcpy {
    src: Vec<u8>,
    dst: Vec<u8>,
}

impl Memcpy {
    fn new(n_bytes: usize) -> Memcpy {
        Memcpy {
            src: vec![1u8; n_bytes],
            dst: vec![2u8; n_bytes],
        }
    }

    /// One reading of (one thread, all cores) in bytes read + written per
    /// second.
    fn readings(&mut self) -> (f64, f64) {
        let bytes = 2.0 * self.src.len() as f64;
        let t = Instant::now();
        self.dst.copy_from_slice(&self.src);
        let one = bytes / t.elapsed().as_secs_f64();
        let per = self
            .src
            .len()
            .div_ceil(thread::available_parallelism().map_or(1, |c| c.get()));
        let t = Instant::now();
        thread::scope(|s| {
            for (d, c) in self.dst.chunks_mut(per).zip(self.src.chunks(per)) {
                s.spawn(move || d.copy_from_slice(c));
            }
        });
        let all = bytes / t.elapsed().as_secs_f64();
        black_box(&self.dst);
        (one, all)
    }

    /// The better of one thread and all cores.
    fn rate(&mut self) -> f64 {
        let (one, all) = self.readings();
        one.max(all)
    }
}

/// Median seconds of `trials` runs of `f`, each right after a memcpy
/// reading, and the median of those readings: this VM's bandwidth drifts by
/// tens of percent within a minute, so kernel and baseline are measured
/// side by side. One untimed run of `f` comes first, as in [`timed`].
fn beside_memcpy(m: &mut Memcpy, trials: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let (mut secs, mut rates) = (Vec::new(), Vec::new());
    for _ in 0..trials {
        rates.push(m.rate());
        let t = Instant::now();
        f();
        secs.push(t.elapsed().as_secs_f64());
    }
    (median(secs), median(rates))
}

struct Row {
    what: &'static str,
    bytes: f64,
    secs: f64,
    base_what: &'static str,
    base_rate: f64,
}

fn print_rows(rows: &[Row]) {
    println!(
        "{:<28} {:>9} {:>10}   {:<30} {:>10} {:>7}",
        "kernel", "seconds", "GiB/s", "baseline", "GiB/s", "ratio"
    );
    for r in rows {
        let rate = r.bytes / r.secs;
        println!(
            "{:<28} {:>9.4} {:>10.2}   {:<30} {:>10.2} {:>6.0}%",
            r.what,
            r.secs,
            rate / GIB,
            r.base_what,
            r.base_rate / GIB,
            100.0 * rate / r.base_rate
        );
    }
}

fn main() {
    if bare_peer_main() {
        return;
    }
    let n = env_or("BENCH_N", 100_000_000);
    let sort_n = env_or("BENCH_SORT_N", n / 10).max(1);
    let trials = env_or("BENCH_TRIALS", 3).max(1);
    let bytes = (8 * n) as f64;
    let cores = thread::available_parallelism().map_or(1, |c| c.get());
    println!("N = {n}, argsort N = {sort_n}, trials = {trials} (median), cores = {cores}");

    // Baselines first, while the server is not running.
    let mut memcpy = Memcpy::new(8 * n);
    let (ones, alls): (Vec<f64>, Vec<f64>) = (0..trials).map(|_| memcpy.readings()).unzip();
    println!(
        "memcpy: {:.2} GiB/s on one thread, {:.2} GiB/s on {cores} (bytes read + written, \
         as STREAM and Arkouda's formulas count; half that is copied); the memcpy \
         baselines below are read beside each kernel run",
        median(ones) / GIB,
        median(alls) / GIB
    );
    let ints: Vec<i64> = random_words(n, 1, 1 << 32)
        .into_iter()
        .map(|x| x as i64)
        .collect();
    let sum_1t = timed(
        trials,
        || (),
        |()| {
            black_box(ints.iter().fold(0i64, |a, x| a.wrapping_add(*x)));
        },
    );
    let mut scan_out = vec![0i64; n];
    let scan_1t = timed(
        trials,
        || (),
        |()| {
            let mut acc = 0i64;
            for (o, x) in scan_out.iter_mut().zip(&ints) {
                acc = acc.wrapping_add(*x);
                *o = acc;
            }
            black_box(&scan_out);
        },
    );
    drop(scan_out);
    let index = random_words(n, 2, n as u64);
    let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut out = vec![0.0f64; n];
    let gather_1t = timed(
        trials,
        || (),
        |()| {
            for (o, i) in out.iter_mut().zip(&index) {
                *o = values[*i as usize];
            }
            black_box(&out);
        },
    );
    let scatter_1t = timed(
        trials,
        || (),
        |()| {
            for (v, i) in values.iter().zip(&index) {
                out[*i as usize] = *v;
            }
            black_box(&out);
        },
    );
    drop(out);
    let fill_1t = timed(
        trials,
        || (),
        |()| {
            black_box(vec![1i64; n]);
        },
    );
    let sort_keys: Vec<i64> = ints[..sort_n].to_vec();
    let argsort_1t = timed(
        trials,
        || (0..sort_n as u32).collect::<Vec<_>>(),
        |mut perm| {
            perm.sort_by_key(|i| sort_keys[*i as usize]);
            black_box(perm);
        },
    );
    let ctx = zmq::Context::new();
    let payload = le_bytes(&index);

    let server = Server::start(&ctx);
    let s = &server;
    let mut rows = Vec::new();
    let mut row = |what, bytes, secs, base_what, base_rate| {
        rows.push(Row {
            what,
            bytes,
            secs,
            base_what,
            base_rate,
        })
    };

    // Upload and download.
    // Each server transfer alternates with a bare one of the same bytes.
    let (up, bare_up) = interleaved(BarePeer::start(&ctx, 8 * n, 2, trials), trials, || {
        let msg = zmq::Message::from(payload.clone());
        let t = Instant::now();
        let name = s.upload("int64", msg);
        let secs = t.elapsed().as_secs_f64();
        s.delete(&name);
        secs
    });
    row(
        "upload ak.array",
        bytes,
        up,
        "bare ZeroMQ send",
        bytes / bare_up,
    );
    let idx = s.upload("int64", zmq::Message::from(payload.clone()));
    let (down, bare_down) = interleaved(BarePeer::start(&ctx, 1, 8 * n, trials), trials, || {
        let t = Instant::now();
        let got = s.download("int64", &idx);
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(got.len(), 8 * n);
        secs
    });
    row(
        "download to_ndarray",
        bytes,
        down,
        "bare ZeroMQ receive",
        bytes / bare_down,
    );
    let check = s.download("int64", &idx);
    assert!(check[..] == payload[..], "download differs from upload");
    drop(check);
    drop(payload);

    // Creation.
    let shape = n.to_string();
    let create = || name_of(&s.call("create<int64,1>", &[("shape", "int64", &shape)]));
    let zeros = timed(trials, || (), |()| s.delete(&create()));
    row(
        "create zeros",
        bytes,
        zeros,
        "1 thread vec![1; n]",
        bytes / fill_1t,
    );
    let ones = timed(
        trials,
        || (),
        |()| {
            let name = create();
            s.call(
                "set<int64,1>",
                &[
                    ("array", "str", &name),
                    ("dtype", "str", "int64"),
                    ("val", "int64", "1"),
                ],
            );
            s.delete(&name);
        },
    );
    row(
        "create ones",
        bytes,
        ones,
        "1 thread vec![1; n]",
        bytes / fill_1t,
    );

    // Stream on float64.
    let new_f = |val: &str| s.full_f64(n, val);
    let (a, b) = (new_f("1.0"), new_f("2.0"));
    let mut c: Option<String> = None;
    let (stream, stream_copy) = beside_memcpy(&mut memcpy, trials, || {
        let tmp = name_of(&s.call(
            "binopvs<float64,float64,1>",
            &[
                ("op", "str", "*"),
                ("a", "pdarray", &b),
                ("value", "float64", "3.0"),
            ],
        ));
        let next = name_of(&s.call(
            "binopvv<float64,float64,1>",
            &[
                ("op", "str", "+"),
                ("a", "pdarray", &a),
                ("b", "pdarray", &tmp),
            ],
        ));
        s.delete(&tmp);
        if let Some(old) = c.replace(next) {
            s.delete(&old);
        }
    });
    row(
        "stream c = a + alpha*b",
        3.0 * bytes,
        stream,
        "memcpy",
        stream_copy,
    );
    if let Some(old) = c.take() {
        s.delete(&old);
    }
    // One of the two passes the client's stream is made of.
    let (add, add_copy) = beside_memcpy(&mut memcpy, trials, || {
        let sum = name_of(&s.call(
            "binopvv<float64,float64,1>",
            &[
                ("op", "str", "+"),
                ("a", "pdarray", &a),
                ("b", "pdarray", &b),
            ],
        ));
        s.delete(&sum);
    });
    row("binopvv c = a + b", 3.0 * bytes, add, "memcpy", add_copy);
    s.delete(&b);

    // Reductions and scan over int64.
    let ints_name = s.upload(
        "int64",
        zmq::Message::from(
            ints.iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<_>>(),
        ),
    );
    for (op, what) in [
        ("sum", "reduce sum"),
        ("prod", "reduce prod"),
        ("min", "reduce min"),
        ("max", "reduce max"),
    ] {
        let cmd = format!("{op}All<int64,1>");
        let args = [
            ("x", "pdarray", ints_name.as_str()),
            ("skipNan", "bool", "False"),
        ];
        let (t, t_copy) = beside_memcpy(&mut memcpy, trials, || {
            s.call(&cmd, &args);
        });
        row(what, bytes, t, "1 thread sum loop", bytes / sum_1t);
        row(what, bytes, t, "memcpy (read half)", t_copy / 2.0);
    }
    let (scan, scan_copy) = beside_memcpy(&mut memcpy, trials, || {
        let out = name_of(&s.call(
            "cumSum<int64,1>",
            &[
                ("x", "pdarray", &ints_name),
                ("axis", "int64", "0"),
                ("includeInitial", "bool", "False"),
            ],
        ));
        s.delete(&out);
    });
    row(
        "scan cumsum",
        2.0 * bytes,
        scan,
        "1 thread scan loop",
        2.0 * bytes / scan_1t,
    );
    row("scan cumsum", 2.0 * bytes, scan, "memcpy", scan_copy);

    // Gather and scatter with random indexes (uploaded above as `idx`).
    let v = new_f("1.5");
    let (gather, gather_copy) = beside_memcpy(&mut memcpy, trials, || {
        let out = name_of(&s.call(
            "[pdarray]",
            &[("array", "pdarray", &v), ("idx", "pdarray", &idx)],
        ));
        s.delete(&out);
    });
    row(
        "gather C = V[I]",
        3.0 * bytes,
        gather,
        "1 thread gather loop",
        3.0 * bytes / gather_1t,
    );
    row(
        "gather C = V[I]",
        3.0 * bytes,
        gather,
        "memcpy",
        gather_copy,
    );
    let target = new_f("0.0");
    let (scatter, scatter_copy) = beside_memcpy(&mut memcpy, trials, || {
        s.call(
            "[pdarray]=pdarray",
            &[
                ("array", "pdarray", &target),
                ("idx", "pdarray", &idx),
                ("value", "pdarray", &v),
            ],
        );
    });
    row(
        "scatter C[I] = V",
        3.0 * bytes,
        scatter,
        "1 thread scatter loop",
        3.0 * bytes / scatter_1t,
    );
    row(
        "scatter C[I] = V",
        3.0 * bytes,
        scatter,
        "memcpy",
        scatter_copy,
    );
    for name in [&v, &target, &idx, &ints_name, &a] {
        s.delete(name);
    }

    // Argsort of random int64 keys.
    let keys = s.upload(
        "int64",
        zmq::Message::from(
            sort_keys
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<_>>(),
        ),
    );
    let argsort = timed(
        trials,
        || (),
        |()| {
            let perm = name_of(&s.call(
                "argsort<int64,1>",
                &[
                    ("name", "pdarray", &keys),
                    ("algoName", "str", "RadixSortLSD"),
                    ("objType", "str", "pdarray"),
                    ("axis", "int64", "0"),
                ],
            ));
            s.delete(&perm);
        },
    );
    let sbytes = (8 * sort_n) as f64;
    row(
        "argsort int64",
        sbytes,
        argsort,
        "1 thread sort_by_key",
        sbytes / argsort_1t,
    );
    s.delete(&keys);

    // randint as Arkouda's array_create benchmark calls it.
    let randint = timed(
        trials,
        || (),
        |()| {
            let name = name_of(&s.call(
                "randint<int64,1>",
                &[
                    ("shape", "int64", &shape),
                    ("low", "int64", "0"),
                    ("high", "int64", "4294967296"),
                    ("seed", "int64", "1"),
                ],
            ));
            s.delete(&name);
        },
    );
    row(
        "create randint",
        bytes,
        randint,
        "1 thread vec![1; n]",
        bytes / fill_1t,
    );
    print_rows(&rows);
}
