//! Joining arrays end to end: `concatenate<dtype,1>` (arguments `names`, a
//! list of arrays of that dtype, `axis` and `offsets`, which the client
//! computes from the sizes and which are recomputed here) and
//! `concatenateStr` (`objType` `pdarray`, `names`, `mode`; Strings go to
//! [`super::strings::combine::concatenate`]), which the
//! client sends for `ordered=False`. With one locale the `interleave` mode's
//! blocks come in argument order, so both modes append; with several both
//! append too, so the result is the same at any number of locales.
//!
//! With several ranks each input's blocks travel to their place in the
//! output's block layout in one exchange ([`place`]): every rank knows every
//! block's range, so no sizes need to be asked.

use std::sync::Arc;

use super::{CommandMap, Ctx, Kind, check_axis, check_dtype};
use crate::dist::{Block, Comm, exchange};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::{Plain, select};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        map.add(
            format!("concatenate<{},1>", dtype.name()),
            handler!(concatenate),
            Kind::Tracked,
            "ConcatenateMsg",
        )
        .everywhere();
    }
    map.add(
        "concatenateStr",
        handler!(concatenate_str),
        Kind::Tracked,
        "ConcatenateMsg",
    )
    .everywhere();
}

/// Joins parts already known to share one dtype.
fn join_data(parts: &[&ArrayData]) -> ArrayData {
    macro_rules! join_as {
        ($variant:ident) => {
            ArrayData::$variant(select::concat(
                &parts
                    .iter()
                    .filter_map(|p| match p {
                        ArrayData::$variant(v) => Some(v.as_slice()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ))
        };
    }
    match parts.first().map(|p| p.dtype()) {
        Some(DType::Int64) | None => join_as!(Int64),
        Some(DType::UInt64) => join_as!(UInt64),
        Some(DType::UInt8) => join_as!(UInt8),
        Some(DType::Float64) => join_as!(Float64),
        Some(DType::Bool) => join_as!(Bool),
    }
}

/// `parts` joined in order; they must share one dtype.
pub(crate) fn concat(parts: &[&ArrayData]) -> Result<ArrayData, CommandError> {
    if let [first, rest @ ..] = parts
        && let Some(other) = rest.iter().find(|p| p.dtype() != first.dtype())
    {
        return Err(mismatch(first.dtype(), other.dtype()));
    }
    Ok(join_data(parts))
}

/// This rank's block of the join of distributed arrays: `parts[j]` is this
/// rank's block of input j, of global length `sizes[j]`.
fn place<T: Plain>(
    comm: &dyn Comm,
    parts: &[&[T]],
    sizes: &[usize],
) -> Result<Vec<T>, CommandError> {
    let ranks = comm.size();
    let offsets = exchange::starts(sizes);
    let total = sizes.iter().sum();
    let out = Block::new(total, ranks);
    // Where rank r's block of input j goes in the output.
    let dest = |r: usize, j: usize| {
        let b = Block::new(sizes[j], ranks).range(r);
        offsets[j] + b.start..offsets[j] + b.end
    };
    let me = comm.rank();
    let mut send = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    let mut counts = vec![0usize; ranks];
    for (d, count) in counts.iter_mut().enumerate() {
        for (j, part) in parts.iter().enumerate() {
            let from = dest(me, j);
            let o = exchange::overlap(&from, &out.range(d));
            if o.is_empty() {
                continue;
            }
            send.extend_from_slice(&part[o.start - from.start..o.end - from.start]);
            *count += o.len();
        }
    }
    let (got, got_counts) = exchange::alltoallv(comm, &send, &counts)?;
    drop(send);
    // Rank r's data comes input by input; the output wants input-major,
    // rank-minor order.
    let mine = out.range(me);
    let mut at = exchange::starts(&got_counts);
    let mut seg = vec![vec![0..0; parts.len()]; ranks];
    for (r, segs) in seg.iter_mut().enumerate() {
        for (j, s) in segs.iter_mut().enumerate() {
            let len = exchange::overlap(&dest(r, j), &mine).len();
            *s = at[r]..at[r] + len;
            at[r] += len;
        }
    }
    let mut joined = Vec::with_capacity(mine.len());
    for j in 0..parts.len() {
        for segs in &seg {
            joined.extend_from_slice(&got[segs[j].clone()]);
        }
    }
    Ok(joined)
}

/// This rank's block of the join of distributed arrays of one dtype, given
/// as (this rank's block, global length).
pub(crate) fn concat_dist(
    comm: &dyn Comm,
    parts: &[(&ArrayData, usize)],
) -> Result<ArrayData, CommandError> {
    if comm.size() == 1 {
        let data: Vec<&ArrayData> = parts.iter().map(|(d, _)| *d).collect();
        return concat(&data);
    }
    let sizes: Vec<usize> = parts.iter().map(|(_, n)| *n).collect();
    macro_rules! place_as {
        ($variant:ident) => {{
            let mut blocks = Vec::with_capacity(parts.len());
            for (p, _) in parts {
                match p {
                    ArrayData::$variant(v) => blocks.push(v.as_slice()),
                    other => return Err(mismatch(parts[0].0.dtype(), other.dtype())),
                }
            }
            ArrayData::$variant(place(comm, &blocks, &sizes)?)
        }};
    }
    Ok(match parts.first().map(|p| p.0.dtype()) {
        Some(DType::Int64) | None => place_as!(Int64),
        Some(DType::UInt64) => place_as!(UInt64),
        Some(DType::UInt8) => place_as!(UInt8),
        Some(DType::Float64) => place_as!(Float64),
        Some(DType::Bool) => place_as!(Bool),
    })
}

fn mismatch(expected: DType, got: DType) -> CommandError {
    CommandError::value(format!(
        "Expected {} dtype but got {} dtype",
        expected.name(),
        got.name()
    ))
}

/// The arrays named by list argument `names` (at least one).
fn named_arrays(args: &Args, ctx: &Ctx) -> Result<Vec<(String, Arc<ArrayEntry>)>, CommandError> {
    let names = args.str_list("names")?;
    if names.is_empty() {
        return Err(CommandError::value(format!(
            "{} needs at least one array",
            ctx.cmd
        )));
    }
    names
        .into_iter()
        .map(|n| {
            let e = ctx.shared.symbols.get(&n)?;
            Ok((n, e))
        })
        .collect()
}

/// Stores the join of `arrays` (all of `dtype`).
fn store_join(
    ctx: &Ctx,
    dtype: DType,
    arrays: &[(String, Arc<ArrayEntry>)],
) -> Result<Reply, CommandError> {
    let total = arrays.iter().map(|(_, e)| e.size()).sum::<usize>();
    if ctx.ranks() > 1 {
        let parts: Vec<(&ArrayData, usize)> =
            arrays.iter().map(|(_, e)| (&e.data, e.size())).collect();
        let joined = concat_dist(ctx.comm, &parts)?;
        let out = ctx
            .shared
            .symbols
            .new_entry(dtype, vec![total], |_| joined)?;
        return Ok(ctx.created(out));
    }
    let out = ctx.shared.symbols.new_entry(dtype, vec![total], |_| {
        let parts: Vec<&ArrayData> = arrays.iter().map(|(_, e)| &e.data).collect();
        join_data(&parts)
    })?;
    Ok(ctx.created(out))
}

pub fn concatenate(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    check_axis(args)?;
    // The client's offsets are the running sizes, recomputed by the join.
    args.int_list("offsets")?;
    let arrays = named_arrays(args, ctx)?;
    for (name, e) in &arrays {
        check_dtype(name, e.dtype(), dtype, ctx.cmd)?;
    }
    store_join(ctx, dtype, &arrays)
}

pub fn concatenate_str(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let obj_type = args.str("objType")?;
    let strings = obj_type.eq_ignore_ascii_case("strings");
    if !obj_type.eq_ignore_ascii_case("pdarray") && !strings {
        return Err(CommandError::NotImplemented(format!(
            "concatenateStr of {obj_type} objects is not supported"
        )));
    }
    let mode = args.str("mode")?;
    if mode != "append" && mode != "interleave" {
        return Err(CommandError::value(format!(
            "concatenate mode must be 'append' or 'interleave', not '{mode}'"
        )));
    }
    if strings {
        return super::strings::combine::concatenate(args, ctx);
    }
    let arrays = named_arrays(args, ctx)?;
    let dtype = arrays[0].1.dtype();
    if let Some((_, e)) = arrays.iter().find(|(_, e)| e.dtype() != dtype) {
        return Err(mismatch(dtype, e.dtype()));
    }
    store_join(ctx, dtype, &arrays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_puts_every_block_in_order() {
        use crate::dist::sort::threads::on_ranks;
        let sizes = [0usize, 1, 5, 70_001, 2, 0, 3];
        let inputs: Vec<Vec<u64>> = sizes
            .iter()
            .enumerate()
            .map(|(k, n)| (0..*n as u64).map(|i| i * 10 + k as u64).collect())
            .collect();
        let want: Vec<u64> = inputs.concat();
        for ranks in 1..=4 {
            let got = on_ranks(ranks, |comm| {
                let blocks: Vec<&[u64]> = inputs
                    .iter()
                    .map(|v| &v[Block::new(v.len(), ranks).range(comm.rank())])
                    .collect();
                let out = place(comm, &blocks, &sizes).unwrap();
                assert_eq!(out.len(), Block::new(want.len(), ranks).len(comm.rank()));
                out
            });
            assert_eq!(got, want, "ranks={ranks}");
        }
    }
}
