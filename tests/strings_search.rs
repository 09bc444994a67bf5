//! The search and transform commands of strings through the real binary at
//! one rank: a table of cases whose expectations Python's own `str` and
//! `re` computed (tests/fixtures/strings_search.txt), then every error.

mod common;

use common::strs::*;
use common::vals::*;
use common::*;
use serde_json::Value;

/// A reply naming strings then arrays (`created s str ...+created
/// bytes.size N+created a int64 ...`): the strings' and arrays' contents.
pub fn parts_of(c: &Client, msg: &str) -> (Vec<Vec<String>>, Vec<Vals>) {
    let pieces: Vec<&str> = msg.split('+').collect();
    let (mut strs, mut arrays) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < pieces.len() {
        let words: Vec<&str> = pieces[i].split(' ').collect();
        assert_eq!(words[0], "created", "{msg}");
        if words[2] == "str" {
            assert!(pieces[i + 1].starts_with("created bytes.size "), "{msg}");
            strs.push(get_text(c, words[1]));
            i += 2;
        } else {
            arrays.push(get(c, words[2], words[1]));
            i += 1;
        }
    }
    (strs, arrays)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn bools(v: &Value) -> Vals {
    Vals::B(
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_bool().unwrap())
            .collect(),
    )
}

fn ints(v: &Value) -> Vals {
    Vals::I(
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect(),
    )
}

