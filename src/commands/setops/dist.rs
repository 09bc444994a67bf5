//! `unique`, the `unique*` commands, `in1d` and the set operations with
//! several ranks. The results are those of one rank, element for element:
//! groups come from the distributed stable sort ([`crate::dist::sort`]),
//! which orders equal keys by global position at any number of ranks; runs
//! of equal keys are found with the key just before each rank's block;
//! results whose length depends on the data are made of each rank's piece,
//! rebalanced into the block layout.

use std::sync::Arc;

use super::{NAN_KEY, Part, SetOp, filter, member_keys};
use crate::commands::Ctx;
use crate::commands::concatenate::concat_dist;
use crate::commands::sorting::{
    coargsort_dist, fetch_data, new_block, new_pieces, sort_dist, sort_keys, store,
};
use crate::dist::exchange;
use crate::dist::sort::{Item, ends, items_of, neighbours, route, sort_items};
use crate::error::CommandError;
use crate::kernels;
use crate::kernels::member;
use crate::protocol::Reply;
use crate::symbol_table::{ArrayData, ArrayEntry};

type R<T> = Result<T, CommandError>;

/// Positions `i` of `0..len` that start a run: `differs(i)` compares
/// element `i` with the one before it (for `i == 0`, with the previous
/// rank's last).
fn run_starts(len: usize, differs: impl Fn(usize) -> bool + Sync) -> Vec<usize> {
    kernels::map_ranges(len, |r| r.filter(|&i| differs(i)).collect::<Vec<usize>>()).concat()
}

/// This rank's part of the sorted groups of equal values of one array.
struct Groups {
    /// This rank's block of the `(key, index)` items, sorted.
    items: Vec<Item>,
    /// Global position of `items[0]`.
    pos0: usize,
    /// Where groups start in `items`.
    starts: Vec<usize>,
    /// Groups starting on earlier ranks, and on all.
    before: u64,
    total: u64,
}

impl Groups {
    fn of(ctx: &Ctx, data: &ArrayData, n: usize) -> R<Groups> {
        let pos0 = ctx.local_range(n).start;
        let items = sort_items(ctx.comm, items_of(&sort_keys(data), pos0))?;
        let edge = items.first().zip(items.last()).map(|(f, l)| (f.key, l.key));
        let (prev, _) = neighbours(ctx.comm, edge)?;
        let starts = run_starts(items.len(), |i| match i {
            0 => prev != Some(items[0].key),
            _ => items[i].key != items[i - 1].key,
        });
        let (before, total) = exchange::exscan_sum(ctx.comm, starts.len() as u64)?;
        Ok(Groups {
            items,
            pos0,
            starts,
            before,
            total,
        })
    }

    /// Index of the first occurrence of each value, in sorted order: this
    /// rank's block of them.
    fn first_indices(&self, ctx: &Ctx) -> R<Vec<i64>> {
        let piece: Vec<i64> = self
            .starts
            .iter()
            .map(|s| self.items[*s].idx as i64)
            .collect();
        exchange::rebalance(ctx.comm, piece)
    }

    /// Size of each group: this rank's block of them.
    fn counts(&self, ctx: &Ctx, n: usize) -> R<Vec<i64>> {
        let first = self
            .starts
            .first()
            .map_or(u64::MAX, |s| (self.pos0 + s) as u64);
        let firsts = exchange::allgather(ctx.comm, first)?;
        // A group runs to the next start, which may be on a later rank.
        let end = firsts[ctx.comm.rank() + 1..]
            .iter()
            .find(|f| **f != u64::MAX)
            .map_or(n, |f| *f as usize);
        let ends = self
            .starts
            .iter()
            .skip(1)
            .map(|s| self.pos0 + s)
            .chain([end]);
        let piece: Vec<i64> = self
            .starts
            .iter()
            .zip(ends)
            .map(|(s, e)| (e - self.pos0 - s) as i64)
            .collect();
        exchange::rebalance(ctx.comm, piece)
    }

    /// For each element, the number of its group: this rank's block.
    fn inverse(&self, ctx: &Ctx, n: usize) -> R<Vec<i64>> {
        let mut group = self.before as i64 - 1;
        let mut next = self.starts.iter().peekable();
        let groups: Vec<i64> = (0..self.items.len())
            .map(|i| {
                if next.next_if(|s| **s == i).is_some() {
                    group += 1;
                }
                group
            })
            .collect();
        let idx = kernels::map(&self.items, |x| x.idx);
        let sent = exchange::deliver(ctx.comm, &ctx.block(n), &idx, &groups)?;
        let mut inv = vec![0i64; ctx.block(n).len(ctx.comm.rank())];
        for (i, g) in sent.iter() {
            inv[i] = g;
        }
        Ok(inv)
    }
}

