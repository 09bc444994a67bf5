//! Ordering and deduplicating strings:
//!
//! * `segmentedHash` (`objType`, `obj`): the original server's SipHash-128
//!   of each string as two uint64 arrays, `created <first>+created <second>`
//!   (the same values as the original's, at any number of ranks).
//! * `argsortStrings` (`name`, `algoName`): the stable byte-wise
//!   lexicographic sorting permutation.
//! * `segmentedGroup` (`objType`, `obj`): the original's grouping
//!   permutation, the stable sort of the hashes.
//! * `segmentedIn1d` (`objType`, `obj`, `otherType`, `other`, `invert`).
//! * `unique` of one Strings key: groups in the original's order (packed
//!   bytes of short strings, else hashes: `order::GroupKeys`), so
//!   Categorical categories and GroupBy keys come out as the original's.
//! * `unique` and `coargsort` of several keys among which Strings (their
//!   handlers in setops and sorting hand over here): each Strings key
//!   becomes the number of distinct strings below each string, an
//!   order-preserving `u64` key, so strings sort lexicographically among
//!   numeric keys (the original packs or hashes these too; not matched yet).
//!
//! With several ranks the sorts are the sample sort of
//! [`crate::dist::string_sort`], and membership routes strings by hash.

use super::super::sorting::{
    coargsort_dist, key_lists, new_block, scratch, sort_keys, sort_scratch, store,
};
use crate::commands::{CommandMap, Ctx, Kind};
use crate::dist::{exchange, string_sort};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::string::order;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType, Entry, StringsEntry};

type R<T> = Result<T, CommandError>;

pub fn register(map: &mut CommandMap) {
    const M: &str = "SegmentedMsg";
    map.add("segmentedHash", handler!(hash), Kind::Tracked, M)
        .everywhere();
    map.add(
        "argsortStrings",
        handler!(argsort),
        Kind::Tracked,
        "ArgSortMsg",
    )
    .everywhere();
    map.add("segmentedGroup", handler!(group), Kind::Tracked, M)
        .everywhere();
    map.add("segmentedIn1d", handler!(in1d), Kind::Tracked, M)
        .everywhere();
}

/// Object types other than Strings are refused.
fn check_obj_type(args: &Args, key: &str, ctx: &Ctx) -> R<()> {
    let t = args.str(key)?;
    if t.eq_ignore_ascii_case("strings") {
        Ok(())
    } else {
        Err(CommandError::NotImplemented(format!(
            "{} of {t} objects is not supported",
            ctx.cmd
        )))
    }
}

/// Working memory of a sort of `s` on this rank: the items twice over and
/// the strings once more (the sample sort moves them).
fn sort_memory(s: &StringsEntry) -> u64 {
    sort_scratch(s.local_len()).saturating_add(2 * s.bytes.len() as u64)
}

/// Working memory of sorting `s` on this rank by two u64 key columns
/// (hashes or packed bytes): the sort's items and the columns.
fn key_sort_memory(s: &StringsEntry) -> u64 {
    sort_scratch(s.local_len()).saturating_add(16 * s.local_len() as u64)
}

pub fn hash(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    check_obj_type(args, "objType", ctx)?;
    let s = ctx.strings(args, "obj")?;
    let (hi, lo) = order::hash128(s.view());
    let new = |v| {
        ctx.shared
            .symbols
            .new_entry(DType::UInt64, vec![s.size], |_| ArrayData::UInt64(v))
    };
    let (hi, lo) = (new(hi)?, new(lo)?);
    Ok(Reply::normal(format!(
        "{}+{}",
        store(ctx, hi),
        store(ctx, lo)
    )))
}

/// This rank's block of the stable sorting permutation of `s`.
fn sorting_permutation(ctx: &Ctx, s: &StringsEntry) -> R<Vec<i64>> {
    if ctx.ranks() == 1 {
        return Ok(kernels::map(&order::argsort(s.view()), |i| i as i64));
    }
    let start = ctx.local_range(s.size).start;
    let sorted = string_sort::sort(ctx.comm, s.view(), start)?;
    let idx: Vec<i64> = kernels::map(&sorted.idx, |i| i as i64);
    drop(sorted);
    exchange::rebalance(ctx.comm, idx)
}

fn permutation_reply(ctx: &Ctx, s: &StringsEntry) -> Result<Reply, CommandError> {
    let _scratch = scratch(ctx, sort_memory(s))?;
    let perm = sorting_permutation(ctx, s)?;
    Ok(ctx.created(new_block(ctx, s.size, ArrayData::Int64(perm))?))
}

pub fn argsort(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let s = ctx.strings(args, "name")?;
    match args.str("algoName")? {
        "" | "RadixSortLSD" | "TwoArrayRadixSort" => {}
        other => {
            return Err(CommandError::NotImplemented(format!(
                "Unrecognized sorting algorithm: {other}"
            )));
        }
    }
    permutation_reply(ctx, &s)
}

/// `segmentedGroup`: the original's grouping permutation, which sorts the
/// strings' hashes ([`order::hash128`]), stable among equal ones.
pub fn group(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    check_obj_type(args, "objType", ctx)?;
    let s = ctx.strings(args, "obj")?;
    let _scratch = scratch(ctx, key_sort_memory(&s))?;
    let (a, b) = order::hash128(s.view());
    let perm = coargsort_dist(ctx, &[a, b], s.size)?;
    Ok(ctx.created(new_block(ctx, s.size, ArrayData::Int64(perm))?))
}

