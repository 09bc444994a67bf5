//! `mink` and `maxk` (arguments `array`, `k`, `rtnInd`): the `k` smallest or
//! largest values of an array in ascending order, or with `rtnInd` their
//! indices (the client's `argmink`/`argmaxk`). Both skip NaN, as Arkouda's
//! do (its tests say so; its heap never lets a NaN displace a number): the
//! order is NumPy's stable one (ties by index), with NaN above every number
//! for `mink` and below every number for `maxk`, so a NaN is among the k
//! only where fewer than k numbers exist. `mink` thus equals
//! `a[argsort(a)[:k]]`; `maxk` differs from `a[argsort(a)[-k:]]` (which
//! the client's docstring gives) exactly where that slice holds a NaN. `k`
//! beyond the size gives the whole array.
//!
//! With several ranks each rank picks its own best k, every rank gathers
//! all of them and picks the best k overall the same way, and keeps its
//! block of the result.

use super::sorting::same_kind;
use super::sorting::{gather, new_array, scratch, sort_keys};
use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::ord::{NAN_KEY, best_k};
use crate::protocol::{Args, Reply};
use crate::symbol_table::ArrayData;

pub fn register(map: &mut CommandMap) {
    map.add("mink", handler!(mink), Kind::Tracked, "KExtremeMsg")
        .everywhere();
    map.add("maxk", handler!(maxk), Kind::Tracked, "KExtremeMsg")
        .everywhere();
}

pub fn mink(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    extreme_k(args, ctx, false)
}

pub fn maxk(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    extreme_k(args, ctx, true)
}

fn extreme_k(args: &Args, ctx: &Ctx, largest: bool) -> Result<Reply, CommandError> {
    let entry = ctx.shared.symbols.get(args.str("array")?)?;
    let k = args.int("k")?;
    let indices = args.bool("rtnInd")?;
    if k < 1 {
        return Err(CommandError::value(format!(
            "k must be 1 or greater, not {k}"
        )));
    }
    let n = entry.size();
    let k = usize::try_from(k).map_or(n, |k| k.min(n));
    let _scratch = scratch(ctx, (entry.local_len() as u64).saturating_mul(24))?;
    let mut keys = sort_keys(&entry.data);
    if largest && matches!(entry.data, ArrayData::Float64(_)) {
        // No number has key 0 (that of -inf is above it).
        keys.iter_mut()
            .filter(|k| **k == NAN_KEY)
            .for_each(|k| *k = 0);
    }
    let best = best_k(&keys, k, largest);
    if ctx.ranks() == 1 {
        let data = if indices {
            ArrayData::Int64(best)
        } else {
            gather(&entry.data, &best)
        };
        let out = new_array(ctx, data)?;
        return Ok(ctx.created(out));
    }
    // Every rank's best k (with global indices and values) go to every
    // rank; the best k of those are the best k overall, and each rank keeps
    // its block of them.
    let offset = ctx.local_range(n).start as i64;
    let comm = ctx.comm;
    let best_keys: Vec<u64> = best.iter().map(|i| keys[*i as usize]).collect();
    let best_idx: Vec<i64> = best.iter().map(|i| i + offset).collect();
    let keys = exchange::allgather_vec(comm, &best_keys)?.concat();
    let idx = exchange::allgather_vec(comm, &best_idx)?.concat();
    let vals = gather(&entry.data, &best);
    let vals = same_kind!(&vals, v => exchange::allgather_vec(comm, v)?.concat());
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by_key(|p| (keys[*p], idx[*p]));
    let chosen = if largest {
        &order[order.len() - k..]
    } else {
        &order[..k]
    };
    let mine = &chosen[ctx.local_range(k)];
    let data = if indices {
        ArrayData::Int64(mine.iter().map(|p| idx[*p]).collect())
    } else {
        same_kind!(&vals, v => mine.iter().map(|p| v[*p]).collect())
    };
    let out = ctx
        .shared
        .symbols
        .new_entry(data.dtype(), vec![k], |_| data)?;
    Ok(ctx.created(out))
}
