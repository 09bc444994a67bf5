//! Typed server configuration, built from the flag table in [`flags`].

pub mod flags;

use std::path::PathBuf;

use flags::{Action, FLAGS, Source, Values};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
    Critical,
}

impl LogLevel {
    pub fn name(self) -> &'static str {
        flags::LOG_LEVELS[self as usize]
    }
    fn parse(s: &str) -> Option<LogLevel> {
        use LogLevel::*;
        [Debug, Info, Warn, Error, Critical]
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogChannel {
    Console,
    File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonType {
    Default,
    Integration,
    Metrics,
    Status,
    Http,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deployment {
    Standard,
    Kubernetes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemType {
    Kubernetes,
    Redis,
    Consul,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemMgmtType {
    Static,
    Dynamic,
}

/// Auto-checkpoint settings as given; the checkpoint thread normalises them.
#[derive(Clone, Debug)]
pub struct CheckpointConfig {
    pub idle_time: i64,
    pub interval: i64,
    pub mem_pct: i64,
    pub mem_pct_delay: i64,
    pub check_interval: i64,
    pub path: String,
    pub name: String,
    pub mode: String,
    pub on_shutdown: bool,
    pub dsetname: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub server_port: u16,
    pub metrics_port: u16,
    pub status_port: u16,
    pub http_port: u16,
    pub daemon_types: Vec<DaemonType>,
    pub authenticate: bool,
    pub trace: bool,
    pub log_level: LogLevel,
    pub log_channel: LogChannel,
    pub log_commands: bool,
    pub server_connection_info: Option<PathBuf>,
    pub auto_shutdown: bool,
    pub server_info_no_splash: bool,
    pub per_locale_mem_limit: u64,
    pub mem_max: u64,
    /// `--freedMemoryCache`: `None` chooses from the memory limit.
    pub freed_memory_cache: Option<u64>,
    pub mem_track: bool,
    pub mem_mgmt_type: MemMgmtType,
    pub available_memory_pct: f64,
    pub deployment: Deployment,
    pub system_type: SystemType,
    /// Timeout of one Kubernetes API request.
    pub k8s_request_timeout: std::time::Duration,
    /// Skip verifying the Kubernetes API server's certificate (explicit opt-in).
    pub k8s_insecure_skip_tls_verify: bool,
    pub save_used_modules: bool,
    pub used_modules_fmt: String,
    pub checkpoint: CheckpointConfig,
    /// Registers the `test_panic` command (env ARKOUDA_ENABLE_TEST_COMMANDS=1),
    /// so that tests can prove a panicking handler cannot take the server down.
    pub test_commands: bool,
    /// `-nl N`: how many ranks (locales) the server runs as.
    pub num_locales: usize,
    /// `--launcher`: what starts the ranks when `-nl N > 1`.
    pub launcher: String,
}

/// What `main` should do.
pub enum Invocation {
    Run(Box<Config>),
    Print(String),
}

impl Config {
    /// Reads argv, the environment and the optional `--config` file.
    pub fn from_env_and_args() -> Result<Invocation, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        Self::from_parts(&args, |k| std::env::var(k).ok())
    }

    /// As [`Config::from_env_and_args`], with argv and the environment given.
    pub fn from_parts(
        args: &[String],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Invocation, String> {
        let cl = flags::parse_args(args)?;
        match cl.action {
            Action::Help => return Ok(Invocation::Print(flags::help_text())),
            Action::About => return Ok(Invocation::Print(about_text())),
            Action::Run => {}
        }
        let mut values = Values::default();
        for (flag, value) in cl.values {
            values.set(flag, value, Source::Flag)?;
        }
        for flag in FLAGS {
            // An empty variable counts as unset, as in the original.
            if let Some(v) = flag.env.and_then(&env).filter(|v| !v.is_empty()) {
                values.set(flag, v, Source::Env)?;
            }
        }
        if let Some(path) = cl.config_file {
            read_config_file(&path, &mut values)?;
        }
        let mut config = Self::from_values(&values)?;
        config.test_commands = env("ARKOUDA_ENABLE_TEST_COMMANDS").as_deref() == Some("1");
        Ok(Invocation::Run(Box::new(config)))
    }

    fn from_values(v: &Values) -> Result<Config, String> {
        let int = |name: &str| -> i64 { v.get(name).parse().expect("validated by the flag table") };
        let port = |name: &str| -> Result<u16, String> {
            u16::try_from(int(name))
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| {
                    format!(
                        "invalid value '{}' for --{name}: expected a port 1-65535",
                        v.get(name)
                    )
                })
        };
        let non_negative = |name: &str| -> Result<u64, String> {
            u64::try_from(int(name)).map_err(|_| {
                format!(
                    "invalid value '{}' for --{name}: must not be negative",
                    v.get(name)
                )
            })
        };
        let boolean = |name: &str| v.get(name) == "true";
        let daemon_types: Vec<DaemonType> = v
            .get("ServerDaemon.daemonTypes")
            .split(',')
            .map(|t| match t {
                "DEFAULT" => DaemonType::Default,
                "INTEGRATION" => DaemonType::Integration,
                "METRICS" => DaemonType::Metrics,
                "HTTP" => DaemonType::Http,
                _ => DaemonType::Status,
            })
            .collect();
        let mut seen = Vec::new();
        for t in &daemon_types {
            if seen.contains(t) {
                return Err(format!("--ServerDaemon.daemonTypes lists {t:?} twice"));
            }
            seen.push(*t);
        }
        if seen.contains(&DaemonType::Default) && seen.contains(&DaemonType::Integration) {
            return Err(
                "--ServerDaemon.daemonTypes: INTEGRATION replaces DEFAULT; list only one of them"
                    .into(),
            );
        }
        let num_locales = int("numLocales");
        if num_locales < 1 || (num_locales > 1 && !cfg!(feature = "mpi")) {
            return Err(format!(
                "invalid value '{}' for -nl/--numLocales: {}",
                v.get("numLocales"),
                if cfg!(feature = "mpi") {
                    "expected at least 1"
                } else {
                    "this build runs a single locale (build with --features mpi for more)"
                }
            ));
        }
        let per_locale_mem_limit = non_negative("perLocaleMemLimit")?;
        if per_locale_mem_limit == 0 || per_locale_mem_limit > 100 {
            return Err(format!(
                "invalid value '{per_locale_mem_limit}' for --perLocaleMemLimit: expected a percentage 1-100"
            ));
        }
        let mode = v.get("checkpointMode").to_string();
        if !["preserve_previous", "overwrite", "error"].contains(&mode.as_str()) {
            return Err(format!(
                "invalid value '{mode}' for --checkpointMode: expected preserve_previous, overwrite or error"
            ));
        }
        let k8s_timeout = int("ExternalIntegration.requestTimeout");
        if k8s_timeout <= 0 {
            return Err(format!(
                "invalid value '{k8s_timeout}' for --ExternalIntegration.requestTimeout: expected seconds > 0"
            ));
        }
        let connection_info = v.get("serverConnectionInfo");
        Ok(Config {
            server_port: port("ServerPort")?,
            metrics_port: port("metricsPort")?,
            status_port: port("statusPort")?,
            http_port: port("httpPort")?,
            daemon_types,
            authenticate: boolean("authenticate"),
            trace: boolean("trace"),
            log_level: LogLevel::parse(v.get("logLevel")).expect("validated"),
            log_channel: if v.get("logChannel") == "FILE" {
                LogChannel::File
            } else {
                LogChannel::Console
            },
            log_commands: boolean("logCommands"),
            server_connection_info: (!connection_info.is_empty())
                .then(|| PathBuf::from(connection_info)),
            auto_shutdown: boolean("autoShutdown"),
            server_info_no_splash: boolean("serverInfoNoSplash"),
            per_locale_mem_limit,
            mem_max: non_negative("memMax")?,
            freed_memory_cache: match int("freedMemoryCache") {
                -1 => None,
                _ => Some(non_negative("freedMemoryCache")?),
            },
            mem_track: boolean("memTrack"),
            mem_mgmt_type: if v.get("MemoryMgmt.memMgmtType") == "DYNAMIC" {
                MemMgmtType::Dynamic
            } else {
                MemMgmtType::Static
            },
            available_memory_pct: v.get("availableMemoryPct").parse().expect("validated"),
            deployment: if v.get("deployment") == "KUBERNETES" {
                Deployment::Kubernetes
            } else {
                Deployment::Standard
            },
            system_type: match v.get("ExternalIntegration.systemType") {
                "KUBERNETES" => SystemType::Kubernetes,
                "REDIS" => SystemType::Redis,
                "CONSUL" => SystemType::Consul,
                _ => SystemType::None,
            },
            k8s_request_timeout: std::time::Duration::from_secs(k8s_timeout as u64),
            k8s_insecure_skip_tls_verify: boolean("ExternalIntegration.insecureSkipTlsVerify"),
            save_used_modules: boolean("saveUsedModules"),
            used_modules_fmt: v.get("usedModulesFmt").to_string(),
            checkpoint: CheckpointConfig {
                idle_time: int("checkpointIdleTime"),
                interval: int("checkpointInterval"),
                mem_pct: int("checkpointMemPct"),
                mem_pct_delay: int("checkpointMemPctDelay"),
                check_interval: int("checkpointCheckInterval"),
                path: v.get("checkpointPath").to_string(),
                name: v.get("checkpointName").to_string(),
                mode,
                on_shutdown: boolean("checkpointOnShutdown"),
                dsetname: v.get("dsetname").to_string(),
            },
            test_commands: false,
            num_locales: num_locales as usize,
            launcher: v.get("launcher").to_string(),
        })
    }

    /// The configuration with every flag at its default (used by unit tests).
    pub fn defaults() -> Config {
        Self::from_values(&Values::default()).expect("defaults are valid")
    }

    pub fn has_daemon(&self, t: DaemonType) -> bool {
        self.daemon_types.contains(&t)
    }
}

/// Applies a TOML file whose keys are flag names.
fn read_config_file(path: &str, values: &mut Values) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {path}: {e}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {path}: {e}"))?;
    for (key, value) in table {
        let flag = flags::lookup(&key)
            .ok_or_else(|| format!("config file {path}: unknown key '{key}'"))?;
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join(","),
            other => {
                return Err(format!(
                    "config file {path}: key '{key}' has an unsupported value {other}"
                ));
            }
        };
        values.set(flag, text, Source::File)?;
    }
    Ok(())
}

/// Reported as `arkoudaVersion`; overridable at build time for sites that pin it.
pub const ARKOUDA_VERSION: &str = match option_env!("ARKOUDA_VERSION") {
    Some(v) => v,
    None => concat!("v", env!("CARGO_PKG_VERSION"), "+rust"),
};

/// Reported as `chplVersion`: no Chapel is involved.
pub const CHPL_VERSION: &str = "none";

/// `none`, or the MPI library an MPI build runs on.
fn comm_text() -> String {
    #[cfg(feature = "mpi")]
    {
        let lib = mpi::environment::library_version().unwrap_or_default();
        let first = lib
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches(['\0', ' ', ',']);
        format!("mpi ({first})")
    }
    #[cfg(not(feature = "mpi"))]
    {
        "none".into()
    }
}

fn about_text() -> String {
    let (a, b, c) = zmq::version();
    format!(
        "arkouda_server {ARKOUDA_VERSION} (Rust re-implementation of the Arkouda server)\n\
         CHPL_COMM: {}\n\
         CHPL_LOCALE_MODEL: flat\n\
         CHPL_TARGET_PLATFORM: {}-{}\n\
         build profile: {}\n\
         libzmq: {a}.{b}.{c}\n\
         element types: int64 uint64 uint8 float64 bool; array ranks: 1\n",
        comm_text(),
        std::env::consts::OS,
        std::env::consts::ARCH,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )
}
