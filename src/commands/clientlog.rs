//! `clientlog`: a client writes a line into the server's log.

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    map.add("clientlog", handler!(clientlog), Kind::Tracked, "LogMsg");
}

pub fn clientlog(args: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    let message = args.str("log_msg")?;
    let level_name = args.str("log_lvl")?.to_ascii_uppercase();
    let level = match level_name.strip_prefix("LOGLEVEL.").unwrap_or(&level_name) {
        "DEBUG" => log::Level::Debug,
        "INFO" => log::Level::Info,
        "WARN" => log::Level::Warn,
        "ERROR" | "CRITICAL" => log::Level::Error,
        _ => {
            return Err(CommandError::IllegalArgument(format!(
                "bad cast from string '{level_name}' to enum 'LogLevel'"
            )));
        }
    };
    let tag = args.str("tag")?;
    log::log!(target: "ClientGeneratedLog", level, "{tag}: {message}");
    Ok(Reply::normal("Log Message Written Successfully."))
}
