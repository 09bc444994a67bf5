//! Moving the elements of an [`ArrayData`] of any type between ranks, for
//! the commands that read elements other ranks hold: lookups by global
//! index, arithmetic progressions of global indices (slices, flips) and
//! rebalancing pieces into the block layout.
//!
//! Every function is a collective (see [`crate::dist::exchange`]); with one
//! rank each is a local copy (a parallel one where the copy is large).

use super::{Slice, take};
use crate::commands::Ctx;
use crate::commands::sorting::same_kind;
use crate::dist::binned::{self, Landed};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels::{Plain, select};
use crate::symbol_table::ArrayData;

type R<T> = Result<T, CommandError>;

/// Each rank holds the next piece of one sequence (rank order); returns this
/// rank's block of it.
pub(crate) fn rebalance(ctx: &Ctx, piece: ArrayData) -> R<ArrayData> {
    Ok(same_kind!(piece, v => exchange::rebalance(ctx.comm, v)?))
}

/// The elements at global indices `idx` (each `< n`) of the array of `n`
/// elements whose block this rank holds as `data`.
pub(crate) fn fetch(ctx: &Ctx, data: &ArrayData, n: usize, idx: &[u64]) -> R<ArrayData> {
    if ctx.ranks() == 1 {
        return Ok(take(data, idx.len(), |k| idx[k] as usize));
    }
    let block = ctx.block(n);
    Ok(same_kind!(data, v => exchange::fetch(ctx.comm, &block, v, idx)?))
}

/// The elements of `data` (the whole array: one rank) at the positions of
/// `want`.
pub(crate) fn local_steps(data: &ArrayData, want: Slice) -> ArrayData {
    same_kind!(data, v => select::steps(v, want.start as usize, want.stride as isize, want.len))
}

/// The elements at the positions `want` lists (each rank its own list) of
/// the array of `n` elements whose block this rank holds as `data`, in the
/// order listed (see [`exchange::fetch_steps`]).
pub(crate) fn fetch_steps(ctx: &Ctx, data: &ArrayData, n: usize, want: Slice) -> R<ArrayData> {
    let block = ctx.block(n);
    Ok(same_kind!(data, v => exchange::fetch_steps(ctx.comm, &block, v, want)?))
}

/// Sends `vals[i]` to the rank holding global position `pos[i]` of an array
/// of `n` elements; returns what this rank received, as block-local
/// positions and values, in the order of the senders' positions (rank 0's
/// first), so that applying them in order keeps NumPy's last write.
pub(crate) fn deliver(
    ctx: &Ctx,
    n: usize,
    pos: &[u64],
    vals: &ArrayData,
) -> R<(Vec<u64>, ArrayData)> {
    fn go<T: Plain>(ctx: &Ctx, n: usize, pos: &[u64], v: &[T]) -> R<(Vec<u64>, Vec<T>)> {
        let got = exchange::deliver(ctx.comm, &ctx.block(n), pos, v)?;
        Ok((got.local, got.vals))
    }
    let local;
    let vals = same_kind!(vals, v => {
        let (p, x) = go(ctx, n, pos, v)?;
        local = p;
        x
    });
    Ok((local, vals))
}

/// As [`deliver`], the pairs dealt by region on the way
/// ([`binned::deliver_binned`]); store them with [`store_landed`]. `None`
/// on every rank if a position on any rank is `>= n` (nothing was sent).
pub(crate) fn deliver_binned(
    ctx: &Ctx,
    n: usize,
    pos: &[u64],
    vals: &ArrayData,
) -> R<Option<Landed<ArrayData>>> {
    fn go<T: Plain + Send + Sync>(
        ctx: &Ctx,
        n: usize,
        pos: &[u64],
        v: &[T],
        wrap: fn(Vec<T>) -> ArrayData,
    ) -> R<Option<Landed<ArrayData>>> {
        let got = binned::deliver_binned(ctx.comm, &ctx.block(n), pos, |k| v[k])?;
        Ok(got.map(|g| g.map_vals(wrap)))
    }
    match vals {
        ArrayData::Int64(v) => go(ctx, n, pos, v, ArrayData::Int64),
        ArrayData::UInt64(v) => go(ctx, n, pos, v, ArrayData::UInt64),
        ArrayData::UInt8(v) => go(ctx, n, pos, v, ArrayData::UInt8),
        ArrayData::Float64(v) => go(ctx, n, pos, v, ArrayData::Float64),
        ArrayData::Bool(v) => go(ctx, n, pos, v, ArrayData::Bool),
    }
}

/// Stores what [`deliver_binned`] brought into this rank's block `data`.
pub(crate) fn store_landed(data: &mut ArrayData, got: &Landed<ArrayData>) -> R<()> {
    use ArrayData as A;
    match (data, &got.vals, &got.own_vals) {
        (A::Int64(d), A::Int64(v), A::Int64(o)) => got.store(d, v, o),
        (A::UInt64(d), A::UInt64(v), A::UInt64(o)) => got.store(d, v, o),
        (A::UInt8(d), A::UInt8(v), A::UInt8(o)) => got.store(d, v, o),
        (A::Float64(d), A::Float64(v), A::Float64(o)) => got.store(d, v, o),
        (A::Bool(d), A::Bool(v), A::Bool(o)) => got.store(d, v, o),
        (data, v, _) => return Err(super::cannot_store(v, data)),
    }
    Ok(())
}
