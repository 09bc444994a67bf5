//! The HTTP daemon (`ServerDaemonType.HTTP`): Prometheus `GET /metrics` and the
//! `GET /healthz` and `GET /readyz` probes, on their own port and thread so that
//! they answer while the command daemon is busy. Nothing here waits for the
//! command daemon: every value is an atomic or a briefly held lock.
//!
//! Under `--authenticate`, `/metrics` wants the server token as
//! `Authorization: Bearer <token>`; the probes stay open because kubelets and
//! load balancers do not carry tokens, and they reveal nothing.

use std::sync::Arc;

use prometheus::{Encoder, Gauge, GaugeVec, Opts, Registry, TextEncoder};
use tiny_http::{Header, Method, Response};

use crate::config::{ARKOUDA_VERSION, DaemonType};
use crate::state::Shared;

pub struct HttpDaemon {
    server: tiny_http::Server,
    port: u16,
}

/// Binds the port now, so that a busy port fails start-up like the others.
pub fn bind(port: u16) -> Result<HttpDaemon, String> {
    let server = tiny_http::Server::http(("0.0.0.0", port))
        .map_err(|e| format!("cannot bind the HTTP daemon to port {port} (0.0.0.0:{port}): {e}"))?;
    Ok(HttpDaemon { server, port })
}

/// One response, before it becomes a `tiny_http::Response`.
#[derive(Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, &'static str)>,
}

impl Answer {
    fn text(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
            headers: Vec::new(),
        }
    }
}

