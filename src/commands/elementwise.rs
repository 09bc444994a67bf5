//! Element-wise functions of one array (`abs`, `sgn`, `floor`, `ceil`,
//! `trunc`, `round`, `square`, `exp`, `expm1`, `log`, `log2`, `log10`,
//! `log1p`, the trigonometric and hyperbolic functions and their inverses,
//! `popcount`, `parity`, `clz`, `ctz`), the float tests `isnan<1>`,
//! `isinf<1>`, `isfinite<1>`, and `arctan2` of two operands.
//!
//! Names carry the array's type, `sin<float64,1>`; the array argument is
//! `x` or `pda` as the client sends it for that function (`round` also
//! takes `n`, the decimals). `arctan2vv<ta,1,tb>` takes arrays `a` and `b`;
//! `arctan2vs_<ts><ta,1>` an array `a` and a scalar `b`;
//! `arctan2sv_<ts><tb,1>` a scalar `a` and an array `b`.
//!
//! Results are NumPy 2's:
//!
//! * `abs`, `sgn`, `square`, `floor`, `ceil`, `trunc` keep the type
//!   (integer `abs` and `square` wrap; `floor`/`ceil`/`trunc` of integers
//!   and bool return the values unchanged; `sgn` of NaN is NaN);
//! * `round` rounds half to even at `n` decimals the way NumPy does it
//!   (`rint(x * 10**n) / 10**n`, or `rint(x / 10**-n) * 10**-n`); integers
//!   keep their values for `n >= 0` and go through float64 otherwise;
//! * the transcendental functions give float64 for every type (for uint8
//!   and bool NumPy rounds the same values to float16, a type Arkouda does
//!   not have; float64 keeps them exact) and are computed with the C library's functions, as NumPy does
//!   on x86-64 without AVX-512 (bit for bit), except `tanh`, for which
//!   NumPy uses its own AVX2 code (up to 2 ulp apart);
//! * `isnan`, `isinf`, `isfinite` give bool; integer and bool arrays are
//!   never NaN or infinite;
//! * `popcount`, `parity`, `clz`, `ctz` are Arkouda's: on the 64 bits of
//!   int64 or uint64, the type kept, and `ctz(0)` is 0.
//!
//! Where NumPy would give float16 or int8 otherwise (`square` and `round`
//! of bool, `sgn` of bool), the command is refused with a `TypeError`
//! naming the function and type.
//!
//! All run on every rank, each on its own block: nothing moves.

use super::operands::same_size;
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::cast::{f64_to_i64, f64_to_u64};
use crate::kernels::elem::{Scalar, Side, promote};
use crate::kernels::math::{
    BitFn, FloatFn, FloatSrc, atan2_all, bits_i64, bits_u64, float_fn, round_all, sgn_f64,
};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
    Abs,
    Sgn,
    Square,
    Floor,
    Ceil,
    Trunc,
    Round,
    Float(FloatFn),
    Bits(BitFn),
}

/// Command name, function and the key of its array argument.
const FUNCS: [(&str, Func, &str); 29] = [
    ("abs", Func::Abs, "pda"),
    ("sgn", Func::Sgn, "pda"),
    ("square", Func::Square, "x"),
    ("floor", Func::Floor, "x"),
    ("ceil", Func::Ceil, "x"),
    ("trunc", Func::Trunc, "x"),
    ("round", Func::Round, "x"),
    ("exp", Func::Float(FloatFn::Exp), "pda"),
    ("expm1", Func::Float(FloatFn::Expm1), "pda"),
    ("log", Func::Float(FloatFn::Log), "pda"),
    ("log2", Func::Float(FloatFn::Log2), "pda"),
    ("log10", Func::Float(FloatFn::Log10), "pda"),
    ("log1p", Func::Float(FloatFn::Log1p), "pda"),
    ("sin", Func::Float(FloatFn::Sin), "x"),
    ("cos", Func::Float(FloatFn::Cos), "x"),
    ("tan", Func::Float(FloatFn::Tan), "x"),
    ("arcsin", Func::Float(FloatFn::Arcsin), "x"),
    ("arccos", Func::Float(FloatFn::Arccos), "x"),
    ("arctan", Func::Float(FloatFn::Arctan), "x"),
    ("sinh", Func::Float(FloatFn::Sinh), "x"),
    ("cosh", Func::Float(FloatFn::Cosh), "x"),
    ("tanh", Func::Float(FloatFn::Tanh), "x"),
    ("arcsinh", Func::Float(FloatFn::Arcsinh), "x"),
    ("arccosh", Func::Float(FloatFn::Arccosh), "x"),
    ("arctanh", Func::Float(FloatFn::Arctanh), "x"),
    ("popcount", Func::Bits(BitFn::Popcount), "pda"),
    ("parity", Func::Bits(BitFn::Parity), "pda"),
    ("clz", Func::Bits(BitFn::Clz), "pda"),
    ("ctz", Func::Bits(BitFn::Ctz), "pda"),
];

