//! The search and transform commands at 1, 2 and 3 ranks: every result
//! against values computed here with Rust's own `str` methods and against
//! the 1-rank reply, errors against the 1-rank text, nothing changed by a
//! failure.
#![cfg(feature = "mpi")]

mod common;

use common::strs::*;
use common::vals::*;
use common::*;
use serde_json::Value;

const RANKS: [usize; 3] = [1, 2, 3];

/// `n` strings of a few pieces each: delimiters, empties, multi-byte.
fn words(n: usize) -> Vec<String> {
    let pieces = ["ab", "", ".", "é", "日本", "b", "xAb", " ", "B.c"];
    (0..n)
        .map(|i| {
            let k = i * 7919 % 1013;
            (0..k % 5)
                .map(|j| pieces[(k + j * 3) % pieces.len()])
                .collect()
        })
        .collect()
}

/// A reply naming strings then arrays: their contents, as texts.
fn parts_of(c: &Client, msg: &str) -> (Vec<Vec<String>>, Vec<Vals>) {
    let pieces: Vec<&str> = msg.split('+').collect();
    let (mut strs, mut arrays) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < pieces.len() {
        let w: Vec<&str> = pieces[i].split(' ').collect();
        if w[2] == "str" {
            strs.push(get_text(c, w[1]));
            i += 2;
        } else {
            arrays.push(get(c, w[2], w[1]));
            i += 1;
        }
    }
    (strs, arrays)
}

fn chars_before(w: &str, byte: usize) -> i64 {
    w[..byte].chars().count() as i64
}

fn scan(v: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut at = 0;
    v.map(|x| {
        at += x;
        at - x
    })
    .collect()
}

