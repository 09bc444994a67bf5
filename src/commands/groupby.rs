//! GroupBy reductions. So far `sizeReduction` (`GroupBy.size`, and through
//! it `ak.value_counts`): arguments `segments` (the int64 offsets where each
//! group starts in the grouped order, as `unique` returns them) and `size`
//! (the number of grouped elements); replies `created ...` with the int64
//! count of each group.

use super::{CommandMap, Ctx, Kind};
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
    );
}

pub fn size_reduction(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("segments")?;
    let segments = ctx.typed_array(args, "segments", DType::Int64)?;
    let size = args.int("size")?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    // Offsets must rise from 0 and stay within the grouped elements, or the
    // counts would be negative or exceed the data.
    let bad = starts.first().is_some_and(|s| *s != 0)
        || starts.windows(2).any(|w| w[0] > w[1])
        || starts.last().is_some_and(|s| *s > size);
    if bad || size < 0 {
        return Err(CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: they must rise from 0 to at most {size}"
        )));
    }
    let n = starts.len();
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |len| {
        ArrayData::Int64(kernels::build(len, |first, chunk| {
            for (k, o) in chunk.iter_mut().enumerate() {
                let i = first + k;
                let end = starts.get(i + 1).copied().unwrap_or(size);
                o.write(end - starts[i]);
            }
        }))
    })?;
    Ok(ctx.created(entry))
}
