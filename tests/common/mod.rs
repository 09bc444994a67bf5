//! Shared harness for the integration tests.
//!
//! Starts the real `arkouda_server` binary on free loopback ports with a fresh
//! temporary directory as its cwd, and talks ZeroMQ to it byte-for-byte like
//! Arkouda's Python client (REQ socket, doubly-encoded `args`, `BINARY_PAYLOAD`
//! two-frame requests). Every test file includes this module, and not every
//! file uses every helper.
#![allow(dead_code)]

pub mod setops;
pub mod strs;
pub mod vals;

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use tempfile::TempDir;

/// The user name every request carries unless a test says otherwise.
pub const USER: &str = "testuser";
/// Receive timeout of every client socket: a missing reply fails the test.
pub const RECV_TIMEOUT_MS: i32 = 10_000;
/// How long a server may take to become ready. Generous: three ranks started
/// over TCP while other tests load both cores once took longer than 30 s.
const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// How many times a start is retried when the server exits before it is ready
/// (a port picked as free may have been grabbed in between).
const START_ATTEMPTS: usize = 3;
/// How long `run_to_exit` waits for a process that is expected to exit by itself.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(15);
/// The 14-byte suffix that marks a binary request.
pub const BINARY_MARKER: &[u8] = b"BINARY_PAYLOAD";
/// Flag enabling the main, metrics and status daemons.
pub const ALL_DAEMONS: &str = "--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,ServerDaemonType.METRICS,ServerDaemonType.STATUS";
/// Environment variables that would leak from the test environment into the server.
const ISOLATED_ENV: [&str; 5] = [
    "ARKOUDA_SERVER_CONNECTION_INFO",
    "ARKOUDA_SERVER_TOKEN",
    "ARKOUDA_ENABLE_TEST_COMMANDS",
    "METRICS_SERVER_PORT",
    "SERVER_STATUS_PORT",
];

/// The element types the array commands support, with their item sizes.
pub const DTYPES: [(&str, usize); 5] = [
    ("int64", 8),
    ("uint64", 8),
    ("uint8", 1),
    ("float64", 8),
    ("bool", 1),
];

// ---------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local_addr")
        .port()
}

/// Three distinct free ports (main, metrics, status).
fn free_ports() -> (u16, u16, u16) {
    loop {
        let (a, b, c) = (free_port(), free_port(), free_port());
        if a != b && b != c && a != c {
            return (a, b, c);
        }
    }
}

/// True when nothing listens on `port` on any interface.
pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("0.0.0.0", port)).is_ok()
}

/// The OS host name, as `gethostname(2)` reports it.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for `buf.len()` bytes and gethostname writes at most that many.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast::<libc::c_char>(), buf.len()) };
    assert_eq!(rc, 0, "gethostname failed");
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `"a.b.c"` of the libzmq the tests (and the server) link against.
pub fn zmq_version_text() -> String {
    let (a, b, c) = zmq::version();
    format!("{a}.{b}.{c}")
}

/// Polls `cond` every 20 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if cond() {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Rounds `x / f` with ties to even, as Python's `round` (the client's identity checks) does.
pub fn round_div(x: u64, f: u64) -> u64 {
    let (q, r) = (x / f, x % f);
    match (2 * r).cmp(&f) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q % 2),
    }
}

// ---------------------------------------------------------------------------
// Request encoding, exactly as Python's json.dumps produces it
// ---------------------------------------------------------------------------

/// `json.dumps(s)` with Python's defaults (`ensure_ascii=True`).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One parameter object as the client writes it: `{"key": .., "dtype": .., "val": ..}`.
pub fn param_json(key: &str, dtype: &str, val: &str) -> String {
    format!(
        "{{\"key\": {}, \"dtype\": {}, \"val\": {}}}",
        py_str(key),
        py_str(dtype),
        py_str(val)
    )
}

/// The `args` text: a JSON list of strings, each the JSON of one parameter object.
pub fn args_json(args: &[(&str, &str, &str)]) -> String {
    let items: Vec<String> = args
        .iter()
        .map(|(k, d, v)| py_str(&param_json(k, d, v)))
        .collect();
    format!("[{}]", items.join(", "))
}

/// A full request envelope (frame 1 without any binary marker).
pub fn request_json(
    user: &str,
    token: &str,
    cmd: &str,
    format: &str,
    args: &str,
    size: i64,
) -> String {
    format!(
        "{{\"user\": {}, \"token\": {}, \"cmd\": {}, \"format\": {}, \"args\": {}, \"size\": {}}}",
        py_str(user),
        py_str(token),
        py_str(cmd),
        py_str(format),
        py_str(args),
        size
    )
}

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

/// The byte form of a JSON reply as the Chapel serializer writes it.
pub fn chapel_envelope(msg: &str, msg_type: &str, user: &str) -> Vec<u8> {
    let esc = |s: &str| serde_json::to_string(s).expect("string serializes");
    format!(
        "{{\"msg\":{}, \"msgType\":\"{}\", \"msgFormat\":\"STRING\", \"user\":{}, \"payload\":\"\"}}",
        esc(msg),
        msg_type,
        esc(user)
    )
    .into_bytes()
}

