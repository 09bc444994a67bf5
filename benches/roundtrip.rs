//! Request/response round-trip latency of the server against a bare ZeroMQ echo.
//!
//! The Arkouda server is a single REP socket, so its floor is the cost of one
//! ZeroMQ round trip. We measure that floor with an in-process REP echo server
//! and then the real `arkouda_server` binary with `noop` and `getconfig`, using
//! byte-identical requests, at 1 and 8 concurrent clients. The interesting
//! numbers are the ratios against the echo baseline (target: `noop` median
//! within 10% of echo).
//!
//! Plain `fn main` (no criterion) so the whole comparison happens in one run.
//! Each concurrency level is measured in interleaved rounds (echo, noop,
//! getconfig, rotated) so load drift on a shared machine hits all alike.
//! Environment:
//! * `BENCH_REQUESTS`: timed requests *per client* for every scenario (default
//!   20,000 for 1 client, 5,000 per client for 8 clients).
//! * `BENCH_WARMUP`: untimed requests per client, spread over the rounds
//!   (default 2,000).
//! * `BENCH_SERVER_ARGS`: extra server flags, space-separated (e.g.
//!   `--logLevel=WARN` to see what per-request logging costs).
//!
//! Timing is only reported, never asserted; the process fails only on
//! functional problems (server does not start, wrong or missing replies).

use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A wedged server must fail the bench with a message, not hang it.
const RECV_TIMEOUT_MS: i32 = 5_000;
/// How long the server may take to answer its first `ruok`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the server may take to exit after answering `shutdown`.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_WARMUP: usize = 2_000;
/// (clients, default timed requests per client).
const CONCURRENCY: [(usize, usize); 2] = [(1, 20_000), (8, 5_000)];
/// Timed requests are split into this many interleaved rounds (see `run`).
const ROUNDS: usize = 5;
/// "noop median within 10% of echo median".
const TARGET_RATIO: f64 = 1.10;

/// A request exactly as the Arkouda Python client serialises it
/// (`json.dumps` of the RequestMessage dict: same key order, `", "` and `": "`
/// separators), so the echo baseline moves the same bytes as the server.
fn request(cmd: &str) -> Vec<u8> {
    format!(
        r#"{{"user": "bench", "token": "", "cmd": "{cmd}", "format": "STRING", "args": "[]", "size": 0}}"#
    )
    .into_bytes()
}

/// A loopback port that is free right now (the OS picks it; we release it
/// immediately so ZeroMQ can bind it).
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot read local address: {e}"))
}

fn env_count(name: &str) -> Result<Option<usize>, String> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(format!("{name} must be a positive integer, got {v:?}")),
        },
    }
}

fn zmq_err(what: &str, endpoint: &str, e: zmq::Error) -> String {
    if e == zmq::Error::EAGAIN {
        format!(
            "{what} {endpoint}: no reply within {} s (server wedged?)",
            RECV_TIMEOUT_MS / 1000
        )
    } else {
        format!("{what} {endpoint}: {e}")
    }
}

/// A REQ socket with send/receive timeouts and no linger, so neither a dead
/// peer nor shutting down the context can block forever.
fn connect_req(ctx: &zmq::Context, endpoint: &str, timeout_ms: i32) -> Result<zmq::Socket, String> {
    let sock = ctx
        .socket(zmq::REQ)
        .map_err(|e| zmq_err("socket for", endpoint, e))?;
    sock.set_linger(0)
        .and_then(|()| sock.set_rcvtimeo(timeout_ms))
        .and_then(|()| sock.set_sndtimeo(timeout_ms))
        .map_err(|e| zmq_err("setsockopt for", endpoint, e))?;
    sock.connect(endpoint)
        .map_err(|e| zmq_err("connect to", endpoint, e))?;
    Ok(sock)
}

