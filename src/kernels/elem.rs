//! The operands of the element-by-element kernels: scalars read as their
//! declared type, an operand that is an array, a scalar or a deferred array
//! computed a block at a time, the element types operands are converted to,
//! NumPy's promotion, and blockwise loading with conversion.

use crate::symbol_table::{ArrayData, DType};

/// A scalar operand, already read as its declared type.
#[derive(Clone, Copy, Debug)]
pub enum Scalar {
    I(i64),
    U(u64),
    U8(u8),
    F(f64),
    B(bool),
}

/// One operand.
pub enum Side<'a> {
    Arr(&'a ArrayData),
    Val(Scalar),
    /// An array whose elements are computed block by block as they are read.
    Lazy(&'a dyn Fill),
}

/// Elements computed on demand, a block at a time: a deferred array read by
/// a command that fuses it into its own pass.
pub trait Fill: Sync {
    fn dtype(&self) -> DType;
    /// Writes elements `start..start + out.len()` (at most [`BLOCK`]); `out`
    /// has type [`Fill::dtype`].
    fn fill(&self, start: usize, out: BlockMut<'_>);
}

/// A block of elements of one type, to be written.
pub enum BlockMut<'a> {
    Int64(&'a mut [i64]),
    UInt64(&'a mut [u64]),
    UInt8(&'a mut [u8]),
    Float64(&'a mut [f64]),
    Bool(&'a mut [bool]),
}

impl BlockMut<'_> {
    pub fn dtype(&self) -> DType {
        match self {
            BlockMut::Int64(_) => DType::Int64,
            BlockMut::UInt64(_) => DType::UInt64,
            BlockMut::UInt8(_) => DType::UInt8,
            BlockMut::Float64(_) => DType::Float64,
            BlockMut::Bool(_) => DType::Bool,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            BlockMut::Int64(o) => o.len(),
            BlockMut::UInt64(o) => o.len(),
            BlockMut::UInt8(o) => o.len(),
            BlockMut::Float64(o) => o.len(),
            BlockMut::Bool(o) => o.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Side<'_> {
    pub fn dtype(&self) -> DType {
        match self {
            Side::Arr(d) => d.dtype(),
            Side::Val(Scalar::I(_)) => DType::Int64,
            Side::Val(Scalar::U(_)) => DType::UInt64,
            Side::Val(Scalar::U8(_)) => DType::UInt8,
            Side::Val(Scalar::F(_)) => DType::Float64,
            Side::Val(Scalar::B(_)) => DType::Bool,
            Side::Lazy(f) => f.dtype(),
        }
    }
}

/// NumPy's promotion of two array dtypes.
pub fn promote(a: DType, b: DType) -> DType {
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
pub trait Elem: Copy + Default + PartialOrd + Send + Sync + 'static {
    fn from_i64(x: i64) -> Self;
    fn from_u64(x: u64) -> Self;
    fn from_u8(x: u8) -> Self;
    fn from_f64(x: f64) -> Self;
    fn from_bool(x: bool) -> Self;
    /// The elements of `data` if it holds exactly this type (no conversion
    /// needed).
    fn view(data: &ArrayData) -> Option<&[Self]>;
    /// `buf` as a block to fill, if arrays hold this type; `None` for i128.
    fn block(buf: &mut [Self]) -> Option<BlockMut<'_>>;
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
            fn block(buf: &mut [Self]) -> Option<BlockMut<'_>> {
                Some(BlockMut::$variant(buf))
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
    fn block(_: &mut [Self]) -> Option<BlockMut<'_>> {
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
    fn block(buf: &mut [Self]) -> Option<BlockMut<'_>> {
        Some(BlockMut::Bool(buf))
    }
}

/// Elements converted per block, so both operands stay in cache.
pub const BLOCK: usize = 1024;

pub fn convert<S: Copy, C>(src: &[S], dst: &mut [C], f: impl Fn(S) -> C) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = f(*s);
    }
}

/// Operand elements `start..start + buf.len()` converted to `C`.
pub fn load<C: Elem>(side: &Side, start: usize, buf: &mut [C]) {
    let r = start..start + buf.len();
    match side {
        Side::Arr(ArrayData::Int64(v)) => convert(&v[r], buf, C::from_i64),
        Side::Arr(ArrayData::UInt64(v)) => convert(&v[r], buf, C::from_u64),
        Side::Arr(ArrayData::UInt8(v)) => convert(&v[r], buf, C::from_u8),
        Side::Arr(ArrayData::Float64(v)) => convert(&v[r], buf, C::from_f64),
        Side::Arr(ArrayData::Bool(v)) => convert(&v[r], buf, C::from_bool),
        Side::Val(s) => buf.fill(C::from_scalar(*s)),
        Side::Lazy(f) => load_lazy(*f, start, buf),
    }
}

/// Computes a block of `f` in its own type, then converts it to `C`.
fn load_lazy<C: Elem>(f: &dyn Fill, start: usize, buf: &mut [C]) {
    fn via<T: Copy + Default, C: Elem>(
        f: &dyn Fill,
        start: usize,
        buf: &mut [C],
        block: fn(&mut [T]) -> BlockMut<'_>,
        to: impl Fn(T) -> C,
    ) {
        let mut t = [T::default(); BLOCK];
        let t = &mut t[..buf.len()];
        f.fill(start, block(t));
        convert(t, buf, to);
    }
    macro_rules! via {
        ($variant:ident, $t:ty, $from:ident) => {
            via(
                f,
                start,
                buf,
                |t: &mut [$t]| BlockMut::$variant(t),
                C::$from,
            )
        };
    }
    match f.dtype() {
        DType::Int64 => via!(Int64, i64, from_i64),
        DType::UInt64 => via!(UInt64, u64, from_u64),
        DType::UInt8 => via!(UInt8, u8, from_u8),
        DType::Float64 => via!(Float64, f64, from_f64),
        DType::Bool => via!(Bool, bool, from_bool),
    }
}

/// An element type an array holds, convertible to any operand type (and a
/// result back to the array's type, with NumPy's casts).
pub trait Native: Elem {
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
