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

use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::Arc;

mod deferred;

use deferred::{Scaled, VvOperand, fused};

use super::operands::{
    BLOCK, Elem, Fill, Scalar, Side, convert, load, promote, same_size, scalar_arg,
};
use super::{CommandMap, Ctx, Kind, check_dtype};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    RotL,
    RotR,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "+" => Op::Add,
            "-" => Op::Sub,
            "*" => Op::Mul,
            "/" => Op::Div,
            "//" => Op::FloorDiv,
            "%" => Op::Mod,
            "**" => Op::Pow,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            ">" => Op::Gt,
            "<=" => Op::Le,
            ">=" => Op::Ge,
            "&" => Op::And,
            "|" => Op::Or,
            "^" => Op::Xor,
            "<<" => Op::Shl,
            ">>" => Op::Shr,
            "<<<" => Op::RotL,
            ">>>" => Op::RotR,
            _ => return None,
        })
    }

    /// `+=` and the other compound operators (comparisons have none).
    fn parse_compound(s: &str) -> Option<Op> {
        let op = Op::parse(s.strip_suffix('=')?)?;
        let cmp = matches!(op, Op::Eq | Op::Ne | Op::Lt | Op::Gt | Op::Le | Op::Ge);
        (!cmp).then_some(op)
    }

    /// NumPy's name for the operation, as its error messages spell it.
    fn ufunc(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Sub => "subtract",
            Op::Mul => "multiply",
            Op::Div => "divide",
            Op::FloorDiv => "floor_divide",
            Op::Mod => "remainder",
            Op::Pow => "power",
            Op::Eq => "equal",
            Op::Ne => "not_equal",
            Op::Lt => "less",
            Op::Gt => "greater",
            Op::Le => "less_equal",
            Op::Ge => "greater_equal",
            Op::And => "bitwise_and",
            Op::Or => "bitwise_or",
            Op::Xor => "bitwise_xor",
            Op::Shl => "left_shift",
            Op::Shr => "right_shift",
            // NumPy has no rotations; Arkouda's names.
            Op::RotL => "rotl",
            Op::RotR => "rotr",
        }
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
// Element types
// ---------------------------------------------------------------------------

/// Types that results are stored as.
trait Stored: Elem + kernels::Plain {
    fn wrap(v: Vec<Self>) -> ArrayData;
}
macro_rules! stored {
    ($($t:ty => $variant:ident),*) => {$(
        impl Stored for $t {
            fn wrap(v: Vec<Self>) -> ArrayData {
                ArrayData::$variant(v)
            }
        }
    )*};
}
stored!(i64 => Int64, u64 => UInt64, u8 => UInt8, f64 => Float64, bool => Bool);

/// Arithmetic with NumPy's semantics for the type.
trait Arith: Stored {
    fn add(a: Self, b: Self) -> Self;
    fn sub(a: Self, b: Self) -> Self;
    fn mul(a: Self, b: Self) -> Self;
    fn floordiv(a: Self, b: Self) -> Self;
    fn rem(a: Self, b: Self) -> Self;
    fn pow(a: Self, b: Self) -> Self;
}

/// Bitwise operations and shifts with NumPy's semantics for the type.
trait Bits: Stored {
    fn and(a: Self, b: Self) -> Self;
    fn or(a: Self, b: Self) -> Self;
    fn xor(a: Self, b: Self) -> Self;
    fn shl(a: Self, b: Self) -> Self;
    fn shr(a: Self, b: Self) -> Self;
    /// Rotations by the count modulo the bit width (negative counts too).
    fn rotl(a: Self, b: Self) -> Self;
    fn rotr(a: Self, b: Self) -> Self;
}