const FLOAT_TESTS: [&str; 3] = ["isnan", "isinf", "isfinite"];

/// Scalar types the client names in `arctan2vs_<t>` / `arctan2sv_<t>`.
const SCALAR_TYPES: [DType; 4] = [DType::Float64, DType::Int64, DType::UInt64, DType::Bool];

pub fn register(map: &mut CommandMap) {
    const M: &str = "EfuncMsg";
    for dtype in DType::ALL {
        let t = dtype.name();
        for (name, _, _) in FUNCS {
            map.add(format!("{name}<{t},1>"), handler!(unary), Kind::Tracked, M)
                .everywhere();
        }
        for other in DType::ALL {
            let cmd = format!("arctan2vv<{t},1,{}>", other.name());
            map.add(cmd, handler!(arctan2vv), Kind::Tracked, M)
                .everywhere();
        }
        for s in SCALAR_TYPES {
            let s = s.name();
            let (vs, sv) = (
                format!("arctan2vs_{s}<{t},1>"),
                format!("arctan2sv_{s}<{t},1>"),
            );
            map.add(vs, handler!(arctan2vs), Kind::Tracked, M)
                .everywhere();
            map.add(sv, handler!(arctan2sv), Kind::Tracked, M)
                .everywhere();
        }
    }
    for name in FLOAT_TESTS {
        map.add(format!("{name}<1>"), handler!(float_test), Kind::Tracked, M)
            .everywhere();
    }
}

/// The function name of a command: `sin<float64,1>` gives `sin`.
fn base_name<'a>(ctx: &Ctx<'a>) -> &'a str {
    ctx.cmd.split_once('<').map_or(ctx.cmd, |(n, _)| n)
}

fn unsupported(ctx: &Ctx, func: &str, dtype: DType, why: &str) -> CommandError {
    CommandError::Unclassed(format!(
        "TypeError: {}: {func} is not supported for {}{why}",
        ctx.cmd,
        dtype.name()
    ))
}

/// Builds a result array once its memory is reserved.
type Compute<'a> = Box<dyn FnOnce() -> ArrayData + 'a>;

