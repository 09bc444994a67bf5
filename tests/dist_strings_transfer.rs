//! Strings in and out at 1, 2 and 3 ranks: every result against the strings
//! made here, errors against the 1-rank text, nothing changed by a failure.
#![cfg(feature = "mpi")]

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];

/// `n` strings of 0-19 bytes, some multi-byte, some empty.
pub fn words(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let k = i * 7919 % 1013;
            let base = ["", "a", "é", "日本", "xyz"][k % 5];
            base.repeat(k % 7)
        })
        .collect()
}

fn check_round_trip(c: &Client, strs: &[String], what: &str) {
    let refs: Vec<&str> = strs.iter().map(String::as_str).collect();
    let name = put_text(c, &refs);
    assert_eq!(get_text(c, &name), strs, "{what}");
    let lens = result_of(
        c,
        "segmentLengths",
        &[("objType", "str", "Strings"), ("obj", "str", &name)],
    );
    assert_eq!(
        lens,
        Vals::I(strs.iter().map(|s| s.len() as i64).collect()),
        "{what}"
    );
    let mut off = 0i64;
    let want_offs: Vec<i64> = strs
        .iter()
        .map(|s| {
            off += s.len() as i64 + 1;
            off - s.len() as i64 - 1
        })
        .collect();
    let offs = result_of(
        c,
        "getSegStringProperty",
        &[("property", "str", "get_offsets"), ("obj", "str", &name)],
    );
    assert_eq!(offs, Vals::I(want_offs), "{what}");
    let bytes = result_of(
        c,
        "getSegStringProperty",
        &[("property", "str", "get_bytes"), ("obj", "str", &name)],
    );
    let b: Vec<&[u8]> = strs.iter().map(|s| s.as_bytes()).collect();
    assert_eq!(bytes, Vals::U8(payload(&b)), "{what}");
    let (o, v) = (put(c, &offs), put(c, &bytes));
    let again = strs_of(
        c,
        "segStr-assemble",
        &[("offsets", "pdarray", &o), ("values", "pdarray", &v)],
    );
    assert_eq!(again, strs, "{what}");
}

#[test]
fn round_trips_at_every_rank_count() {
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        for n in [0, 1, 2, 7, 70_001] {
            check_round_trip(&c, &words(n), &format!("n={n} ranks={ranks}"));
        }
        // One string longer than a rank's share of the bytes.
        let long = vec!["x".repeat(300_000), String::new(), "y".into()];
        check_round_trip(&c, &long, &format!("long ranks={ranks}"));
    }
}

#[test]
fn errors_match_one_rank_and_change_nothing() {
    let mut seen: Vec<String> = Vec::new();
    for ranks in RANKS {
        let server = Server::builder().ranks(ranks).start();
        let c = server.client();
        let keep = put_text(&c, &["keep", "me"]);
        let used = c
            .cmd(
                "getmemused",
                &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
            )
            .normal()
            .to_string();
        // Offsets whose bad string sits on the last rank only.
        let offs = Vals::I(vec![0, 2, 4, 6, 7]);
        let bytes = Vals::U8(b"a\0b\0c\0dd\0".to_vec());
        let (o, v) = (put(&c, &offs), put(&c, &bytes));
        let bad = [
            c.cmd(
                "segStr-assemble",
                &[("offsets", "pdarray", &o), ("values", "pdarray", &v)],
            ),
            {
                c.send_binary("arraySegString<uint8>", &[("size", "int64", "4")], b"a\0bc");
                c.recv_json()
            },
        ];
        let texts: Vec<String> = bad.iter().map(|r| strip_ids(r.error())).collect();
        if ranks == 1 {
            seen = texts;
        } else {
            assert_eq!(texts, seen, "ranks={ranks}");
        }
        c.cmd("delete", &[("name", "str", &o)]);
        c.cmd("delete", &[("name", "str", &v)]);
        let now = c
            .cmd(
                "getmemused",
                &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
            )
            .normal()
            .to_string();
        assert_eq!(now, used, "ranks={ranks}");
        assert_eq!(get_text(&c, &keep), ["keep", "me"]);
    }
    assert!(seen[0].contains("string 3"), "{seen:?}");
}
