//! Making strings and getting them back: `segmentedIndex` (`s[i]`,
//! `s[a:b:c]`, `s[idx]`, `s[mask]`), `randomStrings` and `segmentedFull`
//! ([`make`]), and the casts between numbers and strings ([`cast`]).
//!
//! Results keep the block layout of strings: a selection that keeps the
//! order (a forward slice, a mask) is cut from each rank's own strings and
//! settled by [`Ctx::created_strings`]; one that reorders (an index array,
//! a backward slice) gathers whole strings with
//! [`fetch_strings`](crate::dist::strings_gather::fetch_strings).

pub mod cast;
pub mod make;

use crate::commands::indexing::{checked_slice, out_of_bounds, position};
use crate::commands::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::dist::strings_gather::fetch_strings;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::select::{self, Slice};
use crate::kernels::string::index::{compress, quoted, take};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType, StringsEntry};

pub fn register(map: &mut CommandMap) {
    const M: &str = "SegmentedMsg";
    map.add(
        "segmentedIndex",
        handler!(segmented_index),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add(
        "randomStrings",
        handler!(make::random_strings),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add("segmentedFull", handler!(make::full), Kind::Tracked, M)
        .everywhere();
    for dtype in DType::ALL {
        let d = dtype.name();
        map.add(
            format!("castToStrings<{d}>"),
            handler!(cast::to_strings),
            Kind::Tracked,
            "CastMsg",
        )
        .everywhere();
        map.add(
            format!("castStringsTo<{d}>"),
            handler!(cast::strings_to),
            Kind::Tracked,
            "CastMsg",
        )
        .everywhere();
    }
}

/// `segmentedIndex`: `subcmd` says which kind of `key` indexes the strings
/// `obj` (`objType` must be Strings).
pub fn segmented_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    if args.contains("objType") {
        let kind = args.str("objType")?;
        if !kind.eq_ignore_ascii_case("strings") {
            return Err(CommandError::NotImplemented(format!(
                "segmentedIndex does not index objType {kind}"
            )));
        }
    }
    let subcmd = args.str("subcmd")?;
    let s = ctx.strings(args, "obj")?;
    match subcmd {
        "intIndex" => int_index(args, ctx, &s),
        "sliceIndex" => slice_index(args, ctx, &s),
        "pdarrayIndex" => pdarray_index(args, ctx, &s),
        other => Err(CommandError::value(format!(
            "unknown segmentedIndex subcommand {other}"
        ))),
    }
}

/// `item str "<the string>"`: the owner of the string sends it to all.
fn int_index(args: &Args, ctx: &Ctx, s: &StringsEntry) -> Result<Reply, CommandError> {
    let key = args.int("key")?;
    let i = position(key, s.size).ok_or_else(|| out_of_bounds(key, s.size))?;
    let block = ctx.block(s.size);
    let owner = block.owner(i);
    let mine = if ctx.comm.rank() == owner {
        quoted(s.view().get(i - block.start(owner))).into_bytes()
    } else {
        Vec::new()
    };
    let text = exchange::bcast_bytes(ctx.comm, owner, mine)?;
    let text = String::from_utf8(text)
        .map_err(|_| CommandError::value("a quoted string arrived without valid UTF-8"))?;
    Ok(Reply::normal(format!("item str {text}")))
}

/// `key` is `[start, stop, stride]` as the client's `slice.indices(n)` gives
/// them; every selected position must lie inside the strings.
fn slice_arg(args: &Args, n: usize) -> Result<Slice, CommandError> {
    let key = args.int_list("key")?;
    let [start, stop, stride] = key[..] else {
        return Err(CommandError::value(format!(
            "a slice key has 3 integers (start, stop, stride), not {}",
            args.str("key")?
        )));
    };
    checked_slice(start, stop, stride, n)
}

fn slice_index(args: &Args, ctx: &Ctx, s: &StringsEntry) -> Result<Reply, CommandError> {
    let sl = slice_arg(args, s.size)?;
    let view = s.view();
    let here = ctx.local_range(s.size);
    if sl.stride > 0 {
        // The slice's positions in this rank's block, in order.
        let ks = sl.ks_within(here.start, here.end);
        let (first, end) = (ks.start, ks.end);
        let local = |k: usize| sl.at(first + k) - here.start;
        let (offsets, bytes) = if sl.stride == 1 {
            let r = if first < end {
                local(0)..local(end - first - 1) + 1
            } else {
                0..0
            };
            let (o, b) = view.slice(r);
            (o, b.to_vec())
        } else {
            take(view, end - first, local)
        };
        return ctx.created_strings(offsets, bytes);
    }
    // Backwards: this rank's block of the result, gathered from anywhere.
    let mine = ctx.local_range(sl.len);
    let idx: Vec<u64> = kernels::tabulate(mine.len(), mine.start, |k| sl.at(k) as u64);
    let (offsets, bytes) = fetch_strings(ctx.comm, &ctx.block(s.size), view, &idx)?;
    ctx.created_strings(offsets, bytes)
}

/// `s[idx]` for an int64 or uint64 array (negative positions count from
/// the end, as NumPy's) or `s[mask]` for a bool array of the strings' size.
fn pdarray_index(args: &Args, ctx: &Ctx, s: &StringsEntry) -> Result<Reply, CommandError> {
    let name = args.str("key")?;
    let key = ctx.shared.symbols.get(name)?;
    let n = s.size;
    let positions: Vec<u64> = match &key.data {
        ArrayData::Int64(v) => {
            let bad = kernels::fold_chunks(v, |c| {
                c.iter().find(|i| position(**i, n).is_none()).copied()
            });
            if let Some(i) = bad.into_iter().flatten().next() {
                return Err(out_of_bounds(i, n));
            }
            kernels::map(v, |i| select::from_end(i, n) as u64)
        }
        ArrayData::UInt64(v) => {
            let bad = kernels::fold_chunks(v, |c| c.iter().find(|i| **i >= n as u64).copied());
            if let Some(i) = bad.into_iter().flatten().next() {
                return Err(out_of_bounds(i, n));
            }
            v.clone()
        }
        ArrayData::Bool(m) => {
            if key.size() != n {
                return Err(CommandError::Unclassed(format!(
                    "IndexError: boolean index did not match indexed array along axis 0; size of axis is {n} but size of corresponding boolean axis is {}",
                    key.size()
                )));
            }
            // The mask has the strings' size, hence their block layout.
            let (offsets, bytes) = compress(s.view(), m);
            return ctx.created_strings(offsets, bytes);
        }
        other => {
            return Err(CommandError::Unclassed(format!(
                "TypeError: index array {name} holds {}; arrays used as indices must be of integer (int64, uint64) or boolean type",
                other.dtype().name()
            )));
        }
    };
    let (offsets, bytes) = fetch_strings(ctx.comm, &ctx.block(n), s.view(), &positions)?;
    ctx.created_strings(offsets, bytes)
}
