//! The HTTP daemon (`ServerDaemonType.HTTP`): `/metrics` in the Prometheus
//! text format (checked by `promtool` and scraped by a real Prometheus server),
//! and the `/healthz` and `/readyz` probes.
//!
//! `promtool` and `prometheus` come from Debian's `prometheus` package, which
//! `.ci/run` installs. Without them these tests fail under CI (env `CI` set)
//! and are skipped with a notice elsewhere.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Server, free_port, run_to_exit, wait_until};
use serde_json::Value;
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(60);
const HTTP_DAEMONS: &str = "--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,ServerDaemonType.METRICS,ServerDaemonType.STATUS,ServerDaemonType.HTTP";

struct HttpReply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn request(method: &str, port: u16, path: &str, bearer: Option<&str>) -> HttpReply {
    let url = format!("http://127.0.0.1:{port}{path}");
    let agent = agent();
    let result = match method {
        "GET" => {
            let mut r = agent.get(&url);
            if let Some(t) = bearer {
                r = r.header("Authorization", format!("Bearer {t}"));
            }
            r.call()
        }
        "HEAD" => agent.head(&url).call(),
        "POST" => agent.post(&url).send("x"),
        other => panic!("method {other}"),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    HttpReply {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn get(port: u16, path: &str) -> HttpReply {
    request("GET", port, path, None)
}

/// Sample lines of an exposition: `name{labels}` -> value text.
fn samples(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').expect("sample line");
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn sample<'a>(s: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    s.get(key)
        .unwrap_or_else(|| panic!("no sample {key} in {s:#?}"))
}

fn http_server(extra: &[&str]) -> (Server, u16) {
    let port = free_port();
    let server = Server::builder()
        .arg(HTTP_DAEMONS)
        .arg(&format!("--httpPort={port}"))
        .args(extra)
        .start();
    (server, port)
}

/// Whether Debian's Prometheus tools are present; under CI they must be.
fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing under CI (.ci/run installs Debian's prometheus package)"
        );
        eprintln!("skipped: {tool} is not installed (apt-get install prometheus)");
    }
    found
}

#[test]
fn probes_answer_and_other_paths_do_not() {
    let (server, port) = http_server(&[]);
    let r = get(port, "/healthz");
    assert_eq!((r.status, r.body.as_str()), (200, "ok\n"));
    let r = get(port, "/readyz");
    assert_eq!((r.status, r.body.as_str()), (200, "ready\n"));
    let r = get(port, "/readyz?verbose=1");
    assert_eq!(r.status, 200);
    assert_eq!(get(port, "/").status, 404);
    assert_eq!(get(port, "/metricsx").status, 404);
    let r = request("POST", port, "/metrics", None);
    assert_eq!(r.status, 405);
    assert_eq!(
        r.headers.get("allow").map(String::as_str),
        Some("GET, HEAD")
    );
    let r = request("HEAD", port, "/metrics", None);
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    drop(server);
}

#[test]
fn metrics_count_requests_errors_and_symbols() {
    let (server, port) = http_server(&["--memMax=1000"]);
    let c = server.client();
    c.cmd("ruok", &[]).expect_normal("imok");
    c.cmd("ruok", &[]).expect_normal("imok");
    c.cmd("nosuchcmd", &[]).error();
    let bad = common::request_json(
        common::USER,
        "",
        "ruok",
        "STRING",
        &common::args_json(&[("x", "str", "y")]),
        3,
    );
    c.send_raw(&[bad.as_bytes()]);
    c.recv_json().error();
    c.cmd("create<int64,1>", &[("shape", "int64", "1000")])
        .error();
    c.cmd("delete", &[("name", "str", "id_nothere_1")]).error();
    let name = common::create(&c, "int64", 10);
    // Requests are counted after their reply; once this one is answered,
    // all before it are counted (it is not checked itself).
    c.cmd("noop", &[]).normal();

    let r = get(port, "/metrics");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.headers.get("content-type").map(String::as_str),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let s = samples(&r.body);
    assert_eq!(sample(&s, "arkouda_requests_total{cmd=\"ruok\"}"), "3");
    assert_eq!(sample(&s, "arkouda_requests_total{cmd=\"unknown\"}"), "1");
    assert_eq!(
        sample(&s, "arkouda_requests_total{cmd=\"create<int64,1>\"}"),
        "2"
    );
    assert_eq!(sample(&s, "arkouda_requests_total{cmd=\"delete\"}"), "1");
    for (labels, n) in [
        ("cmd=\"ruok\",kind=\"bad_request\"", "1"),
        ("cmd=\"unknown\",kind=\"unknown_command\"", "1"),
        ("cmd=\"create<int64,1>\",kind=\"over_memory\"", "1"),
        ("cmd=\"delete\",kind=\"handler_error\"", "1"),
    ] {
        assert_eq!(
            sample(&s, &format!("arkouda_request_errors_total{{{labels}}}")),
            n,
            "{labels}"
        );
    }
    assert_eq!(
        s.keys()
            .filter(|k| k.starts_with("arkouda_request_errors_total"))
            .count(),
        4
    );
    assert_eq!(
        sample(&s, "arkouda_request_duration_seconds_count{cmd=\"ruok\"}"),
        "3"
    );
    assert_eq!(
        sample(
            &s,
            "arkouda_request_duration_seconds_bucket{cmd=\"ruok\",le=\"+Inf\"}"
        ),
        "3"
    );
    assert_eq!(sample(&s, "arkouda_symbol_table_entries"), "1");
    assert_eq!(sample(&s, "arkouda_symbol_table_bytes"), "80");
    assert_eq!(sample(&s, "arkouda_memory_limit_bytes"), "1000");
    assert_eq!(sample(&s, "arkouda_command_running_seconds"), "0");
    assert!(sample(&s, "arkouda_idle_seconds").parse::<f64>().unwrap() >= 0.0);
    assert!(
        s.keys()
            .any(|k| k.starts_with("arkouda_build_info{") && k.contains("version=\"v")),
        "{}",
        r.body
    );
    for family in [
        "# TYPE arkouda_requests_total counter",
        "# TYPE arkouda_request_errors_total counter",
        "# TYPE arkouda_request_duration_seconds histogram",
        "# TYPE arkouda_symbol_table_entries gauge",
    ] {
        assert!(r.body.lines().any(|l| l == family), "{family}\n{}", r.body);
    }
    // The METRICS daemon's JSON counts the same requests.
    let m = server
        .metrics_client()
        .cmd("metrics", &[("category", "str", "NUM_ERRORS")]);
    let errors = common::parse_metrics(&m, "NUM_ERRORS");
    assert_eq!(common::metric(&errors, "total"), Some(4.0));
    c.cmd("delete", &[("name", "str", &name)]).normal();
}

#[test]
fn promtool_accepts_the_exposition() {
    if !have("promtool") {
        return;
    }
    let (server, port) = http_server(&[]);
    let c = server.client();
    c.cmd("ruok", &[]).normal();
    c.cmd("nosuchcmd", &[]).error();
    common::create(&c, "float64", 4);
    let body = get(port, "/metrics").body;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("feed promtool");
    let out = child.wait_with_output().expect("promtool output");
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics: {:?}\n{}{}\n---\n{body}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Prometheus server we started; killed when dropped.
struct Prometheus {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Scrapes 127.0.0.1:`target` every second with the bearer token in `token_file`.
    fn start(target: u16, token_file: &Path) -> Prometheus {
        let dir = TempDir::new().expect("tempdir");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: arkouda\n    authorization:\n      \
             type: Bearer\n      credentials_file: {}\n    static_configs:\n      \
             - targets: ['127.0.0.1:{target}']\n",
            token_file.display()
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).expect("write config");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log");
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start prometheus");
        Prometheus {
            child,
            port,
            _dir: dir,
        }
    }

    /// The value of the first series of an instant query, if any.
    fn query(&self, promql: &str) -> Option<String> {
        let mut response = agent()
            .get(&format!("http://127.0.0.1:{}/api/v1/query", self.port))
            .query("query", promql)
            .call()
            .ok()?;
        let text = response.body_mut().read_to_string().ok()?;
        let json: Value = serde_json::from_str(&text).ok()?;
        json["data"]["result"][0]["value"][1]
            .as_str()
            .map(str::to_string)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default()
    }
}

#[test]
fn prometheus_scrapes_the_request_counter() {
    if !have("prometheus") {
        return;
    }
    let (server, port) = http_server(&["--authenticate"]);
    let token = server.token();
    let c = server.client().with_token(&token);
    for _ in 0..3 {
        c.cmd("ruok", &[]).expect_normal("imok");
    }
    let token_file = server.io().join("scrape-token");
    std::fs::write(&token_file, &token).expect("write token file");
    let prometheus = Prometheus::start(port, &token_file);
    let query = "arkouda_requests_total{job=\"arkouda\",cmd=\"ruok\"}";
    let mut last = None;
    let seen = wait_until(WAIT, || {
        last = prometheus.query(query);
        last.as_deref() == Some("3")
    });
    assert!(
        seen,
        "Prometheus did not return {query} = 3 (last answer {last:?}); its log:\n{}",
        prometheus.log()
    );
    assert_eq!(
        prometheus.query("up{job=\"arkouda\"}").as_deref(),
        Some("1")
    );
}

#[test]
fn metrics_want_the_token_under_authenticate_and_probes_do_not() {
    let (server, port) = http_server(&["--authenticate"]);
    let token = server.token();
    let r = get(port, "/metrics");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.headers.get("www-authenticate").map(String::as_str),
        Some("Bearer realm=\"arkouda\"")
    );
    assert_eq!(request("GET", port, "/metrics", Some("wrong")).status, 401);
    assert_eq!(get(port, "/healthz").status, 200);
    assert_eq!(get(port, "/readyz").status, 200);
    // A ZeroMQ request with a wrong token counts as an auth error.
    server.client().with_token("wrong").cmd("ruok", &[]).error();
    // Counted after its reply: the next reply proves it counted.
    server.client().with_token(&token).cmd("noop", &[]).normal();
    let r = request("GET", port, "/metrics", Some(&token));
    assert_eq!(r.status, 200);
    let s = samples(&r.body);
    assert_eq!(
        sample(
            &s,
            "arkouda_request_errors_total{cmd=\"ruok\",kind=\"auth\"}"
        ),
        "1"
    );
}

