//! Numbers to strings and strings to numbers.
//!
//! Numbers print as NumPy's `str()` prints a scalar of their type: integers
//! in decimal, bools as `True`/`False`, float64 as Python's `repr` (the
//! shortest text that reads back to the same value; positional when the
//! decimal exponent is from -4 to 15, else `d.ddde±XX`; `nan`, `inf`).
//!
//! Strings read as the original server's casts read them: surrounding
//! whitespace ignored; integers in decimal or with a `0x`, `0b` or `0o`
//! prefix after an optional sign, failing past 64 bits (uint8 wraps);
//! floats in decimal or scientific notation, `inf` and `nan`; bools
//! `true`/`false` in any case.

use std::fmt::Write as _;

use super::super::Strs;
use crate::kernels;

/// Appends the decimal digits of `x`.
pub fn push_u64(mut x: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

pub fn push_i64(x: i64, out: &mut Vec<u8>) {
    if x < 0 {
        out.push(b'-');
    }
    push_u64(x.unsigned_abs(), out);
}

pub fn push_bool(x: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(if x { b"True" } else { b"False" });
}

/// Appends `x` as Python's `repr(float)` writes it; `scratch` is reused
/// between calls to spare an allocation per number.
pub fn push_f64(x: f64, out: &mut Vec<u8>, scratch: &mut String) {
    if x.is_nan() {
        return out.extend_from_slice(b"nan");
    }
    if x.is_infinite() {
        return out.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
    }
    if x.is_sign_negative() {
        out.push(b'-');
    }
    if x == 0.0 {
        return out.extend_from_slice(b"0.0");
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde-5`.
    scratch.clear();
    write!(scratch, "{:e}", x.abs()).expect("writing to a String");
    let (mantissa, exp) = scratch.split_once('e').expect("an exponent");
    let exp: i32 = exp.parse().expect("a decimal exponent");
    let digits: Vec<u8> = mantissa.bytes().filter(|&b| b != b'.').collect();
    // x = 0.d1d2... * 10^point
    let point = exp + 1;
    if -4 < point && point <= 16 {
        if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-point) as usize));
            out.extend_from_slice(&digits);
        } else if point as usize >= digits.len() {
            out.extend_from_slice(&digits);
            out.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
            out.extend_from_slice(b".0");
        } else {
            let (int, frac) = digits.split_at(point as usize);
            out.extend_from_slice(int);
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        if exp.abs() < 10 {
            out.push(b'0');
        }
        push_u64(exp.unsigned_abs() as u64, out);
    }
}

/// The text of every element of `v` as strings: (offsets, bytes), each
/// string NUL-terminated. Chunks of `v` are printed on every core, then
/// joined.
pub fn print_all<T: Copy + Sync>(
    v: &[T],
    print: impl Fn(T, &mut Vec<u8>, &mut String) + Sync,
) -> (Vec<u64>, Vec<u8>) {
    let pieces = kernels::map_ranges(v.len(), |r| {
        let mut offsets = Vec::with_capacity(r.len());
        let mut bytes = Vec::with_capacity(r.len() * 8);
        let mut scratch = String::new();
        for &x in &v[r] {
            offsets.push(bytes.len() as u64);
            print(x, &mut bytes, &mut scratch);
            bytes.push(0);
        }
        (offsets, bytes)
    });
    if pieces.len() == 1 {
        return pieces.into_iter().next().expect("one piece");
    }
    let mut offsets = Vec::with_capacity(v.len());
    let mut bytes = Vec::with_capacity(pieces.iter().map(|p| p.1.len()).sum());
    for (o, b) in pieces {
        let base = bytes.len() as u64;
        offsets.extend(o.iter().map(|x| x + base));
        bytes.extend_from_slice(&b);
    }
    (offsets, bytes)
}

/// ASCII whitespace off both ends.
fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// A sign, then digits in base 10 or after a `0x`/`0b`/`0o` prefix: (is
/// negative, magnitude), `None` when malformed or past u64.
fn magnitude(s: &[u8]) -> Option<(bool, u64)> {
    let s = trim(s);
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = match s {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest),
        [b'0', b'b' | b'B', rest @ ..] => (2, rest),
        [b'0', b'o' | b'O', rest @ ..] => (8, rest),
        _ => (10, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut m = 0u64;
    for &d in digits {
        let v = (d as char).to_digit(radix)? as u64;
        m = m.checked_mul(radix as u64)?.checked_add(v)?;
    }
    Some((neg, m))
}

pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, m) = magnitude(s)?;
    if neg {
        0i64.checked_sub_unsigned(m)
    } else {
        i64::try_from(m).ok()
    }
}

pub fn parse_u64(s: &[u8]) -> Option<u64> {
    match magnitude(s)? {
        (false, m) => Some(m),
        (true, _) => None,
    }
}

/// Read as uint64, then wrapped (the original reads `"300"` as 44).
pub fn parse_u8(s: &[u8]) -> Option<u8> {
    parse_u64(s).map(|x| x as u8)
}

pub fn parse_f64(s: &[u8]) -> Option<f64> {
    std::str::from_utf8(trim(s)).ok()?.parse().ok()
}

pub fn parse_bool(s: &[u8]) -> Option<bool> {
    let s = trim(s);
    if s.eq_ignore_ascii_case(b"true") {
        Some(true)
    } else if s.eq_ignore_ascii_case(b"false") {
        Some(false)
    } else {
        None
    }
}

/// Every string of `src` read by `parse`: the values (`fallback` where a
/// string does not read) and whether each read.
pub fn parse_all<T: kernels::Plain + Send + Sync>(
    src: Strs,
    parse: impl Fn(&[u8]) -> Option<T> + Sync,
    fallback: T,
) -> (Vec<T>, Vec<bool>) {
    let vals = kernels::tabulate(src.len(), 0, |i| parse(src.get(i)));
    let ok = kernels::map(&vals, |v: Option<T>| v.is_some());
    (kernels::map(&vals, |v| v.unwrap_or(fallback)), ok)
}

/// The first string of `src` that `parse` cannot read.
pub fn first_bad<T>(src: Strs, parse: impl Fn(&[u8]) -> Option<T> + Sync) -> Option<usize> {
    kernels::map_ranges(src.len(), |r| {
        r.into_iter().find(|&i| parse(src.get(i)).is_none())
    })
    .into_iter()
    .flatten()
    .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut out = Vec::new();
        push_f64(x, &mut out, &mut String::new());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1234.5, "1234.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-300, "1.5e-300"),
            (1e100, "1e+100"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (123456789012345680.0, "1.2345678901234568e+17"),
        ];
        for (x, want) in cases {
            assert_eq!(f(x), want);
        }
    }

    #[test]
    fn strings_read_as_the_original() {
        assert_eq!(parse_i64(b" -45 "), Some(-45));
        assert_eq!(parse_i64(b"0b101"), Some(5));
        assert_eq!(parse_i64(b"0x30"), Some(48));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"3?"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"0x"), None);
        assert_eq!(parse_u64(b"-4"), None);
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u8(b"300"), Some(44));
        assert_eq!(parse_f64(b" 78.91E+4"), Some(789100.0));
        assert_eq!(parse_f64(b"4.!4"), None);
        assert_eq!(parse_bool(b"  TRUE "), Some(true));
        assert_eq!(parse_bool(b"NOTTRUE"), None);
    }
}
