//! Inclusive scans: `cumSum<dtype,1>` and `cumProd<dtype,1>` (the client's
//! `ak.cumsum`, `ak.cumprod`), arguments `x`, `axis` (0 or -1 at rank 1)
//! and `includeInitial` (prepend 0 or 1), replying `created ...`.
//!
//! Result types are NumPy's: bool gives int64 and uint8 gives uint64 (the
//! client casts bool to int64 itself; the server does the same for a direct
//! call); integers wrap on overflow.
//!
//! The scan itself is [`crate::kernels::scan`]'s (two passes on all cores;
//! its float results are regrouped at chunk boundaries above
//! `kernels::PAR_THRESHOLD` elements).
//!
//! With several ranks each rank scans its block starting from the combined
//! totals of the earlier ranks' blocks (gathered, then combined in rank
//! order): integer results are still exact, and float results are running
//! sums (products) regrouped at the rank boundaries as at the chunk
//! boundaries above, so they too may differ in the last bits.

use super::indexing::moves;
use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::{Plain, scan};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "StatsMsg";
    for dtype in DType::ALL {
        let t = format!("<{},1>", dtype.name());
        map.add(format!("cumSum{t}"), handler!(cum_sum), Kind::Tracked, M)
            .everywhere();
        map.add(format!("cumProd{t}"), handler!(cum_prod), Kind::Tracked, M)
            .everywhere();
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scan {
    Sum,
    Prod,
}

pub fn cum_sum(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    run(args, ctx, Scan::Sum)
}
pub fn cum_prod(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    run(args, ctx, Scan::Prod)
}

/// int64 results of bool or int64 input.
fn scan_i64<T: Copy + Sync>(
    ctx: &Ctx,
    v: &[T],
    init: bool,
    kind: Scan,
    conv: impl Fn(T) -> i64 + Sync,
) -> Result<Vec<i64>, CommandError> {
    match kind {
        Scan::Sum => scan_ranks(ctx, v, init.then_some(0), conv, i64::wrapping_add),
        Scan::Prod => scan_ranks(ctx, v, init.then_some(1), conv, i64::wrapping_mul),
    }
}

/// uint64 results of uint64 or uint8 input.
fn scan_u64<T: Copy + Sync>(
    ctx: &Ctx,
    v: &[T],
    init: bool,
    kind: Scan,
    conv: impl Fn(T) -> u64 + Sync,
) -> Result<Vec<u64>, CommandError> {
    match kind {
        Scan::Sum => scan_ranks(ctx, v, init.then_some(0), conv, u64::wrapping_add),
        Scan::Prod => scan_ranks(ctx, v, init.then_some(1), conv, u64::wrapping_mul),
    }
}

/// This rank's piece of the scan of the whole array (`v` is its block):
/// the block's total, the totals of the earlier ranks combined in rank
/// order as the seed, then the block scanned from that seed. `initial`
/// leads rank 0's piece only.
fn scan_ranks<T: Copy + Sync, R: Plain + Send + Sync>(
    ctx: &Ctx,
    v: &[T],
    initial: Option<R>,
    conv: impl Fn(T) -> R + Sync,
    op: impl Fn(R, R) -> R + Sync,
) -> Result<Vec<R>, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(scan::scan(v, initial, None, conv, op));
    }
    let total = scan::total(v, &conv, &op);
    let totals = exchange::allgather_vec(ctx.comm, total.as_slice())?;
    let rank = ctx.comm.rank();
    let seed = totals[..rank].iter().flatten().copied().reduce(&op);
    let initial = initial.filter(|_| rank == 0);
    Ok(scan::scan(v, initial, seed, conv, op))
}

fn run(args: &Args, ctx: &Ctx, kind: Scan) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let axis = args.int("axis")?;
    if axis != 0 && axis != -1 {
        return Err(CommandError::value(format!(
            "axis {axis} is out of bounds for array of dimension 1"
        )));
    }
    let init = args.bool("includeInitial")?;
    let entry = ctx.typed_array(args, "x", dtype)?;
    let out_type = match dtype {
        DType::Bool | DType::Int64 => DType::Int64,
        DType::UInt8 | DType::UInt64 => DType::UInt64,
        DType::Float64 => DType::Float64,
    };
    let len = entry.size() + usize::from(init);
    let compute = || -> Result<ArrayData, CommandError> {
        Ok(match &entry.data {
            ArrayData::Int64(v) => ArrayData::Int64(scan_i64(ctx, v, init, kind, |x| x)?),
            ArrayData::Bool(v) => ArrayData::Int64(scan_i64(ctx, v, init, kind, i64::from)?),
            ArrayData::UInt64(v) => ArrayData::UInt64(scan_u64(ctx, v, init, kind, |x| x)?),
            ArrayData::UInt8(v) => ArrayData::UInt64(scan_u64(ctx, v, init, kind, u64::from)?),
            ArrayData::Float64(v) => ArrayData::Float64(match kind {
                Scan::Sum => scan_ranks(ctx, v, init.then_some(0.0), |x| x, |a, b| a + b)?,
                Scan::Prod => scan_ranks(ctx, v, init.then_some(1.0), |x| x, |a, b| a * b)?,
            }),
        })
    };
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        // One rank: the memory is reserved before the result is allocated,
        // and nothing is exchanged, so nothing can fail inside.
        let out = symbols.new_entry(out_type, vec![len], |_| {
            compute().expect("one rank exchanges nothing")
        })?;
        return Ok(ctx.created(out));
    }
    // With `includeInitial` rank 0's piece is one longer than its block of
    // the result: the pieces are moved into the result's blocks.
    let piece = compute()?;
    let data = if init {
        moves::rebalance(ctx, piece)?
    } else {
        piece
    };
    let out = symbols.new_entry(out_type, vec![len], |_| data)?;
    Ok(ctx.created(out))
}
