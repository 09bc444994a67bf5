//! `cast<from,to,1>` (the client's `astype` and `ak.cast`), argument `name`,
//! replying `created ...` with a new array.
//!
//! The conversions are NumPy's `astype` on x86-64 ([`crate::kernels::cast`]).
//! Each rank converts its own block (element by element, nothing moves).

use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::cast::convert;
use crate::protocol::{Args, Reply};
use crate::symbol_table::DType;

pub fn register(map: &mut CommandMap) {
    for from in DType::ALL {
        for to in DType::ALL {
            map.add(
                format!("cast<{},{},1>", from.name(), to.name()),
                handler!(cast),
                Kind::Tracked,
                "CastMsg",
            )
            .everywhere();
        }
    }
}

pub fn cast(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let params = ctx.type_params();
    let dtype = |i: usize| params.get(i).and_then(|d| DType::from_name(d));
    let (from, to) = match (dtype(0), dtype(1)) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return Err(CommandError::value(format!(
                "cannot read the element types from {}",
                ctx.cmd
            )));
        }
    };
    let entry = ctx.typed_array(args, "name", from)?;
    let symbols = &ctx.shared.symbols;
    let out = symbols.new_entry(to, entry.shape.clone(), |_| convert(&entry.data, to))?;
    Ok(ctx.created(out))
}
