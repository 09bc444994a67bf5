//! Comparing and combining strings at 1, 2 and 3 ranks: every result
//! against values computed here, errors against the 1-rank text, nothing
//! changed by a failure.
#![cfg(feature = "mpi")]

mod common;

use std::collections::HashSet;

use common::strs::*;
use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];

/// `n` strings of 0-18 bytes, some multi-byte, some empty, many repeated;
/// `salt` makes another array.
fn words(n: usize, salt: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let k = (i * 7919 + salt * 31) % 1013;
            let base = ["", "a", "é", "日本", "xyz"][k % 5];
            base.repeat(k % 7)
        })
        .collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn list(names: &[&str]) -> String {
    serde_json::to_string(names).unwrap()
}

fn vv(c: &Client, op: &str, a: &str, b: &str, left: bool, delim: &str) -> Reply {
    let left = if left { "True" } else { "False" };
    c.cmd(
        "segmentedBinopvv",
        &[
            ("op", "str", op),
            ("objType", "str", "Strings"),
            ("obj", "str", a),
            ("otherType", "str", "Strings"),
            ("other", "str", b),
            ("left", "bool", left),
            ("delim", "str", delim),
        ],
    )
}

fn vs(c: &Client, op: &str, a: &str, value: &str) -> Reply {
    c.cmd(
        "segmentedBinopvs",
        &[
            ("op", "str", op),
            ("objType", "str", "Strings"),
            ("obj", "str", a),
            ("otherType", "str", "str"),
            ("other", "str", value),
        ],
    )
}

fn bools(c: &Client, r: &Reply) -> Vec<bool> {
    let (name, dtype, _) = created(r);
    match get(c, &dtype, &name) {
        Vals::B(v) => v,
        other => panic!("not bools: {other:?}"),
    }
}

fn text_of(c: &Client, r: &Reply) -> Vec<String> {
    let (name, n, nbytes) = strings_created(r);
    let v = get_text(c, &name);
    assert_eq!(v.len(), n);
    assert_eq!(nbytes, v.iter().map(|s| s.len() as u64 + 1).sum::<u64>());
    c.cmd("delete", &[("name", "str", &name)]);
    v
}

fn where_(c: &Client, cond: &[bool], a: &str, other: &str, literal: bool, lens: &[i64]) -> Reply {
    let cn = put(c, &Vals::B(cond.to_vec()));
    let ln = put(c, &Vals::I(lens.to_vec()));
    let r = c.cmd(
        "segmentedWhere",
        &[
            ("seg_str", "str", a),
            ("other", "str", other),
            (
                "is_str_literal",
                "bool",
                if literal { "True" } else { "False" },
            ),
            ("new_lens", "pdarray", &ln),
            ("condition", "pdarray", &cn),
        ],
    );
    c.cmd("delete", &[("name", "str", &cn)]);
    c.cmd("delete", &[("name", "str", &ln)]);
    r
}

fn concat(c: &Client, names: &[&str], mode: &str) -> Reply {
    c.cmd(
        "concatenateStr",
        &[
            ("objType", "str", "Strings"),
            ("names", "str", &list(names)),
            ("mode", "str", mode),
        ],
    )
}

fn uniquely(c: &Client, names: &[&str]) -> Reply {
    c.cmd("concatenateUniquely", &[("names", "str", &list(names))])
}

fn flip(c: &Client, a: &str, n: usize) -> Reply {
    c.cmd(
        "flipString",
        &[
            ("objType", "str", "Strings"),
            ("obj", "str", a),
            ("size", "int64", &n.to_string()),
        ],
    )
}

/// First occurrences of the concatenation, in order.
fn first_occurrences(arrays: &[&[String]]) -> Vec<String> {
    let mut seen = HashSet::new();
    arrays
        .iter()
        .flat_map(|a| a.iter())
        .filter(|s| seen.insert(s.as_str()))
        .cloned()
        .collect()
}

