//! Sorting, uniqueness, membership, set operations, concatenation and
//! k-extrema, end to end through the binary. Expected values come from plain
//! Rust (stable `sort_by` with NumPy's order: NaN last, `-0.0 == 0.0`) or are
//! constants computed with NumPy 2.

mod common;

use std::cmp::Ordering;
use std::collections::BTreeSet;

use common::vals::*;
use common::*;

const DTYPES: [&str; 5] = ["int64", "uint64", "uint8", "float64", "bool"];
/// Above the server's parallel threshold (2^16), so every kernel runs on
/// several threads.
const BIG: usize = 200_003;

/// NumPy's sort order for floats.
fn np_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap(),
    }
}

/// Compares elements `i` and `j` of `v` in NumPy's order.
fn cmp_at(v: &Vals, i: usize, j: usize) -> Ordering {
    match v {
        Vals::I(x) => x[i].cmp(&x[j]),
        Vals::U(x) => x[i].cmp(&x[j]),
        Vals::U8(x) => x[i].cmp(&x[j]),
        Vals::B(x) => x[i].cmp(&x[j]),
        Vals::F(x) => np_cmp(x[i], x[j]),
    }
}

/// Compares `a[i]` with `b[j]` (same dtype) in NumPy's order.
fn cmp_between(a: &Vals, i: usize, b: &Vals, j: usize) -> Ordering {
    match (a, b) {
        (Vals::I(x), Vals::I(y)) => x[i].cmp(&y[j]),
        (Vals::U(x), Vals::U(y)) => x[i].cmp(&y[j]),
        (Vals::U8(x), Vals::U8(y)) => x[i].cmp(&y[j]),
        (Vals::B(x), Vals::B(y)) => x[i].cmp(&y[j]),
        (Vals::F(x), Vals::F(y)) => np_cmp(x[i], y[j]),
        _ => panic!("dtypes differ"),
    }
}

fn as_ints(v: &Vals) -> &[i64] {
    match v {
        Vals::I(x) => x,
        _ => panic!("not int64: {v:?}"),
    }
}

/// NumPy's `argsort(kind="stable")` by Rust's stable sort.
fn ref_argsort(v: &Vals) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|a, b| cmp_at(v, *a, *b));
    idx
}

fn ints(v: &[usize]) -> Vals {
    Vals::I(v.iter().map(|x| *x as i64).collect())
}

fn list(names: &[&str]) -> String {
    serde_json::to_string(names).unwrap()
}

fn argsort_of(c: &Client, v: &Vals) -> Vals {
    let name = put(c, v);
    result_of(
        c,
        &format!("argsort<{},1>", v.dtype()),
        &[
            ("name", v.dtype(), &name),
            ("algoName", "str", "RadixSortLSD"),
            ("objType", "str", "pdarray"),
            ("axis", "int64", "0"),
        ],
    )
}

fn sort_of(c: &Client, v: &Vals) -> Vals {
    let name = put(c, v);
    result_of(
        c,
        &format!("sort<{},1>", v.dtype()),
        &[
            ("alg", "str", "RadixSortLSD"),
            ("array", v.dtype(), &name),
            ("axis", "int64", "0"),
        ],
    )
}

// ---------------------------------------------------------------------------
// argsort, sort, coargsort
// ---------------------------------------------------------------------------

#[test]
fn argsort_and_sort_match_a_stable_sort_for_every_dtype() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        for (seed, n) in [0, 1, 2, 17, 1000, BIG].into_iter().enumerate() {
            let v = sample(dtype, n, seed as u64 + 1, 1000);
            let want = ref_argsort(&v);
            assert_eq!(argsort_of(&c, &v), ints(&want), "argsort {dtype} n={n}");
            let sorted = sort_of(&c, &v);
            assert!(
                same(&sorted, &v.pick(&want)),
                "sort {dtype} n={n}: values or their order differ"
            );
        }
    }
}

#[test]
fn float_specials_sort_as_numpy() {
    let server = Server::start();
    let c = server.client();
    let nan = f64::NAN;
    let x = vec![
        0.0,
        -0.0,
        nan,
        1.0,
        f64::NEG_INFINITY,
        -0.0,
        -nan,
        f64::INFINITY,
        -1.5,
        0.0,
    ];
    // np.argsort(x, kind="stable")
    let want = [4, 8, 0, 1, 5, 9, 3, 7, 2, 6];
    assert_eq!(argsort_of(&c, &Vals::F(x.clone())), ints(&want));
    // Zeros keep their signs and input order; NaNs keep their bits.
    let sorted = sort_of(&c, &Vals::F(x.clone()));
    assert!(same(
        &sorted,
        &Vals::F(want.iter().map(|i| x[*i]).collect())
    ));
    let Vals::F(s) = sorted else { panic!() };
    assert_eq!(
        s[2..6]
            .iter()
            .map(|z| z.is_sign_negative())
            .collect::<Vec<_>>(),
        [false, true, true, false]
    );
    assert!(s[9].is_sign_negative() && s[9].is_nan());
}

