//! What the benches share: the release server driven over ZeroMQ as the
//! client drives it, timing helpers and deterministic data.

#![allow(dead_code)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median seconds of `trials` runs of `f` (after `setup`, which is untimed).
pub fn timed<S>(trials: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(S)) -> f64 {
    // One untimed run first, as STREAM discards its first iteration: page
    // faults on fresh memory are a property of the allocation, not the kernel.
    let times = (0..=trials)
        .map(|_| {
            let s = setup();
            let t = Instant::now();
            f(s);
            t.elapsed().as_secs_f64()
        })
        .skip(1)
        .collect();
    median(times)
}

/// A deterministic xorshift stream, so server and baseline see the same data.
pub fn random_words(n: usize, seed: u64, below: u64) -> Vec<u64> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % below
        })
        .collect()
}

pub fn le_bytes(v: &[u64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The release server on a free port; killed on drop if still running.
pub struct Server {
    child: Child,
    sock: zmq::Socket,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start(ctx: &zmq::Context) -> Server {
        Server::start_with(ctx, &[], &[])
    }

    /// With extra flags and environment (`--numLocales=2` and a launcher).
    pub fn start_with(ctx: &zmq::Context, args: &[String], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let dir = tempfile::TempDir::new().expect("temp dir");
        let child = Command::new(env!("CARGO_BIN_EXE_arkouda_server"))
            .arg(format!("--ServerPort={port}"))
            .arg("--logLevel=WARN")
            .args(args)
            .envs(env.iter().copied())
            // Its own group, so that Drop can end a launcher and its ranks.
            .process_group(0)
            .args(
                std::env::var("BENCH_SERVER_ARGS")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            // The server logs to stdout: kept in `BENCH_SERVER_LOG` when set
            // (with `BENCH_SERVER_ARGS=--logLevel=INFO`, each command's time).
            .stdout(match std::env::var("BENCH_SERVER_LOG") {
                Ok(p) => Stdio::from(std::fs::File::create(&p).expect("BENCH_SERVER_LOG file")),
                Err(_) => Stdio::null(),
            })
            .spawn()
            .expect("spawn arkouda_server");
        let sock = ctx.socket(zmq::REQ).expect("socket");
        sock.set_linger(0).expect("linger");
        sock.connect(&format!("tcp://127.0.0.1:{port}"))
            .expect("connect");
        let mut server = Server {
            child,
            sock,
            _dir: dir,
        };
        // The REQ socket queues the request until the server has bound; a
        // server that exits first (a flag this build lacks: `--numLocales`
        // without the MPI feature) ends the bench instead of hanging it.
        server
            .sock
            .send(Self::request("ruok", &[], -1), 0)
            .expect("send");
        while server.sock.poll(zmq::POLLIN, 200).expect("poll") == 0 {
            if let Some(status) = server.child.try_wait().expect("wait") {
                panic!("arkouda_server exited at start-up ({status}); run it by hand to see why");
            }
        }
        assert_eq!(server.reply(), "imok");
        server
    }

    fn request(cmd: &str, args: &[(&str, &str, &str)], size: i64) -> Vec<u8> {
        let params: Vec<String> = args
            .iter()
            .map(|(k, d, v)| serde_json::json!({"key": k, "dtype": d, "val": v}).to_string())
            .collect();
        let args = serde_json::to_string(&params).expect("args");
        let format = if size >= 0 { "BINARY" } else { "STRING" };
        serde_json::json!({
            "user": "bench", "token": "", "cmd": cmd, "format": format,
            "args": args, "size": size.max(params.len() as i64),
        })
        .to_string()
        .into_bytes()
    }

    pub fn reply(&self) -> String {
        self.try_reply()
            .unwrap_or_else(|msg| panic!("server error: {msg}"))
    }

    /// The reply's message, or the message of an ERROR reply.
    pub fn try_reply(&self) -> Result<String, String> {
        let raw = self.sock.recv_bytes(0).expect("reply");
        let v: serde_json::Value = serde_json::from_slice(&raw).expect("JSON reply");
        let msg = v["msg"].as_str().unwrap_or_default().to_string();
        if v["msgType"] == "ERROR" {
            Err(msg)
        } else {
            Ok(msg)
        }
    }

    /// One command; an ERROR reply is returned, not a panic (for benches
    /// that go on past a command the server lacks).
    pub fn try_call(&self, cmd: &str, args: &[(&str, &str, &str)]) -> Result<String, String> {
        self.sock
            .send(Self::request(cmd, args, -1), 0)
            .expect("send");
        self.try_reply()
    }

    /// One command; panics on an ERROR reply (a functional failure).
    pub fn call(&self, cmd: &str, args: &[(&str, &str, &str)]) -> String {
        self.sock
            .send(Self::request(cmd, args, -1), 0)
            .expect("send");
        self.reply()
    }

    /// `ak.array`: the request frame, then the payload frame (sent without
    /// a copy, as the Python client sends a NumPy buffer).
    pub fn upload(&self, dtype: &str, payload: zmq::Message) -> String {
        let n = payload.len() / 8;
        let shape = format!("[\"{n}\"]");
        let args = [
            ("dtype", "str", dtype),
            ("shape", "list", shape.as_str()),
            ("seg_string", "bool", "False"),
        ];
        // The client appends this marker to a request whose payload follows.
        name_of(&self.send_binary(&format!("array<{dtype},1>"), &args, payload))
    }

    /// A binary request (`cmd` with `args`, then `payload` as a second frame,
    /// not copied); returns the reply's message.
    pub fn send_binary(
        &self,
        cmd: &str,
        args: &[(&str, &str, &str)],
        payload: zmq::Message,
    ) -> String {
        let mut req = Self::request(cmd, args, args.len() as i64);
        req.extend_from_slice(b"BINARY_PAYLOAD");
        self.sock.send(req, zmq::SNDMORE).expect("send");
        self.sock.send(payload, 0).expect("send payload");
        self.reply()
    }

    /// A command whose success is one raw binary frame.
    pub fn binary_call(&self, cmd: &str, args: &[(&str, &str, &str)]) -> zmq::Message {
        self.sock
            .send(Self::request(cmd, args, -1), 0)
            .expect("send");
        self.sock.recv_msg(0).expect("binary reply")
    }

    /// `to_ndarray`: the raw frame, not copied again here.
    pub fn download(&self, dtype: &str, name: &str) -> zmq::Message {
        self.binary_call(&format!("tondarray<{dtype},1>"), &[("array", "str", name)])
    }

    /// A new float64 array of `n` elements all `val`, as the client's
    /// `ak.full` makes it (`create` then `set`).
    pub fn full_f64(&self, n: usize, val: &str) -> String {
        let name = name_of(&self.call("create<float64,1>", &[("shape", "int64", &n.to_string())]));
        self.call(
            "set<float64,1>",
            &[
                ("array", "str", &name),
                ("dtype", "str", "float64"),
                ("val", "float64", val),
            ],
        );
        name
    }

    pub fn delete(&self, name: &str) {
        self.call("delete", &[("name", "str", name)]);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.sock.set_rcvtimeo(5_000);
        let _ = self.sock.send(Self::request("shutdown", &[], -1), 0);
        let _ = self.sock.recv_bytes(0);
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        // The whole group: with several ranks the child is the launcher.
        // SAFETY: kill(2) on the process group this bench started.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// The array name in a `created <name> ...` reply.
pub fn name_of(created: &str) -> String {
    let mut words = created.split_whitespace();
    assert_eq!(
        words.next(),
        Some("created"),
        "not a created reply: {created}"
    );
    words.next().expect("name").to_string()
}

/// Every array name in a reply of one or more `created <name> ...` parts
/// joined by `+` (`unique`, `randomStrings`); a Strings part's
/// `created bytes.size <n>` is skipped.
pub fn names_of(reply: &str) -> Vec<String> {
    reply
        .split('+')
        .filter_map(|part| {
            let mut w = part.split_whitespace();
            match (w.next(), w.next()) {
                (Some("created"), Some("bytes.size")) => None,
                (Some("created"), Some(name)) => Some(name.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// The `bytes.size` of a Strings reply (`created <name> str ...+created
/// bytes.size <n>`): the bytes of the strings with their NULs, what the
/// client's `Strings.nbytes` is.
pub fn strings_nbytes(reply: &str) -> usize {
    reply
        .split("bytes.size")
        .nth(1)
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or_else(|| panic!("not a Strings reply: {reply}"))
}

/// Server flags and environment for `ranks` MPI ranks on this machine (as
/// benches/dist.rs launches them), or none for one process.
pub fn ranks_config(ranks: usize) -> (Vec<String>, Vec<(&'static str, &'static str)>) {
    if ranks <= 1 {
        return (Vec::new(), Vec::new());
    }
    (
        vec![format!("--numLocales={ranks}")],
        vec![
            ("OMPI_ALLOW_RUN_AS_ROOT", "1"),
            ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
            ("ARKOUDA_LAUNCHER", "mpirun --bind-to core -np {n}"),
        ],
    )
}

/// The memcpy baseline: buffers of one array's bytes, kept for the whole run.
pub struct Memcpy {
    src: Vec<u8>,
    dst: Vec<u8>,
}

impl Memcpy {
    pub fn new(n_bytes: usize) -> Memcpy {
        Memcpy {
            src: vec![1u8; n_bytes],
            dst: vec![2u8; n_bytes],
        }
    }

    /// One reading of (one thread, all cores) in bytes read + written per
    /// second.
    pub fn readings(&mut self) -> (f64, f64) {
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
    pub fn rate(&mut self) -> f64 {
        let (one, all) = self.readings();
        one.max(all)
    }

    /// The read limit, what bounds a reduction: the source summed as
    /// 64-bit words by one thread and by all cores, the better in bytes
    /// read per second.
    pub fn read_rate(&self) -> f64 {
        // SAFETY: any 8 bytes are a valid u64.
        let (_, words, _) = unsafe { self.src.align_to::<u64>() };
        let bytes = size_of_val(words) as f64;
        let sum = |w: &[u64]| w.iter().fold(0u64, |a, &x| a.wrapping_add(x));
        let t = Instant::now();
        black_box(sum(words));
        let one = bytes / t.elapsed().as_secs_f64();
        let per = words
            .len()
            .div_ceil(thread::available_parallelism().map_or(1, |c| c.get()));
        let t = Instant::now();
        thread::scope(|s| {
            for c in words.chunks(per) {
                s.spawn(move || black_box(sum(c)));
            }
        });
        one.max(bytes / t.elapsed().as_secs_f64())
    }
}

/// Set in the environment of the bare peer process:
/// `<endpoint> <reply bytes> <requests>`.
const BARE_ENV: &str = "BENCH_BARE_PEER";

/// Serves as the bare peer when this process was started as one (call it
/// first in a bench's `main`, and return when it says so).
pub fn bare_peer_main() -> bool {
    match std::env::var(BARE_ENV) {
        Ok(spec) => {
            serve_bare(&spec);
            true
        }
        Err(_) => false,
    }
}

/// The bare peer: a REP socket in its own process, like the server, that
/// answers each request with a prepared reply of `reply_bytes` (built
/// before the request arrives, so the baseline is the transfer alone).
fn serve_bare(spec: &str) {
    let mut words = spec.split_whitespace();
    let endpoint = words.next().expect("endpoint");
    let reply_bytes: usize = words.next().and_then(|w| w.parse().ok()).expect("size");
    let requests: usize = words.next().and_then(|w| w.parse().ok()).expect("count");
    let ctx = zmq::Context::new();
    let rep = ctx.socket(zmq::REP).expect("rep");
    rep.bind(endpoint).expect("bind");
    let replies: Vec<zmq::Message> = (0..requests)
        .map(|_| zmq::Message::from(vec![7u8; reply_bytes]))
        .collect();
    for reply in replies {
        let msg = rep.recv_msg(0).expect("recv");
        black_box(&msg[..]);
        rep.send(reply, 0).expect("send");
    }
}

/// A bare REQ/REP peer in its own process, for `requests` exchanges of
/// `up` bytes out and `down` bytes back.
pub struct BarePeer {
    req: zmq::Socket,
    child: Child,
    up: usize,
}

impl BarePeer {
    pub fn start(ctx: &zmq::Context, up: usize, down: usize, requests: usize) -> BarePeer {
        let endpoint = format!("tcp://127.0.0.1:{}", free_port());
        let child = Command::new(std::env::current_exe().expect("bench binary"))
            .env(BARE_ENV, format!("{endpoint} {down} {}", requests + 1))
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn the bare peer");
        let req = ctx.socket(zmq::REQ).expect("req");
        req.connect(&endpoint).expect("connect");
        // One untimed exchange: the peer is up and connected.
        req.send("hello", 0).expect("send");
        req.recv_msg(0).expect("recv");
        BarePeer { req, child, up }
    }

    /// Seconds of one exchange (the outgoing message is built untimed).
    pub fn exchange(&self) -> f64 {
        let msg = zmq::Message::from(vec![7u8; self.up]);
        let t = Instant::now();
        self.req.send(msg, 0).expect("send");
        black_box(&self.req.recv_msg(0).expect("recv")[..]);
        t.elapsed().as_secs_f64()
    }

    pub fn finish(mut self) {
        let status = self.child.wait().expect("bare peer");
        assert!(status.success(), "bare peer failed: {status}");
    }
}

/// Medians of `server` and of a bare exchange, measured in alternation so
/// that both see the same state of a shared machine.
pub fn interleaved(peer: BarePeer, trials: usize, mut server: impl FnMut() -> f64) -> (f64, f64) {
    let (mut bare, mut ours) = (Vec::new(), Vec::new());
    for _ in 0..trials {
        bare.push(peer.exchange());
        ours.push(server());
    }
    peer.finish();
    (median(ours), median(bare))
}

/// A Python script in benches/ run as a co-process (the NumPy side of a
/// bench): it prints `ready` once started, or why it cannot run (NumPy
/// missing), then answers each line it reads with one line.
pub struct CoProcess {
    child: Child,
    tx: ChildStdin,
    rx: BufReader<ChildStdout>,
}

impl CoProcess {
    /// `script` with `args` under `BENCH_PYTHON` (default python3); the
    /// reason it cannot run otherwise.
    pub fn start(script: &str, args: &[String]) -> Result<CoProcess, String> {
        let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let path = format!("{}/benches/{script}", env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(&python)
            .arg(&path)
            .args(args)
            // Not a folder that could shadow numpy.
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {python}: {e}"))?;
        let tx = child.stdin.take().expect("piped stdin");
        let rx = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut p = CoProcess { child, tx, rx };
        match p.line() {
            Some(l) if l == "ready" => Ok(p),
            Some(l) => Err(l),
            None => Err(format!("{python} {script} ended at start")),
        }
    }

    /// Sends `line` and returns the answer; `None` once the script ended.
    pub fn ask(&mut self, line: &str) -> Option<String> {
        writeln!(self.tx, "{line}").ok()?;
        self.line()
    }

    fn line(&mut self) -> Option<String> {
        let mut l = String::new();
        match self.rx.read_line(&mut l) {
            Ok(n) if n > 0 => Some(l.trim().to_string()),
            _ => None,
        }
    }
}

impl Drop for CoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
