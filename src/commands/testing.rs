//! Commands that exist only with ARKOUDA_ENABLE_TEST_COMMANDS=1, so that the
//! test suite can prove that a panicking or failing handler, on any rank,
//! cannot take the server down or leave the ranks out of step.

use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    map.add("test_panic", handler!(test_panic), Kind::Tracked, "Testing")
        .everywhere();
    map.add("test_fail", handler!(test_fail), Kind::Tracked, "Testing")
        .everywhere();
    map.add(
        "test_exchange",
        handler!(test_exchange),
        Kind::Tracked,
        "Testing",
    )
    .everywhere();
}

/// Panics, on every rank or (argument `rank`) on that rank only.
pub fn test_panic(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    if chosen(args, ctx)? {
        panic!("test_panic was asked to panic");
    }
    // The other ranks go on to a collective, as a real handler would.
    exchange::allgather(ctx.comm, 1u64)?;
    Ok(Reply::normal("test_panic did not panic"))
}

/// Makes a new array (global length `size`), then meets the other ranks in
/// a collective; the rank named by `rank` fails before that collective
/// (`when=before`) or after it (`when=after`). No rank may keep the array.
pub fn test_fail(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = usize::try_from(args.int("size")?).map_err(|_| CommandError::value("size < 0"))?;
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |len| {
        ArrayData::zeros(DType::Int64, len)
    })?;
    let reply = ctx.created(entry);
    let fail = chosen(args, ctx)?;
    let after = args.str("when")? == "after";
    let why = || CommandError::value(format!("test_fail on locale {}", ctx.comm.rank()));
    if fail && !after {
        return Err(why());
    }
    exchange::allgather(ctx.comm, 1u64)?;
    if fail {
        return Err(why());
    }
    Ok(reply)
}

/// Every rank sends every rank, itself included, a part of `size + from +
/// to` elements written window by window ([`exchange::alltoallv_packed`]),
/// element k of the part from f to t being `f << 48 | t << 40 | k`; each
/// rank checks every part it got. Replies with how many elements moved.
pub fn test_exchange(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = usize::try_from(args.int("size")?).map_err(|_| CommandError::value("size < 0"))?;
    let me = ctx.comm.rank();
    let value = |from: usize, to: usize, k: usize| ((from << 48) | (to << 40) | k) as u64;
    let counts: Vec<usize> = (0..ctx.comm.size()).map(|to| n + me + to).collect();
    let (got, from) = exchange::alltoallv_packed(ctx.comm, &counts, |to, k, out| {
        for (j, o) in out.iter_mut().enumerate() {
            o.write(value(me, to, k + j));
        }
    })?;
    let mut at = 0;
    for (f, &c) in from.iter().enumerate() {
        if c != n + f + me || (0..c).any(|k| got[at + k] != value(f, me, k)) {
            return Err(CommandError::value(format!(
                "test_exchange: locale {me} got a wrong part from locale {f}"
            )));
        }
        at += c;
    }
    let moved: u64 = exchange::allgather(ctx.comm, got.len() as u64)?
        .iter()
        .sum();
    Ok(Reply::normal(format!("test_exchange moved {moved}")))
}

/// Whether this rank is the one argument `rank` names (every rank if absent).
fn chosen(args: &Args, ctx: &Ctx) -> Result<bool, CommandError> {
    Ok(match args.get("rank") {
        Ok(_) => args.int("rank")? == ctx.comm.rank() as i64,
        Err(_) => true,
    })
}