#[test]
fn sort_of_uniform_and_tiny_ranges() {
    let server = Server::start();
    let c = server.client();
    // All keys equal: no radix pass at all; the order is the input order.
    let same_key = Vals::I(vec![7; BIG]);
    assert_eq!(
        argsort_of(&c, &same_key),
        ints(&(0..BIG).collect::<Vec<_>>())
    );
    // Keys differing only in their top bit (one pass on the last digit).
    let top: Vec<u64> = (0..BIG as u64).map(|i| (i % 2) << 63).collect();
    let want = ref_argsort(&Vals::U(top.clone()));
    assert_eq!(argsort_of(&c, &Vals::U(top)), ints(&want));
    // Extremes of int64.
    let ext = Vals::I(vec![i64::MAX, i64::MIN, 0, -1, i64::MIN, i64::MAX, 1]);
    assert_eq!(argsort_of(&c, &ext), ints(&[1, 4, 3, 2, 6, 0, 5]));
}

#[test]
fn coargsort_orders_rows_left_to_right() {
    let server = Server::start();
    let c = server.client();
    let n = BIG;
    let a = sample("int64", n, 5, 1000);
    let b = sample("float64", n, 6, 1000);
    let (Vals::I(av), Vals::F(bv)) = (&a, &b) else {
        panic!()
    };
    let a = Vals::I(av.iter().map(|x| x % 7).collect());
    let Vals::I(am) = &a else { panic!() };
    let mut want: Vec<usize> = (0..n).collect();
    want.sort_by(|i, j| am[*i].cmp(&am[*j]).then(np_cmp(bv[*i], bv[*j])));
    let (na, nb) = (put(&c, &a), put(&c, &b));
    let got = result_of(
        &c,
        "coargsort",
        &[
            ("algoName", "str", "RadixSortLSD"),
            ("nstr", "int64", "2"),
            ("arr_names", "str", &list(&[&na, &nb])),
            ("arr_types", "str", &list(&["pdarray", "pdarray"])),
        ],
    );
    assert_eq!(got, ints(&want));
}

// ---------------------------------------------------------------------------
// searchSorted
// ---------------------------------------------------------------------------

fn search(c: &Client, dtype: &str, x1: &str, x2: &str, side: &str) -> Vals {
    result_of(
        c,
        &format!("searchSorted<{dtype},1,1>"),
        &[
            ("x1", dtype, x1),
            ("x2", dtype, x2),
            ("side", "str", side),
            ("x2Sorted", "bool", "False"),
        ],
    )
}

#[test]
fn search_sorted_left_and_right() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let v = sample(dtype, BIG, 11, 1000);
        let sorted = v.pick(&ref_argsort(&v));
        let probes = sample(dtype, 5000, 12, 1000);
        let (ns, np) = (put(&c, &sorted), put(&c, &probes));
        for side in ["left", "right"] {
            // Where the probe goes: after every element ordered before it
            // (left), or before it or equal (right).
            let goes_after = |p: usize, i: usize| match cmp_between(&sorted, i, &probes, p) {
                Ordering::Less => true,
                Ordering::Equal => side == "right",
                Ordering::Greater => false,
            };
            let got = search(&c, dtype, &ns, &np, side);
            let g = as_ints(&got);
            assert_eq!(g.len(), probes.len());
            // The first probes by counting, all of them by the partition property.
            for (p, at) in g.iter().enumerate().take(200) {
                let count = (0..sorted.len()).filter(|i| goes_after(p, *i)).count();
                assert_eq!(*at as usize, count, "{dtype} {side} probe {p}");
            }
            for (p, at) in g.iter().enumerate() {
                let at = *at as usize;
                assert!(at == 0 || goes_after(p, at - 1), "{dtype} {side} probe {p}");
                assert!(
                    at == sorted.len() || !goes_after(p, at),
                    "{dtype} {side} probe {p}"
                );
            }
        }
    }
    // NumPy constants: NaN searches last, -0.0 equals 0.0.
    let x = Vals::F(vec![
        f64::NEG_INFINITY,
        -1.5,
        0.0,
        -0.0,
        0.0,
        -0.0,
        1.0,
        f64::INFINITY,
        f64::NAN,
        f64::NAN,
    ]);
    let v = Vals::F(vec![
        f64::NAN,
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.0,
    ]);
    let (nx, nv) = (put(&c, &x), put(&c, &v));
    assert_eq!(
        search(&c, "float64", &nx, &nv, "left"),
        Vals::I(vec![8, 2, 2, 7, 0, 6])
    );
    assert_eq!(
        search(&c, "float64", &nx, &nv, "right"),
        Vals::I(vec![10, 6, 6, 8, 1, 7])
    );
}

// ---------------------------------------------------------------------------
// unique (the client's ak.unique / GroupBy) and the array API's unique_*
// ---------------------------------------------------------------------------

