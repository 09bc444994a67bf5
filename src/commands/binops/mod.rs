//! Element-wise binary operators: `binopvv` (array op array), `binopvs`
//! (array op scalar) and `binopsv` (scalar op array), with NumPy 2's result
//! types and integer semantics.
//!
//! The command names carry the operand types, `binopvv<int64,float64,1>`;
//! for `binopsv` the first type is the array's and the second the scalar's,
//! as the client sends them. Arguments: `op`, `a` (an array name) and `b`
//! (an array name) or `value` (a scalar read as the second type).
//!
//! Result types: `/` gives float64; comparisons give bool; otherwise the
//! operands' promoted type (int64 with uint64 gives float64; anything with
//! float64 gives float64; bool with X gives X). Where NumPy would give int8
//! (bool with bool under `//`, `%`, `**`, `<<`, `>>`) the result is uint8,
//! as in the original server, with the same values. Integer arithmetic wraps;
//! integer `//` and `%` by zero give 0, and their signs follow the divisor as
//! in NumPy; float division by zero gives inf or nan. Comparisons of int64
//! with uint64 are exact.
//!
//! The in-place forms `opeqvv<T,U,1>` (`a op= b`) and `opeqvs<T,1>` (`a op=
//! scalar`, the scalar already cast to T by the client) compute like the
//! binary operator and store the result back into `a`, as NumPy does with
//! `out=a, casting='same_kind'`: a result type that `a` cannot hold under
//! that rule (int64 += float64, int64 /= int64, uint8 += int64, ...) is
//! refused before anything is written.
//!
//! Every form runs on every rank, each on its own blocks (operands of one
//! global size have the same blocks). The checks that read elements (`**`
//! with a negative integer exponent) may fail on one rank only: they come
//! before anything is stored or changed, so the engine gives every rank that
//! error.

use std::sync::Arc;

mod deferred;

use deferred::{Scaled, VvOperand, fused};

use super::operands::{same_size, scalar_arg};
use super::{CommandMap, Ctx, Kind, check_dtype};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::arith::{Op, apply, arith, arith_into, bits, bits_into, combine, compare};
use crate::kernels::elem::Native;
use crate::kernels::elem::{Scalar, Side, promote};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "OperatorMsg";
    for a in DType::ALL {
        for b in DType::ALL {
            let t = format!("<{},{},1>", a.name(), b.name());
            map.add(format!("binopvv{t}"), handler!(binopvv), Kind::Tracked, M)
                .everywhere();
            map.add(format!("binopvs{t}"), handler!(binopvs), Kind::Tracked, M)
                .everywhere();
            map.add(format!("binopsv{t}"), handler!(binopsv), Kind::Tracked, M)
                .everywhere();
            map.add(format!("opeqvv{t}"), handler!(opeqvv), Kind::Tracked, M)
                .everywhere();
        }
        let t = format!("<{},1>", a.name());
        map.add(format!("opeqvs{t}"), handler!(opeqvs), Kind::Tracked, M)
            .everywhere();
    }
}

/// The type comparisons are evaluated in.
#[derive(Clone, Copy)]
enum CmpIn {
    Same(DType),
    /// int64 with uint64: exact, in i128.
    Wide,
}

/// How a (type, type, op) triple is computed.
#[derive(Clone, Copy)]
enum Plan {
    /// Both operands converted to this type; the result has it too.
    Arith(DType),
    Bits(DType),
    TrueDiv,
    Cmp(CmpIn),
}

impl Plan {
    fn out(self) -> DType {
        match self {
            Plan::Arith(t) | Plan::Bits(t) => t,
            Plan::TrueDiv => DType::Float64,
            Plan::Cmp(_) => DType::Bool,
        }
    }
}

