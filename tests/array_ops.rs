//! arange, binary operators and reductions, end to end through the binary.

mod common;

use common::vals::*;
use common::*;

fn arange(c: &Client, dtype: &str, start: &str, stop: &str, step: &str) -> Vals {
    result_of(
        c,
        &format!("arange<{dtype},1>"),
        &[
            ("start", dtype, start),
            ("stop", dtype, stop),
            ("step", dtype, step),
        ],
    )
}

/// What the client sends for `ak.arange(start, stop, step)` (int64).
fn client_arange(c: &Client, start: i64, stop: i64, step: i64) -> Vals {
    let stop = if step < 0 { stop + 2 } else { stop };
    arange(
        c,
        "int64",
        &start.to_string(),
        &stop.to_string(),
        &step.to_string(),
    )
}

/// NumPy's arange, written out plainly.
fn np_arange(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0 && x < stop) || (step < 0 && x > stop) {
        out.push(x);
        x += step;
    }
    out
}

// ---------------------------------------------------------------------------
// arange
// ---------------------------------------------------------------------------

#[test]
fn arange_matches_numpy_lengths_and_values() {
    let server = Server::start();
    let c = server.client();
    for (start, stop, step) in [
        (0, 10, 1),
        (0, 10, 3),
        (-5, 5, 2),
        (3, 4, 1),
        (10, 0, -1),
        (10, 0, -3),
        (10, 1, -3),
        (-1, -20, -7),
        (5, 5, 1),
        (5, 0, 1),
    ] {
        let want = np_arange(start, stop, step);
        assert_eq!(
            client_arange(&c, start, stop, step),
            Vals::I(want),
            "arange({start}, {stop}, {step})"
        );
    }
    // Large enough to be built in parallel chunks.
    let n = 300_001i64;
    let Vals::I(v) = client_arange(&c, 7, 7 + 2 * n, 2) else {
        panic!("int64 expected")
    };
    assert_eq!(v.len() as i64, n);
    assert!(v.iter().enumerate().all(|(i, x)| *x == 7 + 2 * i as i64));
}

#[test]
fn arange_uint64_reaches_beyond_int64() {
    let server = Server::start();
    let c = server.client();
    let start = u64::MAX - 10;
    let got = arange(&c, "uint64", &start.to_string(), &u64::MAX.to_string(), "4");
    assert_eq!(got, Vals::U(vec![start, start + 4, start + 8]));
    assert_eq!(
        arange(&c, "uint64", "0", "5", "1"),
        Vals::U(vec![0, 1, 2, 3, 4])
    );
}

#[test]
fn arange_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let before = info_all(&c);
    c.cmd(
        "arange<int64,1>",
        &[("start", "int64", "0"), ("stop", "int64", "10")],
    )
    .expect_error(
        "Error executing command arange<int64,1>: KeyNotFound: JSON argument key Not Found: step",
    );
    c.cmd(
        "arange<int64,1>",
        &[("start", "int64", "0"), ("stop", "int64", "x"), ("step", "int64", "1")],
    )
    .expect_error(
        "Error executing command arange<int64,1>: TypeError: Json Argument 'x' cannot be cast as a scalar int(64)",
    );
    c.cmd(
        "arange<uint64,1>",
        &[("start", "uint64", "-1"), ("stop", "uint64", "3"), ("step", "uint64", "1")],
    )
    .expect_error(
        "Error executing command arange<uint64,1>: TypeError: Json Argument '-1' cannot be cast as a scalar uint(64)",
    );
    c.cmd(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", "3"),
            ("step", "int64", "0"),
        ],
    )
    .expect_error(
        "Error executing command arange<int64,1>: ValueError: arange step must not be zero",
    );
    let huge = c.cmd(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", &i64::MAX.to_string()),
            ("step", "int64", "1"),
        ],
    );
    assert!(
        huge.error()
            .starts_with("Error executing command arange<int64,1>: OverMemoryLimitError"),
        "{}",
        huge.text()
    );
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), 0);
}

// ---------------------------------------------------------------------------
// Binary operators
// ---------------------------------------------------------------------------

/// The second operand of a binop case: an array, or a scalar (dtype, text).
enum Arg {
    V(Vals),
    S(String, String),
}