/// One JSON reply frame: the raw bytes and their parsed value.
#[derive(Debug, Clone)]
pub struct Reply {
    pub raw: Vec<u8>,
    pub json: Value,
}

impl Reply {
    fn field(&self, name: &str) -> &str {
        self.json
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("reply has no string field {name:?}: {}", self.text()))
    }

    /// The raw reply as (lossy) text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    pub fn msg(&self) -> &str {
        self.field("msg")
    }

    pub fn msg_type(&self) -> &str {
        self.field("msgType")
    }

    pub fn user(&self) -> &str {
        self.field("user")
    }

    /// Asserts msgType NORMAL and returns msg.
    pub fn normal(&self) -> &str {
        assert_eq!(
            self.msg_type(),
            "NORMAL",
            "expected a NORMAL reply, got {}",
            self.text()
        );
        self.msg()
    }

    /// Asserts msgType ERROR and returns msg.
    pub fn error(&self) -> &str {
        assert_eq!(
            self.msg_type(),
            "ERROR",
            "expected an ERROR reply, got {}",
            self.text()
        );
        self.msg()
    }

    pub fn expect_normal(&self, msg: &str) {
        assert_eq!(self.normal(), msg, "reply was {}", self.text());
    }

    pub fn expect_error(&self, msg: &str) {
        assert_eq!(self.error(), msg, "reply was {}", self.text());
    }

    /// Asserts the exact Chapel byte form of this reply.
    pub fn expect_chapel_bytes(&self) {
        let want = chapel_envelope(self.msg(), self.msg_type(), self.user());
        assert_eq!(
            self.text(),
            String::from_utf8_lossy(&want),
            "reply bytes are not in the Chapel form"
        );
    }

    /// Parses msg as JSON.
    pub fn msg_json(&self) -> Value {
        serde_json::from_str(self.msg())
            .unwrap_or_else(|e| panic!("msg is not JSON ({e}): {}", self.text()))
    }
}

// ---------------------------------------------------------------------------
// Key order of JSON objects (serde_json::Value sorts keys)
// ---------------------------------------------------------------------------

/// A JSON value that keeps the order of object keys; scalars are not kept.
#[derive(Debug, Clone, PartialEq)]
pub enum OJson {
    Scalar,
    Arr(Vec<OJson>),
    Obj(Vec<(String, OJson)>),
}

