//! Sorting, uniqueness, membership, set operations and concatenation on
//! servers of 1, 2 and 3 ranks (3 gives uneven blocks). Every expected value
//! is computed here (stable `sort_by` in NumPy's order: NaN last, `-0.0 ==
//! 0.0`, ties in input order), and every check's transcript (replies with
//! the names' random prefixes cut, values read back) must be the same at
//! every rank count.
#![cfg(feature = "mpi")]

mod common;

use std::cmp::Ordering;
use std::collections::BTreeSet;

use common::vals::*;
use common::*;

const DTYPES: [&str; 5] = ["int64", "uint64", "uint8", "float64", "bool"];
/// Above the server's parallel threshold (2^16).
const BIG: usize = 70_003;

/// Uploads `v` (an empty array is created instead: its payload would be
/// empty).
fn up(c: &Client, v: &Vals) -> String {
    if v.len() == 0 {
        create(c, v.dtype(), 0)
    } else {
        put(c, v)
    }
}

fn np_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap(),
    }
}

fn cmp_at(v: &Vals, i: usize, j: usize) -> Ordering {
    match v {
        Vals::I(x) => x[i].cmp(&x[j]),
        Vals::U(x) => x[i].cmp(&x[j]),
        Vals::U8(x) => x[i].cmp(&x[j]),
        Vals::B(x) => x[i].cmp(&x[j]),
        Vals::F(x) => np_cmp(x[i], x[j]),
    }
}

