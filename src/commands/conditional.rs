//! `ak.where` (and through it `ak.clip`): pick `a[i]` where `condition[i]`
//! holds, else `b[i]`.
//!
//! The client sends `wherevv<1,ta,tb>` (arrays `a` and `b`),
//! `wherevs_<tb><1,ta>` (array `a`, scalar `b`), `wheresv_<ta><1,tb>`
//! (scalar `a`, array `b`) and `wheress_<ta>_<tb><1>` (two scalars), always
//! with the array `condition` (bool, or any type read as nonzero); scalar types are float64, int64,
//! uint64 or bool. The result has NumPy's promotion of the two operand types
//! (int64 with uint64 gives float64, bool with X gives X), scalars counting
//! with their declared type.
//!
//! Runs on every rank, each on its own blocks (the condition and the arrays
//! have one global size, hence the same blocks).

use super::operands::scalar_arg;
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::cast::convert;
use crate::kernels::elem::{Side, promote};
use crate::kernels::select::choose;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

/// Scalar types the client names in the command.
const SCALAR_TYPES: [DType; 4] = [DType::Float64, DType::Int64, DType::UInt64, DType::Bool];

pub fn register(map: &mut CommandMap) {
    const M: &str = "EfuncMsg";
    for a in DType::ALL {
        for b in DType::ALL {
            let cmd = format!("wherevv<1,{},{}>", a.name(), b.name());
            map.add(cmd, handler!(wherevv), Kind::Tracked, M)
                .everywhere();
        }
        for s in SCALAR_TYPES {
            let (s, t) = (s.name(), a.name());
            map.add(
                format!("wherevs_{s}<1,{t}>"),
                handler!(wherevs),
                Kind::Tracked,
                M,
            )
            .everywhere();
            map.add(
                format!("wheresv_{s}<1,{t}>"),
                handler!(wheresv),
                Kind::Tracked,
                M,
            )
            .everywhere();
        }
    }
    for x in SCALAR_TYPES {
        for y in SCALAR_TYPES {
            let cmd = format!("wheress_{}_{}<1>", x.name(), y.name());
            map.add(cmd, handler!(wheress), Kind::Tracked, M)
                .everywhere();
        }
    }
}

fn compute(out: DType, cond: &[bool], a: &Side, b: &Side) -> ArrayData {
    match out {
        DType::Int64 => ArrayData::Int64(choose(cond, a, b)),
        DType::UInt64 => ArrayData::UInt64(choose(cond, a, b)),
        DType::UInt8 => ArrayData::UInt8(choose(cond, a, b)),
        DType::Float64 => ArrayData::Float64(choose(cond, a, b)),
        DType::Bool => ArrayData::Bool(choose(cond, a, b)),
    }
}

/// Array or scalar types named by the command, as (first, second).
fn operand_types(ctx: &Ctx) -> Result<(DType, DType), CommandError> {
    let bad = || CommandError::value(format!("cannot read the operand types from {}", ctx.cmd));
    let params = ctx.type_params();
    let param = |i: usize| params.get(i).and_then(|d| DType::from_name(d));
    let name = ctx.cmd.split_once('<').map_or(ctx.cmd, |(n, _)| n);
    let mut scalars = name.split('_').skip(1).map(DType::from_name);
    let mut next_scalar = || scalars.next().flatten().ok_or_else(bad);
    let types = match name.get(..7) {
        Some("wherevv") => (param(1), param(2)),
        Some("wherevs") => (param(1), Some(next_scalar()?)),
        Some("wheresv") => (Some(next_scalar()?), param(1)),
        _ => (Some(next_scalar()?), Some(next_scalar()?)),
    };
    match types {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(bad()),
    }
}

fn where_any(args: &Args, ctx: &Ctx, a_arr: bool, b_arr: bool) -> Result<Reply, CommandError> {
    let (ta, tb) = operand_types(ctx)?;
    let cond = ctx.shared.symbols.get(args.str("condition")?)?;
    // A numeric condition means "nonzero", as in NumPy; its bool copy is
    // reserved like any array while it lives.
    let as_bool = match &cond.data {
        ArrayData::Bool(_) => None,
        other => Some(
            ctx.shared
                .symbols
                .new_entry(DType::Bool, cond.shape.clone(), |_| {
                    convert(other, DType::Bool)
                })?,
        ),
    };
    let ArrayData::Bool(c) = as_bool.as_ref().map_or(&cond.data, |e| &e.data) else {
        unreachable!("converted to bool above");
    };
    let a = a_arr.then(|| ctx.typed_array(args, "a", ta)).transpose()?;
    let b = b_arr.then(|| ctx.typed_array(args, "b", tb)).transpose()?;
    for (key, arr) in [("a", &a), ("b", &b)] {
        if let Some(arr) = arr
            && arr.size() != cond.size()
        {
            return Err(CommandError::value(format!(
                "size mismatch: condition {} has {} elements but {} has {}",
                args.str("condition")?,
                cond.size(),
                args.str(key)?,
                arr.size()
            )));
        }
    }
    let left = match &a {
        Some(e) => Side::Arr(&e.data),
        None => Side::Val(scalar_arg(args, "a", ta)?),
    };
    let right = match &b {
        Some(e) => Side::Arr(&e.data),
        None => Side::Val(scalar_arg(args, "b", tb)?),
    };
    let out = promote(left.dtype(), right.dtype());
    let symbols = &ctx.shared.symbols;
    let entry = symbols.new_entry(out, cond.shape.clone(), |_| compute(out, c, &left, &right))?;
    Ok(ctx.created(entry))
}

pub fn wherevv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    where_any(args, ctx, true, true)
}

pub fn wherevs(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    where_any(args, ctx, true, false)
}

pub fn wheresv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    where_any(args, ctx, false, true)
}

pub fn wheress(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    where_any(args, ctx, false, false)
}
