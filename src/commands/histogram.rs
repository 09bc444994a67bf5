//! `histogram` (the client's `ak.histogram`), arguments `array`, `bins`,
//! `minVal` and `maxVal`: how many elements fall in each of `bins` equal
//! bins over `[minVal, maxVal]` (the client sends the array's min and max
//! unless given a range, and builds the edges itself), as an int64 array.
//! The binning is Arkouda's ([`histogram`]); int64, uint64 and float64
//! arrays only, as in the original.
//!
//! With several ranks each rank counts its block into all the bins, sends
//! every rank the counts for that rank's block of the result, and adds up
//! what it receives.

use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::aggregate::histogram;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    map.add(
        "histogram",
        handler!(histogram_),
        Kind::Tracked,
        "HistogramMsg",
    )
    .everywhere();
}

pub fn histogram_(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let bins = args.int("bins")?;
    if bins < 1 {
        return Err(CommandError::value(format!(
            "bins must be 1 or greater, not {bins}"
        )));
    }
    let range = (args.real("minVal")?, args.real("maxVal")?);
    let entry = ctx.shared.symbols.get(args.str("array")?)?;
    let bins = usize::try_from(bins).expect("positive");
    // The bins are allocated on every rank before anything is counted.
    let _scratch = super::sorting::scratch(ctx, (bins as u64).saturating_mul(8))?;
    let counts = match &entry.data {
        ArrayData::Int64(v) => histogram(v, range, bins, |x| x as f64),
        ArrayData::UInt64(v) => histogram(v, range, bins, |x| x as f64),
        ArrayData::Float64(v) => histogram(v, range, bins, |x| x),
        other => {
            return Err(CommandError::NotImplemented(format!(
                "histogram: {} not implemented",
                other.dtype().name()
            )));
        }
    };
    let mine = exchange::sum_blocks(ctx.comm, &ctx.block(bins), counts)?;
    let out = ctx
        .shared
        .symbols
        .new_entry(DType::Int64, vec![bins], |_| ArrayData::Int64(mine))?;
    Ok(ctx.created(out))
}
