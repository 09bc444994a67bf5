//! `diff<dtype,1>` (the client's `ak.diff`), arguments `x`, `n` and `axis`
//! (0 or -1 at rank 1): the n-th discrete difference, NumPy's `np.diff`.
//! The result keeps the dtype and is n shorter (empty when n reaches the
//! size); integers wrap, and bool gives `a[i + 1] != a[i]`. The client
//! concatenates `prepend` and `append` itself.
//!
//! With several ranks each rank fetches the input its block of the result
//! needs (the same positions and the n after them, some from the next
//! ranks) and takes the differences locally.

use super::indexing::moves;
use super::{CommandMap, Ctx, Kind, check_axis};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::scan::differences;
use crate::kernels::select::Slice;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        let cmd = format!("diff<{},1>", dtype.name());
        map.add(cmd, handler!(diff), Kind::Tracked, "UtilMsg")
            .everywhere();
    }
}

pub fn diff(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let n = args.int("n")?;
    if n < 0 {
        return Err(CommandError::value(format!(
            "order must be non-negative but got {n}"
        )));
    }
    check_axis(args)?;
    let entry = ctx.typed_array(args, "x", dtype)?;
    let size = entry.size();
    let n = usize::try_from(n).map_or(size, |n| n.min(size));
    let len = size - n;
    let of = |data: &ArrayData| match data {
        ArrayData::Int64(v) => ArrayData::Int64(differences(v, n, i64::wrapping_sub)),
        ArrayData::UInt64(v) => ArrayData::UInt64(differences(v, n, u64::wrapping_sub)),
        ArrayData::UInt8(v) => ArrayData::UInt8(differences(v, n, u8::wrapping_sub)),
        ArrayData::Float64(v) => ArrayData::Float64(differences(v, n, |a, b| a - b)),
        ArrayData::Bool(v) => ArrayData::Bool(differences(v, n, |a, b| a != b)),
    };
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        let out = symbols.new_entry(dtype, vec![len], |_| of(&entry.data))?;
        return Ok(ctx.created(out));
    }
    let mine = ctx.local_range(len);
    let reach = if mine.is_empty() { 0 } else { mine.len() + n };
    let want = Slice::range(mine.start, reach);
    let piece = moves::fetch_steps(ctx, &entry.data, size, want)?;
    let data = of(&piece);
    let out = symbols.new_entry(dtype, vec![len], |_| data)?;
    Ok(ctx.created(out))
}