macro_rules! unsigned_ops {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            fn add(a: Self, b: Self) -> Self { a.wrapping_add(b) }
            fn sub(a: Self, b: Self) -> Self { a.wrapping_sub(b) }
            fn mul(a: Self, b: Self) -> Self { a.wrapping_mul(b) }
            fn floordiv(a: Self, b: Self) -> Self { if b == 0 { 0 } else { a / b } }
            fn rem(a: Self, b: Self) -> Self { if b == 0 { 0 } else { a % b } }
            fn pow(a: Self, b: Self) -> Self {
                let (mut base, mut e, mut acc) = (a, b, 1 as $t);
                while e > 0 {
                    if e & 1 == 1 { acc = acc.wrapping_mul(base); }
                    base = base.wrapping_mul(base);
                    e >>= 1;
                }
                acc
            }
        }
        impl Bits for $t {
            fn and(a: Self, b: Self) -> Self { a & b }
            fn or(a: Self, b: Self) -> Self { a | b }
            fn xor(a: Self, b: Self) -> Self { a ^ b }
            fn shl(a: Self, b: Self) -> Self {
                if b < <$t>::BITS as $t { a << b } else { 0 }
            }
            fn shr(a: Self, b: Self) -> Self {
                if b < <$t>::BITS as $t { a >> b } else { 0 }
            }
            fn rotl(a: Self, b: Self) -> Self { a.rotate_left((b % <$t>::BITS as $t) as u32) }
            fn rotr(a: Self, b: Self) -> Self { a.rotate_right((b % <$t>::BITS as $t) as u32) }
        }
    )*};
}
unsigned_ops!(u64, u8);

impl Arith for i64 {
    fn add(a: Self, b: Self) -> Self {
        a.wrapping_add(b)
    }
    fn sub(a: Self, b: Self) -> Self {
        a.wrapping_sub(b)
    }
    fn mul(a: Self, b: Self) -> Self {
        a.wrapping_mul(b)
    }
    fn floordiv(a: Self, b: Self) -> Self {
        if b == 0 {
            0
        } else if b == -1 {
            a.wrapping_neg()
        } else {
            let q = a / b;
            if a % b != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            }
        }
    }
    fn rem(a: Self, b: Self) -> Self {
        if b == 0 {
            return 0;
        }
        let r = a.wrapping_rem(b);
        if r != 0 && ((r < 0) != (b < 0)) {
            r + b
        } else {
            r
        }
    }
    /// Negative exponents are refused before any element is computed.
    fn pow(a: Self, b: Self) -> Self {
        let (mut base, mut e, mut acc) = (a, b.max(0) as u64, 1i64);
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.wrapping_mul(base);
            }
            base = base.wrapping_mul(base);
            e >>= 1;
        }
        acc
    }
}

impl Bits for i64 {
    fn and(a: Self, b: Self) -> Self {
        a & b
    }
    fn or(a: Self, b: Self) -> Self {
        a | b
    }
    fn xor(a: Self, b: Self) -> Self {
        a ^ b
    }
    /// Shift counts outside 0..64 (negative ones too) shift everything out.
    fn shl(a: Self, b: Self) -> Self {
        if (0..64).contains(&b) { a << b } else { 0 }
    }
    fn shr(a: Self, b: Self) -> Self {
        if (0..64).contains(&b) {
            a >> b
        } else if a < 0 {
            -1
        } else {
            0
        }
    }
    fn rotl(a: Self, b: Self) -> Self {
        a.rotate_left(b.rem_euclid(64) as u32)
    }
    fn rotr(a: Self, b: Self) -> Self {
        a.rotate_right(b.rem_euclid(64) as u32)
    }
}

impl Arith for f64 {
    fn add(a: Self, b: Self) -> Self {
        a + b
    }
    fn sub(a: Self, b: Self) -> Self {
        a - b
    }
    fn mul(a: Self, b: Self) -> Self {
        a * b
    }
    /// NumPy's `npy_floor_divide`.
    fn floordiv(a: Self, b: Self) -> Self {
        if b == 0.0 {
            return a / b;
        }
        float_divmod(a, b).0
    }
    /// NumPy's `npy_remainder`: the sign of the divisor.
    fn rem(a: Self, b: Self) -> Self {
        if b == 0.0 {
            return a % b;
        }
        float_divmod(a, b).1
    }
    fn pow(a: Self, b: Self) -> Self {
        a.powf(b)
    }
}

