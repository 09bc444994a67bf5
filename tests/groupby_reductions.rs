//! `segmentedReduction` (GroupBy's aggregations): every op and dtype from
//! the table tests/fixtures/groupby_reductions.txt, whose results NumPy and
//! pandas computed (tests/fixtures/groupby_reductions.py writes it): empty
//! segments, NaNs with and without `skip_nan`, bools, single elements, a
//! segment longer than 2^16, many segments; and the errors (unknown op,
//! wrong dtype, bad `n`), after which the symbol table is unchanged. At 1
//! rank, and with feature `mpi` at 2 and 3 ranks, where every reply and
//! every result must also be byte for byte the 1-rank one.

mod common;

use common::vals::*;
use common::*;

const TABLE: &str = include_str!("fixtures/groupby_reductions.txt");

struct Case {
    line: usize,
    op: String,
    dtype: String,
    skip_nan: bool,
    ddof: Option<String>,
    n: Option<String>,
    segments: String,
    values: String,
    result_dtype: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (i, line) in TABLE.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(" | ").collect();
        assert_eq!(f.len(), 7, "line {}: {line}", i + 1);
        let mut case = Case {
            line: i + 1,
            op: f[0].into(),
            dtype: f[1].into(),
            skip_nan: true,
            ddof: None,
            n: None,
            segments: f[3].into(),
            values: f[4].into(),
            result_dtype: f[5].into(),
            expected: f[6].into(),
        };
        if f[2] != "-" {
            for kv in f[2].split(',') {
                let (k, v) = kv.split_once('=').expect("key=value");
                match k {
                    "skip_nan" => case.skip_nan = v == "true",
                    "ddof" => case.ddof = Some(v.into()),
                    "n" => case.n = Some(v.into()),
                    _ => panic!("line {}: unknown option {k}", case.line),
                }
            }
        }
        out.push(case);
    }
    out
}

/// Numbers of a generator's argument list `name(a,b,...)`.
fn gen_args(spec: &str, name: &str) -> Option<Vec<f64>> {
    let inner = spec
        .strip_prefix(name)?
        .strip_prefix('(')?
        .strip_suffix(')')?;
    Some(inner.split(',').map(|x| x.parse().unwrap()).collect())
}

/// The values of a table field, as the Python generator makes them.
fn values(spec: &str, dtype: &str) -> Vals {
    if let Some(a) = gen_args(spec, "seq") {
        let (n, m, scale, off) = (a[0] as usize, a[1] as usize, a[2], a[3]);
        let f: Vec<f64> = (0..n)
            .map(|i| match a.get(4) {
                Some(k) if i % (*k as usize) == 0 => f64::NAN,
                _ => (i % m) as f64 * scale + off,
            })
            .collect();
        return match dtype {
            "int64" => Vals::I(f.iter().map(|x| *x as i64).collect()),
            "uint64" => Vals::U(f.iter().map(|x| *x as u64).collect()),
            "uint8" => Vals::U8(f.iter().map(|x| *x as u8).collect()),
            "float64" => Vals::F(f),
            "bool" => Vals::B((0..n).map(|i| i % m != 0).collect()),
            _ => panic!("dtype {dtype}"),
        };
    }
    list(spec, dtype)
}

/// A comma list ("-" when empty) of values of `dtype`.
fn list(spec: &str, dtype: &str) -> Vals {
    let items: Vec<&str> = if spec == "-" {
        vec![]
    } else {
        spec.split(',').collect()
    };
    match dtype {
        "int64" => Vals::I(items.iter().map(|x| x.parse().unwrap()).collect()),
        "uint64" => Vals::U(items.iter().map(|x| x.parse().unwrap()).collect()),
        "uint8" => Vals::U8(items.iter().map(|x| x.parse().unwrap()).collect()),
        "float64" => Vals::F(items.iter().map(|x| x.parse().unwrap()).collect()),
        "bool" => Vals::B(items.iter().map(|x| *x == "true").collect()),
        _ => panic!("dtype {dtype}"),
    }
}

fn segments(spec: &str) -> Vals {
    if let Some(a) = gen_args(spec, "steps") {
        let (k, m) = (a[0] as i64, a[1] as i64);
        let mut at = 0;
        return Vals::I(
            (0..k)
                .map(|j| {
                    let s = at;
                    at += j % m;
                    s
                })
                .collect(),
        );
    }
    list(spec, "int64")
}

/// Equal values; floats within 1e-12 relative (NumPy's order of additions
/// can differ from ours where a mean is not exact), NaN equal to NaN.
fn close(got: &Vals, want: &Vals) -> bool {
    match (got, want) {
        (Vals::F(g), Vals::F(w)) => {
            g.len() == w.len()
                && g.iter().zip(w).all(|(a, b)| {
                    a == b
                        || (a.is_nan() && b.is_nan())
                        || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
                })
        }
        _ => got == want,
    }
}