/// One request/reply on a fresh socket, outside any timing.
fn one_shot(
    ctx: &zmq::Context,
    endpoint: &str,
    req: &[u8],
    timeout_ms: i32,
) -> Result<Vec<u8>, String> {
    let sock = connect_req(ctx, endpoint, timeout_ms)?;
    sock.send(req, 0)
        .map_err(|e| zmq_err("send to", endpoint, e))?;
    sock.recv_bytes(0)
        .map_err(|e| zmq_err("recv from", endpoint, e))
}

/// What a correct reply looks like; checked outside the timed loop so the
/// check costs the same (nothing) for echo and server.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// The echo server returns the request bytes verbatim.
    Echo,
    /// The server returns one JSON object frame whose msgType is not ERROR.
    ServerJson,
}

fn check_reply(expect: Expect, cmd: &str, req: &[u8], reply: &[u8]) -> Result<(), String> {
    match expect {
        Expect::Echo if reply == req => Ok(()),
        Expect::Echo => Err("echo server returned different bytes".to_string()),
        Expect::ServerJson => {
            let text = String::from_utf8_lossy(reply);
            let value: serde_json::Value = serde_json::from_slice(reply)
                .map_err(|e| format!("{cmd}: reply is not JSON ({e}): {text}"))?;
            let obj = value
                .as_object()
                .ok_or_else(|| format!("{cmd}: reply is not a JSON object: {text}"))?;
            if obj.get("msgType").and_then(|t| t.as_str()) == Some("ERROR") {
                return Err(format!("{cmd}: server replied with an error: {text}"));
            }
            Ok(())
        }
    }
}

/// The baseline: a REP socket in a thread of this process that sends every
/// message straight back (zero-copy). It has its own context so its I/O
/// thread is not shared with the clients', like a separate server process.
struct EchoServer {
    endpoint: String,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<(), String>>>,
}

impl EchoServer {
    fn start() -> Result<Self, String> {
        let endpoint = format!("tcp://127.0.0.1:{}", free_port()?);
        let ctx = zmq::Context::new();
        let sock = ctx
            .socket(zmq::REP)
            .map_err(|e| zmq_err("REP socket for", &endpoint, e))?;
        // A short receive timeout lets the loop notice `stop` while idle.
        sock.set_linger(0)
            .and_then(|()| sock.set_rcvtimeo(100))
            .map_err(|e| zmq_err("setsockopt for", &endpoint, e))?;
        // Bind before returning so clients can connect at once.
        sock.bind(&endpoint)
            .map_err(|e| zmq_err("bind", &endpoint, e))?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let ep = endpoint.clone();
        let handle = thread::spawn(move || {
            let _ctx = ctx; // the context must outlive the socket
            while !flag.load(Ordering::Relaxed) {
                match sock.recv_msg(0) {
                    Ok(msg) => sock
                        .send(msg, 0)
                        .map_err(|e| zmq_err("echo send on", &ep, e))?,
                    Err(zmq::Error::EAGAIN) => {}
                    Err(e) => return Err(zmq_err("echo recv on", &ep, e)),
                }
            }
            Ok(())
        });
        Ok(Self {
            endpoint,
            stop,
            handle: Some(handle),
        })
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("echo server: {e}"),
                Err(_) => eprintln!("echo server thread panicked"),
            }
        }
    }
}

/// The like-for-like baseline: the same echo loop, but in a child process
/// (this bench binary re-run with `ROUNDTRIP_ECHO_ENDPOINT`), so that it
/// crosses the same process boundary as the real server does.
struct EchoProcess {
    endpoint: String,
    child: Child,
}

impl EchoProcess {
    fn start(ctx: &zmq::Context) -> Result<Self, String> {
        let endpoint = format!("tcp://127.0.0.1:{}", free_port()?);
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find the bench binary: {e}"))?;
        let child = Command::new(exe)
            .env(ECHO_ENV, &endpoint)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot spawn the echo process: {e}"))?;
        let echo = Self { endpoint, child };
        let req = request("noop");
        let mut last = String::new();
        for _ in 0..50 {
            match one_shot(ctx, &echo.endpoint, &req, 200) {
                Ok(reply) if reply == req => return Ok(echo),
                Ok(_) => return Err("echo process returned different bytes".into()),
                Err(e) => last = e,
            }
        }
        Err(format!("echo process did not answer: {last}"))
    }
}