/// (form, a, second operand, op, expected result), from
/// `tests/fixtures/binops.txt` (expectations computed with NumPy 2.4).
fn binop_cases() -> Vec<(String, Vals, Arg, String, Vals)> {
    case_lines("binops.txt")
        .into_iter()
        .map(|f| {
            let b = match f[3].strip_prefix("scalar ") {
                Some(s) => {
                    let (dt, val) = s.split_once(' ').expect("scalar <dtype> <text>");
                    Arg::S(dt.to_string(), val.to_string())
                }
                None => Arg::V(parse_vals(&f[3])),
            };
            (
                f[0].clone(),
                parse_vals(&f[1]),
                b,
                f[2].clone(),
                parse_vals(&f[4]),
            )
        })
        .collect()
}

/// Runs one binop case and returns the created result.
fn run_binop(c: &Client, form: &str, a: &Vals, b: &Arg, op: &str) -> Vals {
    let an = put(c, a);
    match b {
        Arg::V(bv) => {
            let bn = put(c, bv);
            let cmd = format!("binopvv<{},{},1>", a.dtype(), bv.dtype());
            result_of(
                c,
                &cmd,
                &[
                    ("op", "str", op),
                    ("a", a.dtype(), &an),
                    ("b", bv.dtype(), &bn),
                ],
            )
        }
        Arg::S(dt, val) => {
            let cmd = format!("binop{form}<{},{dt},1>", a.dtype());
            result_of(
                c,
                &cmd,
                &[("op", "str", op), ("a", a.dtype(), &an), ("value", dt, val)],
            )
        }
    }
}

