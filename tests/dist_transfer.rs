//! Uploads (`array`) and downloads (`tondarray`) at 1, 2 and 3 ranks, around
//! the paths that move the bytes without copies: every element type, empty
//! and one-element arrays, byte counts that are not whole words, lengths
//! past 2^16, a download sent from the array's own memory staying right when
//! the array changes or goes afterwards, and every wrong byte count answered
//! with the same ERROR at every rank count, the table unchanged.
#![cfg(feature = "mpi")]

mod common;

use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];
/// Empty, one, a few (blocks of 0 or 1 element at 3 ranks) and past 2^16.
const LENGTHS: [usize; 6] = [0, 1, 2, 3, 5, 70_001];

fn server(ranks: usize) -> Server {
    Server::builder().ranks(ranks).start()
}

/// Values of every element type, `n` long; none is all zero.
fn samples(n: usize) -> Vec<Vals> {
    let k = |i: usize| (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 7;
    vec![
        Vals::I((0..n).map(|i| k(i) as i64 - (1 << 56)).collect()),
        Vals::U((0..n).map(|i| u64::MAX - k(i)).collect()),
        Vals::U8((0..n).map(|i| (k(i) >> 11) as u8).collect()),
        Vals::F((0..n).map(|i| (k(i) as f64).sqrt() - 1e6).collect()),
        Vals::B((0..n).map(|i| k(i) % 3 == 0).collect()),
    ]
}

#[test]
fn every_type_and_length_round_trips_byte_for_byte() {
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        for n in LENGTHS {
            for v in samples(n) {
                let name = put(&c, &v);
                let back = to_ndarray(&c, v.dtype(), &name);
                assert!(back == v.bytes(), "{} n={n} ranks={r}", v.dtype());
                // A second download of the same array: the first one took nothing.
                assert!(to_ndarray(&c, v.dtype(), &name) == back);
            }
            // Any nonzero byte is True; True comes back as 1.
            let raw: Vec<u8> = (0..n).map(|i| (i * 37 % 256) as u8).collect();
            let name = upload(&c, "bool", n, &raw);
            let want: Vec<u8> = raw.iter().map(|b| u8::from(*b != 0)).collect();
            assert!(
                to_ndarray(&c, "bool", &name) == want,
                "bool n={n} ranks={r}"
            );
        }
    }
}

#[test]
fn a_download_is_a_snapshot_of_the_array() {
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        let n = 70_001;
        let v = Vals::I((0..n as i64).map(|i| i * 3 - 7).collect());
        let name = put(&c, &v);
        let before = mem_used(&c, 1, false);
        let first = to_ndarray(&c, "int64", &name);
        // Changed in place right after: the bytes already sent stay as they were.
        c.cmd(
            "set<int64,1>",
            &[("array", "int64", &name), ("val", "int64", "5")],
        )
        .expect_normal("");
        assert!(first == v.bytes(), "ranks={r}");
        assert_eq!(get(&c, "int64", &name), Vals::I(vec![5; n]));
        // Nothing stays reserved for a download once it is sent.
        assert_eq!(mem_used(&c, 1, false), before, "ranks={r}");
        let second = to_ndarray(&c, "int64", &name);
        c.cmd("delete", &[("name", "str", &name)])
            .expect_normal(&format!("deleted {name}"));
        assert!(second == Vals::I(vec![5; n]).bytes());
        assert_eq!(mem_used(&c, 1, false), before - 8 * n as u64, "ranks={r}");
    }
}

#[test]
fn wrong_byte_counts_are_errors_that_keep_nothing() {
    // (dtype, elements, bytes sent): short and long by one byte, not whole
    // words, bytes for an empty array, none for a non-empty one.
    let cases: [(&str, usize, usize); 9] = [
        ("int64", 3, 23),
        ("int64", 3, 25),
        ("uint64", 70_001, 560_007),
        ("float64", 0, 1),
        ("float64", 2, 0),
        ("uint8", 5, 4),
        ("uint8", 0, 3),
        ("bool", 70_001, 70_000),
        ("bool", 1, 2),
    ];
    let mut seen: Vec<String> = Vec::new();
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        let kept = put(&c, &Vals::U8(vec![1, 2, 3]));
        let (table, used) = (info_all(&c), mem_used(&c, 1, false));
        for (i, (dtype, n, bytes)) in cases.iter().enumerate() {
            let reply = send_upload(&c, dtype, *n, &vec![1u8; *bytes]);
            let text = strip_ids(reply.error());
            let need = n * itemsize(dtype);
            assert_eq!(
                text,
                format!(
                    "Error executing command array<{dtype},1>: ValueError: the payload has \
                     {bytes} bytes but {n} elements of {dtype} need {need}"
                ),
                "ranks={r}"
            );
            if r == 1 {
                seen.push(text);
            } else {
                assert_eq!(text, seen[i], "ranks={r}");
            }
        }
        assert_eq!(info_all(&c), table, "ranks={r}");
        assert_eq!(mem_used(&c, 1, false), used, "ranks={r}");
        assert_eq!(get(&c, "uint8", &kept), Vals::U8(vec![1, 2, 3]));
        // The name counter stayed in step on every rank.
        let next = put(&c, &Vals::U8(vec![4]));
        let counter = |n: &str| n.rsplit('_').next().unwrap().parse::<u64>().unwrap();
        assert_eq!(counter(&next), counter(&kept) + 1, "ranks={r}");
    }
}