impl Drop for EchoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child side of [`EchoProcess`]: echo until killed.
fn serve_echo(endpoint: &str) -> Result<(), String> {
    let ctx = zmq::Context::new();
    let sock = ctx
        .socket(zmq::REP)
        .map_err(|e| zmq_err("REP socket for", endpoint, e))?;
    sock.bind(endpoint)
        .map_err(|e| zmq_err("bind", endpoint, e))?;
    loop {
        let msg = sock
            .recv_msg(0)
            .map_err(|e| zmq_err("echo recv on", endpoint, e))?;
        sock.send(msg, 0)
            .map_err(|e| zmq_err("echo send on", endpoint, e))?;
    }
}

/// Set in the environment of the echo child process.
const ECHO_ENV: &str = "ROUNDTRIP_ECHO_ENDPOINT";

/// The real server process. Dropping it kills the process if it is still
/// running, so an error path never leaves a server behind.
struct ServerProcess {
    endpoint: String,
    child: Child,
    // Held only so the server's cwd (log file etc.) outlives the process.
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    fn start(ctx: &zmq::Context) -> Result<Self, String> {
        let port = free_port()?;
        let dir = tempfile::TempDir::new().map_err(|e| format!("cannot create temp dir: {e}"))?;
        let child = Command::new(env!("CARGO_BIN_EXE_arkouda_server"))
            .args([
                format!("--ServerPort={port}"),
                "--trace=false".to_string(),
                "--logChannel=LogChannel.FILE".to_string(),
            ])
            .args(
                std::env::var("BENCH_SERVER_ARGS")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot spawn arkouda_server: {e}"))?;
        let mut server = Self {
            endpoint: format!("tcp://127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        server.wait_ready(ctx)?;
        Ok(server)
    }

    /// Polls `ruok` until the server answers, it exits, or the deadline passes.
    /// Each attempt uses a fresh REQ socket: after a timeout a REQ socket is
    /// stuck waiting for that reply.
    fn wait_ready(&mut self, ctx: &zmq::Context) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let ruok = request("ruok");
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("arkouda_server exited during startup: {status}"));
            }
            if one_shot(ctx, &self.endpoint, &ruok, 250).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "arkouda_server did not answer ruok on {} within {} s",
                    self.endpoint,
                    STARTUP_TIMEOUT.as_secs()
                ));
            }
        }
    }

    /// Sends `shutdown`, then waits for the process; kills it if it lingers.
    fn shutdown(mut self, ctx: &zmq::Context) -> String {
        let reply = one_shot(ctx, &self.endpoint, &request("shutdown"), RECV_TIMEOUT_MS);
        let deadline = Instant::now() + EXIT_TIMEOUT;
        let exited: Option<ExitStatus> = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => break None,
            }
        };
        match (reply, exited) {
            (Ok(_), Some(status)) => format!("server answered shutdown and exited ({status})"),
            (Err(e), Some(status)) => {
                format!("shutdown got no reply ({e}); server exited ({status})")
            }
            (r, None) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let how = if r.is_ok() {
                    "answered"
                } else {
                    "did not answer"
                };
                format!(
                    "server {how} shutdown but was still running after {} s; killed it",
                    EXIT_TIMEOUT.as_secs()
                )
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

struct ClientRun {
    latencies_ns: Vec<u64>,
    start: Instant,
    end: Instant,
}

/// One client: connect, warm up, then time `n` round trips one by one.
/// Every client passes each barrier wait even when it has failed, so one
/// failing client cannot leave the others blocked on the barrier.
fn run_client(
    ctx: &zmq::Context,
    endpoint: &str,
    req: &[u8],
    warmup: usize,
    n: usize,
    barrier: &Barrier,
) -> Result<(ClientRun, Vec<u8>), String> {
    let setup = connect_req(ctx, endpoint, RECV_TIMEOUT_MS);
    barrier.wait();
    let sock = setup?;
    let mut msg = zmq::Message::new();
    let warm = (0..warmup).try_for_each(|_| {
        sock.send(req, 0)
            .map_err(|e| zmq_err("send to", endpoint, e))?;
        sock.recv(&mut msg, 0)
            .map_err(|e| zmq_err("recv from", endpoint, e))
    });
    // All clients start timing together.
    barrier.wait();
    warm?;
    let mut latencies_ns = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t0 = Instant::now();
        sock.send(req, 0)
            .map_err(|e| zmq_err("send to", endpoint, e))?;
        // Reusing one Message avoids an allocation per reply.
        sock.recv(&mut msg, 0)
            .map_err(|e| zmq_err("recv from", endpoint, e))?;
        latencies_ns.push(t0.elapsed().as_nanos() as u64);
    }
    let end = Instant::now();
    // Last reply, checked by the caller outside the timed region.
    Ok((
        ClientRun {
            latencies_ns,
            start,
            end,
        },
        msg.to_vec(),
    ))
}