pub fn in1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    check_obj_type(args, "objType", ctx)?;
    check_obj_type(args, "otherType", ctx)?;
    let a = ctx.strings(args, "obj")?;
    let b = ctx.strings(args, "other")?;
    let invert = args.bool("invert")?;
    let _scratch = scratch(
        ctx,
        ((a.local_len() + b.local_len()) * 24 + a.bytes.len() + b.bytes.len()) as u64,
    )?;
    let found = string_sort::member(ctx.comm, a.view(), b.view(), invert)?;
    Ok(ctx.created(new_block(ctx, a.size, ArrayData::Bool(found))?))
}

/// Whether the list argument `types_key` names a Strings object.
pub fn names_strings(args: &Args, types_key: &str) -> bool {
    args.str_list(types_key)
        .is_ok_and(|t| t.iter().any(|t| t.eq_ignore_ascii_case("strings")))
}

/// The sort keys of the columns named in `names_key` (pdarrays,
/// Categoricals' codes or Strings, as `types_key` says), this rank's block
/// of each, and their global length.
fn key_columns(
    args: &Args,
    ctx: &Ctx,
    names_key: &str,
    types_key: &str,
) -> R<(Vec<Vec<u64>>, usize)> {
    let (names, types) = key_lists(args, ctx, names_key, types_key)?;
    let mut entries = Vec::with_capacity(names.len());
    for (name, t) in names.iter().zip(&types) {
        let e = ctx.shared.symbols.get_any(name)?;
        let fits = match &e {
            Entry::Strings(_) => t.eq_ignore_ascii_case("strings"),
            Entry::Array(_) => {
                t.eq_ignore_ascii_case("pdarray") || t.eq_ignore_ascii_case("categorical")
            }
        };
        if !fits {
            return Err(CommandError::value(format!(
                "{name} is not a {t}, as {types_key} says"
            )));
        }
        entries.push(e);
    }
    let size_of = |e: &Entry| match e {
        Entry::Strings(s) => s.size,
        Entry::Array(a) => a.size(),
    };
    let size = size_of(&entries[0]);
    if let Some((name, e)) = names.iter().zip(&entries).find(|(_, e)| size_of(e) != size) {
        return Err(CommandError::value(format!(
            "all arrays must have the same size: {} has {size} elements but {name} has {}",
            names[0],
            size_of(e)
        )));
    }
    let memory: u64 = entries
        .iter()
        .map(|e| match e {
            Entry::Strings(s) => sort_memory(s),
            Entry::Array(a) => (a.local_len() * 8) as u64,
        })
        .sum();
    let _scratch = scratch(ctx, memory)?;
    let keys = entries
        .iter()
        .map(|e| match e {
            Entry::Strings(s) => string_sort::ranks(ctx.comm, s.view(), size),
            Entry::Array(a) => Ok(sort_keys(&a.data)),
        })
        .collect::<R<Vec<_>>>()?;
    Ok((keys, size))
}

/// `coargsort` with Strings among its keys.
pub fn coargsort(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    match args.str("algoName")? {
        "" | "RadixSortLSD" | "TwoArrayRadixSort" => {}
        other => {
            return Err(CommandError::NotImplemented(format!(
                "Unrecognized sorting algorithm: {other}"
            )));
        }
    }
    let (keys, n) = key_columns(args, ctx, "arr_names", "arr_types")?;
    let _scratch = scratch(ctx, sort_scratch(keys[0].len()))?;
    let perm = coargsort_dist(ctx, &keys, n)?;
    Ok(ctx.created(new_block(ctx, n, ArrayData::Int64(perm))?))
}

/// `unique` with Strings among its keys: the same replies as for numeric
/// keys (`created <first indices>`, or with groups
/// `created <permutation>+created <segments>+created <first indices>`),
/// groups in sorted order.
pub fn unique(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let return_groups = args.bool("returnGroupStr")?;
    let assume_sorted = args.bool("assumeSortedStr")?;
    if !assume_sorted
        && let [name] = args.str_list("keynames")?.as_slice()
        && args.int("nstr")? == 1
        && args.str_list("keytypes")?.len() == 1
        && let Entry::Strings(s) = ctx.shared.symbols.get_any(name)?
    {
        return unique_strings(ctx, &s, return_groups);
    }
    let (keys, n) = key_columns(args, ctx, "keynames", "keytypes")?;
    let _scratch = scratch(ctx, sort_scratch(keys[0].len()))?;
    super::super::setops::unique_of_keys(ctx, keys, n, return_groups, assume_sorted)
}

/// The key columns that order one Strings key's groups as the original
/// server orders them ([`order::GroupKeys`]), this rank's block of each.
fn original_group_keys(ctx: &Ctx, s: &StringsEntry) -> R<Vec<Vec<u64>>> {
    let (longest, inner_nul) = order::longest_and_inner_nul(s.view());
    // Both in one word: the length doubled, its low bit the NUL flag.
    let all = exchange::allgather(ctx.comm, (longest as u64) << 1 | u64::from(inner_nul))?;
    let longest = (all.iter().max().unwrap_or(&0) >> 1) as usize;
    let inner_nul = all.iter().any(|x| x & 1 != 0);
    Ok(order::GroupKeys::for_strings(longest, inner_nul).columns(s.view()))
}

/// `unique` of one Strings key, its groups in the original server's order
/// (what Categorical's categories and GroupBy's unique keys come out in).
fn unique_strings(ctx: &Ctx, s: &StringsEntry, return_groups: bool) -> Result<Reply, CommandError> {
    let _scratch = scratch(ctx, key_sort_memory(s))?;
    let keys = original_group_keys(ctx, s)?;
    super::super::setops::unique_of_keys(ctx, keys, s.size, return_groups, false)
}
