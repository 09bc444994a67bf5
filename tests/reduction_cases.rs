//! The whole-array reductions against NumPy's answers, case by case from
//! tests/fixtures/reductions.txt (written by reductions_gen.py there, which
//! documents the line format): at one rank, and with the `mpi` feature at
//! 2 and 3 ranks (uneven blocks) too, where every reply must be the same
//! except float sums flagged as depending on the order of additions.

mod common;

use common::vals::*;
use common::*;

struct Case {
    op: String,
    dtype: String,
    skip: bool,
    /// The value depends on the order of float additions: exact at one rank.
    one: bool,
    /// A float product whose rounding depends on the order: near, not equal.
    loose: bool,
    spec: String,
    expected: String,
    line: usize,
}

fn cases() -> Vec<Case> {
    let text = include_str!("fixtures/reductions.txt");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let parts: Vec<&str> = l.split(" | ").collect();
            assert_eq!(parts.len(), 3, "line {}: {l}", i + 1);
            let head: Vec<&str> = parts[0].split_whitespace().collect();
            let flags: Vec<&str> = head[2].split(',').collect();
            Case {
                op: head[0].into(),
                dtype: head[1].into(),
                skip: flags.contains(&"skip"),
                one: flags.contains(&"one"),
                loose: flags.contains(&"loose"),
                spec: parts[1].trim().into(),
                expected: parts[2].trim().into(),
                line: i + 1,
            }
        })
        .collect()
}

/// The values of a spec: numbers, `K*v` repeats, `range(a,b)`.
fn values(dtype: &str, spec: &str) -> Vals {
    let mut words: Vec<String> = Vec::new();
    for tok in spec.split_whitespace() {
        if let Some(r) = tok.strip_prefix("range(") {
            let (a, b) = r.trim_end_matches(')').split_once(',').expect("range(a,b)");
            let (a, b): (i64, i64) = (a.parse().unwrap(), b.parse().unwrap());
            words.extend((a..b).map(|x| x.to_string()));
        } else if let Some((k, v)) = tok.split_once('*') {
            words.extend(std::iter::repeat_n(v.to_string(), k.parse().unwrap()));
        } else {
            words.push(tok.to_string());
        }
    }
    let w = words.iter();
    match dtype {
        "int64" => Vals::I(w.map(|x| x.parse().unwrap()).collect()),
        "uint64" => Vals::U(w.map(|x| x.parse().unwrap()).collect()),
        "uint8" => Vals::U8(w.map(|x| x.parse::<i64>().unwrap() as u8).collect()),
        "float64" => Vals::F(w.map(|x| x.parse().unwrap()).collect()),
        "bool" => Vals::B(w.map(|x| x == "True").collect()),
        _ => panic!("dtype {dtype}"),
    }
}

fn ask(c: &Client, case: &Case, name: &str) -> Reply {
    let d = case.dtype.as_str();
    let skip = if case.skip { "True" } else { "False" };
    let (cmd, ddof) = match case.op.as_str() {
        "var1" => ("var", "1"),
        op => (op, "0"),
    };
    let cmd = format!("{cmd}All<{d},1>");
    match cmd.as_str() {
        c0 if c0.starts_with("arg") => c.cmd(&cmd, &[("x", d, name)]),
        c0 if c0.starts_with("var") => c.cmd(
            &cmd,
            &[
                ("x", d, name),
                ("skipNan", "bool", skip),
                ("ddof", "float64", ddof),
            ],
        ),
        _ => c.cmd(&cmd, &[("x", d, name), ("skipNan", "bool", skip)]),
    }
}

/// Whether reply `got` is the expected one: floats by bits (any NaN
/// equals any NaN), or within 1e-9 relative when `near`.
fn matches(got: &str, expected: &str, near: bool) -> bool {
    let (Some((gt, gv)), Some((et, ev))) = (got.split_once(' '), expected.split_once(' ')) else {
        return got == expected;
    };
    if gt != et || et != "float64" {
        return got == expected;
    }
    let (Ok(g), Ok(e)) = (gv.parse::<f64>(), ev.parse::<f64>()) else {
        return false;
    };
    if g.is_nan() || e.is_nan() {
        return g.is_nan() && e.is_nan();
    }
    if near {
        // Order-dependent sums may overflow in one order only.
        // A variance of equal values may come out 0 in one order, 1e-34 in another.
        return !e.is_finite() || (g - e).abs() <= 1e-9 * e.abs() + 1e-30;
    }
    g.to_bits() == e.to_bits()
}

fn run(ranks: usize) {
    let s = Server::builder().ranks(ranks).start();
    let c = s.client();
    let mut failures = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    let all = cases();
    assert!(all.len() > 3000, "the fixture lost its cases");
    for case in &all {
        let key = (case.dtype.clone(), case.spec.clone());
        if current.as_ref().map(|(d, sp, _)| (d, sp)) != Some((&key.0, &key.1)) {
            if let Some((_, _, name)) = current.take() {
                c.cmd("delete", &[("name", "str", &name)]).normal();
            }
            let name = put(&c, &values(&case.dtype, &case.spec));
            current = Some((key.0, key.1, name));
        }
        let name = &current.as_ref().unwrap().2;
        let reply = ask(&c, case, name);
        let ok = if case.expected == "error" {
            reply.msg_type() == "ERROR"
        } else {
            reply.msg_type() == "NORMAL"
                && matches(
                    reply.msg(),
                    &case.expected,
                    case.loose || (case.one && ranks > 1),
                )
        };
        if !ok {
            failures.push(format!(
                "line {} ({} {} skip={}), ranks {ranks}: got {:?}, want {:?}",
                case.line,
                case.op,
                case.dtype,
                case.skip,
                reply.msg(),
                case.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}

#[test]
fn reductions_match_numpy_at_one_rank() {
    run(1);
}

#[cfg(feature = "mpi")]
#[test]
fn reductions_match_numpy_at_two_ranks() {
    run(2);
}

#[cfg(feature = "mpi")]
#[test]
fn reductions_match_numpy_at_three_ranks() {
    run(3);
}