fn created_parts(msg: &str) -> Vec<(String, String, usize)> {
    msg.split('+')
        .map(|part| {
            let w: Vec<&str> = part.split(' ').collect();
            assert_eq!(w.len(), 7, "bad created part {part:?} in {msg:?}");
            assert_eq!(w[0], "created");
            (w[1].to_string(), w[2].to_string(), w[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn unique_groups_keys_like_the_original() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let v = sample(dtype, BIG, 21, 1000);
        let name = put(&c, &v);
        let order = ref_argsort(&v);
        // Group starts in sorted order; all NaNs are one group here.
        let starts: Vec<usize> = (0..order.len())
            .filter(|&i| i == 0 || cmp_at(&v, order[i - 1], order[i]) != Ordering::Equal)
            .collect();
        let firsts: Vec<usize> = starts.iter().map(|s| order[*s]).collect();
        let unique = |groups: &str| {
            c.cmd(
                "unique",
                &[
                    ("returnGroupStr", "bool", groups),
                    ("assumeSortedStr", "bool", "False"),
                    ("nstr", "int64", "1"),
                    ("keynames", "str", &list(&[&name])),
                    ("keytypes", "str", &list(&["pdarray"])),
                ],
            )
        };
        let parts = created_parts(unique("False").normal());
        assert_eq!(parts.len(), 1);
        assert_eq!(get(&c, "int64", &parts[0].0), ints(&firsts), "{dtype}");
        let parts = created_parts(unique("True").normal());
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.1 == "int64"));
        assert_eq!(get(&c, "int64", &parts[0].0), ints(&order), "{dtype} perm");
        assert_eq!(get(&c, "int64", &parts[1].0), ints(&starts), "{dtype} segs");
        assert_eq!(
            get(&c, "int64", &parts[2].0),
            ints(&firsts),
            "{dtype} firsts"
        );
    }
}

#[test]
fn unique_of_several_keys_and_sorted_input() {
    let server = Server::start();
    let c = server.client();
    let a = Vals::I(vec![2, 1, 2, 1, 2, -3]);
    let b = Vals::U(vec![9, 9, 8, 9, 9, 0]);
    let (na, nb) = (put(&c, &a), put(&c, &b));
    let reply = c.cmd(
        "unique",
        &[
            ("returnGroupStr", "bool", "True"),
            ("assumeSortedStr", "bool", "False"),
            ("nstr", "int64", "2"),
            ("keynames", "str", &list(&[&na, &nb])),
            ("keytypes", "str", &list(&["pdarray", "pdarray"])),
        ],
    );
    let parts = created_parts(reply.normal());
    // Rows (-3,0) (1,9)x2 (2,8) (2,9)x2.
    assert_eq!(
        get(&c, "int64", &parts[0].0),
        Vals::I(vec![5, 1, 3, 2, 0, 4])
    );
    assert_eq!(get(&c, "int64", &parts[1].0), Vals::I(vec![0, 1, 3, 4]));
    assert_eq!(get(&c, "int64", &parts[2].0), Vals::I(vec![5, 1, 2, 0]));
    // assumeSorted: runs of equal neighbours, in input order.
    let s = put(&c, &Vals::I(vec![4, 4, 1, 1, 1, 4]));
    let reply = c.cmd(
        "unique",
        &[
            ("returnGroupStr", "bool", "True"),
            ("assumeSortedStr", "bool", "True"),
            ("nstr", "int64", "1"),
            ("keynames", "str", &list(&[&s])),
            ("keytypes", "str", &list(&["pdarray"])),
        ],
    );
    let parts = created_parts(reply.normal());
    assert_eq!(
        get(&c, "int64", &parts[0].0),
        Vals::I(vec![0, 1, 2, 3, 4, 5])
    );
    assert_eq!(get(&c, "int64", &parts[1].0), Vals::I(vec![0, 2, 5]));
    assert_eq!(get(&c, "int64", &parts[2].0), Vals::I(vec![0, 2, 5]));
    // transmuteFloat: the bits the client groups floats by.
    let f = Vals::F(vec![-0.0, 1.5, f64::NAN]);
    let nf = put(&c, &f);
    let bits = result_of(&c, "transmuteFloat", &[("name", "float64", &nf)]);
    assert_eq!(
        bits,
        Vals::U(vec![1 << 63, 1.5f64.to_bits(), f64::NAN.to_bits()])
    );
}

/// Splits a JSON list of `created` texts.
fn created_list(msg: &str) -> Vec<(String, String, usize)> {
    let items: Vec<String> = serde_json::from_str(msg).unwrap();
    items.iter().flat_map(|m| created_parts(m)).collect()
}

#[test]
fn array_api_unique_functions() {
    let server = Server::start();
    let c = server.client();
    // NumPy: np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    let nan = f64::NAN;
    let x = Vals::F(vec![
        -0.0,
        0.0,
        nan,
        1.0,
        f64::NEG_INFINITY,
        0.0,
        -nan,
        f64::INFINITY,
        -1.5,
        -0.0,
    ]);
    let name = put(&c, &x);
    let run = |cmd: &str| c.cmd(&format!("{cmd}<float64,1>"), &[("name", "float64", &name)]);
    let all = created_list(run("uniqueAll").normal());
    assert_eq!(all.len(), 4);
    let values = get(&c, "float64", &all[0].0);
    let want_values = Vals::F(vec![f64::NEG_INFINITY, -1.5, -0.0, 1.0, f64::INFINITY, nan]);
    assert!(same(&values, &want_values), "{values:?}");
    assert_eq!(get(&c, "int64", &all[1].0), Vals::I(vec![4, 8, 0, 3, 7, 2]));
    assert_eq!(
        get(&c, "int64", &all[2].0),
        Vals::I(vec![2, 2, 5, 3, 0, 2, 5, 4, 1, 2])
    );
    assert_eq!(get(&c, "int64", &all[3].0), Vals::I(vec![1, 1, 4, 1, 1, 2]));
    let counts = created_list(run("uniqueCounts").normal());
    assert!(same(&get(&c, "float64", &counts[0].0), &want_values));
    assert_eq!(
        get(&c, "int64", &counts[1].0),
        Vals::I(vec![1, 1, 4, 1, 1, 2])
    );
    let inverse = created_list(run("uniqueInverse").normal());
    assert_eq!(
        get(&c, "int64", &inverse[1].0),
        Vals::I(vec![2, 2, 5, 3, 0, 2, 5, 4, 1, 2])
    );
    let (vname, _, _) = created(&run("uniqueValues"));
    assert!(same(&get(&c, "float64", &vname), &want_values));

    // Large arrays of every dtype against a sorted set.
    for dtype in DTYPES {
        let v = sample(dtype, BIG, 31, 1000);
        let name = put(&c, &v);
        let order = ref_argsort(&v);
        let starts: Vec<usize> = (0..order.len())
            .filter(|&i| i == 0 || cmp_at(&v, order[i - 1], order[i]) != Ordering::Equal)
            .collect();
        let mut inverse = vec![0usize; v.len()];
        let mut counts = vec![0usize; starts.len()];
        let mut g = 0;
        for (i, o) in order.iter().enumerate() {
            if starts.get(g + 1) == Some(&i) {
                g += 1;
            }
            inverse[*o] = g;
            counts[g] += 1;
        }
        let firsts: Vec<usize> = starts.iter().map(|s| order[*s]).collect();
        let reply = c.cmd(&format!("uniqueAll<{dtype},1>"), &[("name", dtype, &name)]);
        let all = created_list(reply.normal());
        assert!(
            same(&get(&c, dtype, &all[0].0), &v.pick(&firsts)),
            "{dtype}"
        );
        assert_eq!(get(&c, "int64", &all[1].0), ints(&firsts), "{dtype}");
        assert_eq!(get(&c, "int64", &all[2].0), ints(&inverse), "{dtype}");
        assert_eq!(get(&c, "int64", &all[3].0), ints(&counts), "{dtype}");
    }
}

// ---------------------------------------------------------------------------
// in1d and the set operations
// ---------------------------------------------------------------------------

fn in1d(c: &Client, a: &str, b: &str, invert: bool) -> Vals {
    let inv = if invert { "True" } else { "False" };
    result_of(
        c,
        "in1d",
        &[
            ("pda1", "str", a),
            ("pda2", "str", b),
            ("invert", "bool", inv),
        ],
    )
}

#[test]
fn in1d_matches_isin() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let a = sample(dtype, BIG, 41, 1000);
        let b = sample(dtype, 3000, 42, 1000);
        let (na, nb) = (put(&c, &a), put(&c, &b));
        // Equal in NumPy's sense: NaN never matches.
        let want: Vec<bool> = (0..2000)
            .map(|i| {
                let nan = matches!(&a, Vals::F(x) if x[i].is_nan());
                !nan && (0..b.len()).any(|j| cmp_between(&a, i, &b, j) == Ordering::Equal)
            })
            .collect();
        let got = in1d(&c, &na, &nb, false);
        let Vals::B(g) = &got else { panic!() };
        assert_eq!(g.len(), a.len());
        assert_eq!(&g[..want.len()], &want[..], "{dtype}");
        let Vals::B(inv) = in1d(&c, &na, &nb, true) else {
            panic!()
        };
        assert!(g.iter().zip(&inv).all(|(x, y)| x != y), "{dtype} invert");
    }
    // Mixed dtypes and float specials, NumPy constants.
    let cases = [
        (
            Vals::I(vec![1, 2, 3]),
            Vals::U(vec![u64::MAX, 3]),
            vec![false, false, true],
        ),
        (
            Vals::I(vec![-1, 255, 3]),
            Vals::U8(vec![255, 3]),
            vec![false, true, true],
        ),
        (
            Vals::F(vec![0.0, -0.0, f64::NAN, 1.0]),
            Vals::F(vec![-0.0, f64::NAN]),
            vec![true, true, false, false],
        ),
        (
            Vals::B(vec![true, false]),
            Vals::F(vec![1.0]),
            vec![true, false],
        ),
        (
            Vals::I(vec![(1 << 53) + 1]),
            Vals::U(vec![1 << 53]),
            vec![false],
        ),
        (
            Vals::I(vec![(1 << 53) + 1]),
            Vals::F(vec![9007199254740992.0]),
            vec![true],
        ),
        (Vals::I(vec![4, 5]), Vals::I(vec![]), vec![false, false]),
        (Vals::I(vec![]), Vals::I(vec![4]), vec![]),
    ];
    for (a, b, want) in cases {
        let (na, nb) = (put(&c, &a), put(&c, &b));
        assert_eq!(
            in1d(&c, &na, &nb, false),
            Vals::B(want.clone()),
            "{a:?} in {b:?}"
        );
        let inverted: Vec<bool> = want.iter().map(|x| !x).collect();
        assert_eq!(in1d(&c, &na, &nb, true), Vals::B(inverted));
    }
}