/// NumPy's `unique` of a distributed array: this rank's block of the sorted
/// distinct values (each the first occurrence), and their count.
fn unique_values(ctx: &Ctx, data: &ArrayData, n: usize) -> R<(ArrayData, usize)> {
    let groups = Groups::of(ctx, data, n)?;
    let firsts = groups.first_indices(ctx)?;
    let at = kernels::map(&firsts, |i| i as u64);
    Ok((fetch_data(ctx, n, data, &at)?, groups.total as usize))
}

pub(super) fn unique_parts(ctx: &Ctx, entry: &ArrayEntry, parts: &[Part]) -> R<Vec<String>> {
    let n = entry.size();
    let groups = Groups::of(ctx, &entry.data, n)?;
    let total = groups.total as usize;
    let firsts = groups.first_indices(ctx)?;
    let mut entries = Vec::with_capacity(parts.len());
    for part in parts {
        let e = match part {
            Part::Values => {
                let at = kernels::map(&firsts, |i| i as u64);
                new_block(ctx, total, fetch_data(ctx, n, &entry.data, &at)?)?
            }
            Part::Indices => new_block(ctx, total, ArrayData::Int64(firsts.clone()))?,
            Part::Inverse => new_block(ctx, n, ArrayData::Int64(groups.inverse(ctx, n)?))?,
            Part::Counts => new_block(ctx, total, ArrayData::Int64(groups.counts(ctx, n)?))?,
        };
        entries.push(e);
    }
    Ok(entries.into_iter().map(|e| store(ctx, e)).collect())
}

/// `unique` of the rows of several key arrays.
pub(super) fn unique(
    ctx: &Ctx,
    entries: &[Arc<ArrayEntry>],
    return_groups: bool,
    assume_sorted: bool,
) -> R<Reply> {
    let keys: Vec<Vec<u64>> = entries.iter().map(|e| sort_keys(&e.data)).collect();
    unique_of_keys(ctx, keys, entries[0].size(), return_groups, assume_sorted)
}

/// `unique` of the rows of key columns of global length `n` (order-preserving
/// u64 keys, this rank's block of each), as numeric and Strings keys share it.
pub(crate) fn unique_of_keys(
    ctx: &Ctx,
    keys: Vec<Vec<u64>>,
    n: usize,
    return_groups: bool,
    assume_sorted: bool,
) -> R<Reply> {
    let range = ctx.local_range(n);
    let (perm, rows) = if assume_sorted {
        (
            (range.start as i64..range.end as i64).collect::<Vec<_>>(),
            keys,
        )
    } else {
        let perm = coargsort_dist(ctx, &keys, n)?;
        let at = kernels::map(&perm, |p| p as u64);
        let block = ctx.block(n);
        let rows = keys
            .iter()
            .map(|k| exchange::fetch(ctx.comm, &block, k, &at))
            .collect::<R<Vec<_>>>()?;
        (perm, rows)
    };
    let prev = rows
        .iter()
        .map(|k| Ok(neighbours(ctx.comm, ends(k))?.0))
        .collect::<R<Vec<_>>>()?;
    let starts = run_starts(perm.len(), |i| match i {
        0 => rows.iter().zip(&prev).any(|(k, p)| *p != Some(k[0])),
        _ => rows.iter().any(|k| k[i] != k[i - 1]),
    });
    drop(rows);
    let firsts = starts.iter().map(|s| perm[*s]).collect();
    let groups = return_groups.then(|| {
        let segments = starts.iter().map(|s| (range.start + s) as i64).collect();
        (perm, segments)
    });
    groups_reply(ctx, n, firsts, groups)
}

/// `unique`'s reply: the first index of each group (this rank's piece),
/// and with `groups` (the permutation's block of `n` and this rank's group
/// starts) the `perm+segments+firsts` triple.
pub(crate) fn groups_reply(
    ctx: &Ctx,
    n: usize,
    firsts: Vec<i64>,
    groups: Option<(Vec<i64>, Vec<i64>)>,
) -> R<Reply> {
    let firsts = new_pieces(ctx, ArrayData::Int64(firsts))?;
    let Some((perm, segments)) = groups else {
        return Ok(Reply::normal(store(ctx, firsts)));
    };
    let perm = new_block(ctx, n, ArrayData::Int64(perm))?;
    let segments = new_pieces(ctx, ArrayData::Int64(segments))?;
    let msg = [perm, segments, firsts]
        .into_iter()
        .map(|e| store(ctx, e))
        .collect::<Vec<_>>()
        .join("+");
    Ok(Reply::normal(msg))
}

