//! Arithmetic kernels: NumPy's element functions for each type (wrapping
//! integer arithmetic, floor division and remainder with the divisor's sign,
//! shifts, rotations), the loops that apply them to two operands into a new
//! array or in place, and the fused `x op (y op k)` loops of deferred
//! operands. The dtype dispatch (which type an operation computes in) is the
//! handler's, `commands/binops`.

use std::mem::MaybeUninit;
use std::ops::Range;

use super::elem::{BLOCK, Elem, Fill, Native, Side, convert, load};
use super::{self as kernels, Plain};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
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
    pub fn parse(s: &str) -> Option<Op> {
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
    pub fn parse_compound(s: &str) -> Option<Op> {
        let op = Op::parse(s.strip_suffix('=')?)?;
        let cmp = matches!(op, Op::Eq | Op::Ne | Op::Lt | Op::Gt | Op::Le | Op::Ge);
        (!cmp).then_some(op)
    }

    /// NumPy's name for the operation, as its error messages spell it.
    pub fn ufunc(self) -> &'static str {
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

// ---------------------------------------------------------------------------
// Element functions
// ---------------------------------------------------------------------------

/// Arithmetic with NumPy's semantics for the type.
pub trait Arith: Elem + Plain {
    fn add(a: Self, b: Self) -> Self;
    fn sub(a: Self, b: Self) -> Self;
    fn mul(a: Self, b: Self) -> Self;
    fn floordiv(a: Self, b: Self) -> Self;
    fn rem(a: Self, b: Self) -> Self;
    fn pow(a: Self, b: Self) -> Self;
}

/// Bitwise operations and shifts with NumPy's semantics for the type.
pub trait Bits: Elem + Plain {
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
/// are computed as uint8 or refused by the handler's plan.
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
    /// Never planned for bool; rotating one bit keeps it.
    fn rotl(a: Self, _: Self) -> Self {
        a
    }
    fn rotr(a: Self, _: Self) -> Self {
        a
    }
}

// ---------------------------------------------------------------------------
// New arrays
// ---------------------------------------------------------------------------

/// `f(a[i], b[i])` for every i, both operands converted to `C`.
pub fn apply<C: Elem, O: Plain + Send>(
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

/// The arithmetic `op` of `a` and `b`, both converted to `C`.
pub fn arith<C: Arith>(op: Op, n: usize, a: &Side, b: &Side) -> Vec<C> {
    match op {
        Op::Add => apply(n, a, b, C::add),
        Op::Sub => apply(n, a, b, C::sub),
        Op::Mul => apply(n, a, b, C::mul),
        Op::FloorDiv => apply(n, a, b, C::floordiv),
        Op::Mod => apply(n, a, b, C::rem),
        _ => apply(n, a, b, C::pow),
    }
}

/// The bitwise `op` of `a` and `b`, both converted to `C`.
pub fn bits<C: Bits>(op: Op, n: usize, a: &Side, b: &Side) -> Vec<C> {
    match op {
        Op::And => apply(n, a, b, C::and),
        Op::Or => apply(n, a, b, C::or),
        Op::Xor => apply(n, a, b, C::xor),
        Op::Shl => apply(n, a, b, C::shl),
        Op::RotL => apply(n, a, b, C::rotl),
        Op::RotR => apply(n, a, b, C::rotr),
        _ => apply(n, a, b, C::shr),
    }
}

/// The comparison `op` of `a` and `b`, both converted to `C`.
pub fn compare<C: Elem>(op: Op, n: usize, a: &Side, b: &Side) -> Vec<bool> {
    match op {
        Op::Eq => apply(n, a, b, |x: C, y: C| x == y),
        Op::Ne => apply(n, a, b, |x: C, y: C| x != y),
        Op::Lt => apply(n, a, b, |x: C, y: C| x < y),
        Op::Gt => apply(n, a, b, |x: C, y: C| x > y),
        Op::Le => apply(n, a, b, |x: C, y: C| x <= y),
        _ => apply(n, a, b, |x: C, y: C| x >= y),
    }
}

// ---------------------------------------------------------------------------
// In place
// ---------------------------------------------------------------------------

/// `out[i] = f(out[i], b[i])` with both operands converted to `C` and the
/// result cast back to the array's type.
pub fn combine<T: Native, C: Elem, R: Native>(
    out: &mut [T],
    b: &Side,
    f: impl Fn(C, C) -> R + Sync,
) {
    kernels::for_chunks(out, |start, chunk| {
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

pub fn arith_into<T: Native, C: Arith + Native>(op: Op, out: &mut [T], b: &Side) {
    match op {
        Op::Add => combine(out, b, C::add),
        Op::Sub => combine(out, b, C::sub),
        Op::Mul => combine(out, b, C::mul),
        Op::FloorDiv => combine(out, b, C::floordiv),
        Op::Mod => combine(out, b, C::rem),
        _ => combine(out, b, C::pow),
    }
}

pub fn bits_into<T: Native, C: Bits + Native>(op: Op, out: &mut [T], b: &Side) {
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

// ---------------------------------------------------------------------------
// Deferred operands
// ---------------------------------------------------------------------------

/// `src op k` (`k op src` when `first`) into `out`, by the element
/// functions [`arith`] uses.
pub fn scale<C: Arith>(op: Op, src: &[C], out: &mut [C], k: C, first: bool) {
    match op {
        Op::Add => each(src, out, k, first, C::add),
        Op::Sub => each(src, out, k, first, C::sub),
        Op::Mul => each(src, out, k, first, C::mul),
        Op::FloorDiv => each(src, out, k, first, C::floordiv),
        Op::Mod => each(src, out, k, first, C::rem),
        _ => each(src, out, k, first, C::pow),
    }
}

/// `f(src[i], k)` (`f(k, src[i])` with `scalar_first`) into `out`.
pub fn each<C: Copy>(src: &[C], out: &mut [C], k: C, scalar_first: bool, f: impl Fn(C, C) -> C) {
    let pairs = out.iter_mut().zip(src);
    if scalar_first {
        pairs.for_each(|(o, x)| *o = f(k, *x));
    } else {
        pairs.for_each(|(o, x)| *o = f(*x, k));
    }
}

/// `x op y` for the operators fused element by element; `swapped` puts the
/// operands the other way round. Addition and multiplication commute
/// exactly (up to which NaN's payload survives, which NumPy leaves open too),
/// so only subtraction and division keep their order.
#[derive(Clone, Copy)]
pub enum Basic {
    Add,
    Mul,
    Sub { swapped: bool },
    Div { swapped: bool },
}

/// The types fused element by element. Only float64 divides in its own type
/// (integer `/` gives float64, so it is never planned for them).
pub trait Fusable: Arith {
    fn div(a: Self, b: Self) -> Self;
}

impl Fusable for f64 {
    fn div(a: Self, b: Self) -> Self {
        a / b
    }
}

macro_rules! integer_fusable {
    ($($t:ty),*) => {$(
        impl Fusable for $t {
            fn div(_: Self, _: Self) -> Self {
                unreachable!("integer division is not planned in its own type")
            }
        }
    )*};
}
integer_fusable!(i64, u64);

/// `outer(x[i], inner(y[i], k))` for every i. The operators are dispatched
/// once, outside the loop, so each combination is its own tight loop.
pub fn fused_as<C: Fusable>(x: &[C], y: &[C], k: C, inner: Basic, outer: Basic) -> Vec<C> {
    match inner {
        Basic::Add => Outer { x, y, op: outer }.with(move |v| C::add(v, k)),
        Basic::Mul => Outer { x, y, op: outer }.with(move |v| C::mul(v, k)),
        Basic::Sub { swapped: false } => Outer { x, y, op: outer }.with(move |v| C::sub(v, k)),
        Basic::Sub { swapped: true } => Outer { x, y, op: outer }.with(move |v| C::sub(k, v)),
        Basic::Div { swapped: false } => Outer { x, y, op: outer }.with(move |v| C::div(v, k)),
        Basic::Div { swapped: true } => Outer { x, y, op: outer }.with(move |v| C::div(k, v)),
    }
}

/// The outer operator and its operands, waiting for the inner function.
struct Outer<'a, C> {
    x: &'a [C],
    y: &'a [C],
    op: Basic,
}

impl<C: Fusable> Outer<'_, C> {
    fn with(self, g: impl Fn(C) -> C + Sync) -> Vec<C> {
        let (x, y) = (self.x, self.y);
        match self.op {
            Basic::Add => kernels::map2(x, y, |a, b| C::add(a, g(b))),
            Basic::Mul => kernels::map2(x, y, |a, b| C::mul(a, g(b))),
            Basic::Sub { swapped: false } => kernels::map2(x, y, |a, b| C::sub(a, g(b))),
            Basic::Sub { swapped: true } => kernels::map2(x, y, |a, b| C::sub(g(b), a)),
            Basic::Div { swapped: false } => kernels::map2(x, y, |a, b| C::div(a, g(b))),
            Basic::Div { swapped: true } => kernels::map2(x, y, |a, b| C::div(g(b), a)),
        }
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
