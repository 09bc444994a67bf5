//! Memory queries: getmemused, getavailmem, getmemstatus.

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::machine;
use crate::memory::percent;
use crate::protocol::reply::json_string;
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    const M: &str = "MemoryMgmt";
    map.add("getmemused", handler!(getmemused), Kind::Tracked, M);
    map.add("getavailmem", handler!(getavailmem), Kind::Tracked, M);
    // Every locale reads its own /proc.
    map.add("getmemstatus", handler!(getmemstatus), Kind::Tracked, M)
        .everywhere();
}

/// `(factor, as_percent)` of the memory queries.
fn unit(args: &Args) -> Result<(u64, bool), CommandError> {
    let factor = args.int("factor")?;
    let factor = u64::try_from(factor)
        .ok()
        .filter(|f| *f > 0)
        .ok_or_else(|| CommandError::value(format!("factor must be positive, not {factor}")))?;
    Ok((factor, args.bool("as_percent")?))
}

/// `round(n / factor)` with ties to even: the client checks
/// `round(get_mem_used() / f) == get_mem_used(unit)` with Python's `round`.
fn scaled(n: u64, factor: u64) -> u64 {
    (n as f64 / factor as f64).round_ties_even() as u64
}

pub fn getmemused(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (factor, as_percent) = unit(args)?;
    let used = ctx.shared.total_memory_used();
    let value = if as_percent {
        percent(used, ctx.shared.total_memory_limit())
    } else {
        scaled(used, factor)
    };
    Ok(Reply::normal(value.to_string()))
}

/// Computed from the same two numbers as `getmemused`, so that used + avail
/// is the limit and the percentages add up to 100.
pub fn getavailmem(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (factor, as_percent) = unit(args)?;
    let (used, limit) = (
        ctx.shared.total_memory_used(),
        ctx.shared.total_memory_limit(),
    );
    let value = if as_percent {
        100u64.saturating_sub(percent(used, limit))
    } else {
        scaled(limit.saturating_sub(used), factor)
    };
    Ok(Reply::normal(value.to_string()))
}

pub fn getmemstatus(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let mine = locale_status(ctx)?;
    let all = ctx.comm.allgather_bytes(mine.as_bytes())?;
    let objects: Vec<String> = all
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    Ok(Reply::normal(format!("[{}]", objects.join(", "))))
}

/// This locale's object, read from `/proc` without spawning processes.
fn locale_status(ctx: &Ctx) -> Result<String, CommandError> {
    let unsupported = || {
        CommandError::plain(
            "UnsupportedOSError: getAvailMemory can only be invoked on Unix and Linux systems",
        )
    };
    let total = machine::meminfo_kb("MemTotal:").ok_or_else(unsupported)? * 1000;
    let available_kb = machine::meminfo_kb("MemAvailable:").ok_or_else(unsupported)?;
    let avail = (ctx.shared.config.available_memory_pct / 100.0 * available_kb as f64).round()
        as u64
        * 1000;
    let pct_avail = (avail * 100).checked_div(total).unwrap_or(0);
    let alloc = machine::vm_size_kb().unwrap_or(0) * 1000;
    Ok(format!(
        "{{\"total_mem\":{total}, \"avail_mem\":{avail}, \"pct_avail_mem\":{pct_avail}, \
         \"arkouda_mem_alloc\":{alloc}, \"mem_used\":{}, \"locale_id\":{}, \"locale_hostname\":{}}}",
        ctx.shared.memory_used(),
        ctx.comm.rank(),
        json_string(&ctx.shared.machine.hostname)
    ))
}
