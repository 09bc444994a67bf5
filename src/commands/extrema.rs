//! `mink` and `maxk` (arguments `array`, `k`, `rtnInd`): the `k` smallest or
//! largest values of an array in ascending order, or with `rtnInd` their
//! indices (the client's `argmink`/`argmaxk`). The result equals
//! `a[argsort(a)[:k]]` and `a[argsort(a)[-k:]]` with NumPy's stable order
//! (NaN largest, ties by index); `k` beyond the size gives the whole array.

use super::sorting::{gather, new_array, scratch, sort_keys};
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::protocol::{Args, Reply};
use crate::symbol_table::ArrayData;

pub fn register(map: &mut CommandMap) {
    map.add("mink", handler!(mink), Kind::Tracked, "KExtremeMsg");
    map.add("maxk", handler!(maxk), Kind::Tracked, "KExtremeMsg");
}

pub fn mink(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    extreme_k(args, ctx, false)
}

pub fn maxk(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    extreme_k(args, ctx, true)
}

/// Keeps the `k` smallest (or largest) of `items`, in no particular order.
fn keep_best(items: &mut Vec<(u64, i64)>, k: usize, largest: bool) {
    if items.len() <= k {
        return;
    }
    if largest {
        let cut = items.len() - k;
        items.select_nth_unstable(cut);
        items.drain(..cut);
    } else {
        items.select_nth_unstable(k);
        items.truncate(k);
    }
}

/// Indices of the `k` smallest (largest) keys, ordered by (key, index).
fn best_k(keys: &[u64], k: usize, largest: bool) -> Vec<i64> {
    // Each chunk keeps its own best k; the best k overall are among them.
    let mut all = kernels::map_ranges(keys.len(), |r| {
        let mut items: Vec<(u64, i64)> = r.map(|i| (keys[i], i as i64)).collect();
        keep_best(&mut items, k, largest);
        items
    })
    .concat();
    keep_best(&mut all, k, largest);
    all.sort_unstable();
    all.into_iter().map(|(_, i)| i).collect()
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
    let _scratch = scratch(ctx, (n as u64).saturating_mul(24))?;
    let best = best_k(&sort_keys(&entry.data), k, largest);
    let data = if indices {
        ArrayData::Int64(best)
    } else {
        gather(&entry.data, &best)
    };
    let out = new_array(ctx, data)?;
    Ok(ctx.created(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_k_breaks_ties_by_index() {
        let keys = [5u64, 1, 5, 0, 1, 5];
        assert_eq!(best_k(&keys, 3, false), vec![3, 1, 4]);
        assert_eq!(best_k(&keys, 2, true), vec![2, 5]);
        assert_eq!(best_k(&keys, 9, true), vec![3, 1, 4, 0, 2, 5]);
        assert!(best_k(&[], 3, false).is_empty());
    }
}
