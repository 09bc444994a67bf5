//! Comparing and combining strings: `segmentedBinopvv` (`==`, `!=`,
//! `stick`), `segmentedBinopvs` (`==`, `!=` against one string),
//! `segmentedWhere` (`ak.where` of strings), `flipString` (`ak.flip`),
//! `concatenateStr` of strings (reached through the numeric
//! `concatenateStr`) and `concatenateUniquely`.
//!
//! Two operands of one size share the block layout, so string i of both is
//! on the same rank and the elementwise commands need no exchange; the
//! others move strings with [`crate::dist::strings_combine`].

use std::sync::Arc;

use crate::commands::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::dist::strings_combine::{Input, first_occurrences, place};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::string::combine as k;
use crate::kernels::string::{Strs, StrsBuilder};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType, StringsEntry};

pub fn register(map: &mut CommandMap) {
    const M: &str = "SegmentedMsg";
    map.add("segmentedBinopvv", handler!(binop_vv), Kind::Tracked, M)
        .everywhere();
    map.add("segmentedBinopvs", handler!(binop_vs), Kind::Tracked, M)
        .everywhere();
    map.add("segmentedWhere", handler!(where_), Kind::Tracked, M)
        .everywhere();
    map.add("flipString", handler!(flip), Kind::Tracked, M)
        .everywhere();
    map.add(
        "concatenateUniquely",
        handler!(concatenate_uniquely),
        Kind::Tracked,
        "ConcatenateMsg",
    )
    .everywhere();
}

/// `objType` arguments name Strings as `Strings` (any case).
fn is_strings(obj_type: &str) -> bool {
    obj_type.eq_ignore_ascii_case("strings")
}

/// Two operands of one size (else the original's message).
fn same_size(a: &StringsEntry, b: &StringsEntry) -> Result<(), CommandError> {
    if a.size != b.size {
        return Err(CommandError::value(format!(
            "The String arrays must be the same size ({} and {})",
            a.size, b.size
        )));
    }
    Ok(())
}

/// A bool array of `a`'s size from this rank's values.
fn bools(ctx: &Ctx, n: usize, v: Vec<bool>) -> Result<Reply, CommandError> {
    let entry = ctx
        .shared
        .symbols
        .new_entry(DType::Bool, vec![n], |_| ArrayData::Bool(v))?;
    Ok(ctx.created(entry))
}

/// `==`/`!=` (bool array) or `stick` (new strings; `left` puts `other`
/// first, `delim` goes between) of two Strings of one size.
pub fn binop_vv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let op = args.str("op")?;
    let (lt, rt) = (args.str("objType")?, args.str("otherType")?);
    let a = ctx.strings(args, "obj")?;
    let b = ctx.strings(args, "other")?;
    if !is_strings(lt) || !is_strings(rt) {
        return Err(CommandError::value(format!(
            "segmentedBinopvv: unrecognized type: ({lt}, {rt})"
        )));
    }
    match op {
        "==" | "!=" => {
            same_size(&a, &b)?;
            bools(ctx, a.size, k::eq_vv(a.view(), b.view(), op == "=="))
        }
        "stick" => {
            let left = args.bool("left")?;
            let delim = args.str("delim")?;
            same_size(&a, &b)?;
            let (o, by) = k::stick(a.view(), b.view(), delim.as_bytes(), left);
            ctx.created_strings(o, by)
        }
        _ => Err(CommandError::NotImplemented(format!(
            "segmentedBinopvv: {lt} {op} {rt} not implemented"
        ))),
    }
}

/// `==`/`!=` of every string against the string `other`.
pub fn binop_vs(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let op = args.str("op")?;
    let (lt, rt) = (args.str("objType")?, args.str("otherType")?);
    let value = args.str("other")?;
    let a = ctx.strings(args, "obj")?;
    if !is_strings(lt) || rt != "str" {
        return Err(CommandError::value(format!(
            "segmentedBinopvs: unrecognized type: ({lt}, {rt})"
        )));
    }
    match op {
        "==" | "!=" => bools(
            ctx,
            a.size,
            k::eq_vs(a.view(), value.as_bytes(), op == "=="),
        ),
        _ => Err(CommandError::NotImplemented(format!(
            "segmentedBinopvs: {lt} {op} {rt} not implemented"
        ))),
    }
}

