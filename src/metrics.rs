//! Per-command request metrics and their export in the original's JSON shape
//! (what `arkouda_metrics_exporter` consumes). Unlike the original, errors are
//! really counted and `RESPONSE_TIME` is answered. The same requests also feed
//! the Prometheus counters that the HTTP daemon's `/metrics` exposes.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::{Mutex, PoisonError};

use prometheus::proto::MetricFamily;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

use crate::protocol::reply::json_string;

#[derive(Default, Clone)]
struct CommandStats {
    count: u64,
    errors: u64,
    last_seconds: f64,
    total_seconds: f64,
    total_memory_gb: f64,
}

#[derive(Default)]
struct Inner {
    commands: HashMap<String, CommandStats>,
    users: HashMap<String, HashMap<String, u64>>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
    prom: PromRequests,
    checkpoint: Mutex<Option<CheckpointRecord>>,
}

/// Why a request failed: the `kind` label of `arkouda_request_errors_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Auth,
    UnknownCommand,
    OverMemory,
    Handler,
}

impl ErrorKind {
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Auth => "auth",
            ErrorKind::UnknownCommand => "unknown_command",
            ErrorKind::OverMemory => "over_memory",
            ErrorKind::Handler => "handler_error",
        }
    }
}

/// The `cmd` label of requests naming no registered command, so that junk
/// names cannot grow the number of Prometheus series without bound.
pub const UNKNOWN_CMD_LABEL: &str = "unknown";

/// The last completed checkpoint save or load.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckpointRecord {
    /// When it finished, seconds since the Unix epoch.
    pub finished_unix: f64,
    pub seconds: f64,
    pub ok: bool,
}

/// Request counters in Prometheus form, updated with the JSON tables.
struct PromRequests {
    registry: Registry,
    requests: IntCounterVec,
    errors: IntCounterVec,
    duration: HistogramVec,
}

impl Default for PromRequests {
    fn default() -> Self {
        let requests = IntCounterVec::new(
            Opts::new(
                "arkouda_requests_total",
                "Requests handled by the command daemon, by command.",
            ),
            &["cmd"],
        )
        .expect("valid metric");
        let errors = IntCounterVec::new(
            Opts::new(
                "arkouda_request_errors_total",
                "Requests answered with an error, by command and kind.",
            ),
            &["cmd", "kind"],
        )
        .expect("valid metric");
        // Arkouda commands range from microseconds to minutes.
        let buckets = vec![
            0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0,
        ];
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "arkouda_request_duration_seconds",
                "Time spent handling a request, by command.",
            )
            .buckets(buckets),
            &["cmd"],
        )
        .expect("valid metric");
        let registry = Registry::new();
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(errors.clone()),
            Box::new(duration.clone()),
        ] {
            registry.register(c).expect("distinct metric names");
        }
        PromRequests {
            registry,
            requests,
            errors,
            duration,
        }
    }
}

/// The categories of the `metrics` command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    All,
    NumRequests,
    ResponseTime,
    AvgResponseTime,
    TotalResponseTime,
    TotalMemoryUsed,
    System,
    Server,
    ServerInfo,
    NumErrors,
}

impl Category {
    const NAMES: [(&'static str, Category); 10] = [
        ("ALL", Category::All),
        ("NUM_REQUESTS", Category::NumRequests),
        ("RESPONSE_TIME", Category::ResponseTime),
        ("AVG_RESPONSE_TIME", Category::AvgResponseTime),
        ("TOTAL_RESPONSE_TIME", Category::TotalResponseTime),
        ("TOTAL_MEMORY_USED", Category::TotalMemoryUsed),
        ("SYSTEM", Category::System),
        ("SERVER", Category::Server),
        ("SERVER_INFO", Category::ServerInfo),
        ("NUM_ERRORS", Category::NumErrors),
    ];

    /// Accepts `NUM_REQUESTS` and `MetricCategory.NUM_REQUESTS`.
    pub fn parse(s: &str) -> Option<Category> {
        let bare = s.strip_prefix("MetricCategory.").unwrap_or(s);
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == bare)
            .map(|(_, c)| *c)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(n, _)| *n)
            .expect("every category is named")
    }
}