fn check_all(c: &Client, n: usize, what: &str) {
    let (aw, bw) = (words(n, 0), words(n, 1));
    let (a, b) = (put_text(c, &refs(&aw)), put_text(c, &refs(&bw)));
    let eq: Vec<bool> = aw.iter().zip(&bw).map(|(x, y)| x == y).collect();
    assert_eq!(bools(c, &vv(c, "==", &a, &b, false, "")), eq, "{what}");
    let ne: Vec<bool> = eq.iter().map(|x| !x).collect();
    assert_eq!(bools(c, &vv(c, "!=", &a, &b, false, "")), ne, "{what}");
    for value in ["", "日本日本"] {
        let want: Vec<bool> = aw.iter().map(|x| x == value).collect();
        assert_eq!(bools(c, &vs(c, "==", &a, value)), want, "{what}");
        let want: Vec<bool> = want.iter().map(|x| !x).collect();
        assert_eq!(bools(c, &vs(c, "!=", &a, value)), want, "{what}");
    }
    let delim = "·";
    let right: Vec<String> = aw
        .iter()
        .zip(&bw)
        .map(|(x, y)| format!("{x}{delim}{y}"))
        .collect();
    assert_eq!(
        text_of(c, &vv(c, "stick", &a, &b, false, delim)),
        right,
        "{what}"
    );
    let left: Vec<String> = aw.iter().zip(&bw).map(|(x, y)| format!("{y}{x}")).collect();
    assert_eq!(
        text_of(c, &vv(c, "stick", &a, &b, true, "")),
        left,
        "{what}"
    );

    let cond: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    let want: Vec<String> = (0..n)
        .map(|i| if cond[i] { &aw[i] } else { &bw[i] }.clone())
        .collect();
    let lens: Vec<i64> = want.iter().map(|s| s.len() as i64).collect();
    assert_eq!(
        text_of(c, &where_(c, &cond, &a, &b, false, &lens)),
        want,
        "{what}"
    );
    let want: Vec<String> = (0..n)
        .map(|i| {
            if cond[i] {
                aw[i].clone()
            } else {
                "lité".into()
            }
        })
        .collect();
    let lens: Vec<i64> = want.iter().map(|s| s.len() as i64).collect();
    assert_eq!(
        text_of(c, &where_(c, &cond, &a, "lité", true, &lens)),
        want,
        "{what}"
    );

    let mut rev = aw.clone();
    rev.reverse();
    assert_eq!(text_of(c, &flip(c, &a, n)), rev, "{what}");

    // Arrays of other lengths, an empty one, a string longer than a
    // rank's share of the bytes.
    let seven = words(7, 2);
    let long = vec!["x".repeat(300_000), String::new(), "y".into()];
    let (s, e, l) = (
        put_text(c, &refs(&seven)),
        put_text(c, &[]),
        put_text(c, &refs(&long)),
    );
    let joined: Vec<String> = [&aw, &seven, &long, &bw]
        .iter()
        .flat_map(|v| v.iter().cloned())
        .collect();
    for mode in ["append", "interleave"] {
        let got = text_of(c, &concat(c, &[&a, &s, &e, &l, &b], mode));
        assert_eq!(got, joined, "{what} {mode}");
    }
    let want = first_occurrences(&[&bw, &seven, &aw, &long]);
    assert_eq!(
        text_of(c, &uniquely(c, &[&b, &s, &e, &a, &l])),
        want,
        "{what}"
    );
    let mut rev = long.clone();
    rev.reverse();
    assert_eq!(text_of(c, &flip(c, &l, 3)), rev, "{what}");
    for x in [a, b, s, e, l] {
        c.cmd("delete", &[("name", "str", &x)]);
    }
}

#[test]
fn results_at_every_rank_count() {
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for n in [0, 1, 2, 7, 70_001] {
            check_all(&c, n, &format!("n={n} ranks={ranks}"));
        }
        // Many distinct strings for the hash routing.
        let many: Vec<String> = (0..90_000).map(|i| format!("{}", i % 40_000)).collect();
        let m = put_text(&c, &refs(&many));
        let want: Vec<String> = (0..40_000).map(|i| i.to_string()).collect();
        assert_eq!(text_of(&c, &uniquely(&c, &[&m, &m])), want, "ranks={ranks}");
    }
}

#[test]
fn errors_match_one_rank_and_change_nothing() {
    let mut seen: Vec<String> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        let a = put_text(&c, &["keep", "", "me", "日本"]);
        let short = put_text(&c, &["x"]);
        let nums = put(&c, &Vals::I(vec![1, 2, 3, 4]));
        let used = |c: &Client| {
            c.cmd(
                "getmemused",
                &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
            )
            .normal()
            .to_string()
        };
        let before = used(&c);
        let bad = [
            vv(&c, "==", &a, &short, false, ""),
            vv(&c, "stick", &a, &short, false, "-"),
            vv(&c, "<", &a, &a, false, ""),
            vv(&c, "==", &a, &nums, false, ""),
            vs(&c, "+", &a, "x"),
            where_(&c, &[true; 3], &a, "x", true, &[1; 4]),
            where_(&c, &[true; 4], &a, &short, false, &[1; 4]),
            flip(&c, &nums, 4),
            concat(&c, &[&a, &nums], "append"),
            concat(&c, &[&a], "sideways"),
            uniquely(&c, &[&a, "nosuch"]),
            uniquely(&c, &[]),
        ];
        let texts: Vec<String> = bad
            .iter()
            .map(|r| strip_ids(r.error()).replace(&strip_ids(&nums), "NUMS"))
            .collect();
        if ranks == 1 {
            seen = texts;
        } else {
            assert_eq!(texts, seen, "ranks={ranks}");
        }
        assert_eq!(used(&c), before, "ranks={ranks}");
        assert_eq!(get_text(&c, &a), ["keep", "", "me", "日本"]);
        assert_eq!(get_text(&c, &short), ["x"]);
    }
    assert!(seen[0].contains("same size (4 and 1)"), "{seen:?}");
}