/// Runs every command on `words`, checks each result, and returns the
/// replies (ids stripped) with the results, for comparing rank counts.
fn run_all(c: &Client, w: &[String]) -> Vec<String> {
    let refs: Vec<&str> = w.iter().map(String::as_str).collect();
    let s = put_text(c, &refs);
    let mut log = Vec::new();
    let mut note =
        |reply: &Reply, what: String| log.push(format!("{what}: {}", strip_ids(reply.normal())));
    let obj = ("objType", "str", "Strings");
    let bools = |f: &dyn Fn(&str) -> bool| Vals::B(w.iter().map(|x| f(x)).collect());
    let strs = |f: &dyn Fn(&str) -> String| w.iter().map(|x| f(x)).collect::<Vec<_>>();

    for (val, f) in [
        (
            r"b\.",
            &(|x: &str| x.contains("b.")) as &dyn Fn(&str) -> bool,
        ),
        ("^ab", &|x: &str| x.starts_with("ab")),
        ("日本$", &|x: &str| x.ends_with("日本")),
        ("^$", &|x: &str| x.is_empty()),
        ("[Bb][.]", &|x: &str| x.contains("b.") || x.contains("B.")),
    ] {
        let r = c.cmd(
            "segmentedSearch",
            &[
                obj,
                ("obj", "str", &s),
                ("valType", "str", "str"),
                ("val", "str", val),
            ],
        );
        let (name, dtype, _) = created(&r);
        assert_eq!(get(c, &dtype, &name), bools(f), "search {val}");
        note(&r, format!("search {val}"));
    }
    for (sub, f) in [
        (
            "toUpper",
            &(|x: &str| x.to_uppercase()) as &dyn Fn(&str) -> String,
        ),
        ("toLower", &|x: &str| x.to_lowercase()),
    ] {
        let r = c.cmd(
            "caseChange",
            &[obj, ("obj", "str", &s), ("subcmd", "str", sub)],
        );
        assert_eq!(parts_of(c, r.normal()).0[0], strs(f), "{sub}");
        note(&r, sub.into());
    }
    let r = c.cmd(
        "checkChars",
        &[obj, ("obj", "str", &s), ("subcmd", "str", "isalpha")],
    );
    let (name, dtype, _) = created(&r);
    let alpha = |x: &str| !x.is_empty() && x.chars().all(char::is_alphabetic);
    assert_eq!(get(c, &dtype, &name), bools(&alpha), "isalpha");
    note(&r, "isalpha".into());
    let r = c.cmd(
        "segmentedStrip",
        &[obj, ("name", "str", &s), ("chars", "str", "a.")],
    );
    assert_eq!(
        parts_of(c, r.normal()).0[0],
        strs(&|x: &str| x.trim_matches(|ch| ch == 'a' || ch == '.').to_string())
    );
    note(&r, "strip".into());

    // Split on a literal, and on a pattern at most once.
    let r = c.cmd(
        "segmentedFlatten",
        &[
            ("objtype", "str", "Strings"),
            ("values", "str", &s),
            ("return_segs", "bool", "True"),
            ("regex", "bool", "False"),
            ("delim", "str", "."),
        ],
    );
    let (st, ar) = parts_of(c, r.normal());
    let pieces: Vec<Vec<&str>> = w.iter().map(|x| x.split('.').collect()).collect();
    assert_eq!(st[0], pieces.concat());
    assert_eq!(ar[0], Vals::I(scan(pieces.iter().map(|p| p.len() as i64))));
    note(&r, "flatten".into());
    let r = c.cmd(
        "segmentedSplit",
        &[
            ("objtype", "str", "Matcher"),
            ("parent_name", "str", &s),
            ("max", "int64", "1"),
            ("return_segs", "bool", "True"),
            ("pattern", "str", r"\."),
        ],
    );
    let pieces: Vec<Vec<&str>> = w.iter().map(|x| x.splitn(2, '.').collect()).collect();
    let (st, ar) = parts_of(c, r.normal());
    assert_eq!(st[0], pieces.concat());
    assert_eq!(ar[0], Vals::I(scan(pieces.iter().map(|p| p.len() as i64))));
    note(&r, "split".into());

    // Where "b" is (character positions), the matches as strings, sub.
    let r = c.cmd(
        "segmentedFindLoc",
        &[
            ("objType", "str", "Matcher"),
            ("parent_name", "str", &s),
            ("groupNum", "int64", "0"),
            ("pattern", "str", "b"),
        ],
    );
    let map: Value = serde_json::from_str(r.normal()).unwrap();
    let field = |k: &str| map[k].as_str().unwrap().to_string();
    let arr = |k: &str| parts_of(c, &field(k)).1.remove(0);
    let num: Vec<i64> = w.iter().map(|x| x.matches('b').count() as i64).collect();
    assert_eq!(arr("NumMatches"), Vals::I(num.clone()));
    let starts: Vec<i64> = w
        .iter()
        .flat_map(|x| x.match_indices('b').map(|(i, _)| chars_before(x, i)))
        .collect();
    assert_eq!(arr("Starts"), Vals::I(starts.clone()));
    assert_eq!(arr("Lens"), Vals::I(vec![1; starts.len()]));
    assert_eq!(arr("Indices"), Vals::I(scan(num.iter().copied())));
    assert_eq!(arr("MatchBool"), bools(&|x: &str| x.starts_with('b')));
    assert_eq!(arr("FullMatchBool"), bools(&|x: &str| x == "b"));
    let match_ind = scan(w.iter().map(|x| x.starts_with('b') as i64));
    assert_eq!(arr("MatchInd"), Vals::I(match_ind));
    let mut texts: Vec<String> = map
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={}", strip_ids(v.as_str().unwrap())))
        .collect();
    texts.sort();
    note(&r, format!("findloc {texts:?}"));
    let name = |k: &str| field(k).split(' ').nth(1).unwrap().to_string();
    let r = c.cmd(
        "segmentedFindAll",
        &[
            ("objType", "str", "Matcher"),
            ("parent_name", "str", &s),
            ("num_matches", "pdarray", &name("NumMatches")),
            ("starts", "pdarray", &name("Starts")),
            ("lengths", "pdarray", &name("Lens")),
            ("indices", "pdarray", &name("Indices")),
            ("rtn_origins", "bool", "True"),
        ],
    );
    let (st, ar) = parts_of(c, r.normal());
    assert_eq!(st[0], vec!["b".to_string(); starts.len()]);
    let origins: Vec<i64> = num
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(i as i64, n as usize))
        .collect();
    assert_eq!(ar[0], Vals::I(origins));
    note(&r, "findall".into());
    let r = c.cmd(
        "segmentedSub",
        &[
            ("objType", "str", "Matcher"),
            ("obj", "str", &s),
            ("repl", "str", "XY"),
            ("count", "int64", "0"),
            ("rtn_num_subs", "bool", "True"),
            ("pattern", "str", "b"),
        ],
    );
    let (st, ar) = parts_of(c, r.normal());
    assert_eq!(st[0], strs(&|x: &str| x.replace('b', "XY")));
    assert_eq!(ar[0], Vals::I(num.clone()));
    note(&r, "sub".into());

    // Peel at the first "." (keepPartial: the whole string stays left).
    let r = c.cmd(
        "segmentedPeel",
        &[
            ("subcmd", "str", "peel"),
            obj,
            ("obj", "str", &s),
            ("valType", "str", "str"),
            ("times", "int64", "1"),
            ("id", "bool", "False"),
            ("keepPartial", "bool", "True"),
            ("lStr", "bool", "True"),
            ("regex", "bool", "False"),
            ("delim", "str", "."),
        ],
    );
    let (st, _) = parts_of(c, r.normal());
    let cut = |x: &str| x.split_once('.').unwrap_or((x, "")).0.to_string();
    let rest = |x: &str| x.split_once('.').map_or(String::new(), |p| p.1.to_string());
    assert_eq!((st[0].clone(), st[1].clone()), (strs(&cut), strs(&rest)));
    note(&r, "peel".into());
    let r = c.cmd(
        "segmentedSubstring",
        &[
            obj,
            ("name", "str", &s),
            ("nChars", "int64", "2"),
            ("returnOrigins", "bool", "True"),
            ("kind", "str", "suffixes"),
            ("proper", "bool", "False"),
        ],
    );
    let (st, ar) = parts_of(c, r.normal());
    let long = |x: &str| x.chars().count() >= 2;
    let suffix: Vec<String> = w
        .iter()
        .filter(|x| long(x))
        .map(|x| {
            let n = x.chars().count();
            x.chars().skip(n - 2).collect()
        })
        .collect();
    assert_eq!(st[0], suffix);
    assert_eq!(ar[0], bools(&long));
    note(&r, "suffixes".into());
    log
}