fn setop(c: &Client, op: &str, a: &str, b: &str, assume_unique: Option<bool>) -> Vals {
    let mut args = vec![("arg1", "str", a), ("arg2", "str", b)];
    if let Some(u) = assume_unique {
        args.push(("assume_unique", "bool", if u { "True" } else { "False" }));
    }
    result_of(c, op, &args)
}

#[test]
fn set_operations_match_numpy() {
    let server = Server::start();
    let c = server.client();
    // Large int64 and uint64 arrays (what the client sends) against BTreeSets.
    for seed in [51u64, 52] {
        let (a, b) = (
            sample("int64", BIG, seed, 1000),
            sample("int64", 70_000, seed + 10, 1000),
        );
        let (Vals::I(av), Vals::I(bv)) = (&a, &b) else {
            panic!()
        };
        let sa: BTreeSet<i64> = av.iter().copied().collect();
        let sb: BTreeSet<i64> = bv.iter().copied().collect();
        let (na, nb) = (put(&c, &a), put(&c, &b));
        let v = |s: BTreeSet<i64>| Vals::I(s.into_iter().collect());
        assert_eq!(setop(&c, "union1d", &na, &nb, None), v(&sa | &sb));
        let f = Some(false);
        assert_eq!(setop(&c, "intersect1d", &na, &nb, f), v(&sa & &sb));
        assert_eq!(setop(&c, "setdiff1d", &na, &nb, f), v(&sa - &sb));
        assert_eq!(setop(&c, "setxor1d", &na, &nb, f), v(&sa ^ &sb));
    }
    let (a, b) = (
        sample("uint64", BIG, 53, 1000),
        sample("uint64", 9000, 54, 1000),
    );
    let (Vals::U(av), Vals::U(bv)) = (&a, &b) else {
        panic!()
    };
    let sa: BTreeSet<u64> = av.iter().copied().collect();
    let sb: BTreeSet<u64> = bv.iter().copied().collect();
    let (na, nb) = (put(&c, &a), put(&c, &b));
    let f = Some(false);
    let v = |s: BTreeSet<u64>| Vals::U(s.into_iter().collect());
    assert_eq!(setop(&c, "union1d", &na, &nb, None), v(&sa | &sb));
    assert_eq!(setop(&c, "intersect1d", &na, &nb, f), v(&sa & &sb));
    assert_eq!(setop(&c, "setdiff1d", &na, &nb, f), v(&sa - &sb));
    assert_eq!(setop(&c, "setxor1d", &na, &nb, f), v(&sa ^ &sb));

    // assume_unique follows NumPy's algorithms even on repeated values.
    let (na, nb) = (
        put(&c, &Vals::I(vec![5, 3, 3, 9, -1])),
        put(&c, &Vals::I(vec![3, 7, 7, -1, 8])),
    );
    let t = Some(true);
    let i = |v: &[i64]| Vals::I(v.to_vec());
    assert_eq!(setop(&c, "intersect1d", &na, &nb, f), i(&[-1, 3]));
    assert_eq!(setop(&c, "intersect1d", &na, &nb, t), i(&[-1, 3, 3, 7]));
    assert_eq!(setop(&c, "setxor1d", &na, &nb, f), i(&[5, 7, 8, 9]));
    assert_eq!(setop(&c, "setxor1d", &na, &nb, t), i(&[5, 8, 9]));
    assert_eq!(setop(&c, "setdiff1d", &na, &nb, t), i(&[5, 9]));
    assert_eq!(
        setop(&c, "union1d", &na, &nb, None),
        i(&[-1, 3, 5, 7, 8, 9])
    );

    // Floats: one NaN in a union, none in an intersection (NumPy 2).
    let (nf, ng) = (
        put(&c, &Vals::F(vec![0.0, f64::NAN, 2.0, f64::NAN])),
        put(&c, &Vals::F(vec![-0.0, f64::NAN, 3.0])),
    );
    let union = setop(&c, "union1d", &nf, &ng, None);
    assert!(
        same(&union, &Vals::F(vec![0.0, 2.0, 3.0, f64::NAN])),
        "{union:?}"
    );
    let inter = setop(&c, "intersect1d", &nf, &ng, f);
    assert!(same(&inter, &Vals::F(vec![0.0])), "{inter:?}");
    let diff = setop(&c, "setdiff1d", &nf, &ng, f);
    assert!(same(&diff, &Vals::F(vec![2.0, f64::NAN])), "{diff:?}");
    let xor = setop(&c, "setxor1d", &nf, &ng, f);
    assert!(
        same(&xor, &Vals::F(vec![2.0, 3.0, f64::NAN, f64::NAN])),
        "{xor:?}"
    );
    // Empty operands.
    let e = put(&c, &Vals::I(vec![]));
    let x = put(&c, &Vals::I(vec![2, 1, 2]));
    assert_eq!(setop(&c, "union1d", &e, &x, None), i(&[1, 2]));
    assert_eq!(setop(&c, "intersect1d", &e, &x, f), i(&[]));
    assert_eq!(setop(&c, "setdiff1d", &x, &e, f), i(&[1, 2]));
    assert_eq!(setop(&c, "setxor1d", &e, &e, f), i(&[]));
}

