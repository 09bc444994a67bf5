//! Strings order and deduplication through the real binary at one rank:
//! argsortStrings, segmentedGroup, segmentedHash, segmentedIn1d, unique and
//! coargsort with Strings keys, GroupBy sizes; every error case.

#[path = "strings_order_cases/mod.rs"]
mod cases;
mod common;

use cases::*;
use common::strs::*;
use common::vals::*;
use common::*;

#[test]
fn small_cases_by_hand() {
    let server = Server::start();
    let c = server.client();
    let w = ["b", "a", "", "héllo", "a", "abcdefgh1", "abcdefgh", "b", ""];
    let name = put_text(&c, &w);
    let perm = result_of(
        &c,
        "argsortStrings",
        &[("name", "str", &name), ("algoName", "str", "RadixSortLSD")],
    );
    assert_eq!(perm, Vals::I(vec![2, 8, 1, 4, 6, 5, 0, 7, 3]));
    let probes = put_text(&c, &["a", "zz", "", "héllo", "abcdefgh12"]);
    let found = result_of(
        &c,
        "segmentedIn1d",
        &[
            ("objType", "str", "Strings"),
            ("obj", "str", &probes),
            ("otherType", "str", "Strings"),
            ("other", "str", &name),
            ("invert", "bool", "False"),
        ],
    );
    assert_eq!(found, Vals::B(vec![true, false, true, true, false]));
    // assumeSorted: runs of equal neighbours in input order.
    let runs = put_text(&c, &["a", "a", "b", "a", "", ""]);
    let msg = c
        .cmd(
            "unique",
            &[
                ("returnGroupStr", "bool", "True"),
                ("assumeSortedStr", "bool", "True"),
                ("nstr", "int64", "1"),
                ("keynames", "str", &list(&[&runs])),
                ("keytypes", "str", &list(&["Strings"])),
            ],
        )
        .normal()
        .to_string();
    let u = created_names(&msg);
    assert_eq!(get(&c, "int64", &u[0]), Vals::I(vec![0, 1, 2, 3, 4, 5]));
    assert_eq!(get(&c, "int64", &u[1]), Vals::I(vec![0, 2, 3, 4]));
    assert_eq!(get(&c, "int64", &u[2]), Vals::I(vec![0, 2, 3, 4]));
}

#[test]
fn generated_cases_match_references() {
    let server = Server::start();
    let c = server.client();
    for n in [0, 1, 2, 7, 300, 20_000] {
        let w = words(n, n as u64 + 5);
        let probes = words(n / 2 + 5, 99);
        check_all(&c, &w, &probes, &format!("n={n}"));
        if n > 0 {
            check_broadcast(&c, &w, &format!("n={n}"));
        }
    }
    // All equal, all empty, and strings longer than 16 bytes differing
    // only at the end.
    let same = vec!["same string, long enough".to_string(); 1000];
    check_all(&c, &same, &same[..3], "all equal");
    let empty = vec![String::new(); 100];
    check_all(&c, &empty, &["".into(), "x".into()], "all empty");
    let tails: Vec<String> = (0..5000)
        .map(|i| format!("0123456789abcdefghij{}", (i * 37) % 101))
        .collect();
    check_all(&c, &tails, &tails[..50], "long tails");
    // Short strings: packed into one number (up to 8 bytes) or two.
    for max in [8, 15] {
        let w = short_words(3000, max, max);
        check_all(&c, &w, &w[..40], &format!("short {max}"));
        check_broadcast(&c, &w, &format!("short {max}"));
    }
}

