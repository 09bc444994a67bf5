//! The one table of flags. It drives command-line parsing, the config file, the
//! environment fallbacks and `--help`, so a flag cannot be accepted without being
//! documented.
//!
//! Syntax is Chapel's, because Arkouda's launch scripts and test harness use it:
//! `--name=value`, `--name value`, `-sname=value`, a bare `--boolflag`, names
//! optionally qualified by their Chapel module (`--ServerDaemon.daemonTypes=...`)
//! and enum values optionally qualified by their enum (`LogLevel.DEBUG`).

use std::collections::HashMap;

/// How a flag's value is checked.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Bool,
    Int,
    Real,
    Str,
    /// One value of a Chapel enum: (enum name, variants).
    Enum(&'static str, &'static [&'static str]),
    /// A comma-separated list of enum values.
    EnumList(&'static str, &'static [&'static str]),
}

pub struct Flag {
    pub name: &'static str,
    /// Chapel module that declares it; `--<module>.<name>` is accepted too.
    pub module: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    /// Environment variable consulted when the flag is not given.
    pub env: Option<&'static str>,
    pub help: &'static str,
}

pub const LOG_LEVELS: &[&str] = &["DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"];
pub const LOG_CHANNELS: &[&str] = &["CONSOLE", "FILE"];
pub const DAEMON_TYPES: &[&str] = &["DEFAULT", "INTEGRATION", "METRICS", "STATUS", "HTTP"];
pub const DEPLOYMENTS: &[&str] = &["STANDARD", "KUBERNETES"];
pub const SYSTEM_TYPES: &[&str] = &["KUBERNETES", "REDIS", "CONSUL", "NONE"];
pub const MEM_MGMT_TYPES: &[&str] = &["STATIC", "DYNAMIC"];

const fn flag(
    name: &'static str,
    module: &'static str,
    kind: Kind,
    default: &'static str,
    env: Option<&'static str>,
    help: &'static str,
) -> Flag {
    Flag {
        name,
        module,
        kind,
        default,
        env,
        help,
    }
}

use Kind::*;

pub static FLAGS: &[Flag] = &[
    flag(
        "ServerPort",
        "ServerConfig",
        Int,
        "5555",
        None,
        "port of the command daemon (short form: -p PORT)",
    ),
    flag(
        "metricsPort",
        "ServerDaemon",
        Int,
        "5556",
        Some("METRICS_SERVER_PORT"),
        "port of the METRICS daemon",
    ),
    flag(
        "statusPort",
        "ServerDaemon",
        Int,
        "5557",
        Some("SERVER_STATUS_PORT"),
        "port of the STATUS daemon",
    ),
    flag(
        "ServerDaemon.daemonTypes",
        "ServerDaemon",
        EnumList("ServerDaemonType", DAEMON_TYPES),
        "DEFAULT",
        None,
        "comma-separated daemons to run: DEFAULT, INTEGRATION, METRICS, STATUS, HTTP",
    ),
    flag(
        "httpPort",
        "ServerDaemon",
        Int,
        "5558",
        Some("HTTP_SERVER_PORT"),
        "port of the HTTP daemon (/metrics, /healthz, /readyz)",
    ),
    flag(
        "authenticate",
        "ServerConfig",
        Bool,
        "false",
        None,
        "require the token of .arkouda/tokens.txt on every request",
    ),
    flag(
        "trace",
        "ServerConfig",
        Bool,
        "true",
        None,
        "log >>> / <<< lines with timing for every request",
    ),
    flag(
        "logLevel",
        "ServerConfig",
        Enum("LogLevel", LOG_LEVELS),
        "INFO",
        None,
        "DEBUG, INFO, WARN, ERROR or CRITICAL",
    ),
    flag(
        "logChannel",
        "ServerConfig",
        Enum("LogChannel", LOG_CHANNELS),
        "CONSOLE",
        None,
        "CONSOLE (stdout) or FILE (.arkouda/arkouda.log)",
    ),
    flag(
        "logCommands",
        "ServerConfig",
        Bool,
        "false",
        None,
        "append every request to .arkouda/commands.log (token redacted)",
    ),
    flag(
        "serverConnectionInfo",
        "ServerConfig",
        Str,
        "",
        Some("ARKOUDA_SERVER_CONNECTION_INFO"),
        "write '<host> <port> <url>' to this file while serving; empty: none",
    ),
    flag(
        "autoShutdown",
        "ServerConfig",
        Bool,
        "false",
        None,
        "shut down when a client disconnects",
    ),
    flag(
        "serverInfoNoSplash",
        "ServerConfig",
        Bool,
        "false",
        None,
        "print the getconfig JSON line instead of the splash",
    ),
    flag(
        "perLocaleMemLimit",
        "ServerConfig",
        Int,
        "90",
        None,
        "memory limit in percent of physical memory (when --memMax is 0)",
    ),
    flag(
        "memMax",
        "ServerConfig",
        Int,
        "0",
        None,
        "memory limit in bytes; 0: use --perLocaleMemLimit",
    ),
    flag(
        "freedMemoryCache",
        "ServerConfig",
        Int,
        "-1",
        None,
        "bytes of freed large arrays kept for reuse, sparing the next array of that size its page faults; -1: a quarter of the memory limit, at most an eighth of physical memory; 0: off",
    ),
    flag(
        "memTrack",
        "ServerConfig",
        Bool,
        "true",
        None,
        "account array bytes and enforce the memory limit",
    ),
    flag(
        "memThreshold",
        "ServerConfig",
        Int,
        "1048576",
        None,
        "accepted for compatibility; no effect",
    ),
    flag(
        "MemoryMgmt.memMgmtType",
        "MemoryMgmt",
        Enum("MemMgmtType", MEM_MGMT_TYPES),
        "STATIC",
        None,
        "STATIC: fixed limit; DYNAMIC: also allow what the machine has available",
    ),
    flag(
        "availableMemoryPct",
        "ServerConfig",
        Real,
        "90",
        None,
        "percent of available memory that counts as usable",
    ),
    flag(
        "deployment",
        "ServerConfig",
        Enum("Deployment", DEPLOYMENTS),
        "STANDARD",
        None,
        "Kubernetes service style: STANDARD or KUBERNETES",
    ),
    flag(
        "ExternalIntegration.systemType",
        "ExternalIntegration",
        Enum("SystemType", SYSTEM_TYPES),
        "NONE",
        None,
        "external system to register with: KUBERNETES, REDIS, CONSUL or NONE",
    ),
    flag(
        "ExternalIntegration.requestTimeout",
        "ExternalIntegration",
        Int,
        "10",
        None,
        "seconds one Kubernetes API request may take",
    ),
    flag(
        "ExternalIntegration.insecureSkipTlsVerify",
        "ExternalIntegration",
        Bool,
        "false",
        None,
        "do not verify the Kubernetes API server's certificate (unsafe; logs a warning)",
    ),
    flag(
        "saveUsedModules",
        "ServerConfig",
        Bool,
        "false",
        None,
        "write the command modules used to UsedModules.<fmt> at shutdown",
    ),
    flag(
        "usedModulesFmt",
        "ServerConfig",
        Str,
        "cfg",
        None,
        "format of the used-modules file: cfg or json",
    ),
    flag(
        "numLocales",
        "ChapelRuntime",
        Int,
        "1",
        None,
        "locale count: N > 1 runs N MPI ranks (MPI build; short form: -nl N)",
    ),
    flag(
        "launcher",
        "ServerConfig",
        Str,
        "mpirun -np {n}",
        Some("ARKOUDA_LAUNCHER"),
        "command that starts the ranks for -nl N > 1 ({n} is N; the server's own command line follows)",
    ),
    flag(
        "checkpointIdleTime",
        "ServerDaemon",
        Int,
        "0",
        None,
        "auto-checkpoint after this many idle seconds; <=0: off",
    ),
    flag(
        "checkpointInterval",
        "ServerDaemon",
        Int,
        "0",
        None,
        "minimum seconds between checkpoints; <=0: 3600",
    ),
    flag(
        "checkpointMemPct",
        "ServerDaemon",
        Int,
        "0",
        None,
        "auto-checkpoint when memory use reaches this percent; <=0: off",
    ),
    flag(
        "checkpointMemPctDelay",
        "ServerDaemon",
        Int,
        "0",
        None,
        "idle seconds before the memory check; <=0: 5",
    ),
    flag(
        "checkpointCheckInterval",
        "ServerDaemon",
        Int,
        "0",
        None,
        "auto-checkpoint wake-up period; <=0: the shortest delay",
    ),
    flag(
        "checkpointPath",
        "ServerDaemon",
        Str,
        ".akdata",
        None,
        "directory of automatic checkpoints",
    ),
    flag(
        "checkpointName",
        "ServerDaemon",
        Str,
        "auto_checkpoint",
        None,
        "name of automatic checkpoints",
    ),
    flag(
        "checkpointMode",
        "ServerDaemon",
        Str,
        "preserve_previous",
        None,
        "preserve_previous, overwrite or error",
    ),
    flag(
        "checkpointOnShutdown",
        "ServerDaemon",
        Bool,
        "false",
        None,
        "save an automatic checkpoint at shutdown if anything changed",
    ),
    flag(
        "dsetname",
        "CheckpointMsg",
        Str,
        "data",
        None,
        "column name in checkpoint data files",
    ),
];

/// Where a value came from; decides precedence (flag > env > file > default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Default,
    File,
    Env,
    Flag,
}

/// Raw, validated values keyed by canonical flag name.
#[derive(Default, Debug)]
pub struct Values {
    map: HashMap<&'static str, (String, Source)>,
}

impl Values {
    pub fn get(&self, name: &str) -> &str {
        match self.map.get(name) {
            Some((v, _)) => v,
            None => lookup(name).map(|f| f.default).unwrap_or(""),
        }
    }

    /// Sets `value` unless a higher-precedence source already did.
    pub fn set(
        &mut self,
        flag: &'static Flag,
        value: String,
        source: Source,
    ) -> Result<(), String> {
        let value = normalize(flag, &value).map_err(|why| {
            let from = match source {
                Source::File => " in the config file",
                Source::Env => flag.env.map(|_| " from the environment").unwrap_or(""),
                _ => "",
            };
            format!("invalid value '{value}' for --{}{from}: {why}", flag.name)
        })?;
        let keep = matches!(self.map.get(flag.name), Some((_, s)) if *s > source);
        if !keep {
            self.map.insert(flag.name, (value, source));
        }
        Ok(())
    }
}

/// Finds a flag by its plain or module-qualified name.
pub fn lookup(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| {
        let plain = f.name.rsplit('.').next().unwrap_or(f.name);
        name == f.name
            || name == plain
            || name
                .strip_prefix(f.module)
                .and_then(|r| r.strip_prefix('.'))
                == Some(plain)
    })
}

/// Checks a value against its kind and returns it in canonical form
/// (enum values bare and upper-case, booleans `true`/`false`).
fn normalize(flag: &Flag, value: &str) -> Result<String, String> {
    match flag.kind {
        Bool => parse_bool(value).map(|b| b.to_string()),
        Int => value
            .trim()
            .parse::<i64>()
            .map(|v| v.to_string())
            .map_err(|_| "expected an integer".into()),
        Real => value
            .trim()
            .parse::<f64>()
            .map(|v| v.to_string())
            .map_err(|_| "expected a number".into()),
        Str => Ok(value.to_string()),
        Enum(enum_name, variants) => enum_value(enum_name, variants, value).map(str::to_string),
        EnumList(enum_name, variants) => value
            .split(',')
            .map(|v| enum_value(enum_name, variants, v))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join(",")),
    }
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("expected true or false".into()),
    }
}