#[test]
fn binops_match_numpy() {
    let server = Server::start();
    let c = server.client();
    let mut failures = Vec::new();
    let cases = binop_cases();
    for (form, a, b, op, want) in &cases {
        let got = run_binop(&c, form, a, b, op);
        if !same(&got, want) {
            let b = match b {
                Arg::V(v) => format!("{v:?}"),
                Arg::S(d, v) => format!("{d} {v}"),
            };
            failures.push(format!("{form} {a:?} {op} {b}: got {got:?}, want {want:?}"));
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

/// Rotation by `r` modulo 64, bit by bit: bit j moves to bit (j + r) mod 64.
fn rot_left(x: u64, r: i64) -> u64 {
    (0..64)
        .filter(|j| x >> j & 1 == 1)
        .map(|j| 1u64 << ((j + r).rem_euclid(64)))
        .sum()
}

#[test]
fn rotations_are_64_bit_and_take_counts_modulo_64() {
    let server = Server::start();
    let c = server.client();
    let xs: Vec<i64> = vec![1, -2, i64::MIN, 0x0123_4567_89ab_cdef, 0, -1, 7];
    let rs: Vec<i64> = vec![1, 3, 1, 68, 5, -1, 0];
    let want = |left: bool| -> Vec<u64> {
        xs.iter()
            .zip(&rs)
            .map(|(x, r)| rot_left(*x as u64, if left { *r } else { -*r }))
            .collect()
    };
    let b = Arg::V(Vals::I(rs.clone()));
    for (op, left) in [("<<<", true), (">>>", false)] {
        let got = run_binop(&c, "vv", &Vals::I(xs.clone()), &b, op);
        let w: Vec<i64> = want(left).into_iter().map(|x| x as i64).collect();
        assert_eq!(got, Vals::I(w), "int64 {op}");
        let ux: Vec<u64> = xs.iter().map(|x| *x as u64).collect();
        let ur = Arg::V(Vals::U(
            rs.iter().map(|r| r.rem_euclid(64) as u64).collect(),
        ));
        assert_eq!(
            run_binop(&c, "vv", &Vals::U(ux), &ur, op),
            Vals::U(want(left)),
            "uint64 {op}"
        );
    }
    // A scalar count, and a scalar rotated by an array of counts.
    assert_eq!(
        run_binop(
            &c,
            "vs",
            &Vals::U(vec![1, 1 << 63]),
            &Arg::S("uint64".into(), "1".into()),
            "<<<"
        ),
        Vals::U(vec![2, 1])
    );
    let an = put(&c, &Vals::I(vec![1, 2, 63]));
    assert_eq!(
        result_of(
            &c,
            "binopsv<int64,int64,1>",
            &[
                ("op", "str", ">>>"),
                ("a", "int64", &an),
                ("value", "int64", "1")
            ],
        ),
        Vals::I(vec![i64::MIN, 1 << 62, 2])
    );
    let fname = put(&c, &Vals::F(vec![1.0]));
    let r = c.cmd(
        "binopvs<float64,int64,1>",
        &[
            ("op", "str", "<<<"),
            ("a", "float64", &fname),
            ("value", "int64", "1"),
        ],
    );
    assert_eq!(
        r.error(),
        "Error executing command binopvs<float64,int64,1>: TypeError: binopvs<float64,int64,1>: operator <<< is not supported for float64 and int64"
    );
}

/// `x ** 0.5` is NumPy's `sqrt` (what `ak.sqrt` sends), not `pow`.
#[test]
fn power_one_half_is_a_correctly_rounded_square_root() {
    let server = Server::start();
    let c = server.client();
    let xs: Vec<f64> = (0..20_000)
        .map(|i| 1.0 + i as f64 * 0.000_731_1)
        .chain([0.0, -0.0, f64::INFINITY, -1.0, 2.69357887])
        .collect();
    // Only meaningful where pow and sqrt disagree somewhere.
    assert!(
        xs.iter()
            .any(|x| x.powf(0.5).to_bits() != x.sqrt().to_bits())
    );
    let want = Vals::F(xs.iter().map(|x| x.sqrt()).collect());
    let a = Vals::F(xs.clone());
    let got = run_binop(&c, "vs", &a, &Arg::S("float64".into(), "0.5".into()), "**");
    assert!(same(&got, &want), "binopvs ** 0.5 is not sqrt");
    // In place too: a **= 0.5.
    let name = put(&c, &a);
    c.cmd(
        "opeqvs<float64,1>",
        &[
            ("op", "str", "**="),
            ("a", "float64", &name),
            ("value", "float64", "0.5"),
        ],
    )
    .normal();
    assert!(
        same(&get(&c, "float64", &name), &want),
        "**= 0.5 is not sqrt"
    );
}

#[test]
fn binops_on_large_arrays_run_in_chunks() {
    let server = Server::start();
    let c = server.client();
    let n = 200_003usize;
    let a: Vec<i64> = (0..n as i64).map(|i| i * 7 - 300_000).collect();
    let b: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
    let an = put(&c, &Vals::I(a.clone()));
    let bn = put(&c, &Vals::U8(b.clone()));
    let got = result_of(
        &c,
        "binopvv<int64,uint8,1>",
        &[("op", "str", "%"), ("a", "int64", &an), ("b", "uint8", &bn)],
    );
    let want: Vec<i64> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| if *y == 0 { 0 } else { x.rem_euclid(*y as i64) })
        .collect();
    assert_eq!(got, Vals::I(want));
    let got = result_of(
        &c,
        "binopsv<int64,float64,1>",
        &[
            ("op", "str", "/"),
            ("a", "int64", &an),
            ("value", "float64", "1.5"),
        ],
    );
    let want: Vec<f64> = a.iter().map(|x| 1.5 / *x as f64).collect();
    assert!(same(&got, &Vals::F(want)));
    let got = result_of(
        &c,
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", ">="),
            ("a", "int64", &an),
            ("value", "int64", "0"),
        ],
    );
    assert_eq!(got, Vals::B(a.iter().map(|x| *x >= 0).collect()));
    // Same-type operands are read in place: array with array, scalar first.
    let got = result_of(
        &c,
        "binopvv<int64,int64,1>",
        &[("op", "str", "-"), ("a", "int64", &an), ("b", "int64", &an)],
    );
    assert_eq!(got, Vals::I(vec![0; n]));
    let got = result_of(
        &c,
        "binopsv<int64,int64,1>",
        &[
            ("op", "str", "-"),
            ("a", "int64", &an),
            ("value", "int64", "5"),
        ],
    );
    assert_eq!(got, Vals::I(a.iter().map(|x| 5 - x).collect()));
}

#[test]
fn binop_errors_are_named_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2, 3]));
    let i2 = put(&c, &Vals::I(vec![1, 2]));
    let f = put(&c, &Vals::F(vec![1.0, 2.0, 3.0]));
    let u = put(&c, &Vals::U(vec![1, 2, 3]));
    let b = put(&c, &Vals::B(vec![true, false, true]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let vv = |ta: &str, tb: &str, op: &str, a: &str, b: &str| {
        c.cmd(
            &format!("binopvv<{ta},{tb},1>"),
            &[("op", "str", op), ("a", ta, a), ("b", tb, b)],
        )
    };
    let pre = |cmd: &str| format!("Error executing command {cmd}: ");
    vv("int64", "int64", "@", &i, &i).expect_error(&format!(
        "{}ValueError: Unrecognized operator: @",
        pre("binopvv<int64,int64,1>")
    ));
    vv("float64", "int64", "&", &f, &i).expect_error(&format!(
        "{}TypeError: binopvv<float64,int64,1>: operator & is not supported for float64 and int64",
        pre("binopvv<float64,int64,1>")
    ));
    vv("int64", "uint64", "<<", &i, &u).expect_error(&format!(
        "{}TypeError: binopvv<int64,uint64,1>: operator << is not supported for int64 and uint64",
        pre("binopvv<int64,uint64,1>")
    ));
    vv("bool", "bool", "-", &b, &b).expect_error(&format!(
        "{}TypeError: binopvv<bool,bool,1>: operator - is not supported for bool and bool",
        pre("binopvv<bool,bool,1>")
    ));
    vv("int64", "int64", "+", &i, &i2).expect_error(&format!(
        "{}ValueError: size mismatch: {i} has 3 elements but {i2} has 2",
        pre("binopvv<int64,int64,1>")
    ));
    vv("int64", "int64", "+", &i, "nope").expect_error(&format!(
        "{}UnknownSymbolError: unknown symbol: nope",
        pre("binopvv<int64,int64,1>")
    ));
    vv("int64", "int64", "+", &i, &f).expect_error(&format!(
        "{}ValueError: {f} holds float64 but binopvv<int64,int64,1> was called",
        pre("binopvv<int64,int64,1>")
    ));
    let (sq, _, _) = created(&vv("int64", "int64", "**", &i, &i));
    c.cmd("delete", &[("name", "str", &sq)]).normal();
    let neg = put(&c, &Vals::I(vec![1, -1, 2]));
    vv("int64", "int64", "**", &i, &neg).expect_error(&format!(
        "{}ValueError: Integers to negative integer powers are not allowed.",
        pre("binopvv<int64,int64,1>")
    ));
    c.cmd("delete", &[("name", "str", &neg)]).normal();
    c.cmd(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "**"),
            ("a", "int64", &i),
            ("value", "int64", "-2"),
        ],
    )
    .expect_error(&format!(
        "{}ValueError: Integers to negative integer powers are not allowed.",
        pre("binopvs<int64,int64,1>")
    ));
    c.cmd(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "+"),
            ("a", "int64", &i),
            ("value", "int64", "x"),
        ],
    )
    .expect_error(&format!(
        "{}TypeError: Json Argument 'x' cannot be cast as a scalar int(64)",
        pre("binopvs<int64,int64,1>")
    ));
    c.cmd(
        "binopsv<int64,uint8,1>",
        &[
            ("op", "str", "+"),
            ("a", "int64", &i),
            ("value", "uint8", "256"),
        ],
    )
    .expect_error(&format!(
        "{}TypeError: Json Argument '256' cannot be cast as a scalar uint(8)",
        pre("binopsv<int64,uint8,1>")
    ));
    c.cmd(
        "binopvs<int64,int64,1>",
        &[("op", "str", "+"), ("a", "int64", &i)],
    )
    .expect_error(&format!(
        "{}KeyNotFound: JSON argument key Not Found: value",
        pre("binopvs<int64,int64,1>")
    ));
    let unregistered = c.cmd(
        "binopvv<int64,int64,2>",
        &[("op", "str", "+"), ("a", "int64", &i), ("b", "int64", &i)],
    );
    assert!(
        unregistered.error().contains("binopvv<int64,int64,2>"),
        "{}",
        unregistered.text()
    );
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
}

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