impl OJson {
    pub fn parse(text: &str) -> OJson {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// Keys of an object in document order.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            OJson::Obj(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not a JSON object: {other:?}"),
        }
    }

    pub fn get(&self, key: &str) -> &OJson {
        match self {
            OJson::Obj(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key:?}")),
            other => panic!("not a JSON object: {other:?}"),
        }
    }

    pub fn items(&self) -> &[OJson] {
        match self {
            OJson::Arr(items) => items,
            other => panic!("not a JSON array: {other:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for OJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OJsonVisitor)
    }
}

struct OJsonVisitor;

impl<'de> Visitor<'de> for OJsonVisitor {
    type Value = OJson;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_unit<E>(self) -> Result<OJson, E> {
        Ok(OJson::Scalar)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OJson, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OJson::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OJson, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, OJson>()? {
            entries.push(entry);
        }
        Ok(OJson::Obj(entries))
    }
}

// ---------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------

/// A REQ socket talking to one daemon port, like the Python client's channel.
pub struct Client {
    sock: zmq::Socket,
    _ctx: zmq::Context,
    pub user: String,
    pub token: String,
}

impl Client {
    pub fn connect(port: u16) -> Client {
        Client::connect_timeout(port, RECV_TIMEOUT_MS)
    }

    pub fn connect_timeout(port: u16, recv_timeout_ms: i32) -> Client {
        let ctx = zmq::Context::new();
        let sock = ctx.socket(zmq::REQ).expect("REQ socket");
        sock.set_linger(0).expect("linger");
        sock.set_rcvtimeo(recv_timeout_ms).expect("rcvtimeo");
        sock.set_sndtimeo(recv_timeout_ms).expect("sndtimeo");
        sock.connect(&format!("tcp://127.0.0.1:{port}"))
            .expect("connect");
        Client {
            sock,
            _ctx: ctx,
            user: USER.to_string(),
            token: String::new(),
        }
    }

    pub fn with_token(mut self, token: &str) -> Client {
        self.token = token.to_string();
        self
    }

    pub fn with_user(mut self, user: &str) -> Client {
        self.user = user.to_string();
        self
    }

    /// Sends the given frames as one multipart message.
    pub fn send_raw(&self, frames: &[&[u8]]) {
        self.sock
            .send_multipart(frames.iter().copied(), 0)
            .expect("send request");
    }

    /// A `generic_msg` request: `args` is `"[]"`/0 without arguments.
    pub fn send_cmd(&self, cmd: &str, args: &[(&str, &str, &str)]) {
        let req = request_json(
            &self.user,
            &self.token,
            cmd,
            "STRING",
            &args_json(args),
            args.len() as i64,
        );
        self.send_raw(&[req.as_bytes()]);
    }

    /// A `send_string_message` request (`connect`, `disconnect`, `shutdown`): args `""`, size -1.
    pub fn send_string_msg(&self, cmd: &str) {
        let req = request_json(&self.user, &self.token, cmd, "STRING", "", -1);
        self.send_raw(&[req.as_bytes()]);
    }

    /// A binary request: frame 1 = JSON + `BINARY_PAYLOAD`, frame 2 = payload.
    pub fn send_binary(&self, cmd: &str, args: &[(&str, &str, &str)], payload: &[u8]) {
        let mut first = request_json(
            &self.user,
            &self.token,
            cmd,
            "BINARY",
            &args_json(args),
            args.len() as i64,
        )
        .into_bytes();
        first.extend_from_slice(BINARY_MARKER);
        self.send_raw(&[&first, payload]);
    }

    /// Receives one reply; `Err` on timeout.
    pub fn try_recv_raw(&self) -> Result<Vec<u8>, zmq::Error> {
        let frame = self.sock.recv_bytes(0)?;
        let more = self.sock.get_rcvmore().expect("rcvmore");
        assert!(!more, "reply has more than one frame");
        Ok(frame)
    }

    /// Receives one single-frame reply, failing the test if none arrives in time.
    pub fn recv_raw(&self) -> Vec<u8> {
        self.try_recv_raw()
            .unwrap_or_else(|e| panic!("no reply from the server ({e})"))
    }

    /// Receives one JSON reply.
    pub fn recv_json(&self) -> Reply {
        let raw = self.recv_raw();
        let json = serde_json::from_slice(&raw).unwrap_or_else(|e| {
            panic!("reply is not JSON ({e}): {}", String::from_utf8_lossy(&raw))
        });
        Reply { raw, json }
    }

    /// `send_cmd` + `recv_json`.
    pub fn cmd(&self, cmd: &str, args: &[(&str, &str, &str)]) -> Reply {
        self.send_cmd(cmd, args);
        self.recv_json()
    }

    /// `send_string_msg` + `recv_json`.
    pub fn string_cmd(&self, cmd: &str) -> Reply {
        self.send_string_msg(cmd);
        self.recv_json()
    }
}

// ---------------------------------------------------------------------------
// Server process guard
// ---------------------------------------------------------------------------

/// Ports and directories a server start is parameterised by; used to fill
/// `{port}`, `{metrics_port}`, `{status_port}`, `{io}` and `{conn}` in templates.
struct Vars {
    port: u16,
    metrics_port: u16,
    status_port: u16,
    io: PathBuf,
}

impl Vars {
    fn fill(&self, template: &str) -> String {
        template
            .replace("{port}", &self.port.to_string())
            .replace("{metrics_port}", &self.metrics_port.to_string())
            .replace("{status_port}", &self.status_port.to_string())
            .replace("{conn}", &self.io.join("conn").display().to_string())
            .replace("{io}", &self.io.display().to_string())
    }
}

/// Configures and starts a server.
///
/// By default the server gets `--ServerPort={port} --trace=false
/// --serverConnectionInfo={conn}` and the test waits for `{conn}` to appear.
/// Arguments, environment values, the ready file and io files may use the
/// `{...}` placeholders of [`Vars`].
pub struct ServerBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    standard_args: bool,
    side_daemons: bool,
    ready_file: Option<String>,
    io_files: Vec<(String, String)>,
    cwd_files: Vec<(String, Vec<u8>)>,
    port: Option<u16>,
    ranks: usize,
}

/// How tests start several ranks on this one machine: more ranks than cores,
/// no core binding (ranks share the cores), root allowed (CI runs as root).
pub const TEST_LAUNCHER: &str = "mpirun --oversubscribe --bind-to none -np {n}";

/// The same over TCP, as between nodes without a fast fabric.
pub const TCP_LAUNCHER: &str = "mpirun --oversubscribe --bind-to none --mca btl self,tcp -np {n}";