#[test]
fn answers_while_the_command_daemon_is_busy() {
    let (mut server, port) = http_server(&[]);
    let busy = server.client();
    busy.send_cmd("sleep", &[("seconds", "float64", "120")]);
    let running = format!(
        "arkouda_command_running{{cmd=\"sleep\",user=\"{}\"}}",
        common::USER
    );
    let mut last = String::new();
    assert!(
        wait_until(WAIT, || {
            last = get(port, "/metrics").body;
            samples(&last).get(&running).map(String::as_str) == Some("1")
        }),
        "{running} never showed: {last}"
    );
    assert_eq!(get(port, "/readyz").status, 200);
    // SIGTERM ends the sleep at once.
    server.signal(libc::SIGTERM);
    server.expect_clean_exit();
}

#[test]
fn port_comes_from_http_server_port() {
    let port = free_port();
    let server = Server::builder()
        .arg("--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,ServerDaemonType.HTTP")
        .env("HTTP_SERVER_PORT", &port.to_string())
        .start();
    assert_eq!(get(port, "/healthz").status, 200);
    drop(server);
}

#[test]
fn a_busy_http_port_fails_start_up() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let http = format!("--httpPort={port}");
    let main = format!("--ServerPort={}", free_port());
    let done = run_to_exit(
        &[
            "--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,ServerDaemonType.HTTP",
            &main,
            &http,
        ],
        &[],
    );
    assert_ne!(done.status.code(), Some(0));
    assert!(
        done.stderr
            .contains(&format!("cannot bind the HTTP daemon to port {port}")),
        "{}",
        done.stderr
    );
    drop(taken);
}
