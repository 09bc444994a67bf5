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
