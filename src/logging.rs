//! Logging set-up: the original's line shape, to stdout (CONSOLE) or to
//! `.arkouda/arkouda.log` (FILE), written line by line.

use std::path::Path;

use flexi_logger::{DeferredNow, FileSpec, Logger, LoggerHandle, WriteMode};
use log::Record;

use crate::config::{Config, LogChannel, LogLevel};

/// Starts the logger; the handle must live as long as the server.
pub fn init(config: &Config, arkouda_dir: &Path) -> Result<LoggerHandle, String> {
    let level = match config.log_level {
        LogLevel::Debug => "debug",
        LogLevel::Info => "info",
        LogLevel::Warn => "warn",
        LogLevel::Error | LogLevel::Critical => "error",
    };
    let logger = Logger::try_with_str(level)
        .map_err(|e| e.to_string())?
        .format(line_format);
    let logger = match config.log_channel {
        LogChannel::Console => logger.log_to_stdout(),
        LogChannel::File => {
            let spec =
                FileSpec::try_from(arkouda_dir.join("arkouda.log")).map_err(|e| e.to_string())?;
            logger.log_to_file(spec).append()
        }
    };
    logger
        .write_mode(WriteMode::Direct)
        .start()
        .map_err(|e| format!("cannot start logging: {e}"))
}

thread_local! {
    /// The last formatted second, per logging thread.
    static STAMP: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
}

/// `YYYY-MM-DD HH:MM:SS [<module>] Line <n> <LEVEL> [Rust] <message>`.
fn line_format(
    w: &mut dyn std::io::Write,
    now: &mut DeferredNow,
    record: &Record,
) -> std::io::Result<()> {
    let target = record.target();
    let module = target.strip_prefix("arkouda_server::").unwrap_or(target);
    let level = match record.level() {
        log::Level::Warn => "WARN",
        l => l.as_str(),
    };
    STAMP.with_borrow_mut(|(second, text)| {
        // Formatting the time is most of a log line's cost; it changes once a second.
        let now_second = now.now().timestamp();
        if *second != now_second {
            *second = now_second;
            *text = now.format("%Y-%m-%d %H:%M:%S").to_string();
        }
        write!(w, "{text} [{module}] ")
    })?;
    if let Some(line) = record
        .line()
        .filter(|_| !target.starts_with("ClientGeneratedLog"))
    {
        write!(w, "Line {line} ")?;
    }
    write!(w, "{level} [Rust] {}", record.args())
}