/// NumPy's stable argsort of the rows of `cols` (first most significant).
fn ref_argsort(cols: &[&Vals]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..cols[0].len()).collect();
    idx.sort_by(|&a, &b| {
        cols.iter()
            .map(|c| cmp_at(c, a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    idx
}

/// Where each run of equal rows starts in the sorted order `perm`.
fn ref_segments(cols: &[&Vals], perm: &[usize]) -> Vec<usize> {
    (0..perm.len())
        .filter(|&i| i == 0 || cols.iter().any(|c| cmp_at(c, perm[i], perm[i - 1]).is_ne()))
        .collect()
}

fn ints(v: &[usize]) -> Vals {
    Vals::I(v.iter().map(|x| *x as i64).collect())
}

fn list(names: &[&str]) -> String {
    serde_json::to_string(names).unwrap()
}

/// The `created` texts of a reply, `+`-joined or a JSON list, as
/// (name, dtype, size).
fn created_all(msg: &str) -> Vec<(String, String, usize)> {
    let parts: Vec<String> = if msg.starts_with('[') {
        serde_json::from_str(msg).unwrap()
    } else {
        msg.split('+').map(str::to_string).collect()
    };
    parts
        .iter()
        .map(|p| {
            let w: Vec<&str> = p.split(' ').collect();
            assert_eq!(w.len(), 7, "bad created part {p:?}");
            (w[1].to_string(), w[2].to_string(), w[3].parse().unwrap())
        })
        .collect()
}

/// A reply with every name's random prefix cut off.
fn plain(msg: &str) -> String {
    msg.split(' ')
        .map(|w| {
            let (lead, rest) = w.split_at(w.find("id_").unwrap_or(0));
            if rest.starts_with("id_") && rest.len() > 11 && rest.as_bytes()[10] == b'_' {
                format!("{lead}id_{}", &rest[11..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd`, records its reply and every array it made (values read back).
fn run(c: &Client, log: &mut Vec<String>, cmd: &str, args: &[(&str, &str, &str)]) -> Vec<Vals> {
    let reply = c.cmd(cmd, args);
    let msg = reply.normal().to_string();
    log.push(plain(&msg));
    created_all(&msg)
        .into_iter()
        .map(|(name, dtype, n)| {
            let v = get(c, &dtype, &name);
            assert_eq!(v.len(), n);
            log.push(format!("{v:?}"));
            v
        })
        .collect()
}

/// Runs `check` at 1, 2 and 3 ranks; the transcripts must be equal.
fn at_each_rank_count(check: impl Fn(&Client, &mut Vec<String>)) {
    let mut first: Option<Vec<String>> = None;
    for n in [1, 2, 3] {
        let s = Server::builder().ranks(n).start();
        let c = s.client();
        let mut log = Vec::new();
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&c, &mut log)));
        if let Err(e) = ran {
            eprintln!("ranks={n}; the server said:\n{}", s.stderr());
            std::panic::resume_unwind(e);
        }
        match &first {
            None => first = Some(log),
            Some(f) => {
                assert_eq!(f.len(), log.len(), "ranks={n}");
                for (a, b) in f.iter().zip(&log) {
                    assert!(a == b, "ranks={n}: {a:.200} != {b:.200}");
                }
            }
        }
    }
}

fn argsort(c: &Client, log: &mut Vec<String>, v: &Vals) -> Vals {
    let name = up(c, v);
    let d = v.dtype();
    let args = [
        ("name", d, name.as_str()),
        ("algoName", "str", "RadixSortLSD"),
        ("objType", "str", "pdarray"),
        ("axis", "int64", "0"),
    ];
    run(c, log, &format!("argsort<{d},1>"), &args).remove(0)
}

fn sort(c: &Client, log: &mut Vec<String>, v: &Vals) -> Vals {
    let name = up(c, v);
    let d = v.dtype();
    let args = [
        ("alg", "str", "RadixSortLSD"),
        ("array", d, name.as_str()),
        ("axis", "int64", "0"),
    ];
    run(c, log, &format!("sort<{d},1>"), &args).remove(0)
}

#[test]
fn argsort_and_sort_every_dtype_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        for dtype in DTYPES {
            for (seed, n) in [0, 1, 2, 3, 17, 1000, BIG].into_iter().enumerate() {
                let v = sample(dtype, n, seed as u64 + 1, 150);
                let want = ref_argsort(&[&v]);
                assert_eq!(argsort(c, log, &v), ints(&want), "argsort {dtype} n={n}");
                let sorted = sort(c, log, &v);
                assert!(same(&sorted, &v.pick(&want)), "sort {dtype} n={n}");
            }
        }
        // Keys all on one rank's range: every key equal, or all NaN (order
        // kept), or all but one.
        let idx: Vec<usize> = (0..BIG).collect();
        let equal = Vals::I(vec![7; BIG]);
        assert_eq!(argsort(c, log, &equal), ints(&idx));
        let nans = Vals::F(
            (0..BIG)
                .map(|i| if i % 2 == 0 { f64::NAN } else { -f64::NAN })
                .collect(),
        );
        assert_eq!(argsort(c, log, &nans), ints(&idx));
        assert!(same(&sort(c, log, &nans), &nans));
        let mut one_off = vec![0u64; BIG];
        one_off[BIG / 2] = u64::MAX;
        let one_off = Vals::U(one_off);
        let want = ref_argsort(&[&one_off]);
        assert_eq!(argsort(c, log, &one_off), ints(&want));
        // -0.0 and 0.0 are equal (input order kept) and keep their bits.
        let zeros = Vals::F(
            (0..BIG)
                .map(|i| if i % 3 == 0 { -0.0 } else { 0.0 })
                .collect(),
        );
        assert_eq!(argsort(c, log, &zeros), ints(&idx));
        assert!(same(&sort(c, log, &zeros), &zeros));
    });
}

#[test]
fn coargsort_and_search_sorted_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        for (seed, n) in [0, 1, 2, 5, BIG].into_iter().enumerate() {
            let a = match sample("int64", n, seed as u64 + 20, 150) {
                Vals::I(v) => Vals::I(v.iter().map(|x| x.rem_euclid(4)).collect()),
                _ => unreachable!(),
            };
            let b = sample("float64", n, seed as u64 + 30, 150);
            let u = sample("uint8", n, seed as u64 + 40, 150);
            let (na, nb, nu) = (up(c, &a), up(c, &b), up(c, &u));
            let want = ref_argsort(&[&a, &b, &u]);
            let got = run(
                c,
                log,
                "coargsort",
                &[
                    ("algoName", "str", "RadixSortLSD"),
                    ("nstr", "int64", "3"),
                    ("arr_names", "str", &list(&[&na, &nb, &nu])),
                    (
                        "arr_types",
                        "str",
                        &list(&["pdarray", "pdarray", "pdarray"]),
                    ),
                ],
            );
            assert_eq!(got[0], ints(&want), "coargsort n={n}");
        }
        // searchSorted: a sorted float array with duplicates and NaNs, and
        // queries of every kind.
        for (n, m) in [(0, 3), (1, 2), (2, 0), (5, 7), (BIG, 1001)] {
            let x1 = sample("float64", n, 50, 150);
            let x1 = x1.pick(&ref_argsort(&[&x1]));
            let x2 = sample("float64", m, 51, 150);
            let (Vals::F(s), Vals::F(q)) = (&x1, &x2) else {
                unreachable!()
            };
            let (n1, n2) = (up(c, &x1), up(c, &x2));
            for side in ["left", "right"] {
                let want: Vec<usize> = q
                    .iter()
                    .map(|v| {
                        s.partition_point(|a| match side {
                            "left" => np_cmp(*a, *v).is_lt(),
                            _ => np_cmp(*a, *v).is_le(),
                        })
                    })
                    .collect();
                let got = run(
                    c,
                    log,
                    "searchSorted<float64,1,1>",
                    &[
                        ("x1", "float64", &n1),
                        ("x2", "float64", &n2),
                        ("side", "str", side),
                        ("x2Sorted", "bool", "False"),
                    ],
                );
                assert_eq!(got[0], ints(&want), "searchSorted {side} n={n} m={m}");
            }
        }
    });
}

fn unique_cmd(
    c: &Client,
    log: &mut Vec<String>,
    names: &[&str],
    groups: bool,
    sorted: bool,
) -> Vec<Vals> {
    let b = |x: bool| if x { "True" } else { "False" };
    let types: Vec<&str> = names.iter().map(|_| "pdarray").collect();
    run(
        c,
        log,
        "unique",
        &[
            ("returnGroupStr", "bool", b(groups)),
            ("assumeSortedStr", "bool", b(sorted)),
            ("nstr", "int64", &names.len().to_string()),
            ("keynames", "str", &list(names)),
            ("keytypes", "str", &list(&types)),
        ],
    )
}

#[test]
fn unique_and_its_variants_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        for (seed, n) in [0, 1, 2, 3, 40, BIG].into_iter().enumerate() {
            for dtype in DTYPES {
                let v = sample(dtype, n, seed as u64 + 60, 150);
                let name = up(c, &v);
                let perm = ref_argsort(&[&v]);
                let segs = ref_segments(&[&v], &perm);
                let firsts: Vec<usize> = segs.iter().map(|s| perm[*s]).collect();
                let got = unique_cmd(c, log, &[&name], true, false);
                assert_eq!(
                    got,
                    vec![ints(&perm), ints(&segs), ints(&firsts)],
                    "unique {dtype} n={n}"
                );
                let got = unique_cmd(c, log, &[&name], false, false);
                assert_eq!(got, vec![ints(&firsts)]);
                // uniqueAll: values, first indices, inverse, counts.
                let mut inverse = vec![0usize; n];
                for (g, w) in segs.iter().enumerate() {
                    let end = segs.get(g + 1).copied().unwrap_or(n);
                    for p in &perm[*w..end] {
                        inverse[*p] = g;
                    }
                }
                let counts: Vec<usize> = segs
                    .iter()
                    .enumerate()
                    .map(|(g, s)| segs.get(g + 1).copied().unwrap_or(n) - s)
                    .collect();
                let got = run(
                    c,
                    log,
                    &format!("uniqueAll<{dtype},1>"),
                    &[("name", dtype, &name)],
                );
                assert!(
                    same(&got[0], &v.pick(&firsts)),
                    "uniqueAll values {dtype} n={n}"
                );
                assert_eq!(
                    got[1..],
                    [ints(&firsts), ints(&inverse), ints(&counts)],
                    "{dtype} n={n}"
                );
                for cmd in ["uniqueValues", "uniqueCounts", "uniqueInverse"] {
                    run(
                        c,
                        log,
                        &format!("{cmd}<{dtype},1>"),
                        &[("name", dtype, &name)],
                    );
                }
            }
            // Rows of two keys, and input already sorted.
            let a = sample("bool", n, seed as u64 + 70, 150);
            let b = sample("int64", n, seed as u64 + 71, 150);
            let (na, nb) = (up(c, &a), up(c, &b));
            let perm = ref_argsort(&[&a, &b]);
            let segs = ref_segments(&[&a, &b], &perm);
            let firsts: Vec<usize> = segs.iter().map(|s| perm[*s]).collect();
            let got = unique_cmd(c, log, &[&na, &nb], true, false);
            assert_eq!(
                got,
                vec![ints(&perm), ints(&segs), ints(&firsts)],
                "rows n={n}"
            );
            let (sa, sb) = (a.pick(&perm), b.pick(&perm));
            let (nsa, nsb) = (up(c, &sa), up(c, &sb));
            let got = unique_cmd(c, log, &[&nsa, &nsb], true, true);
            let idx: Vec<usize> = (0..n).collect();
            assert_eq!(
                got,
                vec![ints(&idx), ints(&segs), ints(&segs)],
                "sorted rows n={n}"
            );
        }
        // The client's grouping key of floats: their bits.
        let v = sample("float64", BIG, 65, 150);
        let Vals::F(x) = &v else { unreachable!() };
        let name = up(c, &v);
        let got = run(c, log, "transmuteFloat", &[("name", "float64", &name)]);
        assert_eq!(got[0], Vals::U(x.iter().map(|f| f.to_bits()).collect()));
        // All equal: one group spanning every rank.
        let v = Vals::U8(vec![3; BIG]);
        let name = up(c, &v);
        let got = run(c, log, "uniqueAll<uint8,1>", &[("name", "uint8", &name)]);
        assert_eq!(
            got,
            vec![
                Vals::U8(vec![3]),
                ints(&[0]),
                ints(&vec![0; BIG]),
                ints(&[BIG])
            ]
        );
    });
}

fn setop(
    c: &Client,
    log: &mut Vec<String>,
    op: &str,
    a: &str,
    b: &str,
    unique: Option<bool>,
) -> Vals {
    let mut args = vec![("arg1", "str", a), ("arg2", "str", b)];
    if let Some(u) = unique {
        args.push(("assume_unique", "bool", if u { "True" } else { "False" }));
    }
    run(c, log, op, &args).remove(0)
}

#[test]
fn in1d_and_set_operations_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        let in1d = |log: &mut Vec<String>, a: &str, b: &str, invert: &str| {
            run(
                c,
                log,
                "in1d",
                &[
                    ("pda1", "str", a),
                    ("pda2", "str", b),
                    ("invert", "bool", invert),
                ],
            )
            .remove(0)
        };
        for (n, m) in [(0, 4), (3, 0), (1, 1), (2, 3), (1000, 17), (BIG, 5000)] {
            let (a, b) = (sample("int64", n, 80, 150), sample("int64", m, 81, 150));
            let (Vals::I(av), Vals::I(bv)) = (&a, &b) else {
                unreachable!()
            };
            let sa: BTreeSet<i64> = av.iter().copied().collect();
            let sb: BTreeSet<i64> = bv.iter().copied().collect();
            let (na, nb) = (up(c, &a), up(c, &b));
            let want: Vec<bool> = av.iter().map(|x| sb.contains(x)).collect();
            assert_eq!(
                in1d(log, &na, &nb, "False"),
                Vals::B(want.clone()),
                "in1d n={n} m={m}"
            );
            let inv: Vec<bool> = want.iter().map(|x| !x).collect();
            assert_eq!(in1d(log, &na, &nb, "True"), Vals::B(inv));
            let v = |s: BTreeSet<i64>| Vals::I(s.into_iter().collect());
            assert_eq!(
                setop(c, log, "union1d", &na, &nb, None),
                v(&sa | &sb),
                "union n={n}"
            );
            assert_eq!(
                setop(c, log, "intersect1d", &na, &nb, Some(false)),
                v(&sa & &sb)
            );
            assert_eq!(
                setop(c, log, "setdiff1d", &na, &nb, Some(false)),
                v(&sa - &sb)
            );
            assert_eq!(
                setop(c, log, "setxor1d", &na, &nb, Some(false)),
                v(&sa ^ &sb)
            );
            // assume_unique with unique inputs.
            let (ua, ub) = (v(sa.clone()), v(sb.clone()));
            let (nua, nub) = (up(c, &ua), up(c, &ub));
            assert_eq!(
                setop(c, log, "intersect1d", &nua, &nub, Some(true)),
                v(&sa & &sb)
            );
            assert_eq!(
                setop(c, log, "setdiff1d", &nua, &nub, Some(true)),
                v(&sa - &sb)
            );
            assert_eq!(
                setop(c, log, "setxor1d", &nua, &nub, Some(true)),
                v(&sa ^ &sb)
            );
            // int64 against uint64 compares exact integers.
            let ub = Vals::U(bv.iter().map(|x| *x as u64).collect());
            let nub = up(c, &ub);
            let want: Vec<bool> = av.iter().map(|x| *x >= 0 && sb.contains(x)).collect();
            assert_eq!(in1d(log, &na, &nub, "False"), Vals::B(want));
        }
        // Both ways of the server: a bitset over b's range, a hash set.
        for (a, b, want) in setops::in1d_path_cases(BIG) {
            let (na, nb) = (up(c, &a), up(c, &b));
            assert_eq!(in1d(log, &na, &nb, "False"), Vals::B(want.clone()));
            let inverted: Vec<bool> = want.iter().map(|x| !x).collect();
            assert_eq!(in1d(log, &na, &nb, "True"), Vals::B(inverted));
        }
        // Floats with NaN and signed zeros: a NaN is never a member; the
        // results must only agree across rank counts.
        for (n, m) in [(5, 3), (BIG, 3001)] {
            let (a, b) = (sample("float64", n, 90, 150), sample("float64", m, 91, 150));
            let (na, nb) = (up(c, &a), up(c, &b));
            let (Vals::F(av), Vals::F(bv)) = (&a, &b) else {
                unreachable!()
            };
            let want: Vec<bool> = av
                .iter()
                .map(|x| bv.iter().any(|y| np_cmp(*x, *y).is_eq() && !x.is_nan()))
                .collect();
            assert_eq!(in1d(log, &na, &nb, "False"), Vals::B(want));
            for op in ["intersect1d", "setdiff1d", "setxor1d"] {
                setop(c, log, op, &na, &nb, Some(false));
            }
            setop(c, log, "union1d", &na, &nb, None);
        }
    });
}

#[test]
fn concatenate_places_every_block_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        for dtype in DTYPES {
            let parts: Vec<Vals> = [0, 1, 5, BIG, 2, 0, 3]
                .iter()
                .enumerate()
                .map(|(k, n)| sample(dtype, *n, 100 + k as u64, 150))
                .collect();
            let names: Vec<String> = parts.iter().map(|p| up(c, p)).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let mut offsets = vec![0usize];
            for p in &parts[..parts.len() - 1] {
                offsets.push(offsets.last().unwrap() + p.len());
            }
            let offsets: Vec<String> = offsets.iter().map(|o| o.to_string()).collect();
            let offsets: Vec<&str> = offsets.iter().map(|s| s.as_str()).collect();
            let total: usize = parts.iter().map(|p| p.len()).sum();
            let mut want = sample(dtype, total, 0, 150);
            let mut at = 0;
            for p in &parts {
                for j in 0..p.len() {
                    want.assign(at, p, j);
                    at += 1;
                }
            }
            let got = run(
                c,
                log,
                &format!("concatenate<{dtype},1>"),
                &[
                    ("names", dtype, &list(&refs)),
                    ("axis", "int64", "0"),
                    ("offsets", "int64", &list(&offsets)),
                ],
            );
            assert!(same(&got[0], &want), "{dtype}");
            for mode in ["append", "interleave"] {
                let got = run(
                    c,
                    log,
                    "concatenateStr",
                    &[
                        ("objType", "str", "pdarray"),
                        ("names", "str", &list(&refs)),
                        ("mode", "str", mode),
                    ],
                );
                assert!(same(&got[0], &want), "{dtype} {mode}");
            }
            // One small array.
            let got = run(
                c,
                log,
                "concatenateStr",
                &[
                    ("objType", "str", "pdarray"),
                    ("names", "str", &list(&refs[1..2])),
                    ("mode", "str", "append"),
                ],
            );
            assert!(same(&got[0], &parts[1]));
        }
    });
}

type Arg<'a> = (&'a str, &'a str, &'a str);

#[test]
fn errors_change_nothing_at_any_rank_count() {
    at_each_rank_count(|c, log| {
        let (i, f) = (
            up(c, &sample("int64", 10, 1, 150)),
            up(c, &sample("float64", 7, 2, 150)),
        );
        let before = mem_used(c, 1, false);
        let (both, types) = (list(&[&i, &f]), list(&["pdarray", "pdarray"]));
        let cases: Vec<(&str, Vec<Arg>)> = vec![
            (
                "sort<int64,1>",
                vec![
                    ("array", "str", &i),
                    ("alg", "str", "Quick"),
                    ("axis", "int64", "0"),
                ],
            ),
            (
                "coargsort",
                vec![
                    ("algoName", "str", "RadixSortLSD"),
                    ("nstr", "int64", "2"),
                    ("arr_names", "str", &both),
                    ("arr_types", "str", &types),
                ],
            ),
            ("union1d", vec![("arg1", "str", &i), ("arg2", "str", &f)]),
            (
                "concatenate<int64,1>",
                vec![
                    ("names", "str", &both),
                    ("axis", "int64", "0"),
                    ("offsets", "int64", "[0, 10]"),
                ],
            ),
            ("uniqueAll<int64,1>", vec![("name", "int64", &f)]),
        ];
        for (cmd, args) in cases {
            let reply = c.cmd(cmd, &args);
            log.push(plain(reply.error()));
            assert_eq!(mem_used(c, 1, false), before, "{cmd}");
        }
    });
}