impl ServerBuilder {
    /// Runs the server as `n` MPI ranks (`-nl n` through [`TEST_LAUNCHER`],
    /// unless env `ARKOUDA_LAUNCHER` is given with [`env`](Self::env)).
    pub fn ranks(mut self, n: usize) -> Self {
        self.ranks = n;
        if n > 1 {
            self.args.push(format!("--numLocales={n}"));
            if !self.env.iter().any(|(k, _)| k == "ARKOUDA_LAUNCHER") {
                self.env
                    .push(("ARKOUDA_LAUNCHER".into(), TEST_LAUNCHER.into()));
            }
            for k in ["OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] {
                self.env.push((k.into(), "1".into()));
            }
        }
        self
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn env(mut self, key: &str, val: &str) -> Self {
        self.env.push((key.to_string(), val.to_string()));
        self
    }

    /// Do not pass the standard `--ServerPort/--trace/--serverConnectionInfo` flags.
    pub fn raw(mut self) -> Self {
        self.standard_args = false;
        self
    }

    /// Enable the METRICS and STATUS daemons (qualified enum names).
    pub fn side_daemons(mut self) -> Self {
        self.side_daemons = true;
        self
    }

    /// Wait for this file (template) instead of `{conn}`.
    pub fn ready_file(mut self, template: &str) -> Self {
        self.ready_file = Some(template.to_string());
        self
    }

    /// Write a file into the io directory (content is a template) before start.
    pub fn io_file(mut self, name: &str, template: &str) -> Self {
        self.io_files.push((name.to_string(), template.to_string()));
        self
    }

    /// Write a file (relative to the server's cwd) before start.
    pub fn cwd_file(mut self, rel: &str, content: &[u8]) -> Self {
        self.cwd_files.push((rel.to_string(), content.to_vec()));
        self
    }

    /// Use this main port instead of a free one (no retry with other ports).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    pub fn start(self) -> Server {
        let cwd = TempDir::new().expect("cwd tempdir");
        for (rel, content) in &self.cwd_files {
            let path = cwd.path().join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(&path, content).expect("write cwd file");
        }
        let io = TempDir::new().expect("io tempdir");
        let mut failure = String::new();
        for _ in 0..START_ATTEMPTS {
            let (p, mp, sp) = free_ports();
            let vars = Vars {
                port: self.port.unwrap_or(p),
                metrics_port: mp,
                status_port: sp,
                io: io.path().to_path_buf(),
            };
            match self.try_start(&vars, cwd.path()) {
                Ok(child) => {
                    return Server {
                        ranks: self.ranks,
                        child,
                        cwd,
                        io,
                        port: vars.port,
                        metrics_port: mp,
                        status_port: sp,
                    };
                }
                Err(StartError::Exited(msg)) => failure = msg,
                Err(StartError::Fatal(msg)) => panic!("{msg}"),
            }
            if self.port.is_some() {
                break;
            }
        }
        panic!("server did not start: {failure}");
    }

    fn try_start(&self, vars: &Vars, cwd: &Path) -> Result<Child, StartError> {
        for (name, template) in &self.io_files {
            fs::write(vars.io.join(name), vars.fill(template)).expect("write io file");
        }
        let ready = self
            .ready_file
            .as_deref()
            .map(|t| PathBuf::from(vars.fill(t)))
            .or_else(|| self.standard_args.then(|| vars.io.join("conn")));
        if let Some(path) = &ready {
            let _ = fs::remove_file(path);
        }
        let mut args = Vec::new();
        if self.standard_args {
            args.push(format!("--ServerPort={}", vars.port));
            args.push("--trace=false".to_string());
            args.push(vars.fill("--serverConnectionInfo={conn}"));
        }
        if self.side_daemons {
            args.push(ALL_DAEMONS.to_string());
        }
        args.extend(self.args.iter().map(|a| vars.fill(a)));
        let env: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), vars.fill(v)))
            .collect();
        let mut cmd = server_command(&args, &env, &vars.io);
        if self.ranks > 1 {
            // The launcher and its ranks in one group, so Drop can end them all.
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        cmd.current_dir(cwd)
            .env("METRICS_SERVER_PORT", vars.metrics_port.to_string())
            .env("SERVER_STATUS_PORT", vars.status_port.to_string());
        let mut child = cmd.spawn().expect("spawn arkouda_server");
        let ready_result = match &ready {
            Some(path) => wait_for_file(&mut child, path),
            None => wait_for_ruok(&mut child, vars.port),
        };
        match ready_result {
            Ready::Yes => Ok(child),
            Ready::Exited(status) => Err(StartError::Exited(format!(
                "server exited with {status} before it was ready; args {args:?}\nstderr: {}",
                read_lossy(&vars.io.join("stderr.txt"))
            ))),
            Ready::TimedOut => {
                let _ = child.kill();
                let _ = child.wait();
                Err(StartError::Fatal(format!(
                    "server was not ready within {READY_TIMEOUT:?} (waiting for {}); args {args:?}\nstdout: {}\nstderr: {}",
                    ready
                        .as_ref()
                        .map_or("a ruok reply".to_string(), |p| p.display().to_string()),
                    read_lossy(&vars.io.join("stdout.txt")),
                    read_lossy(&vars.io.join("stderr.txt"))
                )))
            }
        }
    }
}

enum StartError {
    /// The process exited before it was ready (worth a retry on other ports).
    Exited(String),
    /// The process runs but never became ready.
    Fatal(String),
}

enum Ready {
    Yes,
    Exited(ExitStatus),
    TimedOut,
}

/// A `Command` for the server binary with isolated environment and output
/// redirected to `<io>/stdout.txt` and `<io>/stderr.txt`.
fn server_command(args: &[String], env: &[(String, String)], io: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_arkouda_server"));
    cmd.args(args);
    for key in ISOLATED_ENV {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = fs::File::create(io.join("stdout.txt")).expect("stdout file");
    let err = fs::File::create(io.join("stderr.txt")).expect("stderr file");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    cmd
}

fn wait_for_file(child: &mut Child, path: &Path) -> Ready {
    let start = Instant::now();
    while start.elapsed() < READY_TIMEOUT {
        if let Ok(text) = fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return Ready::Yes;
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Ready::Exited(status);
        }
        thread::sleep(Duration::from_millis(20));
    }
    Ready::TimedOut
}

