//! In-place operators `opeqvv<T,U,1>` (`a op= b`) and `opeqvs<T,1>`
//! (`a op= scalar`), end to end through the binary.

mod common;

use common::vals::*;
use common::*;

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// The right-hand side: an array, or a scalar of the target's type (the
/// client casts scalars to the array's dtype before sending).
enum Operand {
    V(Vals),
    S(&'static str),
}

/// (op, a, b, result of `a op= b`: the new `a`, or the exact error). The
/// expectations were computed with NumPy 2.4 (`a op= b` on NumPy arrays of
/// the same dtypes; its refusals read as the server words them).
fn cases() -> Vec<(&'static str, Vals, Operand, Result<Vals, &'static str>)> {
    vec![
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-5, 6, 1, 5, 12, 2, 4611686018427387972])),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-9, 0, -1, 5, 6, -6, 4611686018427387842])),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-14, 9, 0, 0, 27, -8, 4611686018427388099])),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<int64,int64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-4, 1, 0, 0, 3, -1, 70949015668113660])),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![1, 0, 0, 0, 0, 2, 7])),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![49, 27, 0, 1, 729, 16, -6082543793855514877])),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![0, 3, 0, 0, 1, 4, 1])),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-5, 3, 1, 5, 11, -2, 4611686018427387971])),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-5, 0, 1, 5, 10, -6, 4611686018427387970])),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-28, 24, 0, 5, 72, -32, 0])),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::I(vec![-2, 0, 0, 5, 1, -1, 0])),
        ),
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: opeqvv<int64,uint64,1>: operator &= is not supported for int64 and uint64",
            ),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: opeqvv<int64,uint64,1>: operator |= is not supported for int64 and uint64",
            ),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: opeqvv<int64,uint64,1>: operator ^= is not supported for int64 and uint64",
            ),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: opeqvv<int64,uint64,1>: operator <<= is not supported for int64 and uint64",
            ),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<int64,uint64,1>: TypeError: opeqvv<int64,uint64,1>: operator >>= is not supported for int64 and uint64",
            ),
        ),
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-5, 6, 1, 5, 18, 198, 4611686018427387914])),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-9, 0, -1, 5, 0, -202, 4611686018427387900])),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-14, 9, 0, 0, 81, -400, -4611686018427387883])),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<int64,uint8,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-4, 1, 0, 0, 1, -1, 658812288346769701])),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![1, 0, 0, 0, 0, 198, 0])),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![
                49,
                27,
                0,
                1,
                387420489,
                0,
                -4611686018427385717,
            ])),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![0, 3, 0, 0, 9, 200, 3])),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-5, 3, 1, 5, 9, -2, 4611686018427387911])),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-5, 0, 1, 5, 0, -202, 4611686018427387908])),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-28, 24, 0, 5, 4608, 0, 384])),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::I(vec![-2, 0, 0, 5, 0, -1, 36028797018963968])),
        ),
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: opeqvv<int64,float64,1>: operator &= is not supported for int64 and float64",
            ),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: opeqvv<int64,float64,1>: operator |= is not supported for int64 and float64",
            ),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: opeqvv<int64,float64,1>: operator ^= is not supported for int64 and float64",
            ),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: opeqvv<int64,float64,1>: operator <<= is not supported for int64 and float64",
            ),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<int64,float64,1>: TypeError: opeqvv<int64,float64,1>: operator >>= is not supported for int64 and float64",
            ),
        ),
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-6, 4, 0, 5, 10, -2, 4611686018427387908])),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-8, 2, 0, 5, 8, -2, 4611686018427387906])),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-7, 3, 0, 0, 9, 0, 4611686018427387907])),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<int64,bool,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-7, 3, 0, 0, 9, 0, 4611686018427387907])),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![0, 0, 0, 0, 0, 0, 0])),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-7, 3, 1, 1, 9, 1, 4611686018427387907])),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![1, 1, 0, 0, 1, 0, 1])),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907])),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-8, 2, 0, 5, 8, -2, 4611686018427387906])),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-14, 6, 0, 5, 18, -2, -9223372036854775802])),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::I(vec![-4, 1, 0, 5, 4, -2, 2305843009213693953])),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: opeqvv<uint64,int64,1>: operator &= is not supported for uint64 and int64",
            ),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: opeqvv<uint64,int64,1>: operator |= is not supported for uint64 and int64",
            ),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: opeqvv<uint64,int64,1>: operator ^= is not supported for uint64 and int64",
            ),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: opeqvv<uint64,int64,1>: operator <<= is not supported for uint64 and int64",
            ),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint64,int64,1>: TypeError: opeqvv<uint64,int64,1>: operator >>= is not supported for uint64 and int64",
            ),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![9, 6, 1, 5, 9223372036854775812, 5, 69])),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![
                5,
                0,
                18446744073709551615,
                5,
                9223372036854775806,
                18446744073709551613,
                18446744073709551545,
            ])),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![
                14,
                9,
                0,
                0,
                9223372036854775811,
                4,
                18446744073709551546,
            ])),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<uint64,uint64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![
                3,
                1,
                0,
                0,
                3074457345618258603,
                0,
                263524915338707880,
            ])),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![1, 0, 0, 0, 0, 1, 15])),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![49, 27, 0, 1, 9223372036854775809, 1, 1])),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![2, 3, 0, 0, 1, 0, 70])),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![
                7,
                3,
                1,
                5,
                9223372036854775811,
                5,
                18446744073709551615,
            ])),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![
                5,
                0,
                1,
                5,
                9223372036854775810,
                5,
                18446744073709551545,
            ])),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![28, 24, 0, 5, 8, 16, 0])),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U(vec![1, 0, 0, 5, 1152921504606846976, 0, 0])),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![9, 6, 1, 5, 9223372036854775818, 201, 6])),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                5,
                0,
                18446744073709551615,
                5,
                9223372036854775800,
                18446744073709551417,
                18446744073709551608,
            ])),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                14,
                9,
                0,
                0,
                9223372036854775817,
                200,
                18446744073709551609,
            ])),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<uint64,uint8,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                3,
                1,
                0,
                0,
                1024819115206086201,
                0,
                2635249153387078802,
            ])),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![1, 0, 0, 0, 0, 1, 1])),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                49,
                27,
                0,
                1,
                9223372036854775809,
                1,
                18446744073709551615,
            ])),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![2, 3, 0, 0, 1, 0, 7])),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                7,
                3,
                1,
                5,
                9223372036854775817,
                201,
                18446744073709551615,
            ])),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                5,
                0,
                1,
                5,
                9223372036854775816,
                201,
                18446744073709551608,
            ])),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![28, 24, 0, 5, 512, 0, 18446744073709551488])),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U(vec![
                1,
                0,
                0,
                5,
                18014398509481984,
                0,
                144115188075855871,
            ])),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: opeqvv<uint64,float64,1>: operator &= is not supported for uint64 and float64",
            ),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: opeqvv<uint64,float64,1>: operator |= is not supported for uint64 and float64",
            ),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: opeqvv<uint64,float64,1>: operator ^= is not supported for uint64 and float64",
            ),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: opeqvv<uint64,float64,1>: operator <<= is not supported for uint64 and float64",
            ),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint64,float64,1>: TypeError: opeqvv<uint64,float64,1>: operator >>= is not supported for uint64 and float64",
            ),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![8, 4, 0, 5, 9223372036854775810, 1, 0])),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                6,
                2,
                0,
                5,
                9223372036854775808,
                1,
                18446744073709551614,
            ])),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                7,
                3,
                0,
                0,
                9223372036854775809,
                0,
                18446744073709551615,
            ])),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<uint64,bool,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                7,
                3,
                0,
                0,
                9223372036854775809,
                0,
                18446744073709551615,
            ])),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![0, 0, 0, 0, 0, 0, 0])),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                7,
                3,
                1,
                1,
                9223372036854775809,
                1,
                18446744073709551615,
            ])),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![1, 1, 0, 0, 1, 0, 1])),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ])),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                6,
                2,
                0,
                5,
                9223372036854775808,
                1,
                18446744073709551614,
            ])),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![14, 6, 0, 5, 2, 1, 18446744073709551614])),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U(vec![
                3,
                1,
                0,
                5,
                4611686018427387904,
                1,
                9223372036854775807,
            ])),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'bitwise_and' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'bitwise_or' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'bitwise_xor' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<uint8,int64,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('int64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![9, 253, 1, 5, 131, 5, 69])),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![5, 247, 255, 5, 125, 253, 185])),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![14, 238, 0, 0, 128, 4, 186])),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<uint8,uint64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![3, 83, 0, 0, 42, 0, 3])),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![1, 1, 0, 0, 2, 1, 45])),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![49, 40, 0, 1, 0, 1, 1])),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![2, 2, 0, 0, 0, 0, 70])),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![7, 251, 1, 5, 131, 5, 255])),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![5, 249, 1, 5, 131, 5, 185])),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![28, 208, 0, 5, 0, 16, 0])),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::U8(vec![1, 31, 0, 5, 16, 0, 0])),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![9, 253, 1, 5, 137, 201, 6])),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![5, 247, 255, 5, 119, 57, 248])),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![14, 238, 0, 0, 128, 200, 249])),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<uint8,uint8,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![3, 83, 0, 0, 14, 0, 36])),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![1, 1, 0, 0, 2, 1, 3])),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![49, 40, 0, 1, 0, 1, 255])),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![2, 2, 0, 0, 0, 0, 7])),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![7, 251, 1, 5, 137, 201, 255])),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![5, 249, 1, 5, 137, 201, 248])),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![28, 208, 0, 5, 0, 0, 128])),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::U8(vec![1, 31, 0, 5, 0, 0, 1])),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: opeqvv<uint8,float64,1>: operator &= is not supported for uint8 and float64",
            ),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: opeqvv<uint8,float64,1>: operator |= is not supported for uint8 and float64",
            ),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: opeqvv<uint8,float64,1>: operator ^= is not supported for uint8 and float64",
            ),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: opeqvv<uint8,float64,1>: operator <<= is not supported for uint8 and float64",
            ),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<uint8,float64,1>: TypeError: opeqvv<uint8,float64,1>: operator >>= is not supported for uint8 and float64",
            ),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![8, 251, 0, 5, 129, 1, 0])),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![6, 249, 0, 5, 127, 1, 254])),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![7, 250, 0, 0, 128, 0, 255])),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<uint8,bool,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![7, 250, 0, 0, 128, 0, 255])),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![0, 0, 0, 0, 0, 0, 0])),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![7, 250, 1, 1, 128, 1, 255])),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![1, 0, 0, 0, 0, 0, 1])),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![7, 251, 0, 5, 129, 1, 255])),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![6, 251, 0, 5, 129, 1, 254])),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![14, 244, 0, 5, 0, 1, 254])),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::U8(vec![3, 125, 0, 5, 64, 1, 127])),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![-5.5, 6.0, 1.0, NAN, 5.0, 4.0, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![-9.5, 0.0, -1.0, NAN, -1.0, -4.0, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![-15.0, 9.0, 0.0, NAN, 6.0, -0.0, INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![
                -3.75,
                1.0,
                0.0,
                NAN,
                0.6666666666666666,
                -0.0,
                INF,
            ])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![-4.0, 1.0, 0.0, NAN, 0.0, -0.0, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![0.5, 0.0, 0.0, NAN, 2.0, 0.0, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Ok(Vals::F(vec![56.25, 27.0, 0.0, 1.0, 8.0, 0.0, INF])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<float64,int64,1>: TypeError: opeqvv<float64,int64,1>: operator &= is not supported for float64 and int64",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<float64,int64,1>: TypeError: opeqvv<float64,int64,1>: operator |= is not supported for float64 and int64",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<float64,int64,1>: TypeError: opeqvv<float64,int64,1>: operator ^= is not supported for float64 and int64",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<float64,int64,1>: TypeError: opeqvv<float64,int64,1>: operator <<= is not supported for float64 and int64",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<float64,int64,1>: TypeError: opeqvv<float64,int64,1>: operator >>= is not supported for float64 and int64",
            ),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![-5.5, 6.0, 1.0, NAN, 5.0, 4.0, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![-9.5, 0.0, -1.0, NAN, -1.0, -4.0, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![-15.0, 9.0, 0.0, NAN, 6.0, -0.0, INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![
                -3.75,
                1.0,
                0.0,
                NAN,
                0.6666666666666666,
                -0.0,
                INF,
            ])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![-4.0, 1.0, 0.0, NAN, 0.0, -0.0, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![0.5, 0.0, 0.0, NAN, 2.0, 0.0, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Ok(Vals::F(vec![56.25, 27.0, 0.0, 1.0, 8.0, 0.0, INF])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<float64,uint64,1>: TypeError: opeqvv<float64,uint64,1>: operator &= is not supported for float64 and uint64",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<float64,uint64,1>: TypeError: opeqvv<float64,uint64,1>: operator |= is not supported for float64 and uint64",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<float64,uint64,1>: TypeError: opeqvv<float64,uint64,1>: operator ^= is not supported for float64 and uint64",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<float64,uint64,1>: TypeError: opeqvv<float64,uint64,1>: operator <<= is not supported for float64 and uint64",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<float64,uint64,1>: TypeError: opeqvv<float64,uint64,1>: operator >>= is not supported for float64 and uint64",
            ),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![-5.5, 6.0, 1.0, NAN, 11.0, 200.0, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![-9.5, 0.0, -1.0, NAN, -7.0, -200.0, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![-15.0, 9.0, 0.0, NAN, 18.0, -0.0, INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![
                -3.75,
                1.0,
                0.0,
                NAN,
                0.2222222222222222,
                -0.0,
                INF,
            ])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![-4.0, 1.0, 0.0, NAN, 0.0, -0.0, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![0.5, 0.0, 0.0, NAN, 2.0, 0.0, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Ok(Vals::F(vec![56.25, 27.0, 0.0, 1.0, 512.0, 0.0, INF])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<float64,uint8,1>: TypeError: opeqvv<float64,uint8,1>: operator &= is not supported for float64 and uint8",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<float64,uint8,1>: TypeError: opeqvv<float64,uint8,1>: operator |= is not supported for float64 and uint8",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<float64,uint8,1>: TypeError: opeqvv<float64,uint8,1>: operator ^= is not supported for float64 and uint8",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<float64,uint8,1>: TypeError: opeqvv<float64,uint8,1>: operator <<= is not supported for float64 and uint8",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<float64,uint8,1>: TypeError: opeqvv<float64,uint8,1>: operator >>= is not supported for float64 and uint8",
            ),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![-5.5, 0.0, 1.5, NAN, 5.0, 4.0, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![-9.5, 6.0, -1.5, NAN, -1.0, -4.0, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![-15.0, -9.0, 0.0, NAN, 6.0, -0.0, -INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![
                -3.75,
                -1.0,
                0.0,
                NAN,
                0.6666666666666666,
                -0.0,
                -INF,
            ])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![-4.0, -1.0, 0.0, NAN, 0.0, -0.0, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![0.5, -0.0, 0.0, NAN, 2.0, 0.0, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Ok(Vals::F(vec![
                56.25,
                0.037037037037037035,
                0.0,
                1.0,
                8.0,
                0.0,
                0.0,
            ])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<float64,float64,1>: TypeError: opeqvv<float64,float64,1>: operator &= is not supported for float64 and float64",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<float64,float64,1>: TypeError: opeqvv<float64,float64,1>: operator |= is not supported for float64 and float64",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<float64,float64,1>: TypeError: opeqvv<float64,float64,1>: operator ^= is not supported for float64 and float64",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<float64,float64,1>: TypeError: opeqvv<float64,float64,1>: operator <<= is not supported for float64 and float64",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<float64,float64,1>: TypeError: opeqvv<float64,float64,1>: operator >>= is not supported for float64 and float64",
            ),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-6.5, 4.0, 0.0, NAN, 3.0, 0.0, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-8.5, 2.0, 0.0, NAN, 1.0, -0.0, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-7.5, 3.0, NAN, NAN, 2.0, NAN, INF])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-8.0, 3.0, NAN, NAN, 2.0, NAN, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![0.5, 0.0, NAN, NAN, 0.0, NAN, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::F(vec![-7.5, 3.0, 1.0, 1.0, 2.0, 1.0, INF])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<float64,bool,1>: TypeError: opeqvv<float64,bool,1>: operator &= is not supported for float64 and bool",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<float64,bool,1>: TypeError: opeqvv<float64,bool,1>: operator |= is not supported for float64 and bool",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<float64,bool,1>: TypeError: opeqvv<float64,bool,1>: operator ^= is not supported for float64 and bool",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<float64,bool,1>: TypeError: opeqvv<float64,bool,1>: operator <<= is not supported for float64 and bool",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<float64,bool,1>: TypeError: opeqvv<float64,bool,1>: operator >>= is not supported for float64 and bool",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'bitwise_and' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'bitwise_or' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'bitwise_xor' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 65])),
            Err(
                "Error executing command opeqvv<bool,int64,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'bitwise_and' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'bitwise_or' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'bitwise_xor' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U(vec![2, 3, 1, 0, 3, 4, 70])),
            Err(
                "Error executing command opeqvv<bool,uint64,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('uint64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'add' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'power' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'bitwise_and' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'bitwise_or' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'bitwise_xor' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::U8(vec![2, 3, 1, 0, 9, 200, 7])),
            Err(
                "Error executing command opeqvv<bool,uint8,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('uint8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: Cannot cast ufunc 'power' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: opeqvv<bool,float64,1>: operator &= is not supported for bool and float64",
            ),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: opeqvv<bool,float64,1>: operator |= is not supported for bool and float64",
            ),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: opeqvv<bool,float64,1>: operator ^= is not supported for bool and float64",
            ),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: opeqvv<bool,float64,1>: operator <<= is not supported for bool and float64",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::F(vec![2.0, -3.0, 1.5, 0.0, 3.0, 4.0, -0.5])),
            Err(
                "Error executing command opeqvv<bool,float64,1>: TypeError: opeqvv<bool,float64,1>: operator >>= is not supported for bool and float64",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::B(vec![true, true, true, false, true, true, true])),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: opeqvv<bool,bool,1>: operator -= is not supported for bool and bool",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::B(vec![true, false, false, false, true, false, false])),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'power' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::B(vec![true, false, false, false, true, false, false])),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::B(vec![true, true, true, false, true, true, true])),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Ok(Vals::B(vec![false, true, true, false, false, true, true])),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::V(Vals::B(vec![true, true, false, false, true, false, true])),
            Err(
                "Error executing command opeqvv<bool,bool,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        // int64 ** int64 with non-negative exponents
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::V(Vals::I(vec![2, 3, 1, 0, 3, 4, 0])),
            Ok(Vals::I(vec![49, 27, 0, 1, 729, 16, 1])),
        ),
        (
            "+=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-10, 0, -3, 2, 6, -5, 4611686018427387904])),
        ),
        (
            "-=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-4, 6, 3, 8, 12, 1, 4611686018427387910])),
        ),
        (
            "*=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![21, -9, 0, -15, -27, 6, 4611686018427387895])),
        ),
        (
            "/=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Err(
                "Error executing command opeqvs<int64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![2, -1, 0, -2, -3, 0, -1537228672809129303])),
        ),
        (
            "%=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-1, 0, 0, -1, 0, -2, -2])),
        ),
        (
            "**=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Err(
                "Error executing command opeqvs<int64,1>: ValueError: Integers to negative integer powers are not allowed.",
            ),
        ),
        (
            "&=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-7, 1, 0, 5, 9, -4, 4611686018427387905])),
        ),
        (
            "|=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-3, -1, -3, -3, -3, -1, -1])),
        ),
        (
            "^=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![4, -2, -3, -8, -12, 3, -4611686018427387906])),
        ),
        (
            "<<=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![0, 0, 0, 0, 0, 0, 0])),
        ),
        (
            ">>=",
            Vals::I(vec![-7, 3, 0, 5, 9, -2, 4611686018427387907]),
            Operand::S("-3"),
            Ok(Vals::I(vec![-1, 0, 0, 0, 0, -1, 0])),
        ),
        (
            "+=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![12, 8, 5, 10, 9223372036854775814, 6, 4])),
        ),
        (
            "-=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                2,
                18446744073709551614,
                18446744073709551611,
                0,
                9223372036854775804,
                18446744073709551612,
                18446744073709551610,
            ])),
        ),
        (
            "*=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                35,
                15,
                0,
                25,
                9223372036854775813,
                5,
                18446744073709551611,
            ])),
        ),
        (
            "/=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Err(
                "Error executing command opeqvs<uint64,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint64') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                1,
                0,
                0,
                1,
                1844674407370955161,
                0,
                3689348814741910323,
            ])),
        ),
        (
            "%=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![2, 3, 0, 0, 4, 1, 0])),
        ),
        (
            "**=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                16807,
                243,
                0,
                3125,
                9223372036854775809,
                1,
                18446744073709551615,
            ])),
        ),
        (
            "&=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![5, 1, 0, 5, 1, 1, 5])),
        ),
        (
            "|=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                7,
                7,
                5,
                5,
                9223372036854775813,
                5,
                18446744073709551615,
            ])),
        ),
        (
            "^=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                2,
                6,
                5,
                0,
                9223372036854775812,
                4,
                18446744073709551610,
            ])),
        ),
        (
            "<<=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![224, 96, 0, 160, 32, 32, 18446744073709551584])),
        ),
        (
            ">>=",
            Vals::U(vec![
                7,
                3,
                0,
                5,
                9223372036854775809,
                1,
                18446744073709551615,
            ]),
            Operand::S("5"),
            Ok(Vals::U(vec![
                0,
                0,
                0,
                0,
                288230376151711744,
                0,
                576460752303423487,
            ])),
        ),
        (
            "+=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![10, 253, 3, 8, 131, 4, 2])),
        ),
        (
            "-=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![4, 247, 253, 2, 125, 254, 252])),
        ),
        (
            "*=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![21, 238, 0, 15, 128, 3, 253])),
        ),
        (
            "/=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Err(
                "Error executing command opeqvs<uint8,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('uint8') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![2, 83, 0, 1, 42, 0, 85])),
        ),
        (
            "%=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![1, 1, 0, 2, 2, 1, 0])),
        ),
        (
            "**=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![87, 40, 0, 125, 0, 1, 255])),
        ),
        (
            "&=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![3, 2, 0, 1, 0, 1, 3])),
        ),
        (
            "|=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![7, 251, 3, 7, 131, 3, 255])),
        ),
        (
            "^=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![4, 249, 3, 6, 131, 2, 252])),
        ),
        (
            "<<=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![56, 208, 0, 40, 0, 8, 248])),
        ),
        (
            ">>=",
            Vals::U8(vec![7, 250, 0, 5, 128, 1, 255]),
            Operand::S("3"),
            Ok(Vals::U8(vec![0, 31, 0, 0, 16, 0, 31])),
        ),
        (
            "+=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![-10.0, 0.5, -2.5, NAN, -0.5, -2.5, INF])),
        ),
        (
            "-=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![-5.0, 5.5, 2.5, NAN, 4.5, 2.5, INF])),
        ),
        (
            "*=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![18.75, -7.5, -0.0, NAN, -5.0, 0.0, -INF])),
        ),
        (
            "/=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![3.0, -1.2, -0.0, NAN, -0.8, 0.0, -INF])),
        ),
        (
            "//=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![3.0, -2.0, -0.0, NAN, -1.0, 0.0, NAN])),
        ),
        (
            "%=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![-0.0, -2.0, -0.0, NAN, -0.5, -0.0, NAN])),
        ),
        (
            "**=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Ok(Vals::F(vec![
                NAN,
                0.06415002990995841,
                INF,
                NAN,
                0.1767766952966369,
                INF,
                0.0,
            ])),
        ),
        (
            "&=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Err(
                "Error executing command opeqvs<float64,1>: TypeError: opeqvs<float64,1>: operator &= is not supported for float64 and float64",
            ),
        ),
        (
            "|=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Err(
                "Error executing command opeqvs<float64,1>: TypeError: opeqvs<float64,1>: operator |= is not supported for float64 and float64",
            ),
        ),
        (
            "^=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Err(
                "Error executing command opeqvs<float64,1>: TypeError: opeqvs<float64,1>: operator ^= is not supported for float64 and float64",
            ),
        ),
        (
            "<<=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Err(
                "Error executing command opeqvs<float64,1>: TypeError: opeqvs<float64,1>: operator <<= is not supported for float64 and float64",
            ),
        ),
        (
            ">>=",
            Vals::F(vec![-7.5, 3.0, 0.0, NAN, 2.0, -0.0, INF]),
            Operand::S("-2.5"),
            Err(
                "Error executing command opeqvs<float64,1>: TypeError: opeqvs<float64,1>: operator >>= is not supported for float64 and float64",
            ),
        ),
        (
            "+=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Ok(Vals::B(vec![true, true, true, true, true, true, true])),
        ),
        (
            "-=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: opeqvs<bool,1>: operator -= is not supported for bool and bool",
            ),
        ),
        (
            "*=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Ok(Vals::B(vec![true, false, true, false, true, true, false])),
        ),
        (
            "/=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "//=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'floor_divide' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "%=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'remainder' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "**=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'power' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            "&=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Ok(Vals::B(vec![true, false, true, false, true, true, false])),
        ),
        (
            "|=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Ok(Vals::B(vec![true, true, true, true, true, true, true])),
        ),
        (
            "^=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Ok(Vals::B(vec![false, true, false, true, false, false, true])),
        ),
        (
            "<<=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'left_shift' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
        (
            ">>=",
            Vals::B(vec![true, false, true, false, true, true, false]),
            Operand::S("True"),
            Err(
                "Error executing command opeqvs<bool,1>: TypeError: Cannot cast ufunc 'right_shift' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'",
            ),
        ),
    ]
}