/// Runs one case of the table on strings `s` (holding `input`).
fn run_case(c: &Client, op: &str, a: &Value, s: &str, want: &Value, what: &str) {
    let arg = |k: &str| text(&a[k]);
    let obj = [("objType", "str", "Strings")];
    match op {
        "search" => {
            let val = arg("val");
            let got = result_of(
                c,
                "segmentedSearch",
                &[
                    obj[0],
                    ("obj", "str", s),
                    ("valType", "str", "str"),
                    ("val", "str", &val),
                ],
            );
            assert_eq!(got, bools(want), "{what}");
        }
        "case" | "check" => {
            let cmd = if op == "case" {
                "caseChange"
            } else {
                "checkChars"
            };
            let sub = arg("subcmd");
            let args = [obj[0], ("obj", "str", s), ("subcmd", "str", &sub)];
            if op == "case" {
                assert_eq!(strs_of(c, cmd, &args), strings(want), "{what}");
            } else {
                assert_eq!(result_of(c, cmd, &args), bools(want), "{what}");
            }
        }
        "strip" => {
            let chars = arg("chars");
            let got = strs_of(
                c,
                "segmentedStrip",
                &[obj[0], ("name", "str", s), ("chars", "str", &chars)],
            );
            assert_eq!(got, strings(want), "{what}");
        }
        "findloc" | "findall" => {
            let (p, g) = (arg("pattern"), a.get("groupNum").map_or("0".into(), text));
            let reply = c.cmd(
                "segmentedFindLoc",
                &[
                    ("objType", "str", "Matcher"),
                    ("parent_name", "str", s),
                    ("groupNum", "int64", &g),
                    ("pattern", "str", &p),
                ],
            );
            let map: Value = serde_json::from_str(reply.normal()).unwrap();
            let name = |k: &str| {
                map[k]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .nth(1)
                    .unwrap()
                    .to_string()
            };
            let arr = |k: &str| parts_of(c, map[k].as_str().unwrap()).1.remove(0);
            if op == "findloc" {
                assert_eq!(arr("NumMatches"), ints(&want["num"]), "{what}");
                assert_eq!(arr("Starts"), ints(&want["starts"]), "{what}");
                assert_eq!(arr("Lens"), ints(&want["lens"]), "{what}");
                assert_eq!(arr("SearchBool"), bools(&want["search"]), "{what}");
                assert_eq!(arr("MatchBool"), bools(&want["match"]), "{what}");
                assert_eq!(arr("FullMatchBool"), bools(&want["full"]), "{what}");
                // The *Ind arrays are exclusive running counts of the rest.
                let run = |v: Vals| match v {
                    Vals::I(v) => v,
                    Vals::B(v) => v.into_iter().map(i64::from).collect(),
                    _ => unreachable!(),
                };
                let scan = |v: Vec<i64>| {
                    let mut at = 0;
                    Vals::I(
                        v.into_iter()
                            .map(|x| {
                                at += x;
                                at - x
                            })
                            .collect(),
                    )
                };
                assert_eq!(arr("Indices"), scan(run(ints(&want["num"]))), "{what}");
                assert_eq!(
                    arr("SearchInd"),
                    scan(run(bools(&want["search"]))),
                    "{what}"
                );
                assert_eq!(arr("MatchInd"), scan(run(bools(&want["match"]))), "{what}");
                assert_eq!(
                    arr("FullMatchInd"),
                    scan(run(bools(&want["full"]))),
                    "{what}"
                );
                return;
            }
            let reply = c.cmd(
                "segmentedFindAll",
                &[
                    ("objType", "str", "Matcher"),
                    ("parent_name", "str", s),
                    ("num_matches", "pdarray", &name("NumMatches")),
                    ("starts", "pdarray", &name("Starts")),
                    ("lengths", "pdarray", &name("Lens")),
                    ("indices", "pdarray", &name("Indices")),
                    ("rtn_origins", "bool", "True"),
                ],
            );
            let (st, ar) = parts_of(c, reply.normal());
            assert_eq!(st[0], strings(&want["strings"]), "{what}");
            assert_eq!(ar[0], ints(&want["origins"]), "{what}");
        }
        "sub" => {
            let (p, r, n) = (arg("pattern"), arg("repl"), arg("count"));
            let reply = c.cmd(
                "segmentedSub",
                &[
                    ("objType", "str", "Matcher"),
                    ("obj", "str", s),
                    ("repl", "str", &r),
                    ("count", "int64", &n),
                    ("rtn_num_subs", "bool", "True"),
                    ("pattern", "str", &p),
                ],
            );
            let (st, ar) = parts_of(c, reply.normal());
            assert_eq!(st[0], strings(&want["strings"]), "{what}");
            assert_eq!(ar[0], ints(&want["counts"]), "{what}");
        }
        "split" | "flatten" => {
            let reply = if op == "split" {
                let (p, m) = (arg("pattern"), arg("max"));
                c.cmd(
                    "segmentedSplit",
                    &[
                        ("objtype", "str", "Matcher"),
                        ("parent_name", "str", s),
                        ("max", "int64", &m),
                        ("return_segs", "bool", "True"),
                        ("pattern", "str", &p),
                    ],
                )
            } else {
                let d = arg("delim");
                c.cmd(
                    "segmentedFlatten",
                    &[
                        ("objtype", "str", "Strings"),
                        ("values", "str", s),
                        ("return_segs", "bool", "True"),
                        ("regex", "bool", "False"),
                        ("delim", "str", &d),
                    ],
                )
            };
            let (st, ar) = parts_of(c, reply.normal());
            assert_eq!(st[0], strings(&want["strings"]), "{what}");
            assert_eq!(ar[0], ints(&want["segs"]), "{what}");
        }
        "peel" => {
            let keys = ["times", "id", "keepPartial", "lStr", "regex", "delim"];
            let vals: Vec<String> = keys.iter().map(|k| arg(k)).collect();
            let mut args = vec![
                ("subcmd", "str", "peel"),
                obj[0],
                ("obj", "str", s),
                ("valType", "str", "str"),
            ];
            for (k, v) in keys.iter().zip(&vals) {
                args.push((k, "str", v.as_str()));
            }
            let (st, _) = parts_of(c, c.cmd("segmentedPeel", &args).normal());
            assert_eq!(st[0], strings(&want["left"]), "{what}");
            assert_eq!(st[1], strings(&want["right"]), "{what}");
        }
        "fixes" => {
            let (k, n, p) = (arg("kind"), arg("nChars"), arg("proper"));
            let reply = c.cmd(
                "segmentedSubstring",
                &[
                    obj[0],
                    ("name", "str", s),
                    ("nChars", "int64", &n),
                    ("returnOrigins", "bool", "True"),
                    ("kind", "str", &k),
                    ("proper", "bool", &p),
                ],
            );
            let (st, ar) = parts_of(c, reply.normal());
            assert_eq!(st[0], strings(&want["strings"]), "{what}");
            assert_eq!(ar[0], bools(&want["origins"]), "{what}");
        }
        "encode" => {
            let (to, from) = (arg("to"), arg("from"));
            let got = strs_of(
                c,
                "encode",
                &[
                    ("toEncoding", "str", &to),
                    ("fromEncoding", "str", &from),
                    ("obj", "str", s),
                ],
            );
            assert_eq!(got, strings(want), "{what}");
        }
        other => panic!("unknown op {other} in {what}"),
    }
}