fn wait_for_ruok(child: &mut Child, port: u16) -> Ready {
    let start = Instant::now();
    while start.elapsed() < READY_TIMEOUT {
        if let Ok(Some(status)) = child.try_wait() {
            return Ready::Exited(status);
        }
        let probe = Client::connect_timeout(port, 300);
        probe.send_cmd("ruok", &[]);
        if probe.try_recv_raw().is_ok() {
            return Ready::Yes;
        }
    }
    Ready::TimedOut
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// A running server; killed (if still running) when dropped.
pub struct Server {
    /// More than one: `child` is the launcher, leading a process group.
    ranks: usize,
    child: Child,
    cwd: TempDir,
    io: TempDir,
    pub port: u16,
    pub metrics_port: u16,
    pub status_port: u16,
}

impl Server {
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            args: Vec::new(),
            env: Vec::new(),
            standard_args: true,
            side_daemons: false,
            ready_file: None,
            io_files: Vec::new(),
            cwd_files: Vec::new(),
            port: None,
            ranks: 1,
        }
    }

    /// A server with the standard flags only.
    pub fn start() -> Server {
        Server::builder().start()
    }

    /// The server's working directory.
    pub fn cwd(&self) -> &Path {
        self.cwd.path()
    }

    /// The directory holding stdout/stderr, the connection file and io files.
    pub fn io(&self) -> &Path {
        self.io.path()
    }

    pub fn conn_file(&self) -> PathBuf {
        self.io().join("conn")
    }

    pub fn stdout(&self) -> String {
        read_lossy(&self.io().join("stdout.txt"))
    }

    pub fn stderr(&self) -> String {
        read_lossy(&self.io().join("stderr.txt"))
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port)
    }

    pub fn metrics_client(&self) -> Client {
        Client::connect(self.metrics_port)
    }

    pub fn status_client(&self) -> Client {
        Client::connect(self.status_port)
    }

    /// The last line of `.arkouda/tokens.txt` in the server's cwd.
    pub fn token(&self) -> String {
        let text = fs::read_to_string(self.cwd().join(".arkouda/tokens.txt"))
            .expect("read .arkouda/tokens.txt");
        text.lines().last().unwrap_or("").trim().to_string()
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: plain kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(self.pid(), sig) };
        assert_eq!(rc, 0, "kill({sig}) failed");
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits for the process to exit by itself; fails the test after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                start.elapsed() < timeout,
                "server did not exit within {timeout:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts a clean exit: code 0, not killed by a signal.
    pub fn expect_clean_exit(&mut self) {
        self.expect_clean_exit_within(Duration::from_secs(5))
    }

    pub fn expect_clean_exit_within(&mut self, timeout: Duration) {
        let status = self.wait_exit(timeout);
        assert_eq!(
            status.code(),
            Some(0),
            "expected exit code 0, got {status:?} (signal {:?}); stderr: {}",
            status.signal(),
            self.stderr()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.ranks > 1 {
            // SIGTERM lets rank 0 stop the others and MPI clean up its shared
            // memory; whatever is left after a while is killed.
            let group = -(self.child.id() as i32);
            // SAFETY: kill(2) on the process group this test started.
            unsafe { libc::kill(group, libc::SIGTERM) };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: as above.
            unsafe { libc::kill(group, libc::SIGKILL) };
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The pids whose parent is `pid` (from /proc).
pub fn children_of(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid: Option<i32> = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        let me: Option<i32> = head.split_whitespace().next().and_then(|p| p.parse().ok());
        if let (Some(me), Some(ppid)) = (me, ppid)
            && ppid == pid
        {
            out.push(me);
        }
    }
    out
}

/// Output of a server run that is expected to end by itself.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The cwd the process ran in (kept alive for inspection).
    pub cwd: TempDir,
}

/// Runs the server with exactly `args` in a fresh cwd and waits for it to exit
/// (killing it and failing the test after [`EXIT_TIMEOUT`]).
pub fn run_to_exit(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let cwd = TempDir::new().expect("cwd tempdir");
    let io = TempDir::new().expect("io tempdir");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut cmd = server_command(&args, &env, io.path());
    cmd.current_dir(cwd.path());
    let mut child = cmd.spawn().expect("spawn arkouda_server");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > EXIT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "server with args {args:?} did not exit within {EXIT_TIMEOUT:?}; stderr: {}",
                read_lossy(&io.path().join("stderr.txt"))
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    Finished {
        status,
        stdout: read_lossy(&io.path().join("stdout.txt")),
        stderr: read_lossy(&io.path().join("stderr.txt")),
        cwd,
    }
}

// ---------------------------------------------------------------------------
// Array and memory helpers
// ---------------------------------------------------------------------------

/// The item size of a supported dtype.
pub fn itemsize(dtype: &str) -> usize {
    DTYPES
        .iter()
        .find(|(d, _)| *d == dtype)
        .unwrap_or_else(|| panic!("unknown dtype {dtype}"))
        .1
}

/// True for `id_<7 alphanumerics>_<decimal>`.
pub fn is_symbol_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("id_") else {
        return false;
    };
    let bytes = rest.as_bytes();
    bytes.len() >= 9
        && bytes[..7].iter().all(u8::is_ascii_alphanumeric)
        && bytes[7] == b'_'
        && bytes[8..].iter().all(u8::is_ascii_digit)
}

