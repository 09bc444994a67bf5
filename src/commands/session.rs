//! Session commands: connect, disconnect, shutdown and the liveness and
//! testing aids (noop, ruok, sleep, note, wait_for_async_activity).

use std::time::Duration;

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};
use crate::state::Stats;

pub fn register(map: &mut CommandMap) {
    const M: &str = "ServerDaemon";
    map.add("connect", handler!(connect), Kind::Special, M);
    map.add("disconnect", handler!(disconnect), Kind::Special, M);
    map.add("noop", handler!(noop), Kind::Special, M);
    map.add("ruok", handler!(ruok), Kind::Special, M);
    map.add(
        "wait_for_async_activity",
        handler!(wait_for_async_activity),
        Kind::Special,
        M,
    );
    map.add("shutdown", handler!(shutdown), Kind::Special, M);
    map.add("sleep", handler!(sleep), Kind::Special, M).hidden();
    map.add("note", handler!(note), Kind::Special, M).hidden();
}

/// `connected to arkouda <kind> tcp://*:<port>`, naming the user and token
/// under authentication.
pub fn connect(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let base = format!(
        "connected to arkouda {} tcp://*:{}",
        ctx.server_kind, ctx.port
    );
    Ok(Reply::normal(match &ctx.shared.token {
        Some(token) => format!("{base} as user {} with token {token}", ctx.user),
        None => base,
    }))
}

pub fn disconnect(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    if ctx.shared.config.auto_shutdown {
        return shutdown(args, ctx);
    }
    Ok(Reply::normal(format!(
        "disconnected from arkouda server tcp://*:{}",
        ctx.port
    )))
}

/// Replies first; the daemon then stops the whole server.
pub fn shutdown(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = Stats::count(&ctx.shared.stats.replies) + 1;
    Ok(Reply::normal(format!("shutdown server ({n} req)"))
        .anonymous()
        .then_shutdown())
}

pub fn noop(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal("noop"))
}

pub fn ruok(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal("imok"))
}

/// Blocks this daemon for `seconds` (a test aid); a shutdown cuts it short.
pub fn sleep(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let seconds = args.real("seconds")?;
    let duration = Duration::try_from_secs_f64(seconds.max(0.0)).map_err(|_| {
        CommandError::value(format!("seconds must be a finite number, not {seconds}"))
    })?;
    ctx.shared.shutdown.wait_timeout(duration);
    Ok(Reply::normal("slept"))
}

pub fn note(args: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    let message = args.str("message")?;
    log::info!("{message}");
    Ok(Reply::normal("noted"))
}

pub fn wait_for_async_activity(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    ctx.shared.activity.wait_for_async_activity();
    Ok(Reply::normal("completed"))
}