/// What the export needs to know about the machine and the server.
pub struct SystemView<'a> {
    pub hostname: &'a str,
    pub version: &'a str,
    pub server_port: u16,
    pub num_pus: usize,
    pub max_task_par: usize,
    pub physical_memory: u64,
    pub memory_used: u64,
    pub memory_limit: u64,
}

impl Metrics {
    /// Records one handled request (`seconds` spent, `memory` bytes held after).
    pub fn record(&self, cmd: &str, user: &str, seconds: f64, memory: u64, error: bool) {
        let kind = error.then_some(ErrorKind::Handler);
        self.record_request(cmd, user, seconds, memory, kind, true);
    }

    /// [`Metrics::record`] with the kind of error. `registered`: `cmd` names a
    /// command of the daemon (else its Prometheus label is [`UNKNOWN_CMD_LABEL`]).
    pub fn record_request(
        &self,
        cmd: &str,
        user: &str,
        seconds: f64,
        memory: u64,
        error: Option<ErrorKind>,
        registered: bool,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = match inner.commands.get_mut(cmd) {
            Some(s) => s,
            None => inner.commands.entry(cmd.to_string()).or_default(),
        };
        stats.count += 1;
        stats.errors += error.is_some() as u64;
        stats.last_seconds = seconds;
        stats.total_seconds += seconds;
        stats.total_memory_gb += memory as f64 / 1e9;
        let per_user = match inner.users.get_mut(user) {
            Some(u) => u,
            None => inner.users.entry(user.to_string()).or_default(),
        };
        bump(per_user, cmd);
        bump(per_user, "total");
        drop(inner);
        let label = if registered { cmd } else { UNKNOWN_CMD_LABEL };
        self.prom.requests.with_label_values(&[label]).inc();
        self.prom
            .duration
            .with_label_values(&[label])
            .observe(seconds);
        if let Some(kind) = error {
            self.prom
                .errors
                .with_label_values(&[label, kind.label()])
                .inc();
        }
    }

    /// The request counters and histogram in Prometheus form.
    pub fn prometheus(&self) -> Vec<MetricFamily> {
        self.prom.registry.gather()
    }

    /// Records a finished checkpoint save or load (for `/metrics`).
    pub fn record_checkpoint(&self, seconds: f64, ok: bool) {
        let finished_unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        *self
            .checkpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(CheckpointRecord {
            finished_unix,
            seconds,
            ok,
        });
    }

