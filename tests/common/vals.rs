//! Typed array values for the array-command tests: uploads, downloads and
//! expectations, with a NaN-aware comparison.

use super::*;

/// Typed values of one array.
#[derive(Clone, Debug, PartialEq)]
pub enum Vals {
    I(Vec<i64>),
    U(Vec<u64>),
    U8(Vec<u8>),
    F(Vec<f64>),
    B(Vec<bool>),
}

impl Vals {
    pub fn dtype(&self) -> &'static str {
        match self {
            Vals::I(_) => "int64",
            Vals::U(_) => "uint64",
            Vals::U8(_) => "uint8",
            Vals::F(_) => "float64",
            Vals::B(_) => "bool",
        }
    }
    pub fn len(&self) -> usize {
        match self {
            Vals::I(v) => v.len(),
            Vals::U(v) => v.len(),
            Vals::U8(v) => v.len(),
            Vals::F(v) => v.len(),
            Vals::B(v) => v.len(),
        }
    }
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Vals::I(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Vals::U(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Vals::U8(v) => v.clone(),
            Vals::F(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Vals::B(v) => v.iter().map(|x| *x as u8).collect(),
        }
    }
    pub fn from_bytes(dtype: &str, b: &[u8]) -> Vals {
        let w = |b: &[u8]| -> Vec<[u8; 8]> {
            assert_eq!(
                b.len() % 8,
                0,
                "not whole words: {:?}",
                String::from_utf8_lossy(b)
            );
            b.chunks(8).map(|c| c.try_into().unwrap()).collect()
        };
        match dtype {
            "int64" => Vals::I(w(b).into_iter().map(i64::from_le_bytes).collect()),
            "uint64" => Vals::U(w(b).into_iter().map(u64::from_le_bytes).collect()),
            "uint8" => Vals::U8(b.to_vec()),
            "float64" => Vals::F(w(b).into_iter().map(f64::from_le_bytes).collect()),
            "bool" => Vals::B(b.iter().map(|x| *x != 0).collect()),
            _ => panic!("unknown dtype {dtype}"),
        }
    }
    /// The elements at `positions`, in order.
    pub fn pick(&self, positions: &[usize]) -> Vals {
        fn p<T: Copy>(v: &[T], positions: &[usize]) -> Vec<T> {
            positions.iter().map(|i| v[*i]).collect()
        }
        match self {
            Vals::I(v) => Vals::I(p(v, positions)),
            Vals::U(v) => Vals::U(p(v, positions)),
            Vals::U8(v) => Vals::U8(p(v, positions)),
            Vals::F(v) => Vals::F(p(v, positions)),
            Vals::B(v) => Vals::B(p(v, positions)),
        }
    }
    /// Element `i` from `src` element `j` (same type).
    pub fn assign(&mut self, i: usize, src: &Vals, j: usize) {
        match (self, src) {
            (Vals::I(v), Vals::I(s)) => v[i] = s[j],
            (Vals::U(v), Vals::U(s)) => v[i] = s[j],
            (Vals::U8(v), Vals::U8(s)) => v[i] = s[j],
            (Vals::F(v), Vals::F(s)) => v[i] = s[j],
            (Vals::B(v), Vals::B(s)) => v[i] = s[j],
            _ => panic!("type mismatch"),
        }
    }
}

/// Same values, with NaNs equal to each other and -0.0 distinct from 0.0.
pub fn same(a: &Vals, b: &Vals) -> bool {
    match (a, b) {
        (Vals::F(x), Vals::F(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
        }
        _ => a == b,
    }
}

pub fn put(c: &Client, v: &Vals) -> String {
    upload(c, v.dtype(), v.len(), &v.bytes())
}

pub fn get(c: &Client, dtype: &str, name: &str) -> Vals {
    Vals::from_bytes(dtype, &to_ndarray(c, dtype, name))
}

/// Parses a `created` reply of any length and returns (name, dtype, size).
pub fn created(reply: &Reply) -> (String, String, usize) {
    let msg = reply.normal();
    let parts: Vec<&str> = msg.split(' ').collect();
    assert_eq!(parts.len(), 7, "bad created reply {msg:?}");
    let n: usize = parts[3].parse().unwrap();
    let name = expect_created(reply, parts[2], n);
    (name, parts[2].to_string(), n)
}

/// Runs a creating command and downloads its result.
pub fn result_of(c: &Client, cmd: &str, args: &[(&str, &str, &str)]) -> Vals {
    let (name, dtype, n) = created(&c.cmd(cmd, args));
    let v = get(c, &dtype, &name);
    assert_eq!(v.len(), n);
    v
}

/// Case-file form of typed values: `<dtype>: v v ...` (floats in Rust's
/// round-trip form: `NaN`, `inf`, `-0.0`).
pub fn vals_text(v: &Vals) -> String {
    fn join<T: std::fmt::Debug>(v: &[T]) -> String {
        v.iter().map(|x| format!(" {x:?}")).collect()
    }
    let body = match v {
        Vals::I(x) => join(x),
        Vals::U(x) => join(x),
        Vals::U8(x) => join(x),
        Vals::F(x) => join(x),
        Vals::B(x) => join(x),
    };
    format!("{}:{body}", v.dtype())
}

/// Reads [`vals_text`]'s form back.
pub fn parse_vals(text: &str) -> Vals {
    let (dtype, body) = text
        .split_once(':')
        .unwrap_or_else(|| panic!("no dtype in {text:?}"));
    fn all<T: std::str::FromStr>(body: &str) -> Vec<T> {
        body.split_whitespace()
            .map(|w| {
                w.parse()
                    .unwrap_or_else(|_| panic!("bad value {w:?} in {body:?}"))
            })
            .collect()
    }
    match dtype.trim() {
        "int64" => Vals::I(all(body)),
        "uint64" => Vals::U(all(body)),
        "uint8" => Vals::U8(all(body)),
        "float64" => Vals::F(all(body)),
        "bool" => Vals::B(all(body)),
        other => panic!("unknown dtype {other:?}"),
    }
}

/// The cases of a case file under `tests/fixtures`: one per line, fields
/// split by ` | `, blank lines and `#` comments skipped.
pub fn case_lines(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split(" | ").map(str::to_string).collect())
        .collect()
}

