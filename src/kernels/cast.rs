//! Casts between the array dtypes.
//!
//! Conversions follow NumPy's `astype` on x86-64:
//!
//! * to bool: non-zero is true (NaN too);
//! * bool to numbers: 0 or 1;
//! * between integers: two's-complement wrapping (`-1` to uint64 is
//!   `2**64 - 1`, `300` to uint8 is `44`);
//! * integers to float64: rounded to nearest;
//! * float64 to int64: truncated toward zero; NaN, ±inf and values outside
//!   int64 give `-2**63` (the x86 "integer indefinite" value NumPy yields);
//! * float64 to uint64: values from `2**63` up convert exactly; below that the
//!   value goes through int64 as above and wraps (`-1.0` gives `2**64 - 1`,
//!   NaN and -inf give `2**63`); +inf and values of `2**64` or more give 0;
//! * float64 to uint8: through int32 (truncated; NaN, ±inf and values outside
//!   int32 give `-2**31`), then wrapped (`300.7` gives 44, `-1.0` gives 255,
//!   NaN gives 0).

use super::map;
use crate::symbol_table::{ArrayData, DType};

/// float64 to int64 as x86's `cvttsd2si` does it.
pub fn f64_to_i64(x: f64) -> i64 {
    // The range test is false for NaN too.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        x as i64
    } else {
        i64::MIN
    }
}

/// float64 to uint64 as NumPy's compiled conversion does it on x86-64.
pub fn f64_to_u64(x: f64) -> u64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    if x >= TWO63 {
        (f64_to_i64(x - TWO63) as u64) ^ (1 << 63)
    } else {
        f64_to_i64(x) as u64
    }
}

/// float64 to uint8: through int32 (x86 `cvttsd2si` 32-bit), then wrapped.
pub fn f64_to_u8(x: f64) -> u8 {
    // Truncation toward zero must land in int32; false for NaN too.
    let fits = x > -2_147_483_649.0 && x < 2_147_483_648.0;
    let i = if fits { x as i32 } else { i32::MIN };
    i as u8
}

/// The elements of `data` converted to `to` (a copy when the type is kept):
/// the one dtype dispatch of every cast, shared by `cast`, `where`,
/// concatenation and the indexing assignments.
pub fn convert(data: &ArrayData, to: DType) -> ArrayData {
    use ArrayData as A;
    match (data, to) {
        (A::Int64(v), DType::Int64) => A::Int64(map(v, |x| x)),
        (A::Int64(v), DType::UInt64) => A::UInt64(map(v, |x| x as u64)),
        (A::Int64(v), DType::UInt8) => A::UInt8(map(v, |x| x as u8)),
        (A::Int64(v), DType::Float64) => A::Float64(map(v, |x| x as f64)),
        (A::Int64(v), DType::Bool) => A::Bool(map(v, |x| x != 0)),
        (A::UInt64(v), DType::Int64) => A::Int64(map(v, |x| x as i64)),
        (A::UInt64(v), DType::UInt64) => A::UInt64(map(v, |x| x)),
        (A::UInt64(v), DType::UInt8) => A::UInt8(map(v, |x| x as u8)),
        (A::UInt64(v), DType::Float64) => A::Float64(map(v, |x| x as f64)),
        (A::UInt64(v), DType::Bool) => A::Bool(map(v, |x| x != 0)),
        (A::UInt8(v), DType::Int64) => A::Int64(map(v, i64::from)),
        (A::UInt8(v), DType::UInt64) => A::UInt64(map(v, u64::from)),
        (A::UInt8(v), DType::UInt8) => A::UInt8(map(v, |x| x)),
        (A::UInt8(v), DType::Float64) => A::Float64(map(v, f64::from)),
        (A::UInt8(v), DType::Bool) => A::Bool(map(v, |x| x != 0)),
        (A::Float64(v), DType::Int64) => A::Int64(map(v, f64_to_i64)),
        (A::Float64(v), DType::UInt64) => A::UInt64(map(v, f64_to_u64)),
        (A::Float64(v), DType::UInt8) => A::UInt8(map(v, f64_to_u8)),
        (A::Float64(v), DType::Float64) => A::Float64(map(v, |x| x)),
        (A::Float64(v), DType::Bool) => A::Bool(map(v, |x| x != 0.0)),
        (A::Bool(v), DType::Int64) => A::Int64(map(v, i64::from)),
        (A::Bool(v), DType::UInt64) => A::UInt64(map(v, u64::from)),
        (A::Bool(v), DType::UInt8) => A::UInt8(map(v, u8::from)),
        (A::Bool(v), DType::Float64) => A::Float64(map(v, |x| u8::from(x).into())),
        (A::Bool(v), DType::Bool) => A::Bool(map(v, |x| x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_conversions_match_numpy_on_x86() {
        // np.array(xs).astype(...) with NumPy 2 on x86-64.
        let xs = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            -1.7,
            1e19,
            3e19,
            300.7,
            -300.7,
            2.9,
            -2.9,
            9.3e18,
            4294967553.0,
        ];
        let i: Vec<i64> = xs.iter().map(|x| f64_to_i64(*x)).collect();
        let m = i64::MIN;
        assert_eq!(i, [m, m, m, -1, -1, m, m, 300, -300, 2, -2, m, 4294967553]);
        let u: Vec<u64> = xs.iter().map(|x| f64_to_u64(*x)).collect();
        assert_eq!(
            u,
            [
                1 << 63,
                0,
                1 << 63,
                u64::MAX,
                u64::MAX,
                10_000_000_000_000_000_000,
                0,
                300,
                u64::MAX - 299,
                2,
                u64::MAX - 1,
                9_300_000_000_000_000_000,
                4294967553
            ]
        );
        let b: Vec<u8> = xs.iter().map(|x| f64_to_u8(*x)).collect();
        assert_eq!(b, [0, 0, 0, 255, 255, 0, 0, 44, 212, 2, 254, 0, 0]);
    }
}