/// Checks a `created <name> <dtype> <n> 1 [<n>] <itemsize>` reply and returns the name.
pub fn expect_created(reply: &Reply, dtype: &str, n: usize) -> String {
    let msg = reply.normal();
    let parts: Vec<&str> = msg.split(' ').collect();
    assert_eq!(parts.len(), 7, "bad created reply: {msg:?}");
    let name = parts[1];
    assert!(is_symbol_name(name), "bad symbol name {name:?} in {msg:?}");
    assert_eq!(
        msg,
        format!("created {name} {dtype} {n} 1 [{n}] {}", itemsize(dtype)),
        "bad created reply"
    );
    name.to_string()
}

/// `create<dtype,1>` shape=n; returns the new name.
pub fn create(c: &Client, dtype: &str, n: usize) -> String {
    let reply = c.cmd(
        &format!("create<{dtype},1>"),
        &[("shape", "int64", &n.to_string())],
    );
    expect_created(&reply, dtype, n)
}

/// The `array<dtype,1>` arguments the client sends for an upload of n elements.
pub fn upload_args(dtype: &str, n: usize) -> [(String, String, String); 3] {
    [
        ("dtype".into(), "str".into(), dtype.into()),
        ("shape".into(), "int64".into(), format!("[\"{n}\"]")),
        ("seg_string".into(), "bool".into(), "False".into()),
    ]
}

/// Borrowed view of owned argument triples.
pub fn arg_refs(args: &[(String, String, String)]) -> Vec<(&str, &str, &str)> {
    args.iter()
        .map(|(k, d, v)| (k.as_str(), d.as_str(), v.as_str()))
        .collect()
}

/// Sends a binary `array<dtype,1>` upload and returns the reply.
pub fn send_upload(c: &Client, dtype: &str, n: usize, payload: &[u8]) -> Reply {
    let args = upload_args(dtype, n);
    c.send_binary(&format!("array<{dtype},1>"), &arg_refs(&args), payload);
    c.recv_json()
}

/// Uploads n elements and returns the new name.
pub fn upload(c: &Client, dtype: &str, n: usize, payload: &[u8]) -> String {
    expect_created(&send_upload(c, dtype, n, payload), dtype, n)
}

/// `tondarray<dtype,1>`: the raw reply frame.
pub fn to_ndarray(c: &Client, dtype: &str, name: &str) -> Vec<u8> {
    c.send_cmd(&format!("tondarray<{dtype},1>"), &[("array", dtype, name)]);
    c.recv_raw()
}

/// `info` of all symbols.
pub fn info_all(c: &Client) -> String {
    c.cmd("info", &[("names", "str", "__AllSymbols__")])
        .normal()
        .to_string()
}

/// The exact `info` entry of a 1-D unregistered array.
pub fn info_entry(name: &str, dtype: &str, n: usize) -> String {
    format!(
        "{{\"name\":\"{name}\", \"dtype\":\"{dtype}\", \"size\":{n}, \"ndim\":1, \"shape\":[{n}], \"itemsize\":{}, \"registered\":false}}",
        itemsize(dtype)
    )
}

fn mem_query(c: &Client, cmd: &str, factor: u64, as_percent: bool) -> u64 {
    let factor = factor.to_string();
    let pct = if as_percent { "True" } else { "False" };
    let reply = c.cmd(
        cmd,
        &[("factor", "int64", &factor), ("as_percent", "bool", pct)],
    );
    let msg = reply.normal();
    msg.parse()
        .unwrap_or_else(|_| panic!("{cmd} reply is not an unsigned integer: {msg:?}"))
}

/// `getmemused`.
pub fn mem_used(c: &Client, factor: u64, as_percent: bool) -> u64 {
    mem_query(c, "getmemused", factor, as_percent)
}

/// `getavailmem`.
pub fn mem_avail(c: &Client, factor: u64, as_percent: bool) -> u64 {
    mem_query(c, "getavailmem", factor, as_percent)
}

// ---------------------------------------------------------------------------
// Malformed requests
// ---------------------------------------------------------------------------

