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
use super::{CommandMap, Ctx, Kind, check_axis};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::aggregate::{Wrap, wrap_fold};
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

/// An integer scan (int64 results of bool or int64 input, uint64 of uint64
/// or uint8): wrapping sums or products, whose chunk totals may be
/// regrouped, so they are folded in lane loops.
fn scan_wrapping<T: Copy + Sync, R: Wrap + Plain>(
    ctx: &Ctx,
    v: &[T],
    init: bool,
    kind: Scan,
    conv: impl Fn(T) -> R + Sync,
) -> Result<Vec<R>, CommandError> {
    let prod = kind == Scan::Prod;
    let total = |c: &[T]| (!c.is_empty()).then(|| wrap_fold(c, prod, &conv));
    if prod {
        scan_ranks(ctx, v, init.then_some(R::ONE), &conv, R::wmul, total)
    } else {
        scan_ranks(ctx, v, init.then_some(R::ZERO), &conv, R::wadd, total)
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
    chunk_total: impl Fn(&[T]) -> Option<R> + Sync,
) -> Result<Vec<R>, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(scan::scan(v, initial, None, conv, op, chunk_total));
    }
    let total = scan::total(v, &chunk_total, &op);
    let totals = exchange::allgather_vec(ctx.comm, total.as_slice())?;
    let rank = ctx.comm.rank();
    let seed = totals[..rank].iter().flatten().copied().reduce(&op);
    let initial = initial.filter(|_| rank == 0);
    Ok(scan::scan(v, initial, seed, conv, op, chunk_total))
}

/// A float scan: each chunk total in NumPy's order.
fn scan_f64(ctx: &Ctx, v: &[f64], init: bool, kind: Scan) -> Result<Vec<f64>, CommandError> {
    let id = |x| x;
    match kind {
        Scan::Sum => {
            let add = |a: f64, b: f64| a + b;
            let total = scan::in_order(id, add);
            scan_ranks(ctx, v, init.then_some(0.0), id, add, total)
        }
        Scan::Prod => {
            let mul = |a: f64, b: f64| a * b;
            let total = scan::in_order(id, mul);
            scan_ranks(ctx, v, init.then_some(1.0), id, mul, total)
        }
    }
}

fn run(args: &Args, ctx: &Ctx, kind: Scan) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    check_axis(args)?;
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
            ArrayData::Int64(v) => ArrayData::Int64(scan_wrapping(ctx, v, init, kind, |x| x)?),
            ArrayData::Bool(v) => ArrayData::Int64(scan_wrapping(ctx, v, init, kind, i64::from)?),
            ArrayData::UInt64(v) => ArrayData::UInt64(scan_wrapping(ctx, v, init, kind, |x| x)?),
            ArrayData::UInt8(v) => ArrayData::UInt64(scan_wrapping(ctx, v, init, kind, u64::from)?),
            ArrayData::Float64(v) => ArrayData::Float64(scan_f64(ctx, v, init, kind)?),
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