#[test]
fn errors_are_clear_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &["x", "y"]);
    let t = put_text(&c, &["x", "y", "z"]);
    let a = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    let err = |cmd: &str, args: &[(&str, &str, &str)]| strip_ids(c.cmd(cmd, args).error());
    assert_eq!(
        err(
            "argsortStrings",
            &[("name", "str", &a), ("algoName", "str", "RadixSortLSD")]
        ),
        strip_ids(&format!(
            "Error executing command argsortStrings: ValueError: {a} is a pdarray, where Strings are needed"
        ))
    );
    assert!(
        err(
            "argsortStrings",
            &[("name", "str", &s), ("algoName", "str", "Bogus")]
        )
        .contains("Unrecognized sorting algorithm: Bogus")
    );
    assert!(
        err(
            "segmentedHash",
            &[("objType", "str", "pdarray"), ("obj", "str", &a)]
        )
        .contains("segmentedHash of pdarray objects is not supported")
    );
    assert!(
        err(
            "segmentedGroup",
            &[("objType", "str", "Strings"), ("obj", "str", "nope")]
        )
        .contains("nope")
    );
    assert!(
        err(
            "segmentedIn1d",
            &[
                ("objType", "str", "Strings"),
                ("obj", "str", &s),
                ("otherType", "str", "Strings"),
                ("other", "str", &a),
                ("invert", "bool", "False"),
            ]
        )
        .contains("is a pdarray, where Strings are needed")
    );
    let unique = |names: &[&str], types: &[&str]| {
        err(
            "unique",
            &[
                ("returnGroupStr", "bool", "True"),
                ("assumeSortedStr", "bool", "False"),
                ("nstr", "int64", &names.len().to_string()),
                ("keynames", "str", &list(names)),
                ("keytypes", "str", &list(types)),
            ],
        )
    };
    assert!(unique(&[&s, &t], &["Strings", "Strings"]).contains("must have the same size"));
    assert!(unique(&[&a], &["Strings"]).contains("is not a Strings"));
    assert!(unique(&[&s, &a], &["Strings", "Strings"]).contains("is not a Strings"));
    assert!(
        err(
            "coargsort",
            &[
                ("algoName", "str", "RadixSortLSD"),
                ("nstr", "int64", "3"),
                ("arr_names", "str", &list(&[&s, &a])),
                ("arr_types", "str", &list(&["Strings", "pdarray"])),
            ]
        )
        .contains("nstr is 3 but 2 names")
    );
    assert_eq!(info_all(&c), before);
    assert_eq!(get_text(&c, &s), ["x", "y"]);
    let segs = put(&c, &Vals::I(vec![0, 1]));
    let vals = put(&c, &Vals::I(vec![5, 6]));
    let three = put(&c, &Vals::I(vec![5, 6, 7]));
    let perm = put(&c, &Vals::I(vec![1, 0, 2]));
    let bad_perm = put(&c, &Vals::I(vec![1, 0, 3]));
    let before = info_all(&c);
    let bc = |p: &str, s: &str, v: &str, size: &str| {
        err(
            "gbbroadcast",
            &[
                ("permName", "pdarray", p),
                ("segName", "pdarray", s),
                ("valName", "pdarray", v),
                ("permute", "bool", "True"),
                ("size", "int64", size),
            ],
        )
    };
    assert!(bc(&perm, &segs, &three, "3").contains("one value per segment: 3 values for 2"));
    assert!(bc(&perm, &segs, &vals, "4").contains("has 3 elements but size is 4"));
    assert!(bc(&bad_perm, &segs, &vals, "3").contains("holds 3, outside 0..3"));
    assert!(bc(&perm, &three, &three, "3").contains("are not segment offsets of 3"));
    assert_eq!(info_all(&c), before);
    let ok = result_of(
        &c,
        "gbbroadcast",
        &[
            ("permName", "pdarray", &perm),
            ("segName", "pdarray", &segs),
            ("valName", "pdarray", &vals),
            ("permute", "bool", "True"),
            ("size", "int64", "3"),
        ],
    );
    // Grouped order [5, 6, 6]; element j goes to position perm[j].
    assert_eq!(ok, Vals::I(vec![6, 5, 6]));
    // Float reductions skip NaNs when asked, else min/max/sum see them.
    let fv = put(&c, &Vals::F(vec![1.5, f64::NAN, -2.0]));
    let red = |op: &str, skip: &str| {
        result_of(
            &c,
            "segmentedReduction",
            &[
                ("values", "pdarray", &fv),
                ("segments", "pdarray", &segs),
                ("op", "str", op),
                ("skip_nan", "bool", skip),
                ("ddof", "int64", "1"),
            ],
        )
    };
    assert_eq!(red("count", "True"), Vals::I(vec![1, 1]));
    assert_eq!(red("sum", "True"), Vals::F(vec![1.5, -2.0]));
    assert_eq!(red("max", "True"), Vals::F(vec![1.5, -2.0]));
    assert_eq!(red("mean", "True"), Vals::F(vec![1.5, -2.0]));
    let nan = red("min", "False");
    assert!(
        matches!(&nan, Vals::F(v) if v[0] == 1.5 && v[1].is_nan()),
        "{nan:?}"
    );
    let before = info_all(&c);
    assert!(
        err(
            "segmentedReduction",
            &[
                ("values", "pdarray", &fv),
                ("segments", "pdarray", &segs),
                ("op", "str", "nosuch"),
                ("skip_nan", "bool", "True"),
                ("ddof", "int64", "1"),
            ],
        )
        .contains("segmentedReduction: unknown op nosuch")
    );
    assert!(
        err(
            "segmentedReduction",
            &[
                ("values", "pdarray", &fv),
                ("segments", "pdarray", &three),
                ("op", "str", "sum"),
                ("skip_nan", "bool", "True"),
                ("ddof", "int64", "1"),
            ],
        )
        .contains("are not segment offsets of 3")
    );
    assert_eq!(info_all(&c), before);
}
