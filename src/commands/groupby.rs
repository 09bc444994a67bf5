//! GroupBy reductions. So far `sizeReduction` (`GroupBy.size`, and through
//! it `ak.value_counts`): arguments `segments` (the int64 offsets where each
//! group starts in the grouped order, as `unique` returns them) and `size`
//! (the number of grouped elements); replies `created ...` with the int64
//! count of each group.

use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
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
    let n = segments.size();
    let here = ctx.local_range(n);
    // Offsets must rise from 0 and stay within the grouped elements, or the
    // counts would be negative or exceed the data.
    let invalid = || {
        CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: they must rise from 0 to at most {size}"
        ))
    };
    let bad = (here.start == 0 && starts.first().is_some_and(|s| *s != 0))
        || starts.windows(2).any(|w| w[0] > w[1])
        || starts.last().is_some_and(|s| *s > size);
    if bad || size < 0 {
        return Err(invalid());
    }
    // Where the group starting last in this block ends: the next start
    // held by a later rank, else `size`.
    let end = if ctx.ranks() == 1 {
        size
    } else {
        let firsts = exchange::allgather_vec(ctx.comm, &starts[..starts.len().min(1)])?;
        let later = firsts[ctx.comm.rank() + 1..].iter().flatten().next();
        let end = later.copied().unwrap_or(size);
        if starts.last().is_some_and(|s| *s > end) {
            return Err(invalid());
        }
        end
    };
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |len| {
        ArrayData::Int64(kernels::build(len, |first, chunk| {
            for (k, o) in chunk.iter_mut().enumerate() {
                let i = first + k;
                let next = starts.get(i + 1).copied().unwrap_or(end);
                o.write(next - starts[i]);
            }
        }))
    })?;
    Ok(ctx.created(entry))
}
