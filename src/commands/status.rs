//! `serverstatus`: what the server is doing right now, answered without
//! waiting for the command daemon (symbol count and bytes are atomics).

use serde_json::json;

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};
use crate::state::Stats;

pub fn register(map: &mut CommandMap) {
    // Special: asking for the status must not end an idle period.
    map.add(
        "serverstatus",
        handler!(serverstatus),
        Kind::Special,
        "StatusMsg",
    );
}

pub fn serverstatus(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let s = ctx.shared;
    let current = s.stats.running().map(|r| {
        json!({"cmd": r.cmd, "user": r.user, "elapsed_seconds": r.since.elapsed().as_secs_f64()})
    });
    let status = json!({
        "uptime_seconds": s.started.elapsed().as_secs_f64(),
        "idle_seconds": s.activity.idle_seconds(),
        "current_command": current,
        "requests": Stats::count(&s.stats.requests),
        "errors": Stats::count(&s.stats.errors),
        "symbols": s.symbols.len(),
        "bytes_held": s.total_memory_used(),
        // Per locale, as of the end of the last command.
        "bytes_held_by_locale": s.cluster.memory_by_rank(s.memory_used()),
        // Results kept as recipes until read (`a + b*alpha` in one pass);
        // their bytes are in bytes_held already.
        "deferred_arrays": s.symbols.deferred(),
        "memory_limit": s.total_memory_limit(),
        "locales": s.cluster.ranks(),
        // Freed arrays kept for reuse: held by the process, not by arrays.
        "freed_bytes_cached": crate::alloc::cached_bytes(),
        "shutting_down": s.shutdown.is_requested(),
        "last_checkpoint": s.checkpoint.last().map(|c| c.to_json()),
    });
    Ok(Reply::normal(status.to_string()))
}