/// Whether each element of this rank's block of `a` is in the distributed
/// `b` (not, with `invert`). When `b`'s keys span a small range (over all
/// ranks), every rank sets the bits of its keys in a bitset of that range
/// and the ranks OR theirs together, so each probes locally; otherwise
/// `b`'s keys are sorted over the ranks and each probe asks the rank whose
/// range it falls in, which answers from a hash set of its keys.
pub(super) fn member(ctx: &Ctx, a: &ArrayData, b: &ArrayData, invert: bool) -> R<Vec<bool>> {
    let (probes, space, nan) = member_keys(a, b);
    let skip = nan.then_some(NAN_KEY);
    let (_, na) = exchange::exscan_sum(ctx.comm, probes.len() as u64)?;
    let (before, nb) = exchange::exscan_sum(ctx.comm, space.len() as u64)?;
    let span = kernels::install(|| member::span(&space, skip));
    let (has, lo, hi) = span.map_or((0, u64::MAX, 0), |(lo, hi)| (1, lo, hi));
    let spans = exchange::allgather_vec(ctx.comm, &[has, lo, hi])?;
    let spans = spans.iter().filter(|s| s[0] == 1);
    let lo = spans.clone().map(|s| s[1]).min();
    let hi = spans.map(|s| s[2]).max();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(vec![invert; probes.len()]);
    };
    let limit = member::table_limit(na as usize, nb as usize, ctx.ranks());
    if hi - lo < limit {
        let mut table = member::Table::new(lo, hi);
        kernels::install(|| table.insert_all(&space, skip));
        drop(space);
        let all = exchange::allgather_vec(ctx.comm, table.words())?;
        for (r, words) in all.iter().enumerate() {
            if r != ctx.comm.rank() {
                table.merge(words);
            }
        }
        drop(all);
        return Ok(kernels::install(|| {
            member::probe(&probes, skip, invert, |k| table.contains(k))
        }));
    }
    let sorted = sort_items(ctx.comm, items_of(&space, before as usize))?;
    drop(space);
    let keys = kernels::map(&sorted, |x| x.key);
    drop(sorted);
    let set = kernels::install(|| member::HashSet::of(&keys, None));
    let found = route(ctx.comm, &keys, &probes, false, false, |k| set.contains(k))?;
    Ok(probes
        .iter()
        .zip(found)
        .map(|(&k, f)| (f && Some(k) != skip) != invert)
        .collect())
}

/// For a distributed sorted array: whether each element equals the next
/// (never for NaN), and whether the first equals the one before the block.
fn equal_next(ctx: &Ctx, sorted: &ArrayData) -> R<(Vec<bool>, bool)> {
    let keys = sort_keys(sorted);
    let nan = sorted.dtype() == crate::symbol_table::DType::Float64;
    let same = |x: u64, y: u64| x == y && !(nan && x == NAN_KEY);
    let (prev, next) = neighbours(ctx.comm, ends(&keys))?;
    let len = keys.len();
    let eq = (0..len)
        .map(|i| match keys.get(i + 1) {
            Some(&y) => same(keys[i], y),
            None => next.is_some_and(|y| same(keys[i], y)),
        })
        .collect();
    let first = prev.zip(keys.first()).is_some_and(|(p, &k)| same(p, k));
    Ok((eq, first))
}

pub(super) fn setop(
    ctx: &Ctx,
    a: &ArrayEntry,
    b: &ArrayEntry,
    op: SetOp,
    assume_unique: bool,
) -> R<Reply> {
    let uniq = |e: &ArrayEntry| -> R<(ArrayData, usize)> {
        if assume_unique {
            Ok((e.data.clone(), e.size()))
        } else {
            unique_values(ctx, &e.data, e.size())
        }
    };
    let sorted_pair = || -> R<ArrayData> {
        let (ua, na) = uniq(a)?;
        let (ub, nb) = uniq(b)?;
        let aux = concat_dist(ctx.comm, &[(&ua, na), (&ub, nb)])?;
        sort_dist(ctx, &aux, na + nb)
    };
    let piece = match op {
        SetOp::Union => {
            let n = a.size() + b.size();
            let joined = concat_dist(ctx.comm, &[(&a.data, a.size()), (&b.data, b.size())])?;
            let (values, total) = unique_values(ctx, &joined, n)?;
            return Ok(ctx.created(new_block(ctx, total, values)?));
        }
        SetOp::Intersect => {
            let aux = sorted_pair()?;
            let (eq, _) = equal_next(ctx, &aux)?;
            filter(&aux, &eq)
        }
        SetOp::Xor => {
            let aux = sorted_pair()?;
            // An element stays when it equals neither neighbour.
            let (eq, first) = equal_next(ctx, &aux)?;
            let mask: Vec<bool> = (0..eq.len())
                .map(|i| {
                    let like_previous = if i == 0 { first } else { eq[i - 1] };
                    !(like_previous || eq[i])
                })
                .collect();
            filter(&aux, &mask)
        }
        SetOp::Diff => {
            let (a1, _) = uniq(a)?;
            let (b1, _) = uniq(b)?;
            let keep = member(ctx, &a1, &b1, true)?;
            filter(&a1, &keep)
        }
    };
    Ok(ctx.created(new_pieces(ctx, piece)?))
}