#[test]
fn table_of_cases_matches_python() {
    let table = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/strings_search.txt"
    ))
    .unwrap();
    let server = Server::start();
    let c = server.client();
    let mut uploaded: std::collections::HashMap<String, String> = Default::default();
    let mut cases = 0;
    for (n, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "line {}", n + 1);
        let args: Value = serde_json::from_str(f[1]).unwrap();
        let input: Value = serde_json::from_str(f[2]).unwrap();
        let want: Value = serde_json::from_str(f[3]).unwrap();
        let s = uploaded.entry(f[2].to_string()).or_insert_with(|| {
            let words = strings(&input);
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            put_text(&c, &refs)
        });
        let what = format!("line {}: {} {}", n + 1, f[0], f[1]);
        run_case(&c, f[0], &args, s, &want, &what);
        cases += 1;
    }
    assert!(cases > 200, "{cases} cases");
}

fn mem_used(c: &Client) -> String {
    c.cmd(
        "getmemused",
        &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
    )
    .normal()
    .to_string()
}

/// Every request of `bad_requests` fails with its text, at one rank, and
/// the table is as it was.
pub fn bad_requests(c: &Client, s: &str, arr: &str) -> Vec<(String, Reply)> {
    let obj = ("objType", "str", "Strings");
    let peel = |times: &str, regex: &str, delim: &str| {
        c.cmd(
            "segmentedPeel",
            &[
                ("subcmd", "str", "peel"),
                obj,
                ("obj", "str", s),
                ("valType", "str", "str"),
                ("times", "int64", times),
                ("id", "bool", "False"),
                ("keepPartial", "bool", "False"),
                ("lStr", "bool", "True"),
                ("regex", "bool", regex),
                ("delim", "str", delim),
            ],
        )
    };
    let findloc = |objtype: &str, parent: &str, group: &str, pattern: &str| {
        c.cmd(
            "segmentedFindLoc",
            &[
                ("objType", "str", objtype),
                ("parent_name", "str", parent),
                ("groupNum", "int64", group),
                ("pattern", "str", pattern),
            ],
        )
    };
    let encode = |to: &str, from: &str| {
        c.cmd(
            "encode",
            &[
                ("toEncoding", "str", to),
                ("fromEncoding", "str", from),
                ("obj", "str", s),
            ],
        )
    };
    // A find_locations result to feed segmentedFindAll wrong arrays.
    let loc: Value = serde_json::from_str(findloc("Matcher", s, "0", "b").normal()).unwrap();
    let name = |k: &str| {
        loc[k]
            .as_str()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .to_string()
    };
    let find_all = |num: &str, starts: &str, lens: &str, indices: &str| {
        c.cmd(
            "segmentedFindAll",
            &[
                ("objType", "str", "Matcher"),
                ("parent_name", "str", s),
                ("num_matches", "pdarray", num),
                ("starts", "pdarray", starts),
                ("lengths", "pdarray", lens),
                ("indices", "pdarray", indices),
                ("rtn_origins", "bool", "True"),
            ],
        )
    };
    let long = put(c, &Vals::I(vec![0; 8]));
    let shifted = put(c, &Vals::I(vec![0, 1, 1, 3, 3, 5, 4]));
    let past = put(c, &Vals::I(vec![5]));
    let (num, starts, lens, ind) = (
        name("NumMatches"),
        name("Starts"),
        name("Lens"),
        name("Indices"),
    );
    let out = vec![
        (
            "bad pattern",
            c.cmd(
                "segmentedSearch",
                &[
                    obj,
                    ("obj", "str", s),
                    ("valType", "str", "str"),
                    ("val", "str", "a(b"),
                ],
            ),
        ),
        (
            "valType",
            c.cmd(
                "segmentedSearch",
                &[
                    obj,
                    ("obj", "str", s),
                    ("valType", "str", "int64"),
                    ("val", "str", "1"),
                ],
            ),
        ),
        (
            "case subcmd",
            c.cmd(
                "caseChange",
                &[obj, ("obj", "str", s), ("subcmd", "str", "toSwapped")],
            ),
        ),
        (
            "check subcmd",
            c.cmd(
                "checkChars",
                &[obj, ("obj", "str", s), ("subcmd", "str", "isascii")],
            ),
        ),
        (
            "pdarray for strings",
            c.cmd(
                "caseChange",
                &[obj, ("obj", "str", arr), ("subcmd", "str", "toLower")],
            ),
        ),
        (
            "unknown strings",
            c.cmd(
                "checkChars",
                &[obj, ("obj", "str", "id_nope"), ("subcmd", "str", "isalpha")],
            ),
        ),
        ("peel times", peel("0", "False", ".")),
        ("peel empty match", peel("1", "True", "x*")),
        ("peel bad pattern", peel("1", "True", "[")),
        (
            "flatten empty",
            c.cmd(
                "segmentedFlatten",
                &[
                    ("objtype", "str", "Strings"),
                    ("values", "str", s),
                    ("return_segs", "bool", "False"),
                    ("regex", "bool", "False"),
                    ("delim", "str", ""),
                ],
            ),
        ),
        (
            "substring kind",
            c.cmd(
                "segmentedSubstring",
                &[
                    obj,
                    ("name", "str", s),
                    ("nChars", "int64", "1"),
                    ("returnOrigins", "bool", "False"),
                    ("kind", "str", "middles"),
                    ("proper", "bool", "False"),
                ],
            ),
        ),
        (
            "substring n",
            c.cmd(
                "segmentedSubstring",
                &[
                    obj,
                    ("name", "str", s),
                    ("nChars", "int64", "-1"),
                    ("returnOrigins", "bool", "False"),
                    ("kind", "str", "prefixes"),
                    ("proper", "bool", "False"),
                ],
            ),
        ),
        ("findloc deleted", findloc("Matcher", "id_gone", "0", "a")),
        ("findloc group", findloc("Matcher", s, "-1", "a")),
        ("findloc objtype", findloc("Strings", s, "0", "a")),
        ("findloc pattern", findloc("Match", s, "0", "(?<")),
        ("findall sizes", find_all(&long, &starts, &lens, &ind)),
        (
            "findall dtype",
            find_all(&num, &name("SearchBool"), &lens, &ind),
        ),
        ("findall indices", find_all(&num, &starts, &lens, &shifted)),
        ("findall total", find_all(&num, &past, &past, &ind)),
        (
            "sub count",
            c.cmd(
                "segmentedSub",
                &[
                    ("objType", "str", "Matcher"),
                    ("obj", "str", s),
                    ("repl", "str", "x"),
                    ("count", "int64", "-2"),
                    ("rtn_num_subs", "bool", "False"),
                    ("pattern", "str", "a"),
                ],
            ),
        ),
        (
            "split max",
            c.cmd(
                "segmentedSplit",
                &[
                    ("objtype", "str", "Matcher"),
                    ("parent_name", "str", s),
                    ("max", "int64", "-1"),
                    ("return_segs", "bool", "False"),
                    ("pattern", "str", "a"),
                ],
            ),
        ),
        ("encode name", encode("EBCDIC", "UTF-8")),
        ("encode ascii", encode("ASCII", "UTF-8")),
        ("encode idna", encode("IDNA", "ASCII")),
    ];
    for n in [long, shifted, past] {
        c.cmd("delete", &[("name", "str", &n)]);
    }
    for k in [
        "NumMatches",
        "Starts",
        "Lens",
        "Indices",
        "SearchBool",
        "SearchInd",
        "MatchBool",
        "MatchInd",
        "FullMatchBool",
        "FullMatchInd",
    ] {
        c.cmd("delete", &[("name", "str", &name(k))]);
    }
    out.into_iter().map(|(k, r)| (k.to_string(), r)).collect()
}