fn plan(a: DType, b: DType, op: Op) -> Option<Plan> {
    let p = promote(a, b);
    Some(match op {
        Op::Div => Plan::TrueDiv,
        Op::Eq | Op::Ne | Op::Lt | Op::Gt | Op::Le | Op::Ge => {
            let wide = matches!(
                (a, b),
                (DType::Int64, DType::UInt64) | (DType::UInt64, DType::Int64)
            );
            Plan::Cmp(if wide { CmpIn::Wide } else { CmpIn::Same(p) })
        }
        Op::Add | Op::Mul => Plan::Arith(p),
        Op::Sub if p == DType::Bool => return None,
        Op::Sub => Plan::Arith(p),
        Op::FloorDiv | Op::Mod | Op::Pow if p == DType::Bool => Plan::Arith(DType::UInt8),
        Op::FloorDiv | Op::Mod | Op::Pow => Plan::Arith(p),
        // Rotations are Arkouda's, for 64-bit integers only.
        Op::RotL | Op::RotR if matches!(p, DType::Int64 | DType::UInt64) => Plan::Bits(p),
        Op::RotL | Op::RotR => return None,
        _ if p == DType::Float64 => return None,
        Op::And | Op::Or | Op::Xor => Plan::Bits(p),
        Op::Shl | Op::Shr if p == DType::Bool => Plan::Bits(DType::UInt8),
        Op::Shl | Op::Shr => Plan::Bits(p),
    })
}

// ---------------------------------------------------------------------------
// Dispatch onto the kernels of `kernels::arith`
// ---------------------------------------------------------------------------

/// `x ** 0.5` with a float result is a square root, as in NumPy (whose
/// `ndarray ** 0.5` calls `sqrt`, which also makes it `ak.sqrt`): exact
/// where `pow` may be one unit in the last place off.
fn is_sqrt(plan: Plan, op: Op, b: &Side) -> bool {
    let half = matches!(b, Side::Val(Scalar::F(x)) if *x == 0.5);
    half && op == Op::Pow && matches!(plan, Plan::Arith(DType::Float64))
}

fn compute(plan: Plan, op: Op, n: usize, a: &Side, b: &Side) -> ArrayData {
    if is_sqrt(plan, op, b) {
        return ArrayData::Float64(apply(n, a, b, |x: f64, _: f64| x.sqrt()));
    }
    match plan {
        Plan::TrueDiv => ArrayData::Float64(apply(n, a, b, |x: f64, y: f64| x / y)),
        Plan::Arith(t) => match t {
            DType::Int64 => ArrayData::Int64(arith(op, n, a, b)),
            DType::UInt64 => ArrayData::UInt64(arith(op, n, a, b)),
            DType::UInt8 => ArrayData::UInt8(arith(op, n, a, b)),
            DType::Float64 => ArrayData::Float64(arith(op, n, a, b)),
            DType::Bool => ArrayData::Bool(arith(op, n, a, b)),
        },
        Plan::Bits(t) => match t {
            DType::Int64 => ArrayData::Int64(bits(op, n, a, b)),
            DType::UInt64 => ArrayData::UInt64(bits(op, n, a, b)),
            DType::UInt8 => ArrayData::UInt8(bits(op, n, a, b)),
            _ => ArrayData::Bool(bits(op, n, a, b)),
        },
        Plan::Cmp(CmpIn::Wide) => ArrayData::Bool(compare::<i128>(op, n, a, b)),
        Plan::Cmp(CmpIn::Same(t)) => ArrayData::Bool(match t {
            DType::Int64 => compare::<i64>(op, n, a, b),
            DType::UInt64 => compare::<u64>(op, n, a, b),
            DType::UInt8 => compare::<u8>(op, n, a, b),
            DType::Float64 => compare::<f64>(op, n, a, b),
            DType::Bool => compare::<bool>(op, n, a, b),
        }),
    }
}