/// The malformed-request classes every daemon port must answer with one ERROR
/// reply: (description, frames, is_invalid_utf8).
pub fn bad_input_cases() -> Vec<(&'static str, Vec<Vec<u8>>, bool)> {
    let u = USER;
    let good_args = args_json(&[("x", "str", "y")]);
    let one = |s: String| vec![s.into_bytes()];
    let with_args = |args: &str, size: i64| request_json(u, "", "ruok", "STRING", args, size);
    let mut marker_only = with_args(&good_args, 1).into_bytes();
    marker_only.extend_from_slice(BINARY_MARKER);
    let mut size0_binary = request_json(u, "", "ruok", "BINARY", "[]", 0).into_bytes();
    size0_binary.extend_from_slice(BINARY_MARKER);
    let mut bad_utf8 = b"{\"user\": \"".to_vec();
    bad_utf8.extend_from_slice(b"\xff\xfe\xc3");
    bad_utf8.extend_from_slice(
        b"\", \"token\": \"\", \"cmd\": \"ruok\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": 0}",
    );
    vec![
        (
            "malformed JSON",
            one(format!(
                "{{\"user\": \"{u}\", \"token\": \"\", \"cmd\": \"ruok\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": 0"
            )),
            false,
        ),
        (
            "JSON that is not an object",
            one("[\"ruok\"]".into()),
            false,
        ),
        (
            "missing size field",
            one(format!(
                "{{\"user\": \"{u}\", \"token\": \"\", \"cmd\": \"ruok\", \"format\": \"STRING\", \"args\": \"[]\"}}"
            )),
            false,
        ),
        (
            "missing cmd field",
            one(format!(
                "{{\"user\": \"{u}\", \"token\": \"\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": 0}}"
            )),
            false,
        ),
        (
            "size of the wrong type",
            one(format!(
                "{{\"user\": \"{u}\", \"token\": \"\", \"cmd\": \"ruok\", \"format\": \"STRING\", \"args\": \"[]\", \"size\": \"3\"}}"
            )),
            false,
        ),
        ("invalid UTF-8", vec![bad_utf8], true),
        (
            "size larger than the args list",
            one(with_args(&good_args, 3)),
            false,
        ),
        (
            "args that are not JSON",
            one(with_args("not json", 1)),
            false,
        ),
        (
            "parameter that is not JSON",
            one(with_args("[\"not json\"]", 1)),
            false,
        ),
        (
            "parameter without val",
            one(with_args(
                &format!("[{}]", py_str("{\"key\": \"x\", \"dtype\": \"str\"}")),
                1,
            )),
            false,
        ),
        (
            "parameter with a numeric val",
            one(with_args(
                &format!(
                    "[{}]",
                    py_str("{\"key\": \"x\", \"dtype\": \"float64\", \"val\": 0.2}")
                ),
                1,
            )),
            false,
        ),
        (
            "BINARY_PAYLOAD marker without a payload frame",
            vec![marker_only],
            false,
        ),
        (
            "two frames without the BINARY_PAYLOAD marker",
            vec![
                with_args(&good_args, 1).into_bytes(),
                b"extra frame".to_vec(),
            ],
            false,
        ),
        (
            "binary request with size 0",
            vec![size0_binary, vec![0u8; 16]],
            false,
        ),
    ]
}