// ---------------------------------------------------------------------------
// concatenate
// ---------------------------------------------------------------------------

#[test]
fn concatenate_joins_in_order() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let parts = [
            sample(dtype, BIG, 61, 1000),
            sample(dtype, 0, 62, 1000),
            sample(dtype, 5, 63, 1000),
            sample(dtype, 70_001, 64, 1000),
        ];
        let names: Vec<String> = parts.iter().map(|p| put(&c, p)).collect();
        let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let mut offsets = vec![0usize];
        for p in &parts[..3] {
            offsets.push(offsets.last().unwrap() + p.len());
        }
        let offsets: Vec<String> = offsets.iter().map(|o| o.to_string()).collect();
        let offsets: Vec<&str> = offsets.iter().map(|s| s.as_str()).collect();
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let mut want = sample(dtype, total, 0, 1000);
        let mut at = 0;
        for p in &parts {
            for j in 0..p.len() {
                want.assign(at, p, j);
                at += 1;
            }
        }
        let got = result_of(
            &c,
            &format!("concatenate<{dtype},1>"),
            &[
                ("names", dtype, &list(&refs)),
                ("axis", "int64", "0"),
                ("offsets", "int64", &list(&offsets)),
            ],
        );
        assert!(same(&got, &want), "{dtype}");
        for mode in ["append", "interleave"] {
            let got = result_of(
                &c,
                "concatenateStr",
                &[
                    ("objType", "str", "pdarray"),
                    ("names", "str", &list(&refs)),
                    ("mode", "str", mode),
                ],
            );
            assert!(same(&got, &want), "{dtype} {mode}");
        }
    }
}