/// NumPy's `npy_divmod` for a non-zero divisor.
fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0f64.copysign(a / b)
    };
    (floordiv, m)
}

/// bool `+` is `or` and `*` is `and`, as in NumPy; the other operations
/// are computed as uint8 or refused (see [`plan`]).
impl Arith for bool {
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn floordiv(a: Self, b: Self) -> Self {
        a & b
    }
    fn rem(_: Self, _: Self) -> Self {
        false
    }
    fn pow(a: Self, b: Self) -> Self {
        a | !b
    }
}

impl Bits for bool {
    fn and(a: Self, b: Self) -> Self {
        a & b
    }
    fn or(a: Self, b: Self) -> Self {
        a | b
    }
    fn xor(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn shl(a: Self, b: Self) -> Self {
        a & !b
    }
    fn shr(a: Self, b: Self) -> Self {
        a & !b
    }
    /// Never planned for bool (see [`plan`]); rotating one bit keeps it.
    fn rotl(a: Self, _: Self) -> Self {
        a
    }
    fn rotr(a: Self, _: Self) -> Self {
        a
    }
}

// ---------------------------------------------------------------------------
// Kernels
// ---------------------------------------------------------------------------

/// `f(a[i], b[i])` for every i, both operands converted to `C`.
fn apply<C: Elem, O: kernels::Plain + Send>(
    n: usize,
    a: &Side,
    b: &Side,
    f: impl Fn(C, C) -> O + Sync,
) -> Vec<O> {
    let stream = kernels::streams::<O>(n);
    // Operands that need no conversion are read in place (or, if deferred,
    // computed straight into a block): the common same-type case then
    // streams from memory to memory.
    if let (Some(x), Some(y)) = (Operand::of(a), Operand::of(b)) {
        return kernels::build(n, |start, out: &mut [MaybeUninit<O>]| {
            let mut xa = [C::default(); BLOCK];
            let mut xb = [C::default(); BLOCK];
            for (k, block) in out.chunks_mut(BLOCK).enumerate() {
                let r = start + k * BLOCK..start + k * BLOCK + block.len();
                match (x, y) {
                    (Operand::Const(x), Operand::Const(y)) => {
                        kernels::write_each(block, stream, |_| f(x, y));
                    }
                    (x, Operand::Const(y)) => {
                        let x = x.block(r, &mut xa);
                        kernels::write_each(block, stream, |i| f(x[i], y));
                    }
                    (Operand::Const(x), y) => {
                        let y = y.block(r, &mut xb);
                        kernels::write_each(block, stream, |i| f(x, y[i]));
                    }
                    (x, y) => {
                        let (x, y) = (x.block(r.clone(), &mut xa), y.block(r, &mut xb));
                        kernels::write_each(block, stream, |i| f(x[i], y[i]));
                    }
                }
            }
        });
    }
    kernels::build(n, |start, out: &mut [MaybeUninit<O>]| {
        let mut xa = [C::default(); BLOCK];
        let mut xb = [C::default(); BLOCK];
        for (k, block) in out.chunks_mut(BLOCK).enumerate() {
            let s = start + k * BLOCK;
            let m = block.len();
            load(a, s, &mut xa[..m]);
            load(b, s, &mut xb[..m]);
            let (x, y) = (&xa[..m], &xb[..m]);
            kernels::write_each(block, stream, |i| f(x[i], y[i]));
        }
    })
}

/// An operand read without conversion.
#[derive(Clone, Copy)]
enum Operand<'a, C> {
    Slice(&'a [C]),
    /// Deferred elements of type `C`, computed a block at a time.
    Lazy(&'a dyn Fill),
    Const(C),
}

impl<'a, C: Elem> Operand<'a, C> {
    fn of(side: &Side<'a>) -> Option<Self> {
        match side {
            Side::Arr(d) => C::view(d).map(Operand::Slice),
            Side::Val(v) => Some(Operand::Const(C::from_scalar(*v))),
            Side::Lazy(f) => {
                let same = C::block(&mut []).is_some_and(|b| b.dtype() == f.dtype());
                same.then_some(Operand::Lazy(*f))
            }
        }
    }

    /// Elements `r` (at most [`BLOCK`]): in place, or computed into `buf`.
    fn block<'b>(self, r: Range<usize>, buf: &'b mut [C; BLOCK]) -> &'b [C]
    where
        'a: 'b,
    {
        match self {
            Operand::Slice(v) => &v[r],
            Operand::Lazy(f) => {
                let buf = &mut buf[..r.len()];
                f.fill(r.start, C::block(buf).expect("checked in Operand::of"));
                buf
            }
            Operand::Const(_) => unreachable!("constants have no blocks"),
        }
    }
}

fn arith<C: Arith>(op: Op, n: usize, a: &Side, b: &Side) -> ArrayData {
    C::wrap(match op {
        Op::Add => apply(n, a, b, C::add),
        Op::Sub => apply(n, a, b, C::sub),
        Op::Mul => apply(n, a, b, C::mul),
        Op::FloorDiv => apply(n, a, b, C::floordiv),
        Op::Mod => apply(n, a, b, C::rem),
        _ => apply(n, a, b, C::pow),
    })
}

fn bits<C: Bits>(op: Op, n: usize, a: &Side, b: &Side) -> ArrayData {
    C::wrap(match op {
        Op::And => apply(n, a, b, C::and),
        Op::Or => apply(n, a, b, C::or),
        Op::Xor => apply(n, a, b, C::xor),
        Op::Shl => apply(n, a, b, C::shl),
        Op::RotL => apply(n, a, b, C::rotl),
        Op::RotR => apply(n, a, b, C::rotr),
        _ => apply(n, a, b, C::shr),
    })
}

fn compare<C: Elem>(op: Op, n: usize, a: &Side, b: &Side) -> ArrayData {
    ArrayData::Bool(match op {
        Op::Eq => apply(n, a, b, |x: C, y: C| x == y),
        Op::Ne => apply(n, a, b, |x: C, y: C| x != y),
        Op::Lt => apply(n, a, b, |x: C, y: C| x < y),
        Op::Gt => apply(n, a, b, |x: C, y: C| x > y),
        Op::Le => apply(n, a, b, |x: C, y: C| x <= y),
        _ => apply(n, a, b, |x: C, y: C| x >= y),
    })
}

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
            DType::Int64 => arith::<i64>(op, n, a, b),
            DType::UInt64 => arith::<u64>(op, n, a, b),
            DType::UInt8 => arith::<u8>(op, n, a, b),
            DType::Float64 => arith::<f64>(op, n, a, b),
            DType::Bool => arith::<bool>(op, n, a, b),
        },
        Plan::Bits(t) => match t {
            DType::Int64 => bits::<i64>(op, n, a, b),
            DType::UInt64 => bits::<u64>(op, n, a, b),
            DType::UInt8 => bits::<u8>(op, n, a, b),
            _ => bits::<bool>(op, n, a, b),
        },
        Plan::Cmp(CmpIn::Wide) => compare::<i128>(op, n, a, b),
        Plan::Cmp(CmpIn::Same(t)) => match t {
            DType::Int64 => compare::<i64>(op, n, a, b),
            DType::UInt64 => compare::<u64>(op, n, a, b),
            DType::UInt8 => compare::<u8>(op, n, a, b),
            DType::Float64 => compare::<f64>(op, n, a, b),
            DType::Bool => compare::<bool>(op, n, a, b),
        },
    }
}