/// Sends every bad-input class to `port` and checks that each gets exactly one
/// ERROR reply and that `follow_up` (a generic_msg command) then gets the NORMAL
/// reply `follow_up_msg` on the same socket. `utf8_user` is the `user` expected
/// in the invalid-UTF-8 reply. Collects all failures before panicking.
pub fn check_bad_inputs(port: u16, utf8_user: &str, follow_up: &str, follow_up_msg: &str) {
    let mut failures = Vec::new();
    let mut client = Client::connect(port);
    for (what, frames, is_utf8) in bad_input_cases() {
        let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
        client.send_raw(&refs);
        let raw = match client.try_recv_raw() {
            Ok(raw) => raw,
            Err(e) => {
                failures.push(format!("{what}: no reply ({e})"));
                client = Client::connect(port);
                continue;
            }
        };
        let text = String::from_utf8_lossy(&raw).into_owned();
        match serde_json::from_slice::<Value>(&raw) {
            Err(e) => failures.push(format!("{what}: reply is not JSON ({e}): {text}")),
            Ok(json) => {
                let field = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_string);
                let msg = field("msg").unwrap_or_default();
                if field("msgType").as_deref() != Some("ERROR") {
                    failures.push(format!("{what}: expected msgType ERROR, got {text}"));
                } else if is_utf8 {
                    if msg != "Invalid UTF-8 character encountered." {
                        failures.push(format!("{what}: wrong msg: {text}"));
                    }
                    if field("user").as_deref() != Some(utf8_user) {
                        failures.push(format!("{what}: expected user {utf8_user:?}: {text}"));
                    }
                } else if !msg.starts_with("Error executing command ") {
                    failures.push(format!(
                        "{what}: msg does not start with 'Error executing command ': {text}"
                    ));
                }
                if field("user").is_none() {
                    failures.push(format!("{what}: reply has no string user: {text}"));
                }
            }
        }
        client.send_cmd(follow_up, &[]);
        match client.try_recv_raw() {
            Ok(raw) => {
                let want = chapel_envelope(follow_up_msg, "NORMAL", "");
                let json: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
                if json.get("msg").and_then(Value::as_str) != Some(follow_up_msg)
                    || json.get("msgType").and_then(Value::as_str) != Some("NORMAL")
                {
                    failures.push(format!(
                        "{what}: follow-up {follow_up} got {} (wanted msg like {})",
                        String::from_utf8_lossy(&raw),
                        String::from_utf8_lossy(&want)
                    ));
                }
            }
            Err(e) => {
                failures.push(format!("{what}: no reply to follow-up {follow_up} ({e})"));
                client = Client::connect(port);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "bad-input handling on port {port}:\n  {}",
        failures.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Metrics replies
// ---------------------------------------------------------------------------

/// True for Chapel's dateTime text `YYYY-MM-DDThh:mm:ss.ffffff`.
pub fn is_chapel_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 26
        && b.iter().enumerate().all(|(i, &ch)| match i {
            4 | 7 => ch == b'-',
            10 => ch == b'T',
            13 | 16 => ch == b':',
            19 => ch == b'.',
            _ => ch.is_ascii_digit(),
        })
}

/// Parses a `metrics` reply of plain metrics and checks every object's shape:
/// keys `name, category, scope, timestamp, value` in that order, the given
/// category, scope `GLOBAL`, a Chapel timestamp and a numeric value.
/// Returns (name, value) pairs in reply order.
pub fn parse_metrics(reply: &Reply, category: &str) -> Vec<(String, f64)> {
    let msg = reply.normal();
    let order = OJson::parse(msg);
    let json = reply.msg_json();
    let list = json
        .as_array()
        .unwrap_or_else(|| panic!("metrics reply is not a list: {msg}"));
    let mut out = Vec::new();
    for (obj, ordered) in list.iter().zip(order.items()) {
        assert_eq!(
            ordered.keys(),
            ["name", "category", "scope", "timestamp", "value"],
            "metric object keys in {msg}"
        );
        assert_eq!(obj["category"], category, "category in {msg}");
        assert_eq!(obj["scope"], "GLOBAL", "scope in {msg}");
        let ts = obj["timestamp"].as_str().unwrap_or("");
        assert!(is_chapel_timestamp(ts), "timestamp {ts:?} in {msg}");
        let name = obj["name"]
            .as_str()
            .unwrap_or_else(|| panic!("metric name in {msg}"));
        let value = obj["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("metric value in {msg}"));
        out.push((name.to_string(), value));
    }
    out
}

/// The value of metric `name`, if present (panics on duplicates).
pub fn metric(entries: &[(String, f64)], name: &str) -> Option<f64> {
    let found: Vec<f64> = entries
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .collect();
    assert!(
        found.len() <= 1,
        "metric {name} appears {} times",
        found.len()
    );
    found.first().copied()
}

// ---------------------------------------------------------------------------
// serverstatus replies
// ---------------------------------------------------------------------------

/// The keys a serverstatus object has, sorted.
pub const SERVERSTATUS_KEYS: [&str; 14] = [
    "bytes_held",
    "bytes_held_by_locale",
    "current_command",
    "deferred_arrays",
    "errors",
    "freed_bytes_cached",
    "idle_seconds",
    "last_checkpoint",
    "locales",
    "memory_limit",
    "requests",
    "shutting_down",
    "symbols",
    "uptime_seconds",
];

/// Parses a serverstatus msg and checks the type of every documented field.
pub fn check_serverstatus(msg: &str) -> Value {
    let status: Value =
        serde_json::from_str(msg).unwrap_or_else(|e| panic!("serverstatus not JSON ({e}): {msg}"));
    for key in SERVERSTATUS_KEYS {
        assert!(status.get(key).is_some(), "serverstatus lacks {key}: {msg}");
    }
    for key in ["uptime_seconds", "idle_seconds"] {
        assert!(
            status[key].as_f64().is_some_and(|v| v >= 0.0),
            "{key}: {msg}"
        );
    }
    for key in [
        "requests",
        "errors",
        "symbols",
        "bytes_held",
        "memory_limit",
        "freed_bytes_cached",
        "deferred_arrays",
        "locales",
    ] {
        assert!(
            status[key].is_u64(),
            "{key} is not an unsigned integer: {msg}"
        );
    }
    // One figure per locale, adding up to bytes_held.
    let by_locale = status["bytes_held_by_locale"]
        .as_array()
        .unwrap_or_else(|| panic!("bytes_held_by_locale is not a list: {msg}"));
    assert_eq!(by_locale.len() as u64, status["locales"].as_u64().unwrap());
    let sum: u64 = by_locale.iter().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(sum, status["bytes_held"].as_u64().unwrap(), "{msg}");
    status
}

/// Asserts that a serverstatus msg has exactly the documented keys.
pub fn assert_exact_serverstatus_keys(msg: &str) {
    let ordered = OJson::parse(msg);
    let mut keys = ordered.keys();
    keys.sort_unstable();
    assert_eq!(keys, SERVERSTATUS_KEYS, "serverstatus keys: {msg}");
}

/// `text` with the server's random name prefixes (`id_XXXXXXX_`) cut to
/// `id_`, so replies of different servers compare equal.
pub fn strip_ids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("id_") {
        out.push_str(&rest[..at + 3]);
        rest = &rest[at + 3..];
        if rest.len() > 8 && rest.as_bytes()[7] == b'_' {
            rest = &rest[8..];
        }
    }
    out.push_str(rest);
    out
}

/// Deterministic pseudo-random numbers (xorshift; seed must not be 0).
pub struct Rng(pub u64);

impl Rng {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
