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

/// Global positions `first + k * step` for `k < count` (all inside the
/// array when `count > 0`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Steps {
    pub first: i64,
    pub step: i64,
    pub count: usize,
}

impl Steps {
    /// Positions `first..first + count`.
    pub(crate) fn range(first: usize, count: usize) -> Steps {
        Steps {
            first: first as i64,
            step: 1,
            count,
        }
    }
    /// The positions of a slice (all inside the array).
    pub(crate) fn of(sl: Slice) -> Steps {
        Steps {
            first: sl.start,
            step: sl.stride,
            count: sl.len,
        }
    }
    fn slice(self) -> Slice {
        Slice {
            start: self.first,
            stride: self.step,
            len: self.count,
        }
    }
}

/// The elements of `data` (the whole array: one rank) at the positions of
/// `want`.
pub(crate) fn local_steps(data: &ArrayData, want: Steps) -> ArrayData {
    same_kind!(data, v => select::steps(v, want.first as usize, want.step as isize, want.count))
}

/// The elements at the positions `want` lists (each rank its own list) of
/// the array of `n` elements whose block this rank holds as `data`, in the
/// order listed. Only the progressions travel, not the positions: each rank
/// sends every other rank the elements of its own block that the other's
/// progression meets, in progression order.
pub(crate) fn fetch_steps(ctx: &Ctx, data: &ArrayData, n: usize, want: Steps) -> R<ArrayData> {
    if ctx.ranks() == 1 {
        return Ok(local_steps(data, want));
    }
    let mine = [want.first, want.step, want.count as i64];
    let wants = exchange::allgather_vec(ctx.comm, &mine)?;
    let wants: Vec<Steps> = wants
        .iter()
        .map(|w| Steps {
            first: w[0],
            step: w[1],
            count: w[2] as usize,
        })
        .collect();
    let here = ctx.local_range(n);
    Ok(same_kind!(data, v => steps_of(ctx, v, here.start, &wants)?))
}

/// This rank's piece of every rank's progression travels to that rank,
/// except its own piece, which is copied straight from its block into
/// place (for most slices nearly all of the result: `a[:-1]`, `a[::2]`),
/// rather than packed, exchanged and unpacked.
fn steps_of<T: Plain + Send + Sync>(
    ctx: &Ctx,
    local: &[T],
    lo: usize,
    wants: &[Steps],
) -> R<Vec<T>> {
    let hi = lo + local.len();
    let me = ctx.comm.rank();
    let piece = |w: &Steps, out: &mut Vec<T>| {
        let sl = w.slice();
        let ks = sl.ks_within(lo, hi);
        if !ks.is_empty() {
            let at = sl.at(ks.start) - lo;
            select::extend_steps(out, local, at, w.step as isize, ks.len());
        }
    };
    let mut send = Vec::new();
    let mut counts = Vec::with_capacity(wants.len());
    for (r, w) in wants.iter().enumerate() {
        let before = send.len();
        if r != me {
            piece(w, &mut send);
        }
        counts.push(send.len() - before);
    }
    let (got, from) = exchange::alltoallv(ctx.comm, &send, &counts)?;
    drop(send);
    let mine = wants[me];
    let own = mine.slice().ks_within(lo, hi).len();
    if own == 0 && (mine.step > 0 || from.iter().filter(|&&c| c > 0).count() <= 1) {
        // `got` is already in progression order (`a[::-1]` at two ranks).
        return Ok(got);
    }
    // Where each rank's piece starts in `got`.
    let starts = exchange::starts(&from);
    let mut out = Vec::with_capacity(mine.count);
    // A falling progression meets the later ranks first: the pieces go in
    // reverse rank order (each already in progression order).
    let order: Vec<usize> = if mine.step > 0 {
        (0..wants.len()).collect()
    } else {
        (0..wants.len()).rev().collect()
    };
    for r in order {
        if r == me {
            piece(&mine, &mut out);
        } else {
            out.extend_from_slice(&got[starts[r]..starts[r] + from[r]]);
        }
    }
    Ok(out)
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
