//! Making strings and getting them back at 1, 2 and 3 ranks: indexing,
//! slices, gathers and masks against the strings made here; random strings
//! and casts against the 1-rank reply; errors against the 1-rank text, with
//! nothing changed by a failure.
#![cfg(feature = "mpi")]

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];
const LENGTHS: [usize; 5] = [0, 1, 2, 7, 70_001];

/// `n` strings of 0-19 bytes, some multi-byte, some empty, some quoted.
fn words(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let k = i * 7919 % 1013;
            let base = ["", "a", "é", "日本", "\"x\\"][k % 5];
            base.repeat(k % 7)
        })
        .collect()
}

fn index(c: &Client, obj: &str, subcmd: &str, key_dtype: &str, key: &str) -> Reply {
    c.cmd(
        "segmentedIndex",
        &[
            ("subcmd", "str", subcmd),
            ("objType", "str", "Strings"),
            ("dtype", "str", "str"),
            ("obj", "str", obj),
            ("key", key_dtype, key),
        ],
    )
}

fn quoted(s: &str) -> String {
    let mut q = String::from("\"");
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            q.push('\\');
        }
        q.push(ch);
    }
    q + "\""
}

fn py_range(start: i64, stop: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    out
}

fn pick(w: &[String], at: &[usize]) -> Vec<String> {
    at.iter().map(|&i| w[i].clone()).collect()
}

/// Strings made by a command, downloaded; checks the reply's counts.
fn made(c: &Client, reply: &Reply) -> Vec<String> {
    let (name, n, nbytes) = strings_created(reply);
    let got = get_text(c, &name);
    assert_eq!(got.len(), n);
    assert_eq!(nbytes, got.iter().map(|s| s.len() as u64 + 1).sum::<u64>());
    c.cmd("delete", &[("name", "str", &name)]);
    got
}

fn check_selections(c: &Client, w: &[String], what: &str) {
    let refs: Vec<&str> = w.iter().map(String::as_str).collect();
    let s = put_text(c, &refs);
    let n = w.len() as i64;
    // s[i] for the ends, the middle and from the end.
    for i in [0, 1, n / 2, n - 1, -1, -n] {
        if n == 0 || i >= n || i < -n {
            continue;
        }
        let want = &w[i.rem_euclid(n) as usize];
        index(c, &s, "intIndex", "int64", &i.to_string())
            .expect_normal(&format!("item str {}", quoted(want)));
    }
    // Slices as `slice.indices(n)` gives them.
    let slices = [
        (0, n, 1),
        (n / 3, 2 * n / 3, 1),
        (1.min(n), n, 3),
        (n - 1, -1, -1),
        (n - 1, -1, -7),
        (2 * n / 3, n / 4, -2),
        (n / 2, n / 2, 1),
    ];
    for (a, b, d) in slices {
        let key = format!("[\"{a}\", \"{b}\", \"{d}\"]");
        let got = made(c, &index(c, &s, "sliceIndex", "int64", &key));
        assert_eq!(got, pick(w, &py_range(a, b, d)), "{what} {a}:{b}:{d}");
    }
    // Gathers: every index somewhere else, some negative; a uint64 copy.
    let mut rng = Rng(0x9E37_79B9 ^ n as u64);
    let at: Vec<usize> = if n == 0 {
        Vec::new()
    } else {
        (0..n as usize + 5)
            .map(|_| (rng.next() % n as u64) as usize)
            .collect()
    };
    let signed: Vec<i64> = at
        .iter()
        .enumerate()
        .map(|(k, &i)| if k % 3 == 0 { i as i64 - n } else { i as i64 })
        .collect();
    for key in [
        Vals::I(signed),
        Vals::U(at.iter().map(|&i| i as u64).collect()),
    ] {
        let k = put(c, &key);
        let got = made(c, &index(c, &s, "pdarrayIndex", "pdarray", &k));
        assert_eq!(got, pick(w, &at), "{what} gather {}", key.dtype());
        c.cmd("delete", &[("name", "str", &k)]);
    }
    let mask: Vec<bool> = (0..n).map(|_| rng.next().is_multiple_of(3)).collect();
    let kept: Vec<usize> = (0..n as usize).filter(|&i| mask[i]).collect();
    let k = put(c, &Vals::B(mask));
    let got = made(c, &index(c, &s, "pdarrayIndex", "pdarray", &k));
    assert_eq!(got, pick(w, &kept), "{what} mask");
    c.cmd("delete", &[("name", "str", &k)]);
    c.cmd("delete", &[("name", "str", &s)]);
}

#[test]
fn selections_at_every_rank_count() {
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for n in LENGTHS {
            check_selections(&c, &words(n), &format!("n={n} ranks={ranks}"));
        }
        // A string longer than a rank's share of the bytes.
        let long = vec!["x".repeat(300_000), String::new(), "y".into(), "zz".into()];
        check_selections(&c, &long, &format!("long ranks={ranks}"));
    }
}