#[test]
fn results_match_rust_and_one_rank() {
    let mut first: Vec<Vec<String>> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for (k, n) in [0, 1, 2, 7, 70_001].into_iter().enumerate() {
            let log = run_all(&c, &words(n));
            if ranks == 1 {
                first.push(log);
            } else {
                assert_eq!(log, first[k], "n={n} ranks={ranks}");
            }
        }
    }
}

/// Strings whose odd one sits on the last rank at 2 and 3 ranks.
const ERROR_WORDS: [&str; 7] = ["ab", "", "b.b", "xyz", "abb", "q", "ü b"];

#[test]
fn errors_match_one_rank_and_change_nothing() {
    let mut seen: Vec<String> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        let s = put_text(&c, &ERROR_WORDS);
        let mem = |c: &Client| {
            c.cmd(
                "getmemused",
                &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
            )
            .normal()
            .to_string()
        };
        let loc: Value = serde_json::from_str(
            c.cmd(
                "segmentedFindLoc",
                &[
                    ("objType", "str", "Matcher"),
                    ("parent_name", "str", &s),
                    ("groupNum", "int64", "0"),
                    ("pattern", "str", "b"),
                ],
            )
            .normal(),
        )
        .unwrap();
        let name = |k: &str| {
            loc[k]
                .as_str()
                .unwrap()
                .split(' ')
                .nth(1)
                .unwrap()
                .to_string()
        };
        // Indices wrong at the last string only; a span past the last string.
        let shifted = put(&c, &Vals::I(vec![0, 1, 1, 3, 3, 5, 4]));
        let lens = put(&c, &Vals::I(vec![1, 1, 1, 1, 1, 9]));
        let before = mem(&c);
        let find_all = |starts: &str, lens: &str, indices: &str| {
            c.cmd(
                "segmentedFindAll",
                &[
                    ("objType", "str", "Matcher"),
                    ("parent_name", "str", &s),
                    ("num_matches", "pdarray", &name("NumMatches")),
                    ("starts", "pdarray", starts),
                    ("lengths", "pdarray", lens),
                    ("indices", "pdarray", indices),
                    ("rtn_origins", "bool", "True"),
                ],
            )
        };
        let bad = [
            c.cmd(
                "encode",
                &[
                    ("toEncoding", "str", "ascii"),
                    ("fromEncoding", "str", "utf-8"),
                    ("obj", "str", &s),
                ],
            ),
            find_all(&name("Starts"), &name("Lens"), &shifted),
            find_all(&name("Starts"), &lens, &name("Indices")),
            c.cmd(
                "segmentedSearch",
                &[
                    ("objType", "str", "Strings"),
                    ("obj", "str", &s),
                    ("valType", "str", "str"),
                    ("val", "str", "(("),
                ],
            ),
        ];
        let texts: Vec<String> = bad.iter().map(|r| strip_ids(r.error())).collect();
        assert_eq!(mem(&c), before, "ranks={ranks}");
        assert_eq!(get_text(&c, &s), ERROR_WORDS, "ranks={ranks}");
        if ranks == 1 {
            seen = texts;
        } else {
            assert_eq!(texts, seen, "ranks={ranks}");
        }
    }
    assert!(seen[0].contains("string 6 cannot be converted"), "{seen:?}");
    assert!(seen[1].contains("indices[6] is 4, not 5"), "{seen:?}");
    assert!(
        seen[2].contains("match 5 (2, length 9) does not lie in string 6 of length 3"),
        "{seen:?}"
    );
    assert!(
        seen[3].ends_with("cannot compile regex pattern '((': unclosed group"),
        "{seen:?}"
    );
}
