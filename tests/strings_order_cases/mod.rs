//! Shared by strings_order.rs and dist_strings_order.rs: the order family's
//! commands on generated strings, each checked against values computed here
//! (std's sort, hash sets, SipHash-2-4 from the siphasher crate, and the
//! original server's grouping order written out again below).

use std::collections::HashSet;

use super::common::strs::*;
use super::common::vals::*;
use super::common::*;

/// `n` strings with many duplicates: empty ones, multi-byte UTF-8, and
/// long ones sharing prefixes of more than 8 (and 16) bytes.
pub fn words(n: usize, seed: u64) -> Vec<String> {
    let mut r = Rng(seed | 1);
    (0..n)
        .map(|_| {
            let x = r.next();
            let stem = match x % 6 {
                0 => "",
                1 => "a common prefix of 24 b",
                2 => "common-prefix-",
                3 => "é日",
                _ => "",
            };
            let tail: String = (0..(x >> 8) % 4)
                .map(|k| ["a", "b", "é", "z"][((x >> (12 + 2 * k)) % 4) as usize])
                .collect();
            format!("{stem}{tail}")
        })
        .collect()
}

pub fn list(names: &[&str]) -> String {
    serde_json::to_string(names).unwrap()
}

/// The names in a `created A+created B+...` reply.
pub fn created_names(msg: &str) -> Vec<String> {
    msg.split('+')
        .map(|p| p.split(' ').nth(1).unwrap().to_string())
        .collect()
}

fn ints(v: &[usize]) -> Vals {
    Vals::I(v.iter().map(|&x| x as i64).collect())
}

/// The stable byte-wise sorting permutation.
pub fn ref_argsort(w: &[String]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..w.len()).collect();
    p.sort_by(|&a, &b| w[a].as_bytes().cmp(w[b].as_bytes()));
    p
}

/// `n` strings of at most `max` lowercase letters (many repeated), for the
/// packed grouping keys of strings shorter than 16 bytes.
pub fn short_words(n: usize, seed: u64, max: u64) -> Vec<String> {
    let mut r = Rng(seed | 1);
    (0..n)
        .map(|_| {
            let x = r.next();
            let len = x % (max + 1);
            (0..len)
                .map(|k| (b'a' + ((x >> (8 + 2 * k)) % 3) as u8) as char)
                .collect()
        })
        .collect()
}

/// SipHash-2-4-128, key bytes 0..16, of the string and its NUL, each half
/// of the output read big-endian: the original server's string hash.
pub fn sip(s: &str) -> [u64; 2] {
    use siphasher::sip128::{Hasher128, SipHasher24};
    use std::hash::Hasher;
    let key: Vec<u8> = (0..16).collect();
    let mut h = SipHasher24::new_with_key(&key.try_into().unwrap());
    h.write(s.as_bytes());
    h.write(&[0]);
    let b = h.finish128().as_bytes();
    [
        u64::from_be_bytes(b[..8].try_into().unwrap()),
        u64::from_be_bytes(b[8..].try_into().unwrap()),
    ]
}

/// The original server's order of the groups of one Strings key: strings
/// all shorter than 16 bytes by their bytes as big-endian numbers (whole
/// when none is longer than 8, else first half and rest), else by hash.
pub fn ref_group_order(w: &[String]) -> Vec<usize> {
    let num = |b: &[u8]| b.iter().fold(0u64, |n, &x| n * 256 + x as u64);
    let longest = w.iter().map(String::len).max().unwrap_or(0);
    let key = |s: &String| -> [u64; 2] {
        let b = s.as_bytes();
        match longest {
            0..=8 => [num(b), 0],
            9..=15 => [num(&b[..b.len() / 2]), num(&b[b.len() / 2..])],
            _ => sip(s),
        }
    };
    let mut p: Vec<usize> = (0..w.len()).collect();
    p.sort_by_key(|&i| key(&w[i]));
    p
}

/// The original's `segmentedGroup` permutation: stable by hash.
fn ref_hash_order(w: &[String]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..w.len()).collect();
    p.sort_by_key(|&i| sip(&w[i]));
    p
}

