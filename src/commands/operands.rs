//! Operands shared by the element-by-element commands (binary operators,
//! in-place operators, `where`, indexing assignments): scalars read as their
//! declared type, an operand that is an array or a scalar, the element
//! types operands are converted to, NumPy's promotion, and blockwise loading.

use crate::error::CommandError;
use crate::protocol::Args;
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

/// A scalar operand, already read as its declared type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar {
    I(i64),
    U(u64),
    U8(u8),
    F(f64),
    B(bool),
}

/// One operand.
pub(crate) enum Side<'a> {
    Arr(&'a ArrayData),
    Val(Scalar),
}

impl Side<'_> {
    pub(crate) fn dtype(&self) -> DType {
        match self {
            Side::Arr(d) => d.dtype(),
            Side::Val(Scalar::I(_)) => DType::Int64,
            Side::Val(Scalar::U(_)) => DType::UInt64,
            Side::Val(Scalar::U8(_)) => DType::UInt8,
            Side::Val(Scalar::F(_)) => DType::Float64,
            Side::Val(Scalar::B(_)) => DType::Bool,
        }
    }
}

/// NumPy's promotion of two array dtypes.
pub(crate) fn promote(a: DType, b: DType) -> DType {
    use DType::*;
    match (a, b) {
        _ if a == b => a,
        (Bool, x) | (x, Bool) => x,
        (Float64, _) | (_, Float64) => Float64,
        (Int64, UInt64) | (UInt64, Int64) => Float64,
        (Int64, UInt8) | (UInt8, Int64) => Int64,
        _ => UInt64, // uint64 with uint8
    }
}

/// A type operands are converted to before an operation.
pub(crate) trait Elem: Copy + Default + PartialOrd + Send + Sync + 'static {
    fn from_i64(x: i64) -> Self;
    fn from_u64(x: u64) -> Self;
    fn from_u8(x: u8) -> Self;
    fn from_f64(x: f64) -> Self;
    fn from_bool(x: bool) -> Self;
    /// The elements of `data` if it holds exactly this type (no conversion
    /// needed).
    fn view(data: &ArrayData) -> Option<&[Self]>;
    fn from_scalar(s: Scalar) -> Self {
        match s {
            Scalar::I(x) => Self::from_i64(x),
            Scalar::U(x) => Self::from_u64(x),
            Scalar::U8(x) => Self::from_u8(x),
            Scalar::F(x) => Self::from_f64(x),
            Scalar::B(x) => Self::from_bool(x),
        }
    }
}

macro_rules! numeric_elem {
    ($($t:ty => $variant:ident),*) => {$(
        impl Elem for $t {
            fn from_i64(x: i64) -> Self { x as $t }
            fn from_u64(x: u64) -> Self { x as $t }
            fn from_u8(x: u8) -> Self { x as $t }
            fn from_f64(x: f64) -> Self { x as $t }
            fn from_bool(x: bool) -> Self { x as u8 as $t }
            fn view(data: &ArrayData) -> Option<&[Self]> {
                match data {
                    ArrayData::$variant(v) => Some(v),
                    _ => None,
                }
            }
        }
    )*};
}
numeric_elem!(i64 => Int64, u64 => UInt64, u8 => UInt8, f64 => Float64);

/// int64 with uint64 comparisons run in i128; no array holds it.
impl Elem for i128 {
    fn from_i64(x: i64) -> Self {
        x.into()
    }
    fn from_u64(x: u64) -> Self {
        x.into()
    }
    fn from_u8(x: u8) -> Self {
        x.into()
    }
    fn from_f64(x: f64) -> Self {
        x as i128
    }
    fn from_bool(x: bool) -> Self {
        x.into()
    }
    fn view(_: &ArrayData) -> Option<&[Self]> {
        None
    }
}

impl Elem for bool {
    fn from_i64(x: i64) -> Self {
        x != 0
    }
    fn from_u64(x: u64) -> Self {
        x != 0
    }
    fn from_u8(x: u8) -> Self {
        x != 0
    }
    fn from_f64(x: f64) -> Self {
        x != 0.0
    }
    fn from_bool(x: bool) -> Self {
        x
    }
    fn view(data: &ArrayData) -> Option<&[Self]> {
        match data {
            ArrayData::Bool(v) => Some(v),
            _ => None,
        }
    }
}

/// Elements converted per block, so both operands stay in cache.
pub(crate) const BLOCK: usize = 1024;

pub(crate) fn convert<S: Copy, C>(src: &[S], dst: &mut [C], f: impl Fn(S) -> C) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = f(*s);
    }
}

/// Operand elements `start..start + buf.len()` converted to `C`.
pub(crate) fn load<C: Elem>(side: &Side, start: usize, buf: &mut [C]) {
    let r = start..start + buf.len();
    match side {
        Side::Arr(ArrayData::Int64(v)) => convert(&v[r], buf, C::from_i64),
        Side::Arr(ArrayData::UInt64(v)) => convert(&v[r], buf, C::from_u64),
        Side::Arr(ArrayData::UInt8(v)) => convert(&v[r], buf, C::from_u8),
        Side::Arr(ArrayData::Float64(v)) => convert(&v[r], buf, C::from_f64),
        Side::Arr(ArrayData::Bool(v)) => convert(&v[r], buf, C::from_bool),
        Side::Val(s) => buf.fill(C::from_scalar(*s)),
    }
}

/// Scalar argument `key`, read as `dtype`.
pub(crate) fn scalar_arg(args: &Args, key: &str, dtype: DType) -> Result<Scalar, CommandError> {
    let val = args.str(key)?;
    let bad = |ty: &'static str| CommandError::BadScalar {
        val: val.to_string(),
        ty,
    };
    let t = val.trim();
    Ok(match dtype {
        DType::Int64 => Scalar::I(args.int(key)?),
        DType::UInt64 => Scalar::U(t.parse().map_err(|_| bad("uint(64)"))?),
        DType::UInt8 => Scalar::U8(t.parse().map_err(|_| bad("uint(8)"))?),
        DType::Float64 => Scalar::F(args.real(key)?),
        DType::Bool => Scalar::B(args.bool(key)?),
    })
}

/// Fails unless the arrays named by arguments `ka` and `kb` have one size.
pub(crate) fn same_size(
    args: &Args,
    (ka, a): (&str, &ArrayEntry),
    (kb, b): (&str, &ArrayEntry),
) -> Result<(), CommandError> {
    if a.size() == b.size() {
        return Ok(());
    }
    Err(CommandError::value(format!(
        "size mismatch: {} has {} elements but {} has {}",
        args.str(ka)?,
        a.size(),
        args.str(kb)?,
        b.size()
    )))
}