/// `<kind>All<dtype,1>` x=name skipNan=..., as the client sends it: the reply msg.
fn reduce(c: &Client, kind: &str, dtype: &str, name: &str, skip_nan: bool) -> String {
    let skip = if skip_nan { "True" } else { "False" };
    c.cmd(
        &format!("{kind}All<{dtype},1>"),
        &[("x", dtype, name), ("skipNan", "bool", skip)],
    )
    .normal()
    .to_string()
}

/// All six reductions of one array, without skipping NaNs.
fn reductions(c: &Client, v: &Vals) -> Vec<String> {
    let name = put(c, v);
    ["sum", "prod", "min", "max", "any", "all"]
        .iter()
        .map(|k| reduce(c, k, v.dtype(), &name, false))
        .collect()
}

#[test]
fn reductions_give_numpy_types_and_values() {
    let server = Server::start();
    let c = server.client();
    let v = [3i64, -7, 11, 0, 5];
    assert_eq!(
        reductions(&c, &Vals::I(v.to_vec())),
        [
            format!("int64 {}", v.iter().sum::<i64>()),
            "int64 0".to_string(),
            "int64 -7".to_string(),
            "int64 11".to_string(),
            "bool True".to_string(),
            "bool False".to_string(),
        ]
    );
    let wraps = Vals::I(vec![i64::MAX, 2]);
    assert_eq!(
        reductions(&c, &wraps)[..2],
        [
            format!("int64 {}", i64::MAX.wrapping_add(2)),
            format!("int64 {}", i64::MAX.wrapping_mul(2)),
        ]
    );
    assert_eq!(
        reductions(&c, &Vals::U(vec![u64::MAX, 2, 1])),
        [
            &format!("uint64 {}", u64::MAX.wrapping_add(2).wrapping_add(1)),
            &format!("uint64 {}", u64::MAX.wrapping_mul(2)),
            "uint64 1",
            &format!("uint64 {}", u64::MAX),
            "bool True",
            "bool True"
        ]
    );
    assert_eq!(
        reductions(&c, &Vals::U8(vec![200, 100, 7])),
        [
            "uint64 307",
            &format!("uint64 {}", 200u64 * 100 * 7),
            "uint8 7",
            "uint8 200",
            "bool True",
            "bool True"
        ]
    );
    assert_eq!(
        reductions(&c, &Vals::B(vec![true, false, true])),
        [
            "int64 2",
            "int64 0",
            "bool False",
            "bool True",
            "bool True",
            "bool False"
        ]
    );
    assert_eq!(
        reductions(&c, &Vals::B(vec![true, true])),
        [
            "int64 2",
            "int64 1",
            "bool True",
            "bool True",
            "bool True",
            "bool True"
        ]
    );
    assert_eq!(
        reductions(&c, &Vals::F(vec![0.5, -2.25, 4.0, 0.0])),
        [
            "float64 2.25",
            "float64 -0.0",
            "float64 -2.25",
            "float64 4.0",
            "bool True",
            "bool False"
        ]
    );
    // Formatting as Python's repr.
    assert_eq!(
        reductions(&c, &Vals::F(vec![0.1, 0.2]))[0],
        format!("float64 {:?}", 0.1 + 0.2)
    );
    assert_eq!(reductions(&c, &Vals::F(vec![1e20]))[0], "float64 1e+20");
    assert_eq!(
        reductions(&c, &Vals::F(vec![f64::INFINITY, 1.0]))[0],
        "float64 inf"
    );
}

