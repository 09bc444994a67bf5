//! The regex commands behind the client's `Matcher` and `Match` objects:
//! where a pattern matches (`segmentedFindLoc`), the matches as strings
//! (`segmentedFindAll`), substitution (`segmentedSub`) and splitting
//! (`segmentedSplit`).
//!
//! The per-match arrays (starts, lengths) are made of each rank's matches
//! in rank order and rebalanced into block layout; every index in them
//! (`Indices`, the `*Ind` arrays, segments, origins) is global.

use std::borrow::Cow;
use std::sync::Arc;

use super::{array, pieces_reply, regex, running_starts};
use crate::commands::Ctx;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels::string::search::edit::{self, Delim};
use crate::kernels::string::search::pattern;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, StringsEntry};

/// The strings a matcher was made from; their absence means the client's
/// `Strings` was deleted under it.
fn parent(args: &Args, ctx: &Ctx, key: &str) -> Result<Arc<StringsEntry>, CommandError> {
    match ctx.shared.symbols.get_strings(args.str(key)?) {
        Err(CommandError::UnknownSymbol(_)) => Err(CommandError::Unclassed(
            "MissingStringsError: The Strings instance from which this Match is derived has been deleted"
                .into(),
        )),
        r => r,
    }
}

/// Fails unless `objType` (or `objtype`) is one of `known`.
fn obj_type(args: &Args, ctx: &Ctx, key: &str, known: &[&str]) -> Result<(), CommandError> {
    let t = args.str(key)?;
    if known.contains(&t) {
        Ok(())
    } else {
        Err(CommandError::NotImplemented(format!(
            "{} does not handle objType {t}",
            ctx.cmd
        )))
    }
}

/// A non-negative integer argument.
fn count_arg(args: &Args, key: &str) -> Result<usize, CommandError> {
    let v = args.int(key)?;
    usize::try_from(v)
        .map_err(|_| CommandError::value(format!("{key} must not be negative, not {v}")))
}

/// `find_locations`, `search`, `match`, `fullmatch`, `group`: a JSON map of
/// ten new arrays (see [`pattern::Locations`]).
pub fn find_locations(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    obj_type(args, ctx, "objType", &["Matcher", "Match"])?;
    let group = count_arg(args, "groupNum")?;
    let re = regex(args.str("pattern")?)?;
    let s = parent(args, ctx, "parent_name")?;
    let loc = pattern::locations(s.view(), &re, group);
    let sums = [
        loc.num.iter().sum::<i64>(),
        loc.search.iter().filter(|&&b| b).count() as i64,
        loc.matched.iter().filter(|&&b| b).count() as i64,
        loc.full.iter().filter(|&&b| b).count() as i64,
    ];
    let all = exchange::allgather_vec(ctx.comm, &sums)?;
    let me = ctx.comm.rank();
    let before = |k: usize| all[..me].iter().map(|v| v[k]).sum::<i64>();
    let total = all.iter().map(|v| v[0]).sum::<i64>() as usize;
    let ones = |v: &[bool]| v.iter().map(|&b| b as i64).collect::<Vec<_>>();
    let indices = running_starts(&loc.num, before(0));
    let search_ind = running_starts(&ones(&loc.search), before(1));
    let match_ind = running_starts(&ones(&loc.matched), before(2));
    let full_ind = running_starts(&ones(&loc.full), before(3));
    let starts = exchange::rebalance(ctx.comm, loc.starts)?;
    let lens = exchange::rebalance(ctx.comm, loc.lens)?;
    let n = s.size;
    let entries: [(&str, usize, ArrayData); 10] = [
        ("NumMatches", n, ArrayData::Int64(loc.num)),
        ("Starts", total, ArrayData::Int64(starts)),
        ("Lens", total, ArrayData::Int64(lens)),
        ("Indices", n, ArrayData::Int64(indices)),
        ("SearchBool", n, ArrayData::Bool(loc.search)),
        ("SearchInd", n, ArrayData::Int64(search_ind)),
        ("MatchBool", n, ArrayData::Bool(loc.matched)),
        ("MatchInd", n, ArrayData::Int64(match_ind)),
        ("FullMatchBool", n, ArrayData::Bool(loc.full)),
        ("FullMatchInd", n, ArrayData::Int64(full_ind)),
    ];
    let made: Vec<(&str, ArrayEntry)> = entries
        .into_iter()
        .map(|(k, size, v)| Ok((k, array(ctx, size, v)?)))
        .collect::<Result<_, CommandError>>()?;
    let fields: Vec<String> = made
        .into_iter()
        .map(|(k, e)| {
            let msg = ctx.store(e);
            format!("\"{k}\":{}", serde_json::Value::String(msg))
        })
        .collect();
    Ok(Reply::normal(format!("{{{}}}", fields.join(", "))))
}