// ---------------------------------------------------------------------------
// mink / maxk
// ---------------------------------------------------------------------------

fn extreme(c: &Client, cmd: &str, name: &str, k: usize, indices: bool) -> Reply {
    c.cmd(
        cmd,
        &[
            ("array", "str", name),
            ("k", "int64", &k.to_string()),
            ("rtnInd", "bool", if indices { "True" } else { "False" }),
        ],
    )
}

#[test]
fn mink_and_maxk_equal_argsort_slices() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let v = sample(dtype, BIG, 71, 1000);
        let name = put(&c, &v);
        let order = ref_argsort(&v);
        // maxk ranks NaN below every number (Arkouda's extremes skip NaN).
        let mut nan_low = order.clone();
        nan_low.sort_by_key(|&i| !matches!(&v, Vals::F(x) if x[i].is_nan()));
        for k in [1, 10, 1000] {
            let low = &order[..k];
            let high = &nan_low[nan_low.len() - k..];
            let (n, d, _) = created(&extreme(&c, "mink", &name, k, false));
            assert!(same(&get(&c, &d, &n), &v.pick(low)), "mink {dtype} {k}");
            let (n, _, _) = created(&extreme(&c, "mink", &name, k, true));
            assert_eq!(get(&c, "int64", &n), ints(low), "argmink {dtype} {k}");
            let (n, d, _) = created(&extreme(&c, "maxk", &name, k, false));
            assert!(same(&get(&c, &d, &n), &v.pick(high)), "maxk {dtype} {k}");
            let (n, _, _) = created(&extreme(&c, "maxk", &name, k, true));
            assert_eq!(get(&c, "int64", &n), ints(high), "argmaxk {dtype} {k}");
        }
    }
    // The client's doc examples, ties by index, and k beyond the size.
    let a = put(&c, &Vals::I(vec![10, 5, 1, 3, 7, 2, 9, 0]));
    let r = |cmd: &str, k: usize, ind: bool| {
        let (n, d, _) = created(&extreme(&c, cmd, &a, k, ind));
        get(&c, &d, &n)
    };
    assert_eq!(r("mink", 3, false), Vals::I(vec![0, 1, 2]));
    assert_eq!(r("maxk", 4, false), Vals::I(vec![5, 7, 9, 10]));
    assert_eq!(r("mink", 4, true), Vals::I(vec![7, 2, 5, 3]));
    assert_eq!(r("maxk", 3, true), Vals::I(vec![4, 6, 0]));
    assert_eq!(r("maxk", 20, true), Vals::I(vec![7, 2, 5, 3, 1, 4, 6, 0]));
    let t = put(&c, &Vals::F(vec![1.0, f64::NAN, 1.0, -0.0, 0.0, f64::NAN]));
    let (n, _, _) = created(&extreme(&c, "maxk", &t, 3, true));
    assert_eq!(get(&c, "int64", &n), Vals::I(vec![4, 0, 2]));
    let (n, _, _) = created(&extreme(&c, "mink", &t, 2, true));
    assert_eq!(get(&c, "int64", &n), Vals::I(vec![3, 4]));
    // NaN only where fewer than k numbers exist: lowest for maxk, highest
    // for mink, ties by index.
    let (n, _, _) = created(&extreme(&c, "maxk", &t, 5, true));
    assert_eq!(get(&c, "int64", &n), Vals::I(vec![5, 3, 4, 0, 2]));
    let (n, _, _) = created(&extreme(&c, "mink", &t, 5, true));
    assert_eq!(get(&c, "int64", &n), Vals::I(vec![3, 4, 0, 2, 1]));
    let (n, d, _) = created(&extreme(&c, "maxk", &t, 6, false));
    assert!(same(
        &get(&c, &d, &n),
        &Vals::F(vec![f64::NAN, f64::NAN, -0.0, 0.0, 1.0, 1.0])
    ));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn errors_name_the_problem_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![3, 1, 2]));
    let f = put(&c, &Vals::F(vec![1.0]));
    let before = info_all(&c);
    let err = |cmd: &str, args: &[(&str, &str, &str)], want: &str| {
        c.cmd(cmd, args)
            .expect_error(&format!("Error executing command {cmd}: {want}"));
    };
    fn argsort_args<'a>(
        name: &'a str,
        algo: &'a str,
        axis: &'a str,
    ) -> [(&'a str, &'a str, &'a str); 4] {
        [
            ("name", "str", name),
            ("algoName", "str", algo),
            ("objType", "str", "pdarray"),
            ("axis", "int64", axis),
        ]
    }
    let (il, fl) = (i.as_str(), f.as_str());
    err(
        "argsort<float64,1>",
        &argsort_args(il, "RadixSortLSD", "0"),
        &format!("ValueError: {i} holds int64 but argsort<float64,1> was called"),
    );
    err(
        "argsort<int64,1>",
        &argsort_args("nope", "RadixSortLSD", "0"),
        "UnknownSymbolError: unknown symbol: nope",
    );
    err(
        "argsort<int64,1>",
        &argsort_args(il, "QuickSort", "0"),
        "NotImplementedError: Unrecognized sorting algorithm: QuickSort",
    );
    err(
        "argsort<int64,1>",
        &argsort_args(il, "RadixSortLSD", "1"),
        "ValueError: axis 1 is out of bounds for array of dimension 1",
    );
    err(
        "sort<int64,1>",
        &[("array", "str", &i), ("alg", "str", "RadixSortLSD")],
        "KeyNotFound: JSON argument key Not Found: axis",
    );
    err(
        "searchSorted<int64,1,1>",
        &[
            ("x1", "str", &i),
            ("x2", "str", &i),
            ("side", "str", "middle"),
            ("x2Sorted", "bool", "False"),
        ],
        "ValueError: searchSorted side must be a string with value 'left' or 'right', not 'middle'",
    );
    err(
        "searchSorted<int64,1,1>",
        &[
            ("x1", "str", &i),
            ("x2", "str", &f),
            ("side", "str", "left"),
            ("x2Sorted", "bool", "False"),
        ],
        &format!("ValueError: {f} holds float64 but searchSorted<int64,1,1> was called"),
    );
    err(
        "concatenate<int64,1>",
        &[
            ("names", "str", &list(&[il, fl])),
            ("axis", "int64", "0"),
            ("offsets", "int64", &list(&["0", "3"])),
        ],
        &format!("ValueError: {f} holds float64 but concatenate<int64,1> was called"),
    );
    err(
        "concatenate<int64,1>",
        &[
            ("names", "str", "[]"),
            ("axis", "int64", "0"),
            ("offsets", "int64", "[]"),
        ],
        "ValueError: concatenate<int64,1> needs at least one array",
    );
    err(
        "concatenateStr",
        &[
            ("objType", "str", "pdarray"),
            ("names", "str", &list(&[il, fl])),
            ("mode", "str", "append"),
        ],
        "ValueError: Expected int64 dtype but got float64 dtype",
    );
    err(
        "concatenateStr",
        &[
            ("objType", "str", "Strings"),
            ("names", "str", &list(&[il])),
            ("mode", "str", "append"),
        ],
        &format!("ValueError: {il} is a pdarray, where Strings are needed"),
    );
    err(
        "union1d",
        &[("arg1", "str", &i), ("arg2", "str", &f)],
        "ValueError: union1d needs two arrays of one dtype, not int64 and float64",
    );
    err(
        "intersect1d",
        &[("arg1", "str", &i), ("arg2", "str", &i)],
        "KeyNotFound: JSON argument key Not Found: assume_unique",
    );
    err(
        "in1d",
        &[
            ("pda1", "str", &i),
            ("pda2", "str", "nope"),
            ("invert", "bool", "False"),
        ],
        "UnknownSymbolError: unknown symbol: nope",
    );
    for cmd in ["mink", "maxk"] {
        err(
            cmd,
            &[
                ("array", "str", &i),
                ("k", "int64", "0"),
                ("rtnInd", "bool", "False"),
            ],
            "ValueError: k must be 1 or greater, not 0",
        );
    }
    let unique_args = |names: &str, types: &str, n: &str| {
        c.cmd(
            "unique",
            &[
                ("returnGroupStr", "bool", "True"),
                ("assumeSortedStr", "bool", "False"),
                ("nstr", "int64", n),
                ("keynames", "str", names),
                ("keytypes", "str", types),
            ],
        )
    };
    let short = put(&c, &Vals::I(vec![1]));
    let before_short = info_all(&c);
    unique_args(&list(&[il, short.as_str()]), &list(&["pdarray", "pdarray"]), "2").expect_error(&format!(
        "Error executing command unique: ValueError: all arrays must have the same size: {i} has 3 elements but {short} has 1"
    ));
    unique_args(&list(&[il]), &list(&["str"]), "1").expect_error(
        "Error executing command unique: NotImplementedError: unique of str objects is not supported",
    );
    unique_args(&list(&[il]), &list(&["pdarray"]), "2").expect_error(
        "Error executing command unique: ValueError: nstr is 2 but 1 names and 1 types were given",
    );
    c.cmd("uniqueAll<int64,1>", &[("name", "str", &f)]).expect_error(&format!(
        "Error executing command uniqueAll<int64,1>: ValueError: {f} holds float64 but uniqueAll<int64,1> was called"
    ));
    c.cmd("transmuteFloat", &[("name", "str", &i)]).expect_error(&format!(
        "Error executing command transmuteFloat: ValueError: {i} holds int64 but transmuteFloat was called"
    ));
    assert_eq!(info_all(&c), before_short);
    c.cmd("delete", &[("name", "str", &short)]).normal();
    assert_eq!(info_all(&c), before);
    assert_eq!(get(&c, "int64", &i), Vals::I(vec![3, 1, 2]));
}