#[test]
fn reductions_honour_skip_nan() {
    let server = Server::start();
    let c = server.client();
    let name = put(&c, &Vals::F(vec![1.5, -2.25, f64::NAN, 4.0]));
    let r = |k: &str, skip: bool| reduce(&c, k, "float64", &name, skip);
    for k in ["sum", "prod", "min", "max"] {
        assert_eq!(r(k, false), "float64 nan", "{k}");
    }
    assert_eq!(r("sum", true), format!("float64 {:?}", 1.5 - 2.25 + 4.0));
    assert_eq!(r("prod", true), format!("float64 {:?}", 1.5 * -2.25 * 4.0));
    assert_eq!(r("min", true), "float64 -2.25");
    assert_eq!(r("max", true), "float64 4.0");
    // NaN is true for any/all, as in NumPy.
    assert_eq!(r("any", false), "bool True");
    assert_eq!(r("all", false), "bool True");
    let nans = put(&c, &Vals::F(vec![f64::NAN, f64::NAN]));
    assert_eq!(reduce(&c, "min", "float64", &nans, true), "float64 nan");
    assert_eq!(reduce(&c, "sum", "float64", &nans, true), "float64 0.0");
    // skipNan may be left out (any/all callers).
    let reply = c.cmd("anyAll<float64,1>", &[("x", "float64", &name)]);
    reply.expect_normal("bool True");
}