/// The matches named by a `find_locations` result as strings
/// (`findall`, `Match.find_matches`, `Match.group`): for string i,
/// `num_matches[i]` spans (a bool for a `Match`) from `starts`/`lengths` at
/// `indices[i]`; with `rtn_origins`, the index of each match's string.
pub fn find_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    obj_type(args, ctx, "objType", &["Matcher", "Match"])?;
    let origins = args.bool("rtn_origins")?;
    let s = parent(args, ctx, "parent_name")?;
    let symbols = &ctx.shared.symbols;
    let get = |key: &str| symbols.get(args.str(key)?);
    let (num, starts, lens, indices) = (
        get("num_matches")?,
        get("starts")?,
        get("lengths")?,
        get("indices")?,
    );
    let (num_v, starts_v, lens_v, ind_v) = (
        int(&num, "num_matches")?,
        int(&starts, "starts")?,
        int(&lens, "lengths")?,
        int(&indices, "indices")?,
    );
    if num.size() != s.size || indices.size() != s.size || starts.size() != lens.size() {
        return Err(CommandError::value(format!(
            "num_matches ({}) and indices ({}) must have one value per string ({}), starts ({}) and lengths ({}) one per match",
            num.size(),
            indices.size(),
            s.size,
            starts.size(),
            lens.size()
        )));
    }
    let first = ctx.local_range(s.size).start;
    if let Some(i) = num_v.iter().position(|&n| n < 0) {
        return Err(CommandError::value(format!(
            "num_matches[{}] is negative",
            first + i
        )));
    }
    let local: i64 = num_v.iter().sum();
    let (before, total) = exchange::exscan_sum(ctx.comm, local as u64)?;
    if total as usize != starts.size() {
        return Err(CommandError::value(format!(
            "num_matches adds up to {total} matches but starts holds {}",
            starts.size()
        )));
    }
    let expected = running_starts(&num_v, before as i64);
    if let Some(i) = (0..ind_v.len()).find(|&i| ind_v[i] != expected[i]) {
        return Err(CommandError::value(format!(
            "indices[{}] is {}, not {} (the matches before string {})",
            first + i,
            ind_v[i],
            expected[i],
            first + i
        )));
    }
    let want = before as usize..(before + local as u64) as usize;
    let block = ctx.block(starts.size());
    let my_starts = exchange::fetch_range(ctx.comm, &block, &starts_v, want.clone())?;
    let my_lens = exchange::fetch_range(ctx.comm, &block, &lens_v, want.clone())?;
    // Every span inside its string.
    let view = s.view();
    let mut k = 0;
    for (i, &n) in num_v.iter().enumerate() {
        let len = edit::char_count(view.get(i)) as i64;
        for _ in 0..n {
            let (a, l) = (my_starts[k], my_lens[k]);
            if a < 0 || l < 0 || a + l > len {
                return Err(CommandError::value(format!(
                    "match {} ({a}, length {l}) does not lie in string {} of length {len}",
                    want.start + k,
                    first + i
                )));
            }
            k += 1;
        }
    }
    let (offsets, bytes) = edit::gather_spans(view, &num_v, &my_starts, &my_lens);
    let msg = ctx.store_strings(offsets, bytes)?;
    if !origins {
        return Ok(Reply::normal(msg));
    }
    let mut from = Vec::with_capacity(local as usize);
    for (i, &n) in num_v.iter().enumerate() {
        from.extend(std::iter::repeat_n((first + i) as i64, n as usize));
    }
    let from = exchange::rebalance(ctx.comm, from)?;
    let o = ctx.store(array(ctx, total as usize, ArrayData::Int64(from))?);
    Ok(Reply::normal(format!("{msg}+{o}")))
}

/// `sub` / `subn`: the first `count` matches (all when 0) of each string
/// replaced by `repl` taken literally; with `rtn_num_subs`, how many.
pub fn sub(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    obj_type(args, ctx, "objType", &["Matcher"])?;
    let count = count_arg(args, "count")?;
    let repl = args.str("repl")?;
    let with_counts = args.bool("rtn_num_subs")?;
    let re = regex(args.str("pattern")?)?;
    let s = parent(args, ctx, "obj")?;
    let e = edit::sub(s.view(), &re, repl.as_bytes(), count);
    let msg = ctx.store_strings(e.offsets, e.bytes)?;
    if !with_counts {
        return Ok(Reply::normal(msg));
    }
    let n = ctx.store(array(ctx, s.size, ArrayData::Int64(e.per_string))?);
    Ok(Reply::normal(format!("{msg}+{n}")))
}

/// The int64 values of array `e` (argument `key`); `num_matches` may be a
/// `Match`'s bool array, one match per true.
fn int<'a>(e: &'a ArrayEntry, key: &str) -> Result<Cow<'a, [i64]>, CommandError> {
    match &e.data {
        ArrayData::Int64(v) => Ok(Cow::Borrowed(v)),
        ArrayData::Bool(v) if key == "num_matches" => {
            Ok(Cow::Owned(v.iter().map(|&b| b as i64).collect()))
        }
        _ => Err(CommandError::value(format!(
            "{key} must be an int64 array, not {}",
            e.dtype().name()
        ))),
    }
}

/// `regex_split` (and `split(regex=True)`): each string cut at its first
/// `max` matches (all when 0), the pieces as strings, and (`return_segs`)
/// where each string's pieces start.
pub fn split(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    obj_type(args, ctx, "objtype", &["Matcher"])?;
    let max = count_arg(args, "max")?;
    let segs = args.bool("return_segs")?;
    let re = regex(args.str("pattern")?)?;
    let s = parent(args, ctx, "parent_name")?;
    let e = edit::split(s.view(), &Delim::Regex(&re), max);
    pieces_reply(ctx, s.size, e, segs)
}