// ---------------------------------------------------------------------------
// In-place kernels
// ---------------------------------------------------------------------------

/// An element type an array holds, convertible to any operand type (and a
/// result back to the array's type, with NumPy's casts).
trait Native: Elem {
    fn to<C: Elem>(self) -> C;
}

macro_rules! native {
    ($($t:ty => $from:ident),*) => {$(
        impl Native for $t {
            fn to<C: Elem>(self) -> C { C::$from(self) }
        }
    )*};
}
native!(i64 => from_i64, u64 => from_u64, u8 => from_u8, f64 => from_f64, bool => from_bool);

/// Runs `f(start, chunk)` over consecutive chunks of `v`, on every core
/// once `v` is large enough.
fn for_chunks<T: Send>(v: &mut [T], f: impl Fn(usize, &mut [T]) + Sync) {
    let threads = kernels::threads_for(v.len());
    if threads == 1 {
        return f(0, v);
    }
    let per = v.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (k, chunk) in v.chunks_mut(per).enumerate() {
            let f = &f;
            s.spawn(move || f(k * per, chunk));
        }
    });
}

/// `out[i] = f(out[i], b[i])` with both operands converted to `C` and the
/// result cast back to the array's type.
fn combine<T: Native, C: Elem, R: Native>(out: &mut [T], b: &Side, f: impl Fn(C, C) -> R + Sync) {
    for_chunks(out, |start, chunk| {
        let mut xa = [C::default(); BLOCK];
        let mut xb = [C::default(); BLOCK];
        for (k, block) in chunk.chunks_mut(BLOCK).enumerate() {
            let m = block.len();
            convert(block, &mut xa[..m], T::to::<C>);
            load(b, start + k * BLOCK, &mut xb[..m]);
            for ((o, x), y) in block.iter_mut().zip(&xa[..m]).zip(&xb[..m]) {
                *o = f(*x, *y).to::<T>();
            }
        }
    });
}