impl HttpDaemon {
    /// Serves until the process exits: it must keep answering `/readyz`
    /// (with 503) while the server shuts down.
    pub fn run(self, shared: Arc<Shared>) {
        log::info!(
            "{:?} daemon serving on port {}",
            DaemonType::Http,
            self.port
        );
        shared.readiness.mark_serving(DaemonType::Http);
        for request in self.server.incoming_requests() {
            let method = match request.method() {
                Method::Get => "GET",
                Method::Head => "HEAD",
                _ => "other",
            };
            let authorization = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.as_str().to_string());
            let answer = route(method, request.url(), authorization.as_deref(), &shared);
            let mut response = Response::from_string(answer.body)
                .with_status_code(answer.status)
                .with_header(header("Content-Type", answer.content_type));
            for (name, value) in answer.headers {
                response.add_header(header(name, value));
            }
            if let Err(e) = request.respond(response) {
                log::debug!("HTTP daemon: could not send a response: {e}");
            }
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid static header")
}

/// The answer to `method path` (the query string is ignored).
pub fn route(method: &str, url: &str, authorization: Option<&str>, shared: &Shared) -> Answer {
    let path = url.split('?').next().unwrap_or(url);
    if !["/metrics", "/healthz", "/readyz"].contains(&path) {
        return Answer::text(404, "not found: try /metrics, /healthz or /readyz\n");
    }
    if method != "GET" && method != "HEAD" {
        let mut a = Answer::text(405, "method not allowed\n");
        a.headers.push(("Allow", "GET, HEAD"));
        return a;
    }
    match path {
        "/healthz" => Answer::text(200, "ok\n"),
        "/readyz" => match not_ready(shared) {
            None => Answer::text(200, "ready\n"),
            Some(why) => Answer::text(503, format!("not ready: {why}\n")),
        },
        _ => {
            if let Some(token) = &shared.token {
                let given = authorization
                    .and_then(|v| {
                        v.split_once(' ')
                            .filter(|(s, _)| s.eq_ignore_ascii_case("Bearer"))
                    })
                    .map(|(_, t)| t.trim())
                    .unwrap_or("");
                if crate::auth::check(given, token).is_err() {
                    let mut a = Answer::text(
                        401,
                        "unauthorized: send the server token as 'Authorization: Bearer <token>'\n",
                    );
                    a.headers
                        .push(("WWW-Authenticate", "Bearer realm=\"arkouda\""));
                    return a;
                }
            }
            Answer {
                status: 200,
                content_type: "text/plain; version=0.0.4; charset=utf-8",
                body: exposition(shared),
                headers: Vec::new(),
            }
        }
    }
}

/// Why the server should not get traffic now, if it should not.
pub fn not_ready(shared: &Shared) -> Option<String> {
    if shared.shutdown.is_requested() {
        return Some("shutting down".into());
    }
    if shared.readiness.is_loading_checkpoint() {
        return Some("loading a checkpoint".into());
    }
    let waiting = shared.readiness.not_serving(&shared.config.daemon_types);
    if !waiting.is_empty() {
        let names: Vec<String> = waiting.iter().map(|t| format!("{t:?}")).collect();
        return Some(format!("daemons not serving yet: {}", names.join(", ")));
    }
    None
}

/// The Prometheus text exposition (format 0.0.4) of everything we export.
pub fn exposition(shared: &Shared) -> String {
    let registry = Registry::new();
    let add = |opts: Opts, value: f64| {
        let g = Gauge::with_opts(opts).expect("valid gauge");
        g.set(value);
        registry.register(Box::new(g)).expect("unique gauge");
    };
    add(
        Opts::new(
            "arkouda_symbol_table_entries",
            "Entries in the symbol table.",
        ),
        shared.symbols.len() as f64,
    );
    add(
        Opts::new(
            "arkouda_symbol_table_bytes",
            "Bytes held by the arrays of the symbol table.",
        ),
        shared.memory_used() as f64,
    );
    add(
        Opts::new("arkouda_memory_limit_bytes", "The server's memory limit."),
        shared.memory_limit() as f64,
    );
    add(
        Opts::new(
            "arkouda_idle_seconds",
            "Seconds the command daemon has been idle; 0 while it works.",
        ),
        shared.activity.idle_seconds(),
    );
    add(
        Opts::new(
            "arkouda_uptime_seconds",
            "Seconds since the server started.",
        ),
        shared.started.elapsed().as_secs_f64(),
    );
    let running = GaugeVec::new(
        Opts::new(
            "arkouda_command_running",
            "1 for the command the command daemon runs now, with its user.",
        ),
        &["cmd", "user"],
    )
    .expect("valid gauge");
    registry
        .register(Box::new(running.clone()))
        .expect("unique gauge");
    let current = shared.stats.running();
    if let Some(r) = &current {
        running.with_label_values(&[&r.cmd, &r.user]).set(1.0);
    }
    add(
        Opts::new(
            "arkouda_command_running_seconds",
            "How long the command running now has run; 0 when none runs.",
        ),
        current.map_or(0.0, |r| r.since.elapsed().as_secs_f64()),
    );
    if let Some(c) = shared.metrics.last_checkpoint() {
        add(
            Opts::new(
                "arkouda_last_checkpoint_timestamp_seconds",
                "When the last checkpoint save or load finished (Unix time).",
            ),
            c.finished_unix,
        );
        add(
            Opts::new(
                "arkouda_last_checkpoint_duration_seconds",
                "How long the last checkpoint save or load took.",
            ),
            c.seconds,
        );
        add(
            Opts::new(
                "arkouda_last_checkpoint_success",
                "1 if the last checkpoint save or load succeeded, else 0.",
            ),
            if c.ok { 1.0 } else { 0.0 },
        );
    }
    let (a, b, c) = zmq::version();
    add(
        Opts::new("arkouda_build_info", "Build facts of the server; always 1.")
            .const_label("version", ARKOUDA_VERSION)
            .const_label(
                "profile",
                if cfg!(debug_assertions) {
                    "debug"
                } else {
                    "release"
                },
            )
            .const_label("libzmq", format!("{a}.{b}.{c}")),
        1.0,
    );
    let mut families = shared.metrics.prometheus();
    families.extend(registry.gather());
    families.sort_by(|x, y| x.name().cmp(y.name()));
    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&families, &mut out) {
        log::error!("cannot encode the metrics: {e}");
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::machine::Machine;
    use crate::metrics::ErrorKind;

    fn shared(token: Option<&str>) -> Shared {
        let mut config = Config::defaults();
        config.daemon_types = vec![DaemonType::Default, DaemonType::Http];
        Shared::new(config, Machine::detect(), token.map(str::to_string))
    }

    #[test]
    fn readiness() {
        let s = shared(None);
        let a = route("GET", "/readyz", None, &s);
        assert_eq!(a.status, 503);
        assert_eq!(
            a.body,
            "not ready: daemons not serving yet: Default, Http\n"
        );
        s.readiness.mark_serving(DaemonType::Default);
        s.readiness.mark_serving(DaemonType::Http);
        assert_eq!(route("GET", "/readyz?verbose", None, &s).status, 200);
        {
            let _loading = s.readiness.loading_checkpoint();
            assert_eq!(
                route("GET", "/readyz", None, &s).body,
                "not ready: loading a checkpoint\n"
            );
        }
        assert_eq!(route("GET", "/readyz", None, &s).status, 200);
        s.shutdown.request();
        assert_eq!(
            route("GET", "/readyz", None, &s).body,
            "not ready: shutting down\n"
        );
        assert_eq!(route("GET", "/healthz", None, &s).status, 200);
        assert_eq!(route("GET", "/nope", None, &s).status, 404);
        let a = route("other", "/metrics", None, &s);
        assert_eq!((a.status, a.headers), (405, vec![("Allow", "GET, HEAD")]));
    }

    #[test]
    fn metrics_need_the_token_under_authenticate() {
        let s = shared(Some("secret"));
        assert_eq!(route("GET", "/metrics", None, &s).status, 401);
        assert_eq!(
            route("GET", "/metrics", Some("Bearer wrong"), &s).status,
            401
        );
        assert_eq!(route("GET", "/metrics", Some("secret"), &s).status, 401);
        assert_eq!(
            route("GET", "/metrics", Some("bearer secret"), &s).status,
            200
        );
        assert_eq!(route("GET", "/healthz", None, &s).status, 200);
    }

    #[test]
    fn exposition_lists_everything() {
        let s = shared(None);
        s.metrics.record("noop", "u", 0.002, 0, false);
        s.metrics
            .record_request("zap", "u", 0.1, 0, Some(ErrorKind::UnknownCommand), false);
        s.metrics.record_checkpoint(1.5, false);
        s.stats.set_running("sleep", "bob");
        let text = exposition(&s);
        for line in [
            "arkouda_requests_total{cmd=\"noop\"} 1",
            "arkouda_requests_total{cmd=\"unknown\"} 1",
            "arkouda_request_errors_total{cmd=\"unknown\",kind=\"unknown_command\"} 1",
            "arkouda_request_duration_seconds_bucket{cmd=\"noop\",le=\"0.005\"} 1",
            "arkouda_request_duration_seconds_count{cmd=\"noop\"} 1",
            "arkouda_symbol_table_entries 0",
            "arkouda_command_running{cmd=\"sleep\",user=\"bob\"} 1",
            "arkouda_last_checkpoint_duration_seconds 1.5",
            "arkouda_last_checkpoint_success 0",
            "# TYPE arkouda_requests_total counter",
            "# TYPE arkouda_request_duration_seconds histogram",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
        assert!(text.contains("arkouda_build_info{libzmq="));
    }
}