/// `n` values of `dtype` from `seed`: many duplicates (integers within
/// `spread` of zero), both signs, a third of int64 and half of uint64 over
/// their whole range, and every float special (NaNs of both signs, both
/// zeros, infinities).
pub fn sample(dtype: &str, n: usize, seed: u64, spread: u64) -> Vals {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let specials = [
        f64::NAN,
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -f64::NAN,
        1.5,
        -1.5,
    ];
    let near = |x: u64, s: u64| (x % (2 * s + 1)) as i64 - s as i64;
    match dtype {
        "int64" => Vals::I(
            (0..n)
                .map(|i| {
                    let x = r.next();
                    if i % 3 == 0 {
                        x as i64
                    } else {
                        near(x, spread)
                    }
                })
                .collect(),
        ),
        "uint64" => Vals::U(
            (0..n)
                .map(|i| {
                    let x = r.next();
                    if i % 2 == 0 { x } else { x % 500 }
                })
                .collect(),
        ),
        "uint8" => Vals::U8((0..n).map(|_| r.next() as u8).collect()),
        "bool" => Vals::B((0..n).map(|_| r.next() & 1 == 1).collect()),
        "float64" => Vals::F(
            (0..n)
                .map(|i| {
                    let x = r.next();
                    if i % 5 == 0 {
                        specials[(x % 8) as usize]
                    } else {
                        near(x, 2 * spread) as f64 / 8.0
                    }
                })
                .collect(),
        ),
        _ => panic!("unknown dtype {dtype}"),
    }
}

/// Element `i` as a scalar reply prints it.
pub fn scalar_reply(v: &Vals, i: usize) -> String {
    match v {
        Vals::I(x) => format!("int64 {}", x[i]),
        Vals::U(x) => format!("uint64 {}", x[i]),
        Vals::U8(x) => format!("uint8 {}", x[i]),
        Vals::F(x) => {
            let text = match x[i] {
                y if y.is_nan() => "nan".to_string(),
                y if y == f64::INFINITY => "inf".to_string(),
                1e300 => "1e+300".to_string(),
                y => format!("{y:?}"),
            };
            format!("float64 {text}")
        }
        Vals::B(x) => format!("bool {}", if x[i] { "True" } else { "False" }),
    }
}

/// Element `i` as the client's `format_other` sends a value.
pub fn value_text(v: &Vals, i: usize) -> String {
    match v {
        Vals::I(x) => x[i].to_string(),
        Vals::U(x) => x[i].to_string(),
        Vals::U8(x) => x[i].to_string(),
        Vals::F(x) => format!("{:.17}", x[i]),
        Vals::B(x) => if x[i] { "True" } else { "False" }.to_string(),
    }
}

/// Python's `range(start, stop, step)`, as positions.
pub fn py_range(start: i64, stop: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0 && x < stop) || (step < 0 && x > stop) {
        out.push(x as usize);
        x += step;
    }
    out
}

/// The arguments of `[slice]` and `[slice]=` for `(start, stop, stride)`
/// as texts (see [`texts`]).
pub fn slice_args<'a>(name: &'a str, s: &'a [String; 3]) -> Vec<(&'a str, &'a str, &'a str)> {
    vec![
        ("array", "str", name),
        ("starts", "int64", &s[0]),
        ("stops", "int64", &s[1]),
        ("strides", "int64", &s[2]),
    ]
}

pub fn texts((a, b, c): (i64, i64, i64)) -> [String; 3] {
    [a.to_string(), b.to_string(), c.to_string()]
}