/// One scenario's latencies pooled over all rounds.
#[derive(Default)]
struct Samples {
    latencies_ns: Vec<u64>,
    wall: Duration,
}

struct Stats {
    median_us: f64,
    p99_us: f64,
    req_per_s: f64,
}

impl Samples {
    fn stats(mut self) -> Stats {
        self.latencies_ns.sort_unstable();
        let wall = self.wall.as_secs_f64().max(f64::MIN_POSITIVE);
        Stats {
            median_us: percentile_us(&self.latencies_ns, 50.0),
            p99_us: percentile_us(&self.latencies_ns, 99.0),
            req_per_s: self.latencies_ns.len() as f64 / wall,
        }
    }
}

/// Nearest-rank percentile of sorted nanoseconds, in microseconds.
fn percentile_us(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1_000.0
}

/// One measured target: where to send, what to send, what to expect back.
struct Target<'a> {
    name: &'static str,
    endpoint: &'a str,
    cmd: &'static str,
    expect: Expect,
}

impl Target<'_> {
    /// Functional check before timing, so a wrong reply is reported as such
    /// rather than timed.
    fn check(&self, ctx: &zmq::Context) -> Result<(), String> {
        let req = request(self.cmd);
        let reply = one_shot(ctx, self.endpoint, &req, RECV_TIMEOUT_MS)
            .map_err(|e| format!("{}: {e}", self.name))?;
        check_reply(self.expect, self.name, &req, &reply)
    }

    /// One round: `clients` threads, each with its own REQ socket, each doing
    /// `warmup` untimed then `n` timed requests. Appends to `into`.
    fn measure(
        &self,
        ctx: &zmq::Context,
        clients: usize,
        warmup: usize,
        n: usize,
        into: &mut Samples,
    ) -> Result<(), String> {
        let req = request(self.cmd);
        let barrier = Barrier::new(clients);
        let results: Vec<Result<(ClientRun, Vec<u8>), String>> = thread::scope(|s| {
            let handles: Vec<_> = (0..clients)
                .map(|_| s.spawn(|| run_client(ctx, self.endpoint, &req, warmup, n, &barrier)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("client thread panicked".to_string()))
                })
                .collect()
        });
        let mut runs = Vec::with_capacity(clients);
        for r in results {
            let (run, last) =
                r.map_err(|e| format!("{} with {clients} client(s): {e}", self.name))?;
            check_reply(self.expect, self.name, &req, &last)?;
            runs.push(run);
        }
        // Throughput uses the wall time from the first client's start to the
        // last client's end.
        let start = runs.iter().map(|r| r.start).min().ok_or("no clients")?;
        let end = runs.iter().map(|r| r.end).max().ok_or("no clients")?;
        into.wall += end.duration_since(start);
        for r in runs {
            into.latencies_ns.extend(r.latencies_ns);
        }
        Ok(())
    }
}

