//! In-place operators `opeqvv<T,U,1>` (`a op= b`) and `opeqvs<T,1>`
//! (`a op= scalar`), end to end through the binary.

mod common;

use common::vals::*;
use common::*;

/// The right-hand side: an array, or a scalar of the target's type (the
/// client casts scalars to the array's dtype before sending).
enum Operand {
    V(Vals),
    S(String),
}

/// (op, a, b, result of `a op= b`: the new `a`, or the exact error), from
/// `tests/fixtures/inplace.txt` (expectations computed with NumPy 2.4).
fn cases() -> Vec<(String, Vals, Operand, Result<Vals, String>)> {
    case_lines("inplace.txt")
        .into_iter()
        .map(|f| {
            let b = match f[2].strip_prefix("scalar ") {
                Some(s) => Operand::S(s.to_string()),
                None => Operand::V(parse_vals(&f[2])),
            };
            let want = match f[3].strip_prefix("error ") {
                Some(e) => Err(e.to_string()),
                None => Ok(parse_vals(&f[3])),
            };
            (f[0].clone(), parse_vals(&f[1]), b, want)
        })
        .collect()
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