/// The result type of `func` on `data`, and how to compute it; `Err` with
/// the reason text when NumPy's result type is not one the server holds.
fn plan<'a>(func: Func, data: &'a ArrayData, n: i64) -> Result<(DType, Compute<'a>), &'static str> {
    use ArrayData as A;
    let same = data.dtype();
    let copy = || -> Compute<'a> { Box::new(move || data.clone()) };
    Ok(match (func, data) {
        (Func::Abs, A::Int64(v)) => (
            same,
            Box::new(|| A::Int64(kernels::map(v, i64::wrapping_abs))),
        ),
        (Func::Abs, A::Float64(v)) => (same, Box::new(|| A::Float64(kernels::map(v, f64::abs)))),
        (Func::Abs, _) => (same, copy()),
        (Func::Sgn, A::Int64(v)) => (same, Box::new(|| A::Int64(kernels::map(v, i64::signum)))),
        (Func::Sgn, A::UInt64(v)) => (
            same,
            Box::new(|| A::UInt64(kernels::map(v, |x| u64::from(x != 0)))),
        ),
        (Func::Sgn, A::UInt8(v)) => (
            same,
            Box::new(|| A::UInt8(kernels::map(v, |x| u8::from(x != 0)))),
        ),
        (Func::Sgn, A::Float64(v)) => (same, Box::new(|| A::Float64(kernels::map(v, sgn_f64)))),
        (Func::Sgn, A::Bool(_)) => return Err(" (NumPy has no sign for bool)"),
        (Func::Square, A::Int64(v)) => (
            same,
            Box::new(|| A::Int64(kernels::map(v, |x| x.wrapping_mul(x)))),
        ),
        (Func::Square, A::UInt64(v)) => (
            same,
            Box::new(|| A::UInt64(kernels::map(v, |x| x.wrapping_mul(x)))),
        ),
        (Func::Square, A::UInt8(v)) => (
            same,
            Box::new(|| A::UInt8(kernels::map(v, |x| x.wrapping_mul(x)))),
        ),
        (Func::Square, A::Float64(v)) => {
            (same, Box::new(|| A::Float64(kernels::map(v, |x| x * x))))
        }
        (Func::Square, A::Bool(_)) => return Err(" (NumPy gives int8)"),
        (Func::Floor, A::Float64(v)) => {
            (same, Box::new(|| A::Float64(kernels::map(v, f64::floor))))
        }
        (Func::Ceil, A::Float64(v)) => (same, Box::new(|| A::Float64(kernels::map(v, f64::ceil)))),
        (Func::Trunc, A::Float64(v)) => {
            (same, Box::new(|| A::Float64(kernels::map(v, f64::trunc))))
        }
        (Func::Floor | Func::Ceil | Func::Trunc, _) => (same, copy()),
        (Func::Round, A::Float64(v)) => (
            same,
            Box::new(move || A::Float64(round_all(v, n, |x| x, |x| x))),
        ),
        (Func::Round, A::Bool(_)) => return Err(" (NumPy gives float16)"),
        (Func::Round, _) if n >= 0 => (same, copy()),
        // NumPy goes through float64 and casts back.
        (Func::Round, A::Int64(v)) => (
            same,
            Box::new(move || A::Int64(round_all(v, n, |x| x as f64, f64_to_i64))),
        ),
        (Func::Round, A::UInt64(v)) => (
            same,
            Box::new(move || A::UInt64(round_all(v, n, |x| x as f64, f64_to_u64))),
        ),
        (Func::Round, _) => return Err(" with negative decimals (NumPy computes in float16)"),
        (Func::Float(f), _) => {
            let (src, f) = (FloatSrc::of(data), float_fn(f));
            (DType::Float64, Box::new(move || A::Float64(src.map(f))))
        }
        (Func::Bits(f), A::Int64(v)) => (same, Box::new(move || A::Int64(bits_i64(f, v)))),
        (Func::Bits(f), A::UInt64(v)) => (same, Box::new(move || A::UInt64(bits_u64(f, v)))),
        (Func::Bits(_), _) => return Err(" (only int64 and uint64)"),
    })
}

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

fn store(ctx: &Ctx, shape: &[usize], out: DType, compute: Compute) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let entry = symbols.new_entry(out, shape.to_vec(), |_| compute())?;
    Ok(ctx.created(entry))
}

/// Every function of [`FUNCS`], chosen by the command's name.
pub fn unary(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = base_name(ctx);
    let (_, func, key) = FUNCS
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| CommandError::value(format!("unknown function {name}")))?;
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, key, dtype)?;
    let n = if func == Func::Round {
        args.int("n")?
    } else {
        0
    };
    let (out, compute) = plan(func, &entry.data, n).map_err(|why| {
        let shown = if name == "sgn" { "sign" } else { name };
        unsupported(ctx, shown, dtype, why)
    })?;
    store(ctx, &entry.shape, out, compute)
}