/// The strings the error cases run on: the non-ASCII one sits last, so
/// that at 3 ranks only the last rank sees it.
pub const ERROR_WORDS: [&str; 7] = ["ab", "", "b.b", "xyz", "abb", "q", "ü b"];

#[test]
fn errors_are_clear_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &ERROR_WORDS);
    let arr = put(&c, &Vals::I(vec![1, 2, 3]));
    let before = mem_used(&c);
    let want = [
        ("bad pattern", "cannot compile regex pattern 'a(b'"),
        (
            "valType",
            "NotImplementedError: segmentedSearch does not handle valType int64",
        ),
        (
            "case subcmd",
            "NotImplementedError: caseChange does not know subcmd toSwapped",
        ),
        (
            "check subcmd",
            "NotImplementedError: checkChars does not know subcmd isascii",
        ),
        (
            "pdarray for strings",
            "is a pdarray, where Strings are needed",
        ),
        (
            "unknown strings",
            "UnknownSymbolError: unknown symbol: id_nope",
        ),
        ("peel times", "ValueError: times must be >= 1, not 0"),
        (
            "peel empty match",
            "ValueError: cannot peel with pattern 'x*', which matches the empty string",
        ),
        ("peel bad pattern", "cannot compile regex pattern '['"),
        (
            "flatten empty",
            "ValueError: Cannot flatten with empty delimiter",
        ),
        (
            "substring kind",
            "ValueError: segmentedSubstring kind must be prefixes or suffixes, not middles",
        ),
        (
            "substring n",
            "ValueError: nChars must not be negative, not -1",
        ),
        (
            "findloc deleted",
            "MissingStringsError: The Strings instance from which this Match is derived has been deleted",
        ),
        (
            "findloc group",
            "ValueError: groupNum must not be negative, not -1",
        ),
        (
            "findloc objtype",
            "NotImplementedError: segmentedFindLoc does not handle objType Strings",
        ),
        ("findloc pattern", "cannot compile regex pattern '(?<'"),
        (
            "findall sizes",
            "ValueError: num_matches (8) and indices (7) must have one value per string (7), starts (6) and lengths (6) one per match",
        ),
        (
            "findall dtype",
            "ValueError: starts must be an int64 array, not bool",
        ),
        (
            "findall indices",
            "ValueError: indices[6] is 4, not 5 (the matches before string 6)",
        ),
        (
            "findall total",
            "ValueError: num_matches adds up to 6 matches but starts holds 1",
        ),
        (
            "sub count",
            "ValueError: count must not be negative, not -2",
        ),
        ("split max", "ValueError: max must not be negative, not -1"),
        (
            "encode name",
            "NotImplementedError: encoding EBCDIC is not supported (UTF-8, ASCII, Latin-1, UTF-16 and IDNA are)",
        ),
        (
            "encode ascii",
            "ValueError: string 6 cannot be converted from UTF-8 to ASCII",
        ),
        (
            "encode idna",
            "ValueError: IDNA converts only from and to UTF-8",
        ),
    ];
    let got = bad_requests(&c, &s, &arr);
    assert_eq!(got.len(), want.len());
    for ((k, reply), (wk, text)) in got.iter().zip(want) {
        assert_eq!(k, wk);
        let e = reply.error();
        assert!(e.contains(text), "{k}: {e}");
    }
    assert_eq!(mem_used(&c), before);
    assert_eq!(get_text(&c, &s), ERROR_WORDS);
    // A span past its string's end.
    let num = put(&c, &Vals::I(vec![1, 0, 0, 0, 0, 0, 0]));
    let st = put(&c, &Vals::I(vec![1]));
    let ln = put(&c, &Vals::I(vec![2]));
    let ind = put(&c, &Vals::I(vec![0, 1, 1, 1, 1, 1, 1]));
    c.cmd(
        "segmentedFindAll",
        &[
            ("objType", "str", "Matcher"),
            ("parent_name", "str", &s),
            ("num_matches", "pdarray", &num),
            ("starts", "pdarray", &st),
            ("lengths", "pdarray", &ln),
            ("indices", "pdarray", &ind),
            ("rtn_origins", "bool", "False"),
        ],
    )
    .expect_error(
        "Error executing command segmentedFindAll: ValueError: match 0 (1, length 2) does not lie in string 0 of length 2",
    );
}