fn enum_value(
    enum_name: &str,
    variants: &'static [&'static str],
    value: &str,
) -> Result<&'static str, String> {
    let bare = value
        .strip_prefix(enum_name)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(value);
    variants
        .iter()
        .copied()
        .find(|v| v.eq_ignore_ascii_case(bare))
        .ok_or_else(|| {
            format!(
                "expected one of {} (optionally as {enum_name}.<value>)",
                variants.join(", ")
            )
        })
}

/// What the command line asked for besides flag values.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    Run,
    Help,
    About,
}

pub struct CommandLine {
    pub action: Action,
    pub config_file: Option<String>,
    pub values: Vec<(&'static Flag, String)>,
}

/// Parses argv (without the program name).
pub fn parse_args(args: &[String]) -> Result<CommandLine, String> {
    let mut cl = CommandLine {
        action: Action::Run,
        config_file: None,
        values: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let mut take_next = |what: &str| -> Result<String, String> {
            let v = args
                .get(i)
                .cloned()
                .ok_or_else(|| format!("{what} needs a value"))?;
            i += 1;
            Ok(v)
        };
        match arg.as_str() {
            "-h" | "--help" => {
                cl.action = Action::Help;
                continue;
            }
            "--about" => {
                cl.action = Action::About;
                continue;
            }
            "-p" => {
                let v = take_next("-p")?;
                cl.values.push((lookup("ServerPort").expect("table"), v));
                continue;
            }
            "-nl" => {
                let v = take_next("-nl")?;
                cl.values.push((lookup("numLocales").expect("table"), v));
                continue;
            }
            _ => {}
        }
        if let Some(n) = arg.strip_prefix("-nl") {
            cl.values
                .push((lookup("numLocales").expect("table"), n.to_string()));
            continue;
        }
        let body = if let Some(b) = arg.strip_prefix("--") {
            b
        } else if let Some(b) = arg.strip_prefix("-s").filter(|b| b.contains('=')) {
            b
        } else if let Some(p) = arg.strip_prefix("-p").filter(|p| p.parse::<u16>().is_ok()) {
            cl.values
                .push((lookup("ServerPort").expect("table"), p.to_string()));
            continue;
        } else {
            return Err(format!(
                "unexpected argument '{arg}' (flags look like --name=value; see --help)"
            ));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if name == "config" {
            cl.config_file = Some(match inline {
                Some(v) => v,
                None => take_next("--config")?,
            });
            continue;
        }
        let flag = lookup(name).ok_or_else(|| format!("unknown flag '--{name}' (see --help)"))?;
        let value = match (inline, flag.kind) {
            (Some(v), _) => v,
            // A bare boolean means true; `--flag false` is also understood.
            (None, Bool) => match args.get(i).map(|s| parse_bool(s)) {
                Some(Ok(b)) => {
                    i += 1;
                    b.to_string()
                }
                _ => "true".into(),
            },
            (None, _) => take_next(&format!("--{}", flag.name))?,
        };
        cl.values.push((flag, value));
    }
    Ok(cl)
}

/// The `--help` text: every flag as `--name=<kind>`, its default and meaning.
pub fn help_text() -> String {
    let mut out = String::from(
        "Usage: arkouda_server [--name=value ...]\n\n\
         A Rust server for Arkouda's Python client (ak.connect(host, port)).\n\
         Flags also accept '--name value', a bare '--boolflag', module-qualified names\n\
         ('--ServerDaemon.daemonTypes=...') and qualified enum values ('LogLevel.DEBUG').\n\
         Precedence: flag > environment > --config FILE (TOML, same names) > default.\n\n\
         Flags:\n",
    );
    let rows: Vec<(String, &Flag)> = FLAGS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Bool => "<bool>".to_string(),
                Int => "<int>".to_string(),
                Real => "<real>".to_string(),
                Str => "<string>".to_string(),
                Enum(e, _) => format!("<{e}>"),
                EnumList(e, _) => format!("<{e},...>"),
            };
            (format!("--{}={kind}", f.name), f)
        })
        .collect();
    let width = rows.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
    for (spec, f) in rows {
        let default = if f.default.is_empty() {
            "\"\""
        } else {
            f.default
        };
        let env = f.env.map(|e| format!("; env {e}")).unwrap_or_default();
        out.push_str(&format!(
            "  {spec:width$}  {} (default {default}{env})\n",
            f.help
        ));
    }
    out.push_str(&format!(
        "  {:width$}  {}\n  {:width$}  {}\n  {:width$}  {}\n",
        "--config=<file>",
        "read flag values from a TOML file (see server.toml.example)",
        "--help",
        "print this text",
        "--about",
        "print build facts",
    ));
    out.push_str("\nOther environment: ARKOUDA_SERVER_TOKEN (token to store when .arkouda/tokens.txt has none).\n");
    out.push_str(
        "Kubernetes registration (INTEGRATION + SystemType.KUBERNETES): K8S_HOST, NAMESPACE,\n\
         SSL_TOKEN, CACERT_FILE, EXTERNAL_SERVICE_NAME, EXTERNAL_SERVICE_PORT,\n\
         EXTERNAL_SERVICE_TARGET_PORT, METRICS_SERVICE_NAME, METRICS_SERVICE_PORT,\n\
         METRICS_SERVICE_TARGET_PORT, ENDPOINT_IP (see README.md).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chapel_spellings() {
        let cl = parse_args(&strings(&[
            "--ServerPort=6000",
            "--trace=false",
            "--authenticate",
            "-nl1",
            "--logLevel",
            "LogLevel.DEBUG",
            "--ServerDaemon.daemonTypes=ServerDaemonType.DEFAULT,METRICS",
        ]))
        .unwrap();
        let mut values = Values::default();
        for (f, v) in cl.values {
            values.set(f, v, Source::Flag).unwrap();
        }
        assert_eq!(values.get("ServerPort"), "6000");
        assert_eq!(values.get("trace"), "false");
        assert_eq!(values.get("authenticate"), "true");
        assert_eq!(values.get("numLocales"), "1");
        assert_eq!(values.get("logLevel"), "DEBUG");
        assert_eq!(values.get("ServerDaemon.daemonTypes"), "DEFAULT,METRICS");
    }

    #[test]
    fn precedence_and_errors() {
        let f = lookup("ServerPort").unwrap();
        let mut values = Values::default();
        values.set(f, "1".into(), Source::Flag).unwrap();
        values.set(f, "2".into(), Source::Env).unwrap();
        assert_eq!(values.get("ServerPort"), "1");
        assert!(
            values
                .set(f, "x".into(), Source::Flag)
                .unwrap_err()
                .contains("--ServerPort")
        );
        assert!(parse_args(&strings(&["--nope=1"])).is_err());
    }

    #[test]
    fn help_lists_every_flag() {
        let help = help_text();
        for f in FLAGS {
            assert!(help.contains(&format!("--{}=", f.name)), "{}", f.name);
        }
    }
}