fn arith_into<T: Native, C: Arith + Native>(op: Op, out: &mut [T], b: &Side) {
    match op {
        Op::Add => combine(out, b, C::add),
        Op::Sub => combine(out, b, C::sub),
        Op::Mul => combine(out, b, C::mul),
        Op::FloorDiv => combine(out, b, C::floordiv),
        Op::Mod => combine(out, b, C::rem),
        _ => combine(out, b, C::pow),
    }
}

fn bits_into<T: Native, C: Bits + Native>(op: Op, out: &mut [T], b: &Side) {
    match op {
        Op::And => combine(out, b, C::and),
        Op::Or => combine(out, b, C::or),
        Op::Xor => combine(out, b, C::xor),
        Op::Shl => combine(out, b, C::shl),
        Op::RotL => combine(out, b, C::rotl),
        Op::RotR => combine(out, b, C::rotr),
        _ => combine(out, b, C::shr),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_follows_numpy() {
        // np.array([7, -7, 7, -7]) // np.array([3, 3, -3, -3]) and %.
        let q: Vec<i64> = [(7, 3), (-7, 3), (7, -3), (-7, -3)]
            .iter()
            .map(|&(a, b)| i64::floordiv(a, b))
            .collect();
        assert_eq!(q, [2, -3, -3, 2]);
        let r: Vec<i64> = [(7, 3), (-7, 3), (7, -3), (-7, -3)]
            .iter()
            .map(|&(a, b)| i64::rem(a, b))
            .collect();
        assert_eq!(r, [1, 2, -2, -1]);
        assert_eq!(i64::floordiv(i64::MIN, -1), i64::MIN);
        assert_eq!(i64::rem(i64::MIN, -1), 0);
        assert_eq!((i64::floordiv(5, 0), i64::rem(5, 0)), (0, 0));
        assert_eq!(f64::floordiv(-5.0, 3.0), -2.0);
        assert_eq!(f64::rem(5.0, -3.0), -1.0);
        assert!(f64::rem(1.0, 0.0).is_nan());
        assert_eq!(f64::floordiv(-1.0, 0.0), f64::NEG_INFINITY);
    }
}