/// Runs every command of the family on `w` (and `probes` for in1d) and
/// checks each result.
pub fn check_all(c: &Client, w: &[String], probes: &[String], what: &str) {
    let refs: Vec<&str> = w.iter().map(String::as_str).collect();
    let name = put_text(c, &refs);
    let order = ref_argsort(w);
    let n = w.len();
    // argsortStrings and segmentedGroup.
    let perm = result_of(
        c,
        "argsortStrings",
        &[("name", "str", &name), ("algoName", "str", "RadixSortLSD")],
    );
    assert_eq!(perm, ints(&order), "argsort {what}");
    let grp = result_of(
        c,
        "segmentedGroup",
        &[("objType", "str", "Strings"), ("obj", "str", &name)],
    );
    assert_eq!(grp, ints(&ref_hash_order(w)), "group {what}");
    // segmentedHash: the original's SipHash, first half first.
    let msg = c
        .cmd(
            "segmentedHash",
            &[("objType", "str", "Strings"), ("obj", "str", &name)],
        )
        .normal()
        .to_string();
    assert!(msg.contains(" uint64 "), "{msg}");
    let h = created_names(&msg);
    let (hi, lo) = (get(c, "uint64", &h[0]), get(c, "uint64", &h[1]));
    let want: Vec<[u64; 2]> = w.iter().map(|s| sip(s)).collect();
    assert_eq!(
        hi,
        Vals::U(want.iter().map(|x| x[0]).collect()),
        "hash {what}"
    );
    assert_eq!(
        lo,
        Vals::U(want.iter().map(|x| x[1]).collect()),
        "hash {what}"
    );
    // segmentedIn1d both ways round.
    let prefs: Vec<&str> = probes.iter().map(String::as_str).collect();
    let pname = put_text(c, &prefs);
    let set: HashSet<&str> = refs.iter().copied().collect();
    for invert in [false, true] {
        let got = result_of(
            c,
            "segmentedIn1d",
            &[
                ("objType", "str", "Strings"),
                ("obj", "str", &pname),
                ("otherType", "str", "Strings"),
                ("other", "str", &name),
                ("invert", "bool", if invert { "True" } else { "False" }),
            ],
        );
        let want: Vec<bool> = prefs.iter().map(|p| set.contains(p) != invert).collect();
        assert_eq!(got, Vals::B(want), "in1d invert={invert} {what}");
    }
    // unique with groups (in the original's group order), then
    // GroupBy.size through sizeReduction.
    let order = ref_group_order(w);
    let starts: Vec<usize> = (0..n)
        .filter(|&i| i == 0 || w[order[i]] != w[order[i - 1]])
        .collect();
    let firsts: Vec<usize> = starts.iter().map(|&s| order[s]).collect();
    let unique = |groups: &str, names: &[&str], types: &[&str]| {
        c.cmd(
            "unique",
            &[
                ("returnGroupStr", "bool", groups),
                ("assumeSortedStr", "bool", "False"),
                ("nstr", "int64", &names.len().to_string()),
                ("keynames", "str", &list(names)),
                ("keytypes", "str", &list(types)),
            ],
        )
    };
    let u = created_names(unique("False", &[&name], &["Strings"]).normal());
    assert_eq!(get(c, "int64", &u[0]), ints(&firsts), "unique {what}");
    let u = created_names(unique("True", &[&name], &["Strings"]).normal());
    assert_eq!(get(c, "int64", &u[0]), ints(&order), "unique perm {what}");
    assert_eq!(get(c, "int64", &u[1]), ints(&starts), "unique segs {what}");
    assert_eq!(
        get(c, "int64", &u[2]),
        ints(&firsts),
        "unique firsts {what}"
    );
    let sizes = result_of(
        c,
        "sizeReduction",
        &[
            ("segments", "pdarray", &u[1]),
            ("size", "int64", &n.to_string()),
        ],
    );
    let ends = starts.iter().skip(1).copied().chain([n]);
    let want: Vec<usize> = starts.iter().zip(ends).map(|(s, e)| e - s).collect();
    assert_eq!(sizes, ints(&want), "group sizes {what}");
    // Mixed keys: strings then an int column (coargsort and unique).
    let col: Vec<i64> = (0..n as i64).map(|i| (i * 7) % 3).collect();
    let cname = put(c, &Vals::I(col.clone()));
    let mut rows: Vec<usize> = (0..n).collect();
    rows.sort_by(|&a, &b| (w[a].as_bytes(), col[a]).cmp(&(w[b].as_bytes(), col[b])));
    let co = result_of(
        c,
        "coargsort",
        &[
            ("algoName", "str", "RadixSortLSD"),
            ("nstr", "int64", "2"),
            ("arr_names", "str", &list(&[&name, &cname])),
            ("arr_types", "str", &list(&["Strings", "pdarray"])),
        ],
    );
    assert_eq!(co, ints(&rows), "coargsort {what}");
    let u = created_names(unique("True", &[&cname, &name], &["pdarray", "Strings"]).normal());
    let mut rows2: Vec<usize> = (0..n).collect();
    rows2.sort_by(|&a, &b| (col[a], w[a].as_bytes()).cmp(&(col[b], w[b].as_bytes())));
    let starts2: Vec<usize> = (0..n)
        .filter(|&i| {
            i == 0 || (col[rows2[i]], &w[rows2[i]]) != (col[rows2[i - 1]], &w[rows2[i - 1]])
        })
        .collect();
    assert_eq!(get(c, "int64", &u[0]), ints(&rows2), "mixed perm {what}");
    assert_eq!(get(c, "int64", &u[1]), ints(&starts2), "mixed segs {what}");
    for x in [&name, &pname, &cname] {
        c.cmd("delete", &[("name", "str", x)]);
    }
}

