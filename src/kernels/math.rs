//! Unary numeric kernels with NumPy's results: the float functions (the C
//! library's where Rust's differ), rounding to decimals, signs, bit counts,
//! and `arctan2` of two operands.

use std::mem::MaybeUninit;

use super::elem::{BLOCK, Side, load};
use super::{self as kernels, Plain};
use crate::symbol_table::ArrayData;

// The C library's inverse hyperbolic functions (what NumPy calls): Rust's
// own versions use other formulas and can differ in the last bit.
unsafe extern "C" {
    safe fn asinh(x: f64) -> f64;
    safe fn acosh(x: f64) -> f64;
    safe fn atanh(x: f64) -> f64;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatFn {
    Exp,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Arcsinh,
    Arccosh,
    Arctanh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitFn {
    Popcount,
    Parity,
    Clz,
    Ctz,
}

/// An array read as float64 (NumPy's conversion: nearest).
#[derive(Clone, Copy)]
pub enum FloatSrc<'a> {
    I(&'a [i64]),
    U(&'a [u64]),
    U8(&'a [u8]),
    F(&'a [f64]),
    B(&'a [bool]),
}

impl<'a> FloatSrc<'a> {
    pub fn of(data: &'a ArrayData) -> Self {
        match data {
            ArrayData::Int64(v) => FloatSrc::I(v),
            ArrayData::UInt64(v) => FloatSrc::U(v),
            ArrayData::UInt8(v) => FloatSrc::U8(v),
            ArrayData::Float64(v) => FloatSrc::F(v),
            ArrayData::Bool(v) => FloatSrc::B(v),
        }
    }

    pub fn map(self, f: impl Fn(f64) -> f64 + Sync) -> Vec<f64> {
        match self {
            FloatSrc::I(v) => kernels::map(v, |x| f(x as f64)),
            FloatSrc::U(v) => kernels::map(v, |x| f(x as f64)),
            FloatSrc::U8(v) => kernels::map(v, |x| f(x.into())),
            FloatSrc::F(v) => kernels::map(v, f),
            FloatSrc::B(v) => kernels::map(v, |x| f(u8::from(x).into())),
        }
    }
}

pub fn float_fn(f: FloatFn) -> fn(f64) -> f64 {
    match f {
        FloatFn::Exp => f64::exp,
        FloatFn::Expm1 => f64::exp_m1,
        FloatFn::Log => f64::ln,
        FloatFn::Log2 => f64::log2,
        FloatFn::Log10 => f64::log10,
        FloatFn::Log1p => f64::ln_1p,
        FloatFn::Sin => f64::sin,
        FloatFn::Cos => f64::cos,
        FloatFn::Tan => f64::tan,
        FloatFn::Arcsin => f64::asin,
        FloatFn::Arccos => f64::acos,
        FloatFn::Arctan => f64::atan,
        FloatFn::Sinh => f64::sinh,
        FloatFn::Cosh => f64::cosh,
        FloatFn::Tanh => f64::tanh,
        FloatFn::Arcsinh => |x| asinh(x),
        FloatFn::Arccosh => |x| acosh(x),
        FloatFn::Arctanh => |x| atanh(x),
    }
}

/// NumPy's `power_of_ten`: exact up to 1e22, then repeated products.
pub fn power_of_ten(n: u64) -> f64 {
    const P10: [f64; 9] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
    if n < 9 {
        return P10[n as usize];
    }
    let mut ret: f64 = 1e9;
    let mut k = n;
    // Once infinite, further products change nothing.
    while k > 9 && ret.is_finite() {
        ret *= 10.0;
        k -= 1;
    }
    ret
}

/// NumPy's `round(x, n)` of one float, `f` being `power_of_ten(|n|)`.
pub fn round_one(x: f64, f: f64, n: i64) -> f64 {
    if n >= 0 {
        (x * f).round_ties_even() / f
    } else {
        (x / f).round_ties_even() * f
    }
}

/// `round(x, n)` of every element, read as float64 and stored by `store`.
pub fn round_all<S: Copy + Sync, T: Plain + Send>(
    v: &[S],
    n: i64,
    load: impl Fn(S) -> f64 + Sync,
    store: impl Fn(f64) -> T + Sync,
) -> Vec<T> {
    let f = power_of_ten(n.unsigned_abs());
    kernels::map(v, |x| store(round_one(load(x), f, n)))
}

/// NumPy's `sign` for float64: NaN stays NaN, zeros give +0.0.
pub fn sgn_f64(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

pub fn bits_i64(f: BitFn, v: &[i64]) -> Vec<i64> {
    kernels::map(v, |x| bit_u64(f, x as u64) as i64)
}

pub fn bits_u64(f: BitFn, v: &[u64]) -> Vec<u64> {
    kernels::map(v, |x| bit_u64(f, x))
}

pub fn bit_u64(f: BitFn, x: u64) -> u64 {
    u64::from(match f {
        BitFn::Popcount => x.count_ones(),
        BitFn::Parity => x.count_ones() & 1,
        BitFn::Clz => x.leading_zeros(),
        // Arkouda defines ctz(0) as 0.
        BitFn::Ctz if x == 0 => 0,
        BitFn::Ctz => x.trailing_zeros(),
    })
}

/// `atan2(a[i], b[i])` for `len` elements, converted to float64 a block at
/// a time.
pub fn atan2_all(len: usize, a: &Side, b: &Side) -> Vec<f64> {
    kernels::build(len, |start, out: &mut [MaybeUninit<f64>]| {
        let mut xa = [0.0; BLOCK];
        let mut xb = [0.0; BLOCK];
        for (k, block) in out.chunks_mut(BLOCK).enumerate() {
            let (s, m) = (start + k * BLOCK, block.len());
            load(a, s, &mut xa[..m]);
            load(b, s, &mut xb[..m]);
            for ((o, y), x) in block.iter_mut().zip(&xa[..m]).zip(&xb[..m]) {
                o.write(y.atan2(*x));
            }
        }
    })
}
