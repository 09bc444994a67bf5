//! GroupBy reductions. So far `sizeReduction` (`GroupBy.size`, and through
//! it `ak.value_counts`): arguments `segments` (the int64 offsets where each
//! group starts in the grouped order, as `unique` returns them) and `size`
//! (the number of grouped elements); replies `created ...` with the int64
//! count of each group. And `gbbroadcast` (`permName`, `segName`, `valName`,
//! `permute`, `size`; `GroupBy.broadcast`, and `ak.Categorical`'s codes):
//! each group's value repeated over its segment, in grouped order or, with
//! `permute`, put back in the original order through the permutation.
//! And `segmentedReduction` (GroupBy's aggregations): see [`reduce`].

mod reduce;

use super::{CommandMap, Ctx, Kind};
use crate::commands::sorting::same_kind;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::Plain;
use crate::kernels::segmented::{self as seg, Starts};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    map.add(
        "sizeReduction",
        handler!(size_reduction),
        Kind::Tracked,
        "ReductionMsg",
    )
    .everywhere();
    map.add(
        "segmentedReduction",
        handler!(reduce::segmented_reduction),
        Kind::Tracked,
        "ReductionMsg",
    )
    .everywhere();
    map.add(
        "gbbroadcast",
        handler!(broadcast),
        Kind::Tracked,
        "BroadcastMsg",
    )
    .everywhere();
}

/// Each rank counts the groups starting in its block of `segments`; the
/// last one ends at the first start held by a later rank (or at `size`).
pub fn size_reduction(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("segments")?;
    let segments = ctx.typed_array(args, "segments", DType::Int64)?;
    let size = args.int("size")?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    if size < 0 {
        return Err(CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: the size is negative"
        )));
    }
    let n = segments.size();
    // Offsets must rise from 0 and stay within the grouped elements, or the
    // counts would be negative or exceed the data.
    let end = segment_end(ctx, name, starts, n, size, true)?;
    let bounds = Starts {
        starts,
        base: 0,
        end: end as usize,
    };
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |_| {
        ArrayData::Int64(seg::lengths(&bounds))
    })?;
    Ok(ctx.created(entry))
}

/// Each value of `vals` repeated from its start in `starts` to the next
/// start (the last one to `end`); `lead` zero values first (the elements
/// before the first segment, which Arkouda's broadcast leaves 0).
fn expand<T: Plain + Default>(vals: &[T], starts: &[i64], end: i64, lead: usize) -> Vec<T> {
    let mut out = vec![T::default(); lead];
    for (k, v) in vals.iter().enumerate() {
        let next = starts.get(k + 1).copied().unwrap_or(end);
        out.extend(std::iter::repeat_n(*v, (next - starts[k]).max(0) as usize));
    }
    out
}

/// Each rank expands the groups whose segments it holds (values and
/// segments have one block layout) into its piece of the grouped order;
/// the pieces are rebalanced into blocks and, with `permute`, each element
/// is sent to the position the permutation names.
pub fn broadcast(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let size = args.int("size")?;
    let permute = args.bool("permute")?;
    let seg_name = args.str("segName")?;
    let segments = ctx.typed_array(args, "segName", DType::Int64)?;
    let values = ctx.shared.symbols.get(args.str("valName")?)?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    if values.size() != segments.size() {
        return Err(CommandError::value(format!(
            "there must be one value per segment: {} values for {} segments",
            values.size(),
            segments.size()
        )));
    }
    if size < 0 || (size > 0 && segments.size() == 0) {
        return Err(CommandError::value(format!(
            "cannot broadcast {} segments to {size} elements",
            segments.size()
        )));
    }
    let perm = if permute {
        let p = ctx.typed_array(args, "permName", DType::Int64)?;
        if p.size() as i64 != size {
            return Err(CommandError::value(format!(
                "the permutation has {} elements but size is {size}",
                p.size()
            )));
        }
        Some(p)
    } else {
        None
    };
    let end = segment_end(ctx, seg_name, starts, segments.size(), size, false)?;
    // The rank holding the first segment also fills what precedes it.
    let lead = match starts.first() {
        Some(s) if ctx.local_range(segments.size()).start == 0 => *s as usize,
        _ => 0,
    };
    if let Some(p) = &perm {
        let ArrayData::Int64(pv) = &p.data else {
            unreachable!("checked to be int64 above");
        };
        if let Some(i) = pv.iter().find(|&&i| i < 0 || i >= size) {
            return Err(CommandError::value(format!(
                "the permutation holds {i}, outside 0..{size}"
            )));
        }
    }
    let n = size as usize;
    let block = ctx.block(n);
    let comm = ctx.comm;
    let grouped =
        same_kind!(&values.data, v => exchange::rebalance(comm, expand(v, starts, end, lead))?);
    let out = match &perm {
        None => grouped,
        Some(p) => {
            let ArrayData::Int64(pv) = &p.data else {
                unreachable!("checked to be int64 above");
            };
            let at: Vec<u64> = kernels::map(pv, |i| i as u64);
            same_kind!(&grouped, g => {
                let mut out = vec![Default::default(); block.len(comm.rank())];
                for (i, x) in exchange::deliver(comm, &block, &at, g)?.iter() {
                    out[i] = x;
                }
                out
            })
        }
    };
    let entry = ctx
        .shared
        .symbols
        .new_entry(out.dtype(), vec![n], |_| out)?;
    Ok(ctx.created(entry))
}

/// Checks `starts` (this rank's block of segment offsets over `size`
/// elements; the first must be 0 when `from_zero`, else at least 0) and
/// returns where this rank's last group ends.
fn segment_end(
    ctx: &Ctx,
    name: &str,
    starts: &[i64],
    n_segments: usize,
    size: i64,
    from_zero: bool,
) -> Result<i64, CommandError> {
    let here = ctx.local_range(n_segments);
    let first_ok = |s: i64| if from_zero { s == 0 } else { s >= 0 };
    let mut bad = (here.start == 0 && starts.first().is_some_and(|s| !first_ok(*s)))
        || !crate::kernels::aggregate::sorted_by(starts, |a, b| a <= b)
        || starts.last().is_some_and(|s| *s > size);
    let end = if ctx.ranks() == 1 {
        size
    } else {
        let firsts = exchange::allgather_vec(ctx.comm, &starts[..starts.len().min(1)])?;
        let later = firsts[ctx.comm.rank() + 1..].iter().flatten().next();
        later.copied().unwrap_or(size)
    };
    bad |= starts.last().is_some_and(|s| *s > end);
    if bad {
        let from = if from_zero {
            "from 0"
        } else {
            "from at least 0"
        };
        return Err(CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: they must rise {from} to at most {size}"
        )));
    }
    Ok(end)
}