/// What each rank count must give the same: random strings of every kind,
/// full, and numbers as text.
fn made_everywhere(c: &Client, n: usize) -> Vec<Vec<String>> {
    let size = n.to_string();
    let mut out = Vec::new();
    for (dist, a1, a2, chars) in [
        ("uniform", "0", "12", "printable"),
        ("uniform", "3", "4", "numeric"),
        ("lognormal", "2", "0.5", "lowercase"),
    ] {
        out.push(made(
            c,
            &c.cmd(
                "randomStrings",
                &[
                    ("size", "int64", &size),
                    ("dist", "str", dist),
                    ("chars", "str", chars),
                    ("arg1", "int64", a1),
                    ("arg2", "int64", a2),
                    ("seed", "int64", "1234"),
                ],
            ),
        ));
    }
    let full = made(
        c,
        &c.cmd(
            "segmentedFull",
            &[("size", "int64", &size), ("fill_value", "str", "é!")],
        ),
    );
    assert_eq!(full, vec!["é!".to_string(); n]);
    let floats: Vec<f64> = (0..n)
        .map(|i| (i as f64 - 3.0) * 10f64.powi(i as i32 % 40 - 20) / 7.0)
        .collect();
    for v in [
        Vals::F(floats),
        Vals::I((0..n as i64).map(|i| i * 7919 - 5000).collect()),
        Vals::B((0..n).map(|i| i % 3 == 0).collect()),
    ] {
        let a = put(c, &v);
        let reply = c.cmd(
            &format!("castToStrings<{}>", v.dtype()),
            &[("name", "pdarray", &a)],
        );
        let msg = reply.normal().to_string();
        let (o, b) = msg.split_once('+').unwrap();
        let (o, b) = (o.split(' ').nth(1).unwrap(), b.split(' ').nth(1).unwrap());
        let text = strs_of(
            c,
            "segStr-assemble",
            &[("offsets", "pdarray", o), ("values", "pdarray", b)],
        );
        match &v {
            Vals::I(x) => {
                let want: Vec<String> = x.iter().map(|i| i.to_string()).collect();
                assert_eq!(text, want);
            }
            Vals::B(x) => {
                let want: Vec<String> = x
                    .iter()
                    .map(|&b| if b { "True" } else { "False" }.to_string())
                    .collect();
                assert_eq!(text, want);
            }
            // Compared with the 1-rank text; each reads back exactly.
            Vals::F(x) => {
                for (t, f) in text.iter().zip(x) {
                    assert_eq!(t.parse::<f64>().unwrap().to_bits(), f.to_bits(), "{t}");
                }
            }
            _ => unreachable!(),
        }
        for name in [&a, o, b] {
            c.cmd("delete", &[("name", "str", name)]);
        }
        out.push(text);
    }
    out
}

#[test]
fn random_strings_and_casts_match_one_rank() {
    let mut one: Vec<Vec<Vec<String>>> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for (k, n) in LENGTHS.into_iter().enumerate() {
            let got = made_everywhere(&c, n);
            assert!(got.iter().all(|v| v.len() == n));
            if ranks == 1 {
                one.push(got);
            } else {
                assert_eq!(got, one[k], "n={n} ranks={ranks}");
            }
        }
        // Strings read as numbers, the bad ones in every mode.
        let n = 70_001;
        let texts: Vec<String> = (0..n)
            .map(|i| {
                if i % 1000 == 999 {
                    format!("{i}?")
                } else {
                    format!(" {}", i as i64 * 131 - 4_000_000)
                }
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let s = put_text(&c, &refs);
        let reply = c.cmd(
            "castStringsTo<int64>",
            &[("name", "str", &s), ("opt", "str", "return_validity")],
        );
        let msg = reply.normal().to_string();
        let (v, ok) = msg.split_once('+').unwrap();
        let (v, ok) = (v.split(' ').nth(1).unwrap(), ok.split(' ').nth(1).unwrap());
        let want: Vec<i64> = (0..n)
            .map(|i| {
                if i % 1000 == 999 {
                    i64::MIN
                } else {
                    i as i64 * 131 - 4_000_000
                }
            })
            .collect();
        assert_eq!(get(&c, "int64", v), Vals::I(want), "ranks={ranks}");
        let valid: Vec<bool> = (0..n).map(|i| i % 1000 != 999).collect();
        assert_eq!(get(&c, "bool", ok), Vals::B(valid), "ranks={ranks}");
    }
}

#[test]
fn errors_match_one_rank_and_change_nothing() {
    let mut seen: Vec<String> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        let w = words(10);
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        let s = put_text(&c, &refs);
        // Bad values only near the end (on the last rank), and two bad
        // strings on different ranks: the first is named.
        let late = put(&c, &Vals::I(vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 10]));
        let late_u = put(&c, &Vals::U(vec![9, 11]));
        let short = put(&c, &Vals::B(vec![true; 9]));
        let nums = put_text(&c, &["1", "2", "x", "4", "5", "6", "7", "y", "9"]);
        let before = info_all(&c);
        let texts: Vec<String> = [
            index(&c, &s, "intIndex", "int64", "10"),
            index(&c, &s, "intIndex", "int64", "-11"),
            index(&c, &s, "sliceIndex", "int64", "[\"9\", \"11\", \"1\"]"),
            index(&c, &s, "sliceIndex", "int64", "[\"5\", \"1\", \"0\"]"),
            index(&c, &s, "pdarrayIndex", "pdarray", &late),
            index(&c, &s, "pdarrayIndex", "pdarray", &late_u),
            index(&c, &s, "pdarrayIndex", "pdarray", &short),
            c.cmd(
                "castStringsTo<int64>",
                &[("name", "str", &nums), ("opt", "str", "strict")],
            ),
            c.cmd(
                "randomStrings",
                &[
                    ("size", "int64", "10"),
                    ("dist", "str", "uniform"),
                    ("chars", "str", "numeric"),
                    ("arg1", "int64", "4"),
                    ("arg2", "int64", "2"),
                    ("seed", "int64", "1"),
                ],
            ),
        ]
        .iter()
        .map(|r| strip_ids(r.error()))
        .collect();
        if ranks == 1 {
            seen = texts;
        } else {
            assert_eq!(texts, seen, "ranks={ranks}");
        }
        assert_eq!(info_all(&c), before, "ranks={ranks}");
        assert_eq!(get_text(&c, &s), w);
    }
    assert!(seen[4].contains("index 10 is out of bounds"), "{seen:?}");
    assert!(seen[7].contains("string 2 (\"x\")"), "{seen:?}");
}