#[test]
fn reductions_of_empty_and_large_arrays() {
    let server = Server::start();
    let c = server.client();
    let e = create(&c, "int64", 0);
    assert_eq!(reduce(&c, "sum", "int64", &e, false), "int64 0");
    assert_eq!(reduce(&c, "prod", "int64", &e, false), "int64 1");
    assert_eq!(reduce(&c, "any", "int64", &e, false), "bool False");
    assert_eq!(reduce(&c, "all", "int64", &e, false), "bool True");
    // The original server's identities, not NumPy's error.
    assert_eq!(
        reduce(&c, "min", "int64", &e, false),
        "int64 9223372036854775807"
    );
    assert_eq!(
        reduce(&c, "max", "int64", &e, false),
        "int64 -9223372036854775808"
    );
    for (dtype, min, max) in [
        ("uint64", "uint64 18446744073709551615", "uint64 0"),
        ("uint8", "uint8 255", "uint8 0"),
        ("bool", "bool True", "bool False"),
        (
            "float64",
            "float64 1.7976931348623157e+308",
            "float64 -1.7976931348623157e+308",
        ),
    ] {
        let e = create(&c, dtype, 0);
        assert_eq!(reduce(&c, "min", dtype, &e, false), min);
        assert_eq!(reduce(&c, "max", dtype, &e, false), max);
    }

    let n = 300_007i64;
    let (a, _, _) = created(&c.cmd(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", &n.to_string()),
            ("step", "int64", "1"),
        ],
    ));
    assert_eq!(
        reduce(&c, "sum", "int64", &a, false),
        format!("int64 {}", n * (n - 1) / 2)
    );
    assert_eq!(reduce(&c, "min", "int64", &a, false), "int64 0");
    assert_eq!(
        reduce(&c, "max", "int64", &a, false),
        format!("int64 {}", n - 1)
    );
    assert_eq!(reduce(&c, "all", "int64", &a, false), "bool False");
    let halves: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
    let h = put(&c, &Vals::F(halves));
    assert_eq!(
        reduce(&c, "sum", "float64", &h, false),
        format!("float64 {:?}", (n * (n - 1) / 2) as f64 * 0.5)
    );
    assert_eq!(
        reduce(&c, "max", "float64", &h, false),
        format!("float64 {:?}", (n - 1) as f64 * 0.5)
    );
}

#[test]
fn reduction_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    c.cmd(
        "sumAll<int64,1>",
        &[("x", "int64", "nope"), ("skipNan", "bool", "False")],
    )
    .expect_error(
        "Error executing command sumAll<int64,1>: UnknownSymbolError: unknown symbol: nope",
    );
    c.cmd("sumAll<float64,1>", &[("x", "float64", &i), ("skipNan", "bool", "False")])
        .expect_error(&format!(
            "Error executing command sumAll<float64,1>: ValueError: {i} holds int64 but sumAll<float64,1> was called"
        ));
    c.cmd("prodAll<int64,1>", &[("skipNan", "bool", "False")])
        .expect_error(
            "Error executing command prodAll<int64,1>: KeyNotFound: JSON argument key Not Found: x",
        );
    c.cmd("maxAll<int64,1>", &[("x", "int64", &i), ("skipNan", "bool", "maybe")])
        .expect_error("Error executing command maxAll<int64,1>: TypeError: Json Argument 'maybe' cannot be cast as a scalar bool");
    assert_eq!(info_all(&c), before);
}

#[test]
fn cmd_map_lists_exactly_these_array_commands() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is an object");
    let dtypes = ["int64", "uint64", "uint8", "float64", "bool"];
    let mut want = vec![
        "arange<int64,1>".to_string(),
        "arange<uint64,1>".to_string(),
    ];
    for a in dtypes {
        for b in dtypes {
            for form in ["vv", "vs", "sv"] {
                want.push(format!("binop{form}<{a},{b},1>"));
            }
        }
        for k in ["sum", "prod", "min", "max", "any", "all"] {
            want.push(format!("{k}All<{a},1>"));
        }
    }
    want.sort();
    let mut got: Vec<String> = map
        .keys()
        .filter(|k| {
            let whole = ["sum", "prod", "min", "max", "any", "all"]
                .iter()
                .any(|r| k.starts_with(&format!("{r}All<")));
            k.starts_with("arange") || k.starts_with("binop") || whole
        })
        .cloned()
        .collect();
    got.sort();
    assert_eq!(got, want);
}
