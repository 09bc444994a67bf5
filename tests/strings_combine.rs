//! Comparing and combining strings through the real binary at one rank:
//! `==`/`!=` (two Strings, Strings and a string), `stick`/`lstick`,
//! `ak.where`, `ak.flip`, `ak.concatenate` and `concatenate_uniquely`,
//! against values computed here, and every kind of bad request.

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

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
    v
}

/// `ak.where(cond, a, other)` as the client sends it (`new_lens` from the
/// lengths of the chosen strings).
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

const A: [&str; 6] = ["a", "", "héllo", "x", "日本", "same"];
const B: [&str; 6] = ["a", "z", "", "y", "日本", "same"];

#[test]
fn compare() {
    let server = Server::start();
    let c = server.client();
    let (a, b) = (put_text(&c, &A), put_text(&c, &B));
    let eq: Vec<bool> = A.iter().zip(&B).map(|(x, y)| x == y).collect();
    assert_eq!(bools(&c, &vv(&c, "==", &a, &b, false, "")), eq);
    let ne: Vec<bool> = eq.iter().map(|x| !x).collect();
    assert_eq!(bools(&c, &vv(&c, "!=", &a, &b, false, "")), ne);
    for value in ["", "x", "日本", "nothing"] {
        let want: Vec<bool> = A.iter().map(|x| *x == value).collect();
        assert_eq!(bools(&c, &vs(&c, "==", &a, value)), want, "{value:?}");
        let want: Vec<bool> = want.iter().map(|x| !x).collect();
        assert_eq!(bools(&c, &vs(&c, "!=", &a, value)), want, "{value:?}");
    }
    // Empty arrays give empty bool arrays.
    let e = put_text(&c, &[]);
    let r = vv(&c, "==", &e, &e, false, "");
    assert_eq!(created(&r).2, 0);
    assert_eq!(bools(&c, &r), Vec::<bool>::new());
    assert_eq!(bools(&c, &vs(&c, "!=", &e, "a")), Vec::<bool>::new());
    // A prefix is not equal.
    let p = put_text(&c, &["ab", "abc"]);
    assert_eq!(bools(&c, &vs(&c, "==", &p, "ab")), [true, false]);
}

#[test]
fn stick_and_lstick() {
    let server = Server::start();
    let c = server.client();
    let (a, b) = (put_text(&c, &A), put_text(&c, &B));
    for delim in ["", ".", "·日"] {
        let right: Vec<String> = A
            .iter()
            .zip(&B)
            .map(|(x, y)| format!("{x}{delim}{y}"))
            .collect();
        assert_eq!(text_of(&c, &vv(&c, "stick", &a, &b, false, delim)), right);
        let left: Vec<String> = A
            .iter()
            .zip(&B)
            .map(|(x, y)| format!("{y}{delim}{x}"))
            .collect();
        assert_eq!(text_of(&c, &vv(&c, "stick", &a, &b, true, delim)), left);
    }
    let e = put_text(&c, &[]);
    assert_eq!(
        text_of(&c, &vv(&c, "stick", &e, &e, false, "-")),
        Vec::<String>::new()
    );
    // The inputs are unchanged.
    assert_eq!(get_text(&c, &a), A);
    assert_eq!(get_text(&c, &b), B);
}

#[test]
fn where_strings_and_literal() {
    let server = Server::start();
    let c = server.client();
    let (a, b) = (put_text(&c, &A), put_text(&c, &B));
    let cond = [true, false, true, false, false, true];
    let pick = |x: &[&str; 6], y: &dyn Fn(usize) -> String| -> Vec<String> {
        (0..6)
            .map(|i| if cond[i] { x[i].to_string() } else { y(i) })
            .collect()
    };
    let want = pick(&A, &|i| B[i].to_string());
    let lens: Vec<i64> = want.iter().map(|s| s.len() as i64).collect();
    assert_eq!(text_of(&c, &where_(&c, &cond, &a, &b, false, &lens)), want);
    for lit in ["", "LIT", "日本語"] {
        let want = pick(&A, &|_| lit.to_string());
        let lens: Vec<i64> = want.iter().map(|s| s.len() as i64).collect();
        assert_eq!(text_of(&c, &where_(&c, &cond, &a, lit, true, &lens)), want);
    }
    let e = put_text(&c, &[]);
    assert_eq!(
        text_of(&c, &where_(&c, &[], &e, &e, false, &[])),
        Vec::<String>::new()
    );
}