/// `gbbroadcast` of one int per group of `w` (grouped by `unique`), in
/// grouped order and back in the original order.
pub fn check_broadcast(c: &Client, w: &[String], what: &str) {
    let refs: Vec<&str> = w.iter().map(String::as_str).collect();
    let name = put_text(c, &refs);
    let u = created_names(
        c.cmd(
            "unique",
            &[
                ("returnGroupStr", "bool", "True"),
                ("assumeSortedStr", "bool", "False"),
                ("nstr", "int64", "1"),
                ("keynames", "str", &list(&[&name])),
                ("keytypes", "str", &list(&["Strings"])),
            ],
        )
        .normal(),
    );
    let order = ref_group_order(w);
    // The distinct strings in group order, and each one's group number.
    let mut distinct: Vec<&String> = order.iter().map(|&i| &w[i]).collect();
    distinct.dedup();
    let group: std::collections::HashMap<&String, usize> =
        distinct.iter().enumerate().map(|(g, s)| (*s, g)).collect();
    let vals: Vec<i64> = (0..distinct.len() as i64).map(|g| g * 10 + 1).collect();
    let vname = put(c, &Vals::I(vals.clone()));
    let group_of = |s: &String| vals[group[s]];
    let n = w.len().to_string();
    for permute in [false, true] {
        let got = result_of(
            c,
            "gbbroadcast",
            &[
                ("permName", "pdarray", &u[0]),
                ("segName", "pdarray", &u[1]),
                ("valName", "pdarray", &vname),
                ("permute", "bool", if permute { "True" } else { "False" }),
                ("size", "int64", &n),
            ],
        );
        let want: Vec<i64> = if permute {
            w.iter().map(group_of).collect()
        } else {
            order.iter().map(|&i| group_of(&w[i])).collect()
        };
        assert_eq!(got, Vals::I(want), "broadcast permute={permute} {what}");
    }
    // GroupBy reductions of the original positions, in grouped order: each
    // group holds the indices of its strings, rising.
    let grouped = put(c, &Vals::I(order.iter().map(|&i| i as i64).collect()));
    let starts: Vec<usize> = (0..w.len())
        .filter(|&i| i == 0 || w[order[i]] != w[order[i - 1]])
        .collect();
    let groups: Vec<&[usize]> = starts
        .iter()
        .zip(starts.iter().skip(1).copied().chain([w.len()]))
        .map(|(&s, e)| &order[s..e])
        .collect();
    for op in ["count", "sum", "min", "max", "mean"] {
        let got = result_of(
            c,
            "segmentedReduction",
            &[
                ("values", "pdarray", &grouped),
                ("segments", "pdarray", &u[1]),
                ("op", "str", op),
                ("skip_nan", "bool", "True"),
                ("ddof", "int64", "1"),
            ],
        );
        let f = |g: &[usize]| -> i64 {
            match op {
                "count" => g.len() as i64,
                "sum" => g.iter().sum::<usize>() as i64,
                "min" => g[0] as i64,
                _ => *g.last().unwrap() as i64,
            }
        };
        let want = if op == "mean" {
            Vals::F(
                groups
                    .iter()
                    .map(|g| g.iter().sum::<usize>() as f64 / g.len() as f64)
                    .collect(),
            )
        } else {
            Vals::I(groups.iter().map(|g| f(g)).collect())
        };
        assert_eq!(got, want, "{op} {what}");
    }
}
