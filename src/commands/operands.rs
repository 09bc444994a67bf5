//! Reading the operands of the element-by-element commands (binary
//! operators, in-place operators, `where`, indexing assignments) from their
//! arguments; the operand types themselves are [`crate::kernels::elem`]'s.

use crate::error::CommandError;
use crate::kernels::elem::Scalar;
use crate::protocol::Args;
use crate::symbol_table::{ArrayEntry, DType};

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