#[test]
fn flip_concatenate_uniquely() {
    let server = Server::start();
    let c = server.client();
    let (a, b) = (put_text(&c, &A), put_text(&c, &B));
    let mut rev = A.to_vec();
    rev.reverse();
    assert_eq!(text_of(&c, &flip(&c, &a, 6)), rev);
    let e = put_text(&c, &[]);
    assert_eq!(text_of(&c, &flip(&c, &e, 0)), Vec::<String>::new());
    let one = put_text(&c, &["solo"]);
    assert_eq!(text_of(&c, &flip(&c, &one, 1)), ["solo"]);

    let ab: Vec<&str> = A.iter().chain(&B).copied().collect();
    for mode in ["append", "interleave"] {
        assert_eq!(text_of(&c, &concat(&c, &[&a, &b], mode)), ab);
    }
    let aeb: Vec<&str> = A.iter().chain(&A).chain(&B).copied().collect();
    assert_eq!(text_of(&c, &concat(&c, &[&a, &e, &a, &b], "append")), aeb);
    assert_eq!(
        text_of(&c, &concat(&c, &[&e, &e], "append")),
        Vec::<String>::new()
    );
    // The original's legacy `name+...` form.
    let legacy = format!("{a}+legacy");
    assert_eq!(text_of(&c, &concat(&c, &[&legacy], "append")), A);

    // First occurrences, in order of the concatenation.
    let want = ["a", "", "héllo", "x", "日本", "same", "z", "y"];
    assert_eq!(text_of(&c, &uniquely(&c, &[&a, &b, &a])), want);
    assert_eq!(
        text_of(&c, &uniquely(&c, &[&b, &e])),
        ["a", "z", "", "y", "日本", "same"]
    );
    assert_eq!(text_of(&c, &uniquely(&c, &[&e])), Vec::<String>::new());
    let dup = put_text(&c, &["q", "q", "", "", "q"]);
    assert_eq!(text_of(&c, &uniquely(&c, &[&dup])), ["q", ""]);
}