    pub fn last_checkpoint(&self) -> Option<CheckpointRecord> {
        *self
            .checkpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The JSON text of the `metrics` reply for `category`.
    pub fn export(&self, category: Category, sys: &SystemView) -> String {
        if category == Category::ServerInfo {
            return server_info(sys);
        }
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let commands: BTreeMap<&String, &CommandStats> = inner.commands.iter().collect();
        let ts = timestamp();
        let mut items: Vec<String> = Vec::new();
        let per_command = |items: &mut Vec<String>,
                           cat: Category,
                           total: Option<f64>,
                           f: &dyn Fn(&CommandStats) -> f64| {
            for (name, s) in &commands {
                items.push(metric(name, cat, "GLOBAL", &ts, f(s), ""));
            }
            if let Some(total) = total {
                items.push(metric("total", cat, "GLOBAL", &ts, total, ""));
            }
        };
        let sum = |f: fn(&CommandStats) -> u64| commands.values().map(|s| f(s)).sum::<u64>() as f64;
        let wanted = |c: Category| category == Category::All || category == c;
        if wanted(Category::NumRequests) {
            per_command(
                &mut items,
                Category::NumRequests,
                Some(sum(|s| s.count)),
                &|s| s.count as f64,
            );
        }
        if wanted(Category::ResponseTime) {
            per_command(&mut items, Category::ResponseTime, None, &|s| {
                s.last_seconds
            });
        }
        if wanted(Category::AvgResponseTime) {
            per_command(&mut items, Category::AvgResponseTime, None, &|s| {
                s.total_seconds / s.count.max(1) as f64
            });
        }
        if wanted(Category::TotalResponseTime) {
            per_command(&mut items, Category::TotalResponseTime, None, &|s| {
                s.total_seconds
            });
        }
        if wanted(Category::TotalMemoryUsed) {
            per_command(&mut items, Category::TotalMemoryUsed, None, &|s| {
                s.total_memory_gb
            });
        }
        if wanted(Category::System) {
            let extra = format!(
                ", \"locale_num\":0, \"locale_name\":{h}, \"locale_hostname\":{h}",
                h = json_string(sys.hostname)
            );
            let pct = sys.memory_used as f64 / sys.memory_limit.max(1) as f64 * 100.0;
            let used = sys.memory_used as f64;
            items.push(metric(
                "arkouda_memory_used_per_locale",
                Category::System,
                "LOCALE",
                &ts,
                used,
                &extra,
            ));
            items.push(metric(
                "arkouda_percent_memory_used_per_locale",
                Category::System,
                "LOCALE",
                &ts,
                pct,
                &extra,
            ));
        }
        // Category::Server has no metrics, as in the original.
        if category == Category::All {
            let users: BTreeMap<&String, &HashMap<String, u64>> = inner.users.iter().collect();
            for (user, cmds) in users {
                let cmds: BTreeMap<&String, &u64> = cmds.iter().collect();
                let extra = format!(", \"user\":{}", json_string(user));
                for (cmd, n) in cmds {
                    items.push(metric(
                        cmd,
                        Category::NumRequests,
                        "USER",
                        &ts,
                        *n as f64,
                        &extra,
                    ));
                }
            }
        }
        if wanted(Category::NumErrors) {
            per_command(
                &mut items,
                Category::NumErrors,
                Some(sum(|s| s.errors)),
                &|s| s.errors as f64,
            );
        }
        format!("[{}]", items.join(", "))
    }
}

/// Counts one more `key`, allocating the key only the first time.
fn bump(counts: &mut HashMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

fn metric(name: &str, cat: Category, scope: &str, ts: &str, value: f64, extra: &str) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    format!(
        "{{\"name\":{}, \"category\":\"{}\", \"scope\":\"{scope}\", \"timestamp\":\"{ts}\", \"value\":{value:?}{extra}}}",
        json_string(name),
        cat.name()
    )
}

fn server_info(sys: &SystemView) -> String {
    let h = json_string(sys.hostname);
    let mut s = String::new();
    let _ = write!(
        s,
        "{{\"hostname\":{h}, \"version\":{}, \"server_port\":{}, \"locales\":[{{\"name\":{h}, \"id\":\"0\", \
         \"hostname\":{h}, \"number_of_processing_units\":{}, \"physical_memory\":{}, \"max_number_of_tasks\":{}}}], \
         \"number_of_locales\":1}}",
        json_string(sys.version),
        sys.server_port,
        sys.num_pus,
        sys.physical_memory,
        sys.max_task_par
    );
    s
}

/// Local time as `YYYY-MM-DDThh:mm:ss.ffffff`.
pub fn timestamp() -> String {
    flexi_logger::DeferredNow::new()
        .format("%Y-%m-%dT%H:%M:%S%.6f")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_errors() {
        let m = Metrics::default();
        m.record("noop", "bob", 0.5, 0, false);
        m.record_request(
            "foo",
            "bob",
            0.25,
            0,
            Some(ErrorKind::UnknownCommand),
            false,
        );
        let sys = SystemView {
            hostname: "h",
            version: "v",
            server_port: 1,
            num_pus: 1,
            max_task_par: 1,
            physical_memory: 1,
            memory_used: 0,
            memory_limit: 1,
        };
        let v: serde_json::Value =
            serde_json::from_str(&m.export(Category::NumErrors, &sys)).unwrap();
        let total = v
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "total")
            .unwrap();
        assert_eq!(total["value"], 1.0);
        let all: serde_json::Value = serde_json::from_str(&m.export(Category::All, &sys)).unwrap();
        assert!(
            all.as_array()
                .unwrap()
                .iter()
                .any(|m| m["scope"] == "USER" && m["user"] == "bob")
        );
        assert_eq!(
            Category::parse("MetricCategory.RESPONSE_TIME"),
            Some(Category::ResponseTime)
        );
    }
}