/// `ak.where(condition, seg_str, other)`: string i of `seg_str` where the
/// bool `condition` holds, else string i of the Strings `other` (or the
/// string `other` itself with `is_str_literal`). `new_lens`, the lengths the
/// client expects, is checked for type and size only: the lengths follow
/// from the strings.
pub fn where_(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let a = ctx.strings(args, "seg_str")?;
    let literal = args.bool("is_str_literal")?;
    let other = args.str("other")?;
    let cond = ctx.typed_array(args, "condition", DType::Bool)?;
    let lens = ctx.typed_array(args, "new_lens", DType::Int64)?;
    for (what, n) in [("condition", cond.size()), ("new_lens", lens.size())] {
        if n != a.size {
            return Err(CommandError::value(format!(
                "{what} has {n} elements but the strings have {}",
                a.size
            )));
        }
    }
    let ArrayData::Bool(c) = &cond.data else {
        unreachable!("type checked above");
    };
    let (o, by) = if literal {
        k::choose_vs(c, a.view(), other.as_bytes())
    } else {
        let b = ctx.strings(args, "other")?;
        same_size(&a, &b)?;
        k::choose_vv(c, a.view(), b.view())
    };
    ctx.created_strings(o, by)
}

/// `ak.flip` of Strings: the strings last to first, each string's bytes
/// unchanged (as the original). Each rank reverses its block, which lands
/// at the mirrored position.
pub fn flip(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let obj_type = args.str("objType")?;
    if !is_strings(obj_type) {
        return Err(CommandError::value(format!(
            "flipString: unrecognized type: {obj_type}"
        )));
    }
    let a = ctx.strings(args, "obj")?;
    let (o, by) = k::reversed(a.view());
    if ctx.ranks() == 1 {
        return ctx.created_strings(o, by);
    }
    let end = ctx.local_range(a.size).end;
    let (o, by) = place(ctx.comm, &[(a.size - end, Strs::new(&o, &by))], a.size)?;
    ctx.created_strings(o, by)
}

/// The Strings named by list argument `names` (at least one), with their
/// positions in the concatenation. A name may carry the original's legacy
/// `+...` suffix.
fn named_strings(args: &Args, ctx: &Ctx) -> Result<Vec<Arc<StringsEntry>>, CommandError> {
    let names = args.str_list("names")?;
    if names.is_empty() {
        return Err(CommandError::value(format!(
            "{} needs at least one Strings",
            ctx.cmd
        )));
    }
    names
        .iter()
        .map(|n| {
            let name = n.split_once('+').map_or(n.as_str(), |(x, _)| x);
            ctx.shared.symbols.get_strings(name)
        })
        .collect()
}

/// Each input's local strings and where it starts in the concatenation.
fn inputs(all: &[Arc<StringsEntry>]) -> Vec<Input<'_>> {
    let mut base = 0;
    all.iter()
        .map(|s| {
            let x = Input {
                strs: s.view(),
                base,
                size: s.size,
            };
            base += s.size;
            x
        })
        .collect()
}

/// `concatenateStr` of Strings (`ak.concatenate`): the arrays one after
/// the other. The `interleave` mode (`ordered=False`) appends too, as the
/// numeric one does here, so the result is the same at any number of ranks.
pub fn concatenate(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let all = named_strings(args, ctx)?;
    let inputs = inputs(&all);
    let total = all.iter().map(|s| s.size).sum();
    let (o, by) = place(ctx.comm, &pieces(ctx, &inputs), total)?;
    ctx.created_strings(o, by)
}

/// Each input's local block at its place in the concatenation.
fn pieces<'a>(ctx: &Ctx, inputs: &[Input<'a>]) -> Vec<(usize, Strs<'a>)> {
    inputs
        .iter()
        .map(|x| (x.base + ctx.local_range(x.size).start, x.strs))
        .collect()
}

/// `Strings.concatenate_uniquely`: every distinct string of the arrays
/// once, in the order of its first occurrence in their concatenation (the
/// original leaves the order open; this one is the same at any number of
/// ranks).
pub fn concatenate_uniquely(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let all = named_strings(args, ctx)?;
    let inputs = inputs(&all);
    let keep = first_occurrences(ctx.comm, &inputs)?;
    // This rank's kept strings of each input, and how many.
    let kept: Vec<(Vec<u64>, Vec<u8>)> = inputs
        .iter()
        .zip(&keep)
        .map(|(x, keep)| {
            let mut b = StrsBuilder::default();
            for (s, _) in x.strs.iter().zip(keep).filter(|(_, k)| **k) {
                b.push(s);
            }
            b.finish()
        })
        .collect();
    let counts: Vec<u64> = kept.iter().map(|(o, _)| o.len() as u64).collect();
    let every = exchange::allgather_vec(ctx.comm, &counts)?;
    // Piece (input j, rank r) follows every piece of earlier inputs, then
    // those of input j on earlier ranks.
    let me = ctx.comm.rank();
    let mut before = 0u64;
    let mut pieces = Vec::with_capacity(kept.len());
    for (j, (o, by)) in kept.iter().enumerate() {
        let start = before + every[..me].iter().map(|c| c[j]).sum::<u64>();
        pieces.push((start as usize, Strs::new(o, by)));
        before += every.iter().map(|c| c[j]).sum::<u64>();
    }
    let (o, by) = place(ctx.comm, &pieces, before as usize)?;
    ctx.created_strings(o, by)
}