#[test]
fn bad_requests_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let (a, b) = (put_text(&c, &A), put_text(&c, &B));
    let short = put_text(&c, &["a"]);
    let nums = put(&c, &Vals::I(vec![1, 2, 3, 4, 5, 6]));
    let used = |c: &Client| {
        c.cmd(
            "getmemused",
            &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
        )
        .normal()
        .to_string()
    };
    let before = used(&c);
    let err = |r: Reply, want: &str| r.expect_error(want);
    let e = "Error executing command";
    err(
        vv(&c, "==", &a, &short, false, ""),
        &format!(
            "{e} segmentedBinopvv: ValueError: The String arrays must be the same size (6 and 1)"
        ),
    );
    err(
        vv(&c, "stick", &a, &short, true, "-"),
        &format!(
            "{e} segmentedBinopvv: ValueError: The String arrays must be the same size (6 and 1)"
        ),
    );
    err(
        vv(&c, "<", &a, &b, false, ""),
        &format!(
            "{e} segmentedBinopvv: NotImplementedError: segmentedBinopvv: Strings < Strings not implemented"
        ),
    );
    err(
        vv(&c, "==", &a, &nums, false, ""),
        &format!("{e} segmentedBinopvv: ValueError: {nums} is a pdarray, where Strings are needed"),
    );
    err(
        vv(&c, "==", &a, "nosuch", false, ""),
        &format!("{e} segmentedBinopvv: UnknownSymbolError: unknown symbol: nosuch"),
    );
    let r = c.cmd(
        "segmentedBinopvv",
        &[
            ("op", "str", "stick"),
            ("objType", "str", "Strings"),
            ("obj", "str", &a),
            ("otherType", "str", "Strings"),
            ("other", "str", &b),
            ("left", "bool", "maybe"),
            ("delim", "str", ""),
        ],
    );
    err(
        r,
        &format!(
            "{e} segmentedBinopvv: TypeError: Json Argument 'maybe' cannot be cast as a scalar bool"
        ),
    );
    let r = c.cmd(
        "segmentedBinopvv",
        &[
            ("op", "str", "=="),
            ("objType", "str", "pdarray"),
            ("obj", "str", &a),
            ("otherType", "str", "Strings"),
            ("other", "str", &b),
        ],
    );
    err(
        r,
        &format!(
            "{e} segmentedBinopvv: ValueError: segmentedBinopvv: unrecognized type: (pdarray, Strings)"
        ),
    );
    err(
        vs(&c, "stick", &a, "x"),
        &format!(
            "{e} segmentedBinopvs: NotImplementedError: segmentedBinopvs: Strings stick str not implemented"
        ),
    );
    let r = c.cmd(
        "segmentedBinopvs",
        &[
            ("op", "str", "=="),
            ("objType", "str", "Strings"),
            ("obj", "str", &a),
            ("otherType", "str", "int64"),
            ("other", "str", "5"),
        ],
    );
    err(
        r,
        &format!(
            "{e} segmentedBinopvs: ValueError: segmentedBinopvs: unrecognized type: (Strings, int64)"
        ),
    );
    // where: sizes, types, a missing Strings.
    let w = "segmentedWhere";
    err(
        where_(&c, &[true], &a, &b, false, &[1, 1, 1, 1, 1, 1]),
        &format!("{e} {w}: ValueError: condition has 1 elements but the strings have 6"),
    );
    err(
        where_(&c, &[true; 6], &a, &b, false, &[1]),
        &format!("{e} {w}: ValueError: new_lens has 1 elements but the strings have 6"),
    );
    err(
        where_(&c, &[true; 6], &a, &short, false, &[1; 6]),
        &format!("{e} {w}: ValueError: The String arrays must be the same size (6 and 1)"),
    );
    err(
        where_(&c, &[true; 6], &a, "nosuch", false, &[1; 6]),
        &format!("{e} {w}: UnknownSymbolError: unknown symbol: nosuch"),
    );
    let ln = put(&c, &Vals::I(vec![1; 6]));
    let r = c.cmd(
        w,
        &[
            ("seg_str", "str", &a),
            ("other", "str", "x"),
            ("is_str_literal", "bool", "True"),
            ("new_lens", "pdarray", &ln),
            ("condition", "pdarray", &nums),
        ],
    );
    assert!(r.error().contains(&format!("{e} {w}: ")), "{}", r.error());
    assert!(r.error().contains("int64"), "{}", r.error());
    c.cmd("delete", &[("name", "str", &ln)]);
    // flip and concatenate.
    let r = c.cmd(
        "flipString",
        &[
            ("objType", "str", "pdarray"),
            ("obj", "str", &nums),
            ("size", "int64", "6"),
        ],
    );
    err(
        r,
        &format!("{e} flipString: ValueError: flipString: unrecognized type: pdarray"),
    );
    err(
        flip(&c, &nums, 6),
        &format!("{e} flipString: ValueError: {nums} is a pdarray, where Strings are needed"),
    );
    err(
        concat(&c, &[&a, &nums], "append"),
        &format!("{e} concatenateStr: ValueError: {nums} is a pdarray, where Strings are needed"),
    );
    err(
        concat(&c, &[&a, &b], "sideways"),
        &format!(
            "{e} concatenateStr: ValueError: concatenate mode must be 'append' or 'interleave', not 'sideways'"
        ),
    );
    err(
        concat(&c, &[], "append"),
        &format!("{e} concatenateStr: ValueError: concatenateStr needs at least one Strings"),
    );
    err(
        uniquely(&c, &[]),
        &format!(
            "{e} concatenateUniquely: ValueError: concatenateUniquely needs at least one Strings"
        ),
    );
    err(
        uniquely(&c, &[&a, "nosuch"]),
        &format!("{e} concatenateUniquely: UnknownSymbolError: unknown symbol: nosuch"),
    );
    // Nothing was made, nothing changed.
    assert_eq!(used(&c), before);
    assert_eq!(get_text(&c, &a), A);
    assert_eq!(get_text(&c, &b), B);
}