/// Runs `a op= b` on fresh uploads; returns the new `a` or the error text.
fn run(c: &Client, op: &str, a: &Vals, b: &Operand) -> Result<Vals, String> {
    let an = put(c, a);
    let ta = a.dtype();
    let reply = match b {
        Operand::V(bv) => {
            let bn = put(c, bv);
            c.cmd(
                &format!("opeqvv<{ta},{},1>", bv.dtype()),
                &[("op", "str", op), ("a", ta, &an), ("b", bv.dtype(), &bn)],
            )
        }
        Operand::S(val) => c.cmd(
            &format!("opeqvs<{ta},1>"),
            &[("op", "str", op), ("a", ta, &an), ("value", ta, val)],
        ),
    };
    let got = get(c, ta, &an);
    if reply.msg_type() == "ERROR" {
        // A refused operation leaves `a` as it was.
        assert!(same(&got, a), "{op} changed {an} although it failed");
        return Err(reply.msg().to_string());
    }
    reply.expect_normal("");
    Ok(got)
}

#[test]
fn in_place_operators_match_numpy() {
    let server = Server::start();
    let c = server.client();
    let mut failures = Vec::new();
    let cases = cases();
    for (op, a, b, want) in &cases {
        let got = run(&c, op, a, b);
        let ok = match (&got, want) {
            (Ok(g), Ok(w)) => same(g, w),
            (Err(g), Err(w)) => g == w,
            _ => false,
        };
        if !ok {
            let b = match b {
                Operand::V(v) => format!("{v:?}"),
                Operand::S(s) => s.to_string(),
            };
            failures.push(format!("{a:?} {op} {b}: got {got:?}, want {want:?}"));
        }
        c.cmd("clear", &[]).normal();
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn in_place_changes_the_array_itself() {
    let server = Server::start();
    let c = server.client();
    let a = put(&c, &Vals::I(vec![1, 2, 3]));
    let b = put(&c, &Vals::U8(vec![10, 20, 30]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    c.cmd(
        "opeqvv<int64,uint8,1>",
        &[("op", "str", "+="), ("a", "int64", &a), ("b", "uint8", &b)],
    )
    .expect_normal("");
    // No new array: same names, same bytes in use.
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
    assert_eq!(get(&c, "int64", &a), Vals::I(vec![11, 22, 33]));
    // The same array on both sides: every element reads its old value.
    c.cmd(
        "opeqvv<int64,int64,1>",
        &[("op", "str", "*="), ("a", "int64", &a), ("b", "int64", &a)],
    )
    .expect_normal("");
    assert_eq!(get(&c, "int64", &a), Vals::I(vec![121, 484, 1089]));
    assert_eq!(mem_used(&c, 1, false), used);
    assert_eq!(get(&c, "uint8", &b), Vals::U8(vec![10, 20, 30]));
}

#[test]
fn in_place_on_large_arrays_runs_in_chunks() {
    let server = Server::start();
    let c = server.client();
    let n = 200_003usize;
    let a: Vec<i64> = (0..n as i64).map(|i| i * 7 - 300_000).collect();
    let b: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
    let an = put(&c, &Vals::I(a.clone()));
    let bn = put(&c, &Vals::U8(b.clone()));
    c.cmd(
        "opeqvv<int64,uint8,1>",
        &[
            ("op", "str", "-="),
            ("a", "int64", &an),
            ("b", "uint8", &bn),
        ],
    )
    .expect_normal("");
    c.cmd(
        "opeqvs<int64,1>",
        &[
            ("op", "str", "//="),
            ("a", "int64", &an),
            ("value", "int64", "-3"),
        ],
    )
    .expect_normal("");
    // Floor division by -3, written out: truncation rounds the negative
    // quotients of positive dividends up, so step those down.
    let floor_div = |x: i64| {
        let q = x / -3;
        if x % -3 != 0 && x > 0 { q - 1 } else { q }
    };
    let want2: Vec<i64> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| floor_div(x - *y as i64))
        .collect();
    assert_eq!(get(&c, "int64", &an), Vals::I(want2));
    let f: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 1000.0).collect();
    let fname = put(&c, &Vals::F(f.clone()));
    c.cmd(
        "opeqvv<float64,uint8,1>",
        &[
            ("op", "str", "/="),
            ("a", "float64", &fname),
            ("b", "uint8", &bn),
        ],
    )
    .expect_normal("");
    let want: Vec<f64> = f.iter().zip(&b).map(|(x, y)| x / *y as f64).collect();
    assert!(same(&get(&c, "float64", &fname), &Vals::F(want)));
    let u = put(&c, &Vals::U8(b.clone()));
    c.cmd(
        "opeqvs<uint8,1>",
        &[
            ("op", "str", "<<="),
            ("a", "uint8", &u),
            ("value", "uint8", "3"),
        ],
    )
    .expect_normal("");
    let want: Vec<u8> = b.iter().map(|x| x.wrapping_shl(3)).collect();
    assert_eq!(get(&c, "uint8", &u), Vals::U8(want));
}

#[test]
fn in_place_errors_are_named_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2, 3]));
    let i2 = put(&c, &Vals::I(vec![1, 2]));
    let neg = put(&c, &Vals::I(vec![1, -2, 3]));
    let f = put(&c, &Vals::F(vec![1.0, 2.0, 3.0]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let vv = |ta: &str, tb: &str, op: &str, a: &str, b: &str| {
        c.cmd(
            &format!("opeqvv<{ta},{tb},1>"),
            &[("op", "str", op), ("a", ta, a), ("b", tb, b)],
        )
    };
    let vs = |t: &str, op: &str, a: &str, val: &str| {
        c.cmd(
            &format!("opeqvs<{t},1>"),
            &[("op", "str", op), ("a", t, a), ("value", t, val)],
        )
    };
    let pre = |cmd: &str| format!("Error executing command {cmd}: ");
    for bad in ["+", "==", "<=", ">=", "!=", "@="] {
        vv("int64", "int64", bad, &i, &i).expect_error(&format!(
            "{}ValueError: Unrecognized operator: {bad}",
            pre("opeqvv<int64,int64,1>")
        ));
    }
    vv("int64", "int64", "+=", &i, &i2).expect_error(&format!(
        "{}ValueError: size mismatch: {i} has 3 elements but {i2} has 2",
        pre("opeqvv<int64,int64,1>")
    ));
    vv("int64", "int64", "+=", "nope", &i).expect_error(&format!(
        "{}UnknownSymbolError: unknown symbol: nope",
        pre("opeqvv<int64,int64,1>")
    ));
    vv("int64", "int64", "+=", &i, "nope").expect_error(&format!(
        "{}UnknownSymbolError: unknown symbol: nope",
        pre("opeqvv<int64,int64,1>")
    ));
    vv("int64", "int64", "+=", &f, &i).expect_error(&format!(
        "{}ValueError: {f} holds float64 but opeqvv<int64,int64,1> was called",
        pre("opeqvv<int64,int64,1>")
    ));
    vv("int64", "float64", "+=", &i, &f).expect_error(&format!(
        "{}TypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
        pre("opeqvv<int64,float64,1>")
    ));
    vv("int64", "int64", "**=", &i, &neg).expect_error(&format!(
        "{}ValueError: Integers to negative integer powers are not allowed.",
        pre("opeqvv<int64,int64,1>")
    ));
    vs("int64", "**=", &i, "-1").expect_error(&format!(
        "{}ValueError: Integers to negative integer powers are not allowed.",
        pre("opeqvs<int64,1>")
    ));
    vs("int64", "/=", &i, "2").expect_error(&format!(
        "{}TypeError: Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
        pre("opeqvs<int64,1>")
    ));
    vs("int64", "+=", &i, "1.5").expect_error(&format!(
        "{}TypeError: Json Argument '1.5' cannot be cast as a scalar int(64)",
        pre("opeqvs<int64,1>")
    ));
    vs("float64", "&=", &f, "1.0").expect_error(&format!(
        "{}TypeError: opeqvs<float64,1>: operator &= is not supported for float64 and float64",
        pre("opeqvs<float64,1>")
    ));
    c.cmd(
        "opeqvs<int64,1>",
        &[("op", "str", "+="), ("a", "int64", &i)],
    )
    .expect_error(&format!(
        "{}KeyNotFound: JSON argument key Not Found: value",
        pre("opeqvs<int64,1>")
    ));
    c.cmd("opeqvs<complex,1>", &[])
        .expect_error("Unrecognized command: opeqvs<complex,1>");
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
    assert_eq!(get(&c, "int64", &i), Vals::I(vec![1, 2, 3]));
    assert_eq!(get(&c, "int64", &neg), Vals::I(vec![1, -2, 3]));
    assert_eq!(get(&c, "float64", &f), Vals::F(vec![1.0, 2.0, 3.0]));
}

#[test]
fn cmd_map_lists_the_in_place_commands() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is an object");
    let dtypes = ["int64", "uint64", "uint8", "float64", "bool"];
    let mut want = Vec::new();
    for a in dtypes {
        want.push(format!("opeqvs<{a},1>"));
        for b in dtypes {
            want.push(format!("opeqvv<{a},{b},1>"));
        }
    }
    want.sort();
    let mut got: Vec<String> = map
        .keys()
        .filter(|k| k.starts_with("opeq"))
        .cloned()
        .collect();
    got.sort();
    assert_eq!(got, want);
}