/// Runs every case on `c`; returns, per case, the reply text (names
/// stripped) and the result's bytes, for comparing rank counts.
fn run_table(c: &Client, ranks: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for case in cases() {
        let what = format!(
            "line {} ({} {}) at {ranks} ranks",
            case.line, case.op, case.dtype
        );
        let vals = values(&case.values, &case.dtype);
        let segs = segments(&case.segments);
        let v = put(c, &vals);
        let s = put(c, &segs);
        let skip = if case.skip_nan { "True" } else { "False" };
        let mut args = vec![
            ("values", "pdarray", v.as_str()),
            ("segments", "pdarray", s.as_str()),
            ("op", "str", case.op.as_str()),
            ("skip_nan", "bool", skip),
        ];
        if let Some(d) = &case.ddof {
            args.push(("ddof", "int64", d));
        } else {
            args.push(("ddof", "int64", "1"));
        }
        if let Some(n) = &case.n {
            args.push(("n", "int64", n));
        }
        let before = info_all(c);
        let reply = c.cmd("segmentedReduction", &args);
        if case.result_dtype == "error" {
            assert_eq!(
                reply.error(),
                format!(
                    "Error executing command segmentedReduction: {}",
                    case.expected
                ),
                "{what}"
            );
            assert_eq!(info_all(c), before, "{what}: the table changed");
            out.push((reply.error().to_string(), vec![]));
            continue;
        }
        let (name, dtype, n) = created(&reply);
        assert_eq!(dtype, case.result_dtype, "{what}");
        let got = get(c, &dtype, &name);
        assert_eq!(got.len(), n, "{what}");
        let want = list(&case.expected, &case.result_dtype);
        assert!(close(&got, &want), "{what}: got {got:?}, want {want:?}");
        out.push((strip_ids(reply.normal()), got.bytes()));
        for name in [&name, &v, &s] {
            c.cmd("delete", &[("name", "str", name)]);
        }
    }
    out
}

#[test]
fn table_of_reductions_matches_numpy_at_one_rank() {
    let server = Server::start();
    let c = server.client();
    let replies = run_table(&c, 1);
    assert!(replies.len() > 250, "{} cases", replies.len());
}

#[cfg(feature = "mpi")]
#[test]
fn table_of_reductions_is_the_same_at_two_and_three_ranks() {
    let one = {
        let server = Server::start();
        run_table(&server.client(), 1)
    };
    for ranks in [2, 3] {
        let server = Server::builder().ranks(ranks).start();
        let got = run_table(&server.client(), ranks);
        for (k, (a, b)) in one.iter().zip(&got).enumerate() {
            assert_eq!(a, b, "case {k} differs at {ranks} ranks from 1 rank");
        }
    }
}

/// `gbbroadcast` with segments that start after 0 (as Arkouda's client
/// sends for `ak.broadcast` of compressed segments): the elements before
/// the first segment are 0, as in Arkouda; empty segments are skipped.
fn broadcast_after_a_gap(c: &Client) {
    let segs = put(c, &Vals::I(vec![3, 3, 5, 6, 6, 7, 7]));
    let vals = put(c, &Vals::I((0..7).collect()));
    let perm = put(c, &Vals::I(vec![9, 1, 0, 5, 7, 2, 8, 4, 3, 6]));
    let run = |permute: bool| {
        result_of(
            c,
            "gbbroadcast",
            &[
                ("permName", "pdarray", &perm),
                ("segName", "pdarray", &segs),
                ("valName", "pdarray", &vals),
                ("permute", "bool", if permute { "True" } else { "False" }),
                ("size", "int64", "10"),
            ],
        )
    };
    let grouped = vec![0, 0, 0, 1, 1, 2, 4, 6, 6, 6];
    assert_eq!(run(false), Vals::I(grouped.clone()));
    // Element j of the grouped order goes to position perm[j].
    let perm_v = [9, 1, 0, 5, 7, 2, 8, 4, 3, 6];
    let mut want = vec![0; 10];
    for (j, p) in perm_v.iter().enumerate() {
        want[*p] = grouped[j];
    }
    assert_eq!(run(true), Vals::I(want));
}

#[test]
fn broadcast_after_a_gap_at_one_rank() {
    let server = Server::start();
    broadcast_after_a_gap(&server.client());
}

#[cfg(feature = "mpi")]
#[test]
fn broadcast_after_a_gap_at_two_and_three_ranks() {
    for ranks in [2, 3] {
        let server = Server::builder().ranks(ranks).start();
        broadcast_after_a_gap(&server.client());
    }
}