#[test]
fn empty_arrays() {
    let server = Server::start();
    let c = server.client();
    for dtype in DTYPES {
        let e = sample(dtype, 0, 1, 1000);
        assert_eq!(argsort_of(&c, &e), Vals::I(vec![]));
        assert!(same(&sort_of(&c, &e), &e));
        let name = put(&c, &e);
        let (n, _, len) = created(&extreme(&c, "mink", &name, 3, true));
        assert_eq!((get(&c, "int64", &n), len), (Vals::I(vec![]), 0));
        let all = c.cmd(&format!("uniqueAll<{dtype},1>"), &[("name", dtype, &name)]);
        let parts = created_list(all.normal());
        assert_eq!(parts.iter().map(|p| p.2).collect::<Vec<_>>(), [0, 0, 0, 0]);
        let reply = c.cmd(
            "unique",
            &[
                ("returnGroupStr", "bool", "True"),
                ("assumeSortedStr", "bool", "False"),
                ("nstr", "int64", "1"),
                ("keynames", "str", &list(&[&name])),
                ("keytypes", "str", &list(&["pdarray"])),
            ],
        );
        assert!(created_parts(reply.normal()).iter().all(|p| p.2 == 0));
    }
}

#[test]
fn working_memory_counts_against_the_limit() {
    let server = Server::builder().arg("--memMax=4000000").start();
    let c = server.client();
    let n = 100_000;
    let v = sample("int64", n, 81, 1000);
    let name = put(&c, &v);
    let before = (info_all(&c), mem_used(&c, 1, false));
    // The radix sort's working set (32 bytes per element) and the result
    // (8) do not fit beside the array's 800000 bytes.
    let msg = argsort_reply(&c, &name).error().to_string();
    assert!(
        msg.starts_with("Error executing command argsort<int64,1>: OverMemoryLimitError: "),
        "{msg}"
    );
    let unique = c.cmd(
        "unique",
        &[
            ("returnGroupStr", "bool", "False"),
            ("assumeSortedStr", "bool", "False"),
            ("nstr", "int64", "1"),
            ("keynames", "str", &list(&[&name])),
            ("keytypes", "str", &list(&["pdarray"])),
        ],
    );
    assert!(
        unique.error().contains("OverMemoryLimitError"),
        "{}",
        unique.text()
    );
    assert_eq!((info_all(&c), mem_used(&c, 1, false)), before);
    // A smaller array fits, and the working memory is given back.
    let small = sample("int64", 10_000, 82, 1000);
    let sname = put(&c, &small);
    let used = mem_used(&c, 1, false);
    let (perm, _, _) = created(&argsort_reply(&c, &sname));
    assert_eq!(get(&c, "int64", &perm), ints(&ref_argsort(&small)));
    assert_eq!(mem_used(&c, 1, false), used + 80_000);
}

fn argsort_reply(c: &Client, name: &str) -> Reply {
    c.cmd(
        "argsort<int64,1>",
        &[
            ("name", "int64", name),
            ("algoName", "str", "RadixSortLSD"),
            ("objType", "str", "pdarray"),
            ("axis", "int64", "0"),
        ],
    )
}

#[test]
fn in1d_bitset_and_hash_paths() {
    let server = Server::start();
    let c = server.client();
    for (a, b, want) in setops::in1d_path_cases(BIG) {
        let (na, nb) = (put(&c, &a), put(&c, &b));
        assert_eq!(in1d(&c, &na, &nb, false), Vals::B(want.clone()));
        let inverted: Vec<bool> = want.iter().map(|x| !x).collect();
        assert_eq!(in1d(&c, &na, &nb, true), Vals::B(inverted));
    }
}
