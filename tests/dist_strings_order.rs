//! Strings order and deduplication at 1, 2 and 3 ranks: every result
//! against values computed here (so equal at every rank count), errors
//! against the 1-rank text, nothing changed by a failure.
#![cfg(feature = "mpi")]

#[path = "strings_order_cases/mod.rs"]
mod cases;
mod common;

use cases::*;
use common::strs::*;
use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];

#[test]
fn results_match_references_at_every_rank_count() {
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for n in [0, 1, 2, 7, 70_001] {
            let w = words(n, n as u64 + 5);
            let probes = words(n / 3 + 5, 99);
            check_all(&c, &w, &probes, &format!("n={n} ranks={ranks}"));
            if n > 0 {
                check_broadcast(&c, &w, &format!("n={n} ranks={ranks}"));
            }
        }
        // Short strings: the packed grouping keys.
        for max in [8, 15] {
            let w = short_words(20_001, max, max);
            check_all(&c, &w, &w[..40], &format!("short {max} ranks={ranks}"));
            check_broadcast(&c, &w, &format!("short {max} ranks={ranks}"));
        }
        // One string repeated throughout: the splitters must still spread it.
        let same = vec!["one string, longer than sixteen".to_string(); 70_001];
        check_all(&c, &same, &same[..2], &format!("all equal ranks={ranks}"));
        // A string longer than a rank's share of the bytes.
        let long = vec![
            "x".repeat(300_000),
            String::new(),
            "y".into(),
            "x".repeat(300_000),
        ];
        check_all(&c, &long, &long[1..], &format!("long ranks={ranks}"));
    }
}

#[test]
fn errors_match_one_rank_and_change_nothing() {
    let mut seen: Vec<String> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        let s = put_text(&c, &["x", "y", "z"]);
        let t = put_text(&c, &["x", "y"]);
        let a = put(&c, &Vals::I(vec![1, 2, 3]));
        let before = info_all(&c);
        let replies = [
            c.cmd(
                "argsortStrings",
                &[("name", "str", &a), ("algoName", "str", "RadixSortLSD")],
            ),
            c.cmd(
                "segmentedHash",
                &[("objType", "str", "pdarray"), ("obj", "str", &a)],
            ),
            c.cmd(
                "segmentedIn1d",
                &[
                    ("objType", "str", "Strings"),
                    ("obj", "str", &s),
                    ("otherType", "str", "Strings"),
                    ("other", "str", &a),
                    ("invert", "bool", "False"),
                ],
            ),
            c.cmd(
                "unique",
                &[
                    ("returnGroupStr", "bool", "True"),
                    ("assumeSortedStr", "bool", "False"),
                    ("nstr", "int64", "2"),
                    ("keynames", "str", &list(&[&s, &t])),
                    ("keytypes", "str", &list(&["Strings", "Strings"])),
                ],
            ),
            c.cmd(
                "coargsort",
                &[
                    ("algoName", "str", "RadixSortLSD"),
                    ("nstr", "int64", "2"),
                    ("arr_names", "str", &list(&[&s, &a])),
                    ("arr_types", "str", &list(&["Strings", "Strings"])),
                ],
            ),
        ];
        let texts: Vec<String> = replies.iter().map(|r| strip_ids(r.error())).collect();
        if ranks == 1 {
            seen = texts;
        } else {
            assert_eq!(texts, seen, "ranks={ranks}");
        }
        assert_eq!(info_all(&c), before, "ranks={ranks}");
        assert_eq!(get_text(&c, &s), ["x", "y", "z"]);
    }
    assert_eq!(seen.len(), 5);
}
