//! The client's comm diagnostics (`ak.comm_diagnostics`): every rank counts
//! the messages and bytes it sends to other ranks between
//! `startCommDiagnostics` and `stopCommDiagnostics`; the
//! `getCommDiagnostics*` family answers with an int64 array holding one
//! count per locale.
//!
//! Chapel counts one-sided operations; this server sends messages, so the
//! columns mean: `put` messages sent, `execute_on` collectives entered, and
//! every other column 0. Bytes sent are in `printCommDiagnosticsTable`'s
//! log table and `getCommDiagnosticsBytes`.

use std::sync::atomic::Ordering;

use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

/// Counters of Chapel's table this server has no counterpart for.
const ZERO: [&str; 19] = [
    "Get",
    "PutNb",
    "GetNb",
    "TestNb",
    "WaitNb",
    "TryNb",
    "Amo",
    "ExecuteOnFast",
    "ExecuteOnNb",
    "CacheGetHits",
    "CacheGetMisses",
    "CachePutHits",
    "CachePutMisses",
    "CacheNumPrefetches",
    "CacheNumPageReadaheads",
    "CachePrefetchUnused",
    "CachePrefetchWaited",
    "CacheReadaheadUnused",
    "CacheReadaheadWaited",
];

pub fn register(map: &mut CommandMap) {
    const M: &str = "CommDiagnosticsMsg";
    let every = [
        ("startCommDiagnostics", handler!(start)),
        ("stopCommDiagnostics", handler!(stop)),
        ("resetCommDiagnostics", handler!(reset)),
        ("printCommDiagnosticsTable", handler!(print_table)),
        ("startVerboseComm", handler!(verbose_on)),
        ("stopVerboseComm", handler!(verbose_off)),
        ("getCommDiagnosticsPut", handler!(messages)),
        ("getCommDiagnosticsExecuteOn", handler!(collectives)),
        ("getCommDiagnosticsBytes", handler!(bytes)),
    ];
    for (name, h) in every {
        map.add(name, h, Kind::Tracked, M).everywhere();
    }
    for name in ZERO {
        map.add(
            format!("getCommDiagnostics{name}"),
            handler!(zeros),
            Kind::Tracked,
            M,
        )
        .everywhere();
    }
}

fn set_counting(ctx: &Ctx, on: bool, msg: &str) -> Result<Reply, CommandError> {
    ctx.comm.counts().counting.store(on, Ordering::Relaxed);
    Ok(Reply::normal(msg))
}

pub fn start(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    set_counting(ctx, true, "commDiagnostics started.")
}
pub fn stop(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    set_counting(ctx, false, "commDiagnostics stopped.")
}
pub fn reset(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    ctx.comm.counts().reset();
    Ok(Reply::normal("commDiagnostics reset."))
}
/// Verbose reporting would log every message; the counts are what it would
/// show, so these only answer as the original does.
pub fn verbose_on(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal("commDiagnostics set verbose."))
}
pub fn verbose_off(_: &Args, _: &Ctx) -> Result<Reply, CommandError> {
    Ok(Reply::normal("commDiagnostics unset verbose."))
}

/// Logs one row per locale on rank 0: messages, bytes, collectives.
pub fn print_table(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    args.bool("printEmptyCols")?;
    let [m, b, c] = ctx.comm.counts().read();
    let rows = exchange::allgather_vec(ctx.comm, &[m, b, c])?;
    if ctx.comm.rank() == 0 {
        let mut table =
            String::from("| locale | put (messages) | bytes | execute_on (collectives) |\n");
        table.push_str("| ---: | ---: | ---: | ---: |\n");
        for (i, r) in rows.iter().enumerate() {
            table.push_str(&format!("| {i} | {} | {} | {} |\n", r[0], r[1], r[2]));
        }
        log::info!("comm diagnostics:\n{table}");
    }
    Ok(Reply::normal("commDiagnostics printed."))
}

/// An int64 array of one value per locale, each rank giving its own.
fn per_locale(ctx: &Ctx, mine: u64) -> Result<Reply, CommandError> {
    let all = exchange::allgather(ctx.comm, mine as i64)?;
    let n = all.len();
    let range = ctx.local_range(n);
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |_| {
        ArrayData::Int64(all[range].to_vec())
    })?;
    Ok(ctx.created(entry))
}

pub fn messages(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    per_locale(ctx, ctx.comm.counts().read()[0])
}
pub fn bytes(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    per_locale(ctx, ctx.comm.counts().read()[1])
}
pub fn collectives(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    per_locale(ctx, ctx.comm.counts().read()[2])
}
pub fn zeros(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    per_locale(ctx, 0)
}