fn update_as<T: Native>(plan: Plan, op: Op, out: &mut [T], b: &Side) {
    if is_sqrt(plan, op, b) {
        return combine(out, b, |x: f64, _: f64| x.sqrt());
    }
    match plan {
        Plan::TrueDiv => combine(out, b, |x: f64, y: f64| x / y),
        Plan::Arith(t) => match t {
            DType::Int64 => arith_into::<T, i64>(op, out, b),
            DType::UInt64 => arith_into::<T, u64>(op, out, b),
            DType::UInt8 => arith_into::<T, u8>(op, out, b),
            DType::Float64 => arith_into::<T, f64>(op, out, b),
            DType::Bool => arith_into::<T, bool>(op, out, b),
        },
        Plan::Bits(t) => match t {
            DType::Int64 => bits_into::<T, i64>(op, out, b),
            DType::UInt64 => bits_into::<T, u64>(op, out, b),
            DType::UInt8 => bits_into::<T, u8>(op, out, b),
            _ => bits_into::<T, bool>(op, out, b),
        },
        // Compound operators are never comparisons (`Op::parse_compound`).
        Plan::Cmp(_) => unreachable!("no in-place comparison"),
    }
}

/// `a op= b` on the elements of `a`.
fn update(plan: Plan, op: Op, a: &mut ArrayData, b: &Side) {
    match a {
        ArrayData::Int64(v) => update_as(plan, op, v, b),
        ArrayData::UInt64(v) => update_as(plan, op, v, b),
        ArrayData::UInt8(v) => update_as(plan, op, v, b),
        ArrayData::Float64(v) => update_as(plan, op, v, b),
        ArrayData::Bool(v) => update_as(plan, op, v, b),
    }
}

/// NumPy's `same_kind` casting: within a kind, or to a later one of bool,
/// unsigned, signed, float.
fn same_kind(from: DType, to: DType) -> bool {
    let kind = |d: DType| match d {
        DType::Bool => 0,
        DType::UInt8 | DType::UInt64 => 1,
        DType::Int64 => 2,
        DType::Float64 => 3,
    };
    kind(from) <= kind(to)
}

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    VV,
    VS,
    SV,
}

pub fn binopvv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    binop(args, ctx, Form::VV)
}

pub fn binopvs(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    binop(args, ctx, Form::VS)
}

pub fn binopsv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    binop(args, ctx, Form::SV)
}

fn operand_types(ctx: &Ctx) -> Result<(DType, DType), CommandError> {
    let params = ctx.type_params();
    let dtype = |i: usize| params.get(i).and_then(|d| DType::from_name(d));
    match (dtype(0), dtype(1)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(CommandError::value(format!(
            "cannot read the operand types from {}",
            ctx.cmd
        ))),
    }
}

fn binop(args: &Args, ctx: &Ctx, form: Form) -> Result<Reply, CommandError> {
    let (ta, tb) = operand_types(ctx)?;
    let op_text = args.str("op")?;
    let op = Op::parse(op_text)
        .ok_or_else(|| CommandError::value(format!("Unrecognized operator: {op_text}")))?;
    // `**` checks its exponents for negative integers first, so it reads
    // stored arrays only.
    let fuse = form == Form::VV && op != Op::Pow;
    let a = VvOperand::get(args, ctx, "a", ta, fuse)?;
    let b = match form {
        Form::VV => Some(VvOperand::get(args, ctx, "b", tb, fuse)?),
        _ => None,
    };
    let reader_a = a.reader();
    let reader_b = b.as_ref().map(VvOperand::reader);
    let (left, right) = match (&reader_b, form) {
        (Some(rb), _) => {
            same_size(
                args,
                ("a", a.entry()),
                ("b", b.as_ref().expect("vv").entry()),
            )?;
            (reader_a.side(), rb.side())
        }
        (None, Form::SV) => (Side::Val(scalar_arg(args, "value", tb)?), reader_a.side()),
        (None, _) => (reader_a.side(), Side::Val(scalar_arg(args, "value", tb)?)),
    };
    let (da, db) = (left.dtype(), right.dtype());
    let plan = plan(da, db, op).ok_or_else(|| {
        CommandError::Unclassed(format!(
            "TypeError: {}: operator {op_text} is not supported for {} and {}",
            ctx.cmd,
            da.name(),
            db.name()
        ))
    })?;
    if op == Op::Pow && plan.out() == DType::Int64 && has_negative(&right) {
        return Err(CommandError::value(
            "Integers to negative integer powers are not allowed.",
        ));
    }
    let n = a.entry().size();
    let symbols = &ctx.shared.symbols;
    let recipe = Scaled::of(plan, op, &left, &right, n);
    if let (VvOperand::Array(source), Some(recipe)) = (&a, recipe) {
        let deferred = symbols.new_deferred(plan.out(), Arc::clone(source), Box::new(recipe))?;
        return Ok(ctx.created_deferred(deferred));
    }
    let entry = symbols.new_entry(plan.out(), vec![n], |len| {
        let fused = reader_b
            .as_ref()
            .and_then(|b| fused(plan, op, &reader_a, b));
        fused.unwrap_or_else(|| compute(plan, op, len, &left, &right))
    })?;
    Ok(ctx.created(entry))
}