fn run() -> Result<(), String> {
    let requests_override = env_count("BENCH_REQUESTS")?;
    let warmup = env_count("BENCH_WARMUP")?.unwrap_or(DEFAULT_WARMUP);

    let echo = EchoServer::start()?;
    // Clients get their own context, the same one for echo and server runs.
    let ctx = zmq::Context::new();
    let echo_process = EchoProcess::start(&ctx)?;
    let server = ServerProcess::start(&ctx)?;

    // The first target is the baseline of the ratios. The echo baselines send
    // the noop request bytes.
    let targets = [
        Target {
            name: "echo-proc",
            endpoint: &echo_process.endpoint,
            cmd: "noop",
            expect: Expect::Echo,
        },
        Target {
            name: "echo-thread",
            endpoint: &echo.endpoint,
            cmd: "noop",
            expect: Expect::Echo,
        },
        Target {
            name: "noop",
            endpoint: &server.endpoint,
            cmd: "noop",
            expect: Expect::ServerJson,
        },
        Target {
            name: "getconfig",
            endpoint: &server.endpoint,
            cmd: "getconfig",
            expect: Expect::ServerJson,
        },
    ];
    for t in &targets {
        t.check(&ctx)?;
    }

    println!(
        "round-trip latency over tcp://127.0.0.1; {ROUNDS} interleaved rounds, \
         warm-up {warmup} requests per client in total"
    );
    println!();
    println!(
        "{:<12} {:>7} {:>8} {:>10} {:>10} {:>10} {:>12} {:>9}",
        "scenario", "clients", "req/cl", "median_us", "p99_us", "req/s", "median/base", "p99/base"
    );

    let mut noop_ratios = Vec::new();
    for (clients, default_n) in CONCURRENCY {
        let n = requests_override.unwrap_or(default_n);
        // Machine load drifts (this may share cores with builds), so instead
        // of timing each target in one block we split the requests into
        // rounds and rotate the target order per round; drift then hits all
        // targets alike and the ratios stay meaningful.
        let mut samples: Vec<Samples> = targets.iter().map(|_| Samples::default()).collect();
        for round in 0..ROUNDS {
            let n_round = n / ROUNDS + usize::from(round < n % ROUNDS);
            let warm_round = warmup / ROUNDS + usize::from(round < warmup % ROUNDS);
            for k in 0..targets.len() {
                let i = (round + k) % targets.len();
                if n_round > 0 {
                    targets[i].measure(&ctx, clients, warm_round, n_round, &mut samples[i])?;
                }
            }
        }
        let stats: Vec<Stats> = samples.into_iter().map(Samples::stats).collect();
        let base = &stats[0];
        for (t, st) in targets.iter().zip(&stats) {
            let (median_ratio, p99_ratio) = if std::ptr::eq(st, base) {
                ("-".to_string(), "-".to_string())
            } else {
                let m = st.median_us / base.median_us;
                if t.name == "noop" {
                    noop_ratios.push((clients, m));
                }
                (format!("{m:.2}"), format!("{:.2}", st.p99_us / base.p99_us))
            };
            println!(
                "{:<12} {:>7} {:>8} {:>10.1} {:>10.1} {:>10.0} {:>12} {:>9}",
                t.name, clients, n, st.median_us, st.p99_us, st.req_per_s, median_ratio, p99_ratio
            );
        }
    }

    println!();
    let parts: Vec<String> = noop_ratios
        .iter()
        .map(|&(c, r)| {
            let ok = if r <= TARGET_RATIO { "MET" } else { "MISSED" };
            format!("{c} client(s) {r:.2}x ({ok})")
        })
        .collect();
    println!(
        "verdict: noop median vs echo-proc median, target within {:.0}%: {}",
        (TARGET_RATIO - 1.0) * 100.0,
        parts.join("; ")
    );
    println!("{}", server.shutdown(&ctx));
    drop(echo);
    drop(echo_process);
    Ok(())
}

fn main() {
    if let Ok(endpoint) = std::env::var(ECHO_ENV) {
        if let Err(e) = serve_echo(&endpoint) {
            eprintln!("echo process: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = run() {
        eprintln!("roundtrip bench failed: {e}");
        std::process::exit(1);
    }
}
