//! Array creation from a formula: `arange`, and `createScalarArray<T>`
//! (the client's `ak.scalar_array` and 0-d results).
//!
//! The client sends `arange<int64,1>` (or `arange<uint64,1>` when an argument
//! is a uint64) with `start`, `stop` and `step`; for negative steps it has
//! already added 2 to `stop`, so that the original's length formula
//! `(stop - start + step - 1) / step` (truncating) gives NumPy's length.
//! Float arguments never reach the server (the client refuses them), nor do
//! empty ranges (the client builds those itself); other element types are a
//! cast of the int64 result.
//!
//! `zeros`, `ones`, `full`, their `*_like` forms and `linspace` are built by
//! the client from `create`, `set`, `arange`, `cast` and the binary operators.
//!
//! Both run on every rank: each rank computes its block from the elements'
//! global positions.

use super::operands::scalar_arg;
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::elem::Scalar;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

/// Element types `arange` is registered for (as in the original).
pub const ARANGE_DTYPES: [DType; 2] = [DType::Int64, DType::UInt64];

pub fn register(map: &mut CommandMap) {
    for dtype in ARANGE_DTYPES {
        map.add(
            format!("arange<{},1>", dtype.name()),
            handler!(arange),
            Kind::Tracked,
            "SequenceMsg",
        )
        .everywhere();
    }
    for dtype in DType::ALL {
        map.add(
            format!("createScalarArray<{}>", dtype.name()),
            handler!(create_scalar_array),
            Kind::Tracked,
            "MsgProcessing",
        )
        .everywhere();
    }
}

fn parse_u64(args: &Args, key: &str) -> Result<u64, CommandError> {
    let val = args.str(key)?;
    val.trim()
        .parse::<u64>()
        .map_err(|_| CommandError::BadScalar {
            val: val.to_string(),
            ty: "uint(64)",
        })
}

/// The number of elements, never negative.
fn length(start: i128, stop: i128, step: i128) -> Result<usize, CommandError> {
    if step == 0 {
        return Err(CommandError::value("arange step must not be zero"));
    }
    let len = (stop - start + step - 1) / step;
    usize::try_from(len.max(0))
        .map_err(|_| CommandError::value(format!("arange of {len} elements is too large")))
}

/// This rank's block of a progression: local element `k` is `at(first + k)`,
/// `first` being the block's global start.
fn progression<T: Copy + Send>(
    first: usize,
    at: impl Fn(usize) -> T + Sync,
) -> impl FnOnce(usize) -> Vec<T> {
    move |len| kernels::tabulate(len, first, at)
}

pub fn arange(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx
        .type_params()
        .first()
        .and_then(|d| DType::from_name(d))
        .filter(|d| ARANGE_DTYPES.contains(d))
        .ok_or_else(|| {
            CommandError::value(format!("cannot read the element type from {}", ctx.cmd))
        })?;
    let symbols = &ctx.shared.symbols;
    let entry = match dtype {
        DType::UInt64 => {
            let (start, stop, step) = (
                parse_u64(args, "start")?,
                parse_u64(args, "stop")?,
                parse_u64(args, "step")?,
            );
            let n = length(start.into(), stop.into(), step.into())?;
            let fill = progression(ctx.local_range(n).start, move |i| {
                start.wrapping_add((i as u64).wrapping_mul(step))
            });
            symbols.new_entry(dtype, vec![n], |len| ArrayData::UInt64(fill(len)))?
        }
        _ => {
            let (start, stop, step) = (args.int("start")?, args.int("stop")?, args.int("step")?);
            let n = length(start.into(), stop.into(), step.into())?;
            let fill = progression(ctx.local_range(n).start, move |i| {
                start.wrapping_add((i as i64).wrapping_mul(step))
            });
            symbols.new_entry(dtype, vec![n], |len| ArrayData::Int64(fill(len)))?
        }
    };
    Ok(ctx.created(entry))
}

/// A one-element array holding `value`. The reply gives shape `[]` with rank
/// 1, as the original does: the client treats the array as 0-d, but sends
/// rank-1 commands for it. Its one element is on the rank whose block holds
/// global index 0 (the others hold empty blocks).
pub fn create_scalar_array(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let value = scalar_arg(args, "value", dtype)?;
    let symbols = &ctx.shared.symbols;
    let entry = symbols.new_entry(dtype, vec![1], |len| match value {
        Scalar::I(x) => ArrayData::Int64(vec![x; len]),
        Scalar::U(x) => ArrayData::UInt64(vec![x; len]),
        Scalar::U8(x) => ArrayData::UInt8(vec![x; len]),
        Scalar::F(x) => ArrayData::Float64(vec![x; len]),
        Scalar::B(x) => ArrayData::Bool(vec![x; len]),
    })?;
    let name = ctx.store_named(entry);
    let msg = format!(
        "created {name} {} 1 1 [] {}",
        dtype.name(),
        dtype.itemsize()
    );
    Ok(Reply::normal(msg))
}