pub fn opeqvv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    opeq(args, ctx, true)
}

pub fn opeqvs(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    opeq(args, ctx, false)
}

/// `a op= b` (`vv`) or `a op= value`: every check runs before `a` changes.
fn opeq(args: &Args, ctx: &Ctx, vv: bool) -> Result<Reply, CommandError> {
    let params = ctx.type_params();
    let dtype = |i: usize| params.get(i).and_then(|d| DType::from_name(d));
    let (ta, tb) = match (dtype(0), if vv { dtype(1) } else { dtype(0) }) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return Err(CommandError::value(format!(
                "cannot read the operand types from {}",
                ctx.cmd
            )));
        }
    };
    let op_text = args.str("op")?;
    let op = Op::parse_compound(op_text)
        .ok_or_else(|| CommandError::value(format!("Unrecognized operator: {op_text}")))?;
    let name = args.str("a")?;
    // Only the sizes are kept: holding the entry would force `modify` to copy.
    let (n, local) = {
        let a = ctx.typed_array(args, "a", ta)?;
        (a.size(), a.local_len())
    };
    let b = if vv {
        Some(ctx.typed_array(args, "b", tb)?)
    } else {
        None
    };
    let right = match &b {
        Some(b) if b.size() != n => {
            return Err(CommandError::value(format!(
                "size mismatch: {name} has {n} elements but {} has {}",
                args.str("b")?,
                b.size()
            )));
        }
        Some(b) => Side::Arr(&b.data),
        None => Side::Val(scalar_arg(args, "value", ta)?),
    };
    let plan = plan(ta, tb, op).ok_or_else(|| {
        CommandError::Unclassed(format!(
            "TypeError: {}: operator {op_text} is not supported for {} and {}",
            ctx.cmd,
            ta.name(),
            tb.name()
        ))
    })?;
    if !same_kind(plan.out(), ta) {
        // NumPy computes bool-with-bool `//`, `%`, `**` and shifts as int8.
        let out = match plan.out() {
            DType::UInt8 if ta == DType::Bool && tb == DType::Bool => "int8",
            d => d.name(),
        };
        return Err(CommandError::Unclassed(format!(
            "TypeError: Cannot cast ufunc '{}' output from dtype('{out}') to dtype('{}') with casting rule 'same_kind'",
            op.ufunc(),
            ta.name()
        )));
    }
    if op == Op::Pow && plan.out() == DType::Int64 && has_negative(&right) {
        return Err(CommandError::value(
            "Integers to negative integer powers are not allowed.",
        ));
    }
    ctx.modify(name, |data| {
        check_dtype(name, data.dtype(), ta, ctx.cmd)?;
        if data.len() != local {
            return Err(CommandError::value(format!("{name} changed size")));
        }
        update(plan, op, data, &right);
        Ok(())
    })?;
    Ok(Reply::normal(""))
}

fn has_negative(side: &Side) -> bool {
    match side {
        Side::Arr(ArrayData::Int64(v)) => kernels::fold_chunks(v, |c| c.iter().any(|x| *x < 0))
            .into_iter()
            .any(|x| x),
        Side::Val(Scalar::I(x)) => *x < 0,
        _ => false,
    }
}