/// `isnan<1>`, `isinf<1>`, `isfinite<1>` of an array of any type.
pub fn float_test(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = base_name(ctx);
    let entry = ctx.shared.symbols.get(args.str("pda")?)?;
    let data = &entry.data;
    let compute: Compute = match data {
        // One loop per test, each inlined (a function pointer called per
        // element ran at half NumPy's speed).
        ArrayData::Float64(v) => Box::new(move || {
            ArrayData::Bool(match name {
                "isnan" => kernels::map(v, f64::is_nan),
                "isinf" => kernels::map(v, f64::is_infinite),
                _ => kernels::map(v, f64::is_finite),
            })
        }),
        // Integers and bools are finite numbers.
        _ => Box::new(move || ArrayData::Bool(vec![name == "isfinite"; data.len()])),
    };
    store(ctx, &entry.shape, DType::Bool, compute)
}

/// A scalar argument `key` read as `dtype`, as float64.
fn scalar_as_f64(args: &Args, key: &str, dtype: DType) -> Result<f64, CommandError> {
    let val = args.str(key)?;
    let bad = |ty: &'static str| CommandError::BadScalar {
        val: val.to_string(),
        ty,
    };
    Ok(match dtype {
        DType::Int64 => args.int(key)? as f64,
        DType::UInt64 => val.trim().parse::<u64>().map_err(|_| bad("uint(64)"))? as f64,
        DType::UInt8 => val.trim().parse::<u8>().map_err(|_| bad("uint(8)"))?.into(),
        DType::Float64 => args.real(key)?,
        DType::Bool => u8::from(args.bool(key)?).into(),
    })
}

/// The type of the scalar in `arctan2vs_<t>` / `arctan2sv_<t>`.
fn scalar_type(ctx: &Ctx) -> Result<DType, CommandError> {
    base_name(ctx)
        .split_once('_')
        .and_then(|(_, t)| DType::from_name(t))
        .ok_or_else(|| CommandError::value(format!("cannot read the scalar type from {}", ctx.cmd)))
}

/// Refuses the type pairs for which NumPy's arctan2 gives float16.
fn check_arctan2(ctx: &Ctx, ta: DType, tb: DType) -> Result<(), CommandError> {
    if matches!(
        promote(ta, tb),
        DType::Int64 | DType::UInt64 | DType::Float64
    ) {
        return Ok(());
    }
    Err(CommandError::Unclassed(format!(
        "TypeError: {}: arctan2 is not supported for {} and {} (NumPy gives float16)",
        ctx.cmd,
        ta.name(),
        tb.name()
    )))
}

fn arctan2(ctx: &Ctx, entry: &ArrayEntry, a: Side, b: Side) -> Result<Reply, CommandError> {
    let len = entry.local_len();
    let compute: Compute = Box::new(move || ArrayData::Float64(atan2_all(len, &a, &b)));
    store(ctx, &entry.shape, DType::Float64, compute)
}

/// `arctan2vv<ta,1,tb>`: arrays `a` and `b` of the same size.
pub fn arctan2vv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (ta, tb) = (ctx.param_type(0)?, ctx.param_type(2)?);
    let a = ctx.typed_array(args, "a", ta)?;
    let b = ctx.typed_array(args, "b", tb)?;
    same_size(args, ("a", &a), ("b", &b))?;
    check_arctan2(ctx, ta, tb)?;
    arctan2(ctx, &a, Side::Arr(&a.data), Side::Arr(&b.data))
}

/// `arctan2vs_<ts><ta,1>`: array `a`, scalar `b`.
pub fn arctan2vs(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (ta, ts) = (ctx.param_type(0)?, scalar_type(ctx)?);
    let a = ctx.typed_array(args, "a", ta)?;
    let y = scalar_as_f64(args, "b", ts)?;
    check_arctan2(ctx, ta, ts)?;
    arctan2(ctx, &a, Side::Arr(&a.data), Side::Val(Scalar::F(y)))
}

/// `arctan2sv_<ts><tb,1>`: scalar `a`, array `b`.
pub fn arctan2sv(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (tb, ts) = (ctx.param_type(0)?, scalar_type(ctx)?);
    let b = ctx.typed_array(args, "b", tb)?;
    let x = scalar_as_f64(args, "a", ts)?;
    check_arctan2(ctx, ts, tb)?;
    arctan2(ctx, &b, Side::Val(Scalar::F(x)), Side::Arr(&b.data))
}
