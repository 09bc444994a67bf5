//! Joining arrays end to end: `concatenate<dtype,1>` (arguments `names`, a
//! list of arrays of that dtype, `axis` and `offsets`, which the client
//! computes from the sizes and which are recomputed here) and
//! `concatenateStr` (`objType` `pdarray`, `names`, `mode`), which the
//! client sends for `ordered=False`. With one locale the `interleave` mode's
//! blocks come in argument order, so both modes append.

use std::sync::Arc;

use super::{CommandMap, Ctx, Kind, check_dtype};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        map.add(
            format!("concatenate<{},1>", dtype.name()),
            handler!(concatenate),
            Kind::Tracked,
            "ConcatenateMsg",
        );
    }
    map.add(
        "concatenateStr",
        handler!(concatenate_str),
        Kind::Tracked,
        "ConcatenateMsg",
    );
}

/// `parts` one after the other, copied in parallel for large results.
fn join<T: Copy + Send + Sync>(parts: &[&[T]]) -> Vec<T> {
    let ends: Vec<usize> = parts
        .iter()
        .scan(0, |end, p| {
            *end += p.len();
            Some(*end)
        })
        .collect();
    let total = ends.last().copied().unwrap_or(0);
    kernels::build(total, |start, chunk| {
        let mut part = ends.partition_point(|e| *e <= start);
        let mut pos = start;
        let mut filled = 0;
        while filled < chunk.len() {
            let part_start = if part == 0 { 0 } else { ends[part - 1] };
            let src = &parts[part][pos - part_start..];
            let take = src.len().min(chunk.len() - filled);
            for (o, x) in chunk[filled..filled + take].iter_mut().zip(src) {
                o.write(*x);
            }
            filled += take;
            pos += take;
            part += 1;
        }
    })
}

/// Joins parts already known to share one dtype.
fn join_data(parts: &[&ArrayData]) -> ArrayData {
    macro_rules! join_as {
        ($variant:ident) => {
            ArrayData::$variant(join(
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
    let out = ctx.shared.symbols.new_entry(dtype, vec![total], |_| {
        let parts: Vec<&ArrayData> = arrays.iter().map(|(_, e)| &e.data).collect();
        join_data(&parts)
    })?;
    Ok(ctx.created(out))
}

pub fn concatenate(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let axis = args.int("axis")?;
    if axis != 0 && axis != -1 {
        return Err(CommandError::value(format!(
            "axis {axis} is out of bounds for array of dimension 1"
        )));
    }
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
    if !obj_type.eq_ignore_ascii_case("pdarray") {
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
    fn join_across_chunk_and_part_boundaries() {
        let n = kernels::PAR_THRESHOLD + 5;
        let a: Vec<u64> = (0..n as u64).collect();
        let b: Vec<u64> = Vec::new();
        let c: Vec<u64> = (n as u64..3 * n as u64).collect();
        let joined = join(&[&a, &b, &c, &b]);
        assert_eq!(joined, (0..3 * n as u64).collect::<Vec<_>>());
        assert!(join::<u8>(&[]).is_empty());
    }
}
