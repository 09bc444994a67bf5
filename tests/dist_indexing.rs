//! Indexing, copies and flips, and the symbol commands at 1, 2 and 3 ranks:
//! every result is compared with values computed here (read back with
//! `tondarray`), every error with the 1-rank text, and a failed request
//! must leave the table and the array unchanged at every rank count.
#![cfg(feature = "mpi")]

mod common;

use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];
/// Lengths: empty, one, two, a few, and more than 2^16 (parallel kernels).
const LENS: [usize; 5] = [0, 1, 2, 7, 70_001];

fn server(n: usize) -> Server {
    Server::builder().ranks(n).start()
}

/// Error texts seen at 1 rank, in order, checked again at 2 and 3.
struct Errors {
    seen: Vec<String>,
    at: usize,
}

impl Errors {
    fn new() -> Errors {
        Errors {
            seen: Vec::new(),
            at: 0,
        }
    }
    fn start(&mut self) {
        self.at = 0;
    }
    /// `r` must be an error, the same at every rank count.
    fn check(&mut self, ranks: usize, r: &Reply, what: &str) {
        let text = strip_ids(r.error());
        if ranks == 1 {
            self.seen.push(text);
        } else {
            assert_eq!(text, self.seen[self.at], "{what} ranks={ranks}");
        }
        self.at += 1;
    }
}

/// One array of every dtype with `n` elements (index-dependent values).
fn samples(n: usize) -> Vec<Vals> {
    let k = |i: usize| (i * 7919 % 1013) as i64;
    vec![
        Vals::I((0..n).map(|i| k(i) - 500).collect()),
        Vals::U((0..n).map(|i| u64::MAX - k(i) as u64).collect()),
        Vals::U8((0..n).map(|i| k(i) as u8).collect()),
        Vals::F((0..n).map(|i| k(i) as f64 / 4.0 - 100.0).collect()),
        Vals::B((0..n).map(|i| k(i) % 3 == 0).collect()),
    ]
}

/// Positions near the ends and every possible block boundary at 2 and 3
/// ranks.
fn probes(n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = [0, 1, n / 3, n / 2, 2 * n / 3, n.saturating_sub(1)]
        .into_iter()
        .flat_map(|x| [x.saturating_sub(1), x, x + 1])
        .filter(|x| *x < n)
        .collect();
    p.sort();
    p.dedup();
    p
}

#[test]
fn scalar_indices_reach_the_owner() {
    let mut errors = Errors::new();
    for ranks in RANKS {
        errors.start();
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n) {
                let d = v.dtype();
                let name = put(&c, &v);
                let get_at = |idx: &str| {
                    c.cmd(
                        &format!("[int]<{d},1>"),
                        &[("array", "str", &name), ("idx", "int64", idx)],
                    )
                };
                let mut want = v.clone();
                for i in probes(n) {
                    let what = format!("[int] {d} n={n} i={i} ranks={ranks}");
                    assert_eq!(
                        get_at(&i.to_string()).normal(),
                        scalar_reply(&v, i),
                        "{what}"
                    );
                    let neg = (i as i64 - n as i64).to_string();
                    assert_eq!(get_at(&neg).normal(), scalar_reply(&v, i), "{what}");
                    // Element n-1-i's value written at i.
                    let from = n - 1 - i;
                    c.cmd(
                        &format!("[int]=val<{d},1>"),
                        &[
                            ("array", "str", &name),
                            ("idx", "int64", &i.to_string()),
                            ("value", d, &value_text(&v, from)),
                            ("max_bits", "int64", "0"),
                        ],
                    )
                    .expect_normal("");
                    want.assign(i, &v, from);
                }
                assert!(same(&get(&c, d, &name), &want), "[int]=val {d} n={n}");
                // Out of bounds on either side: an error everywhere, and
                // nothing changes.
                let before = info_all(&c);
                for idx in [n as i64, -(n as i64) - 1] {
                    errors.check(ranks, &get_at(&idx.to_string()), "[int]");
                    let r = c.cmd(
                        &format!("[int]=val<{d},1>"),
                        &[
                            ("array", "str", &name),
                            ("idx", "int64", &idx.to_string()),
                            ("value", d, if d == "bool" { "True" } else { "1" }),
                            ("max_bits", "int64", "0"),
                        ],
                    );
                    errors.check(ranks, &r, "[int]=val");
                }
                assert_eq!(info_all(&c), before);
                assert!(same(&get(&c, d, &name), &want));
                c.cmd("delete", &[("name", "str", &name)])
                    .expect_normal(&format!("deleted {name}"));
            }
        }
        assert_eq!(info_all(&c), "[]");
    }
}

/// Slices as `slice.indices(n)` gives them, for an array of `n`.
fn slices(n: usize) -> Vec<(i64, i64, i64)> {
    let n = n as i64;
    let mut s = vec![
        (0, n, 1),
        (n - 1, -1, -1),
        (1, n, 3),
        (n - 2, 0, -2),
        (n / 3, 2 * n / 3 + 1, 1),
        (0, n, 7919),
        (n / 2, n / 2, 1),
    ];
    s.retain(|(a, b, c)| py_range(*a, *b, *c).iter().all(|p| (*p as i64) < n));
    s
}

#[test]
fn slices_read_and_write_across_blocks() {
    let mut errors = Errors::new();
    for ranks in RANKS {
        errors.start();
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n) {
                let d = v.dtype();
                let name = put(&c, &v);
                for sl in slices(n) {
                    let pos = py_range(sl.0, sl.1, sl.2);
                    let t = texts(sl);
                    let what = format!("{d} n={n} {sl:?} ranks={ranks}");
                    let got = result_of(&c, &format!("[slice]<{d},1>"), &slice_args(&name, &t));
                    assert!(same(&got, &v.pick(&pos)), "[slice] {what}");
                    if n == 0 {
                        continue;
                    }
                    // [slice]=val, then [slice]=pdarray with the slice's
                    // own elements reversed, into a copy.
                    let (copy, _, _) =
                        created(&c.cmd(&format!("deepcopy<{d},1>"), &[("x", "str", &name)]));
                    let mut args = slice_args(&copy, &t);
                    let val = value_text(&v, n / 2);
                    args.push(("value", d, &val));
                    args.push(("max_bits", "int64", "0"));
                    c.cmd(&format!("[slice]=val<{d},1>"), &args)
                        .expect_normal("");
                    let mut want = v.clone();
                    for p in &pos {
                        want.assign(*p, &v, n / 2);
                    }
                    assert!(same(&get(&c, d, &copy), &want), "[slice]=val {what}");
                    let rev: Vec<usize> = pos.iter().rev().copied().collect();
                    let src = v.pick(&rev);
                    let src_name = put(&c, &src);
                    let mut args = slice_args(&copy, &t);
                    args.push(("value", "str", &src_name));
                    c.cmd(&format!("[slice]=pdarray<{d},{d},1>"), &args)
                        .expect_normal("");
                    let mut want = v.clone();
                    for (k, p) in pos.iter().enumerate() {
                        want.assign(*p, &src, k);
                    }
                    assert!(same(&get(&c, d, &copy), &want), "[slice]=pdarray {what}");
                    for x in [copy, src_name] {
                        c.cmd("delete", &[("name", "str", &x)]).normal();
                    }
                }
                c.cmd("delete", &[("name", "str", &name)]).normal();
            }
        }
        // a[::-1] = a reads the old values; floats are converted.
        let n = 70_001;
        let a = put(&c, &Vals::I((0..n as i64).collect()));
        let t = texts((n as i64 - 1, -1, -1));
        let mut args = slice_args(&a, &t);
        args.push(("value", "str", &a));
        c.cmd("[slice]=pdarray<int64,int64,1>", &args)
            .expect_normal("");
        assert_eq!(get(&c, "int64", &a), Vals::I((0..n as i64).rev().collect()));
        let f = put(&c, &Vals::F((0..n).map(|i| i as f64 + 0.5).collect()));
        let t = texts((0, n as i64, 1));
        let mut args = slice_args(&a, &t);
        args.push(("value", "str", &f));
        c.cmd("[slice]=pdarray<int64,float64,1>", &args)
            .expect_normal("");
        assert_eq!(get(&c, "int64", &a), Vals::I((0..n as i64).collect()));
        // Errors: out of bounds, size mismatch; nothing changes.
        let before = info_all(&c);
        let bad = texts((n as i64 - 5, n as i64 + 5, 1));
        errors.check(
            ranks,
            &c.cmd("[slice]<int64,1>", &slice_args(&a, &bad)),
            "[slice]",
        );
        let mut args = slice_args(&a, &bad);
        args.push(("value", "int64", "5"));
        errors.check(ranks, &c.cmd("[slice]=val<int64,1>", &args), "[slice]=val");
        let short = texts((0, n as i64 - 1, 1));
        let mut args = slice_args(&a, &short);
        args.push(("value", "str", &f));
        errors.check(
            ranks,
            &c.cmd("[slice]=pdarray<int64,float64,1>", &args),
            "[slice]=pdarray",
        );
        assert_eq!(info_all(&c), before);
        assert_eq!(get(&c, "int64", &a), Vals::I((0..n as i64).collect()));
    }
}

/// (index array, positions it selects in an array of `n`), for `m` indices.
/// Slices whose pieces cross between ranks in more than one window of the
/// exchange (1 MiB): int64 and uint8 blocks of over 1 MiB at 2 and 3 ranks.
#[test]
fn long_slices_cross_in_windows() {
    let k = |i: usize| i.wrapping_mul(2_654_435_761) >> 7;
    let arrays = [
        Vals::I((0..400_003).map(|i| k(i) as i64).collect()),
        Vals::U8((0..3_300_007).map(|i| k(i) as u8).collect()),
    ];
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for v in &arrays {
            let (d, n) = (v.dtype(), v.len() as i64);
            let name = put(&c, v);
            for sl in [(n - 1, -1, -1), (n - 2, 0, -2), (1, n, 3), (n / 5, n, 1)] {
                let got = result_of(
                    &c,
                    &format!("[slice]<{d},1>"),
                    &slice_args(&name, &texts(sl)),
                );
                let want = v.pick(&py_range(sl.0, sl.1, sl.2));
                assert!(same(&got, &want), "{d} n={n} {sl:?} ranks={ranks}");
            }
        }
    }
}

fn index_cases(n: usize, m: usize) -> Vec<(Vals, Vec<usize>)> {
    if n == 0 {
        return vec![(Vals::I(vec![]), vec![]), (Vals::B(vec![]), vec![])];
    }
    let pos: Vec<usize> = (0..m).map(|k| (k * 7919 + k * k) % n).collect();
    let signed: Vec<i64> = pos
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if k % 2 == 0 {
                *p as i64 - n as i64
            } else {
                *p as i64
            }
        })
        .collect();
    // Signed indices with no negative one are read as unsigned: all of
    // them, and only the back half (so ranks differ at 2 and 3 ranks).
    let nonneg: Vec<i64> = pos.iter().map(|p| *p as i64).collect();
    let back: Vec<i64> = pos
        .iter()
        .enumerate()
        .map(|(k, p)| *p as i64 - if k < m / 2 { n as i64 } else { 0 })
        .collect();
    let mask: Vec<bool> = (0..n).map(|i| i % 3 != 1).collect();
    let trues: Vec<usize> = (0..n).filter(|i| mask[*i]).collect();
    vec![
        (Vals::I(signed), pos.clone()),
        (Vals::I(nonneg), pos.clone()),
        (Vals::I(back), pos.clone()),
        (Vals::U(pos.iter().map(|p| *p as u64).collect()), pos),
        (Vals::B(mask), trues),
    ]
}

#[test]
fn index_arrays_gather_compress_and_scatter() {
    let mut errors = Errors::new();
    for ranks in RANKS {
        errors.start();
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for m in [0, 1, 2, 70_003] {
                if n == 0 && m > 0 {
                    continue;
                }
                for (idx, pos) in index_cases(n, m) {
                    // A mask does not depend on m: once is enough.
                    if idx.dtype() == "bool" && m > 0 {
                        continue;
                    }
                    let idx_name = put(&c, &idx);
                    for v in samples(n) {
                        let d = v.dtype();
                        let what = format!("{d} n={n} m={m} idx {} ranks={ranks}", idx.dtype());
                        let name = put(&c, &v);
                        let got = result_of(
                            &c,
                            "[pdarray]",
                            &[("array", "str", &name), ("idx", "str", &idx_name)],
                        );
                        assert!(same(&got, &v.pick(&pos)), "[pdarray] {what}");
                        // [pdarray]=val with the last element's value.
                        if n > 0 {
                            c.cmd(
                                "[pdarray]=val",
                                &[
                                    ("array", "str", &name),
                                    ("idx", "str", &idx_name),
                                    ("dtype", "str", d),
                                    ("value", d, &value_text(&v, n - 1)),
                                ],
                            )
                            .expect_normal("setPdarrayIndexToValueMsg success");
                        }
                        let mut want = v.clone();
                        for p in &pos {
                            want.assign(*p, &v, n - 1);
                        }
                        assert!(same(&get(&c, d, &name), &want), "[pdarray]=val {what}");
                        // [pdarray]=pdarray: repeated positions keep the
                        // last value written, as NumPy.
                        let src_pos: Vec<usize> = (0..pos.len()).map(|k| k % n.max(1)).collect();
                        let src = if n > 0 { v.pick(&src_pos) } else { v.clone() };
                        let src_name = put(&c, &src);
                        c.cmd(
                            "[pdarray]=pdarray",
                            &[
                                ("array", "str", &name),
                                ("idx", "str", &idx_name),
                                ("value", "str", &src_name),
                            ],
                        )
                        .expect_normal("setPdarrayIndexToPdarrayMsg success");
                        for (k, p) in pos.iter().enumerate() {
                            want.assign(*p, &src, k);
                        }
                        assert!(same(&get(&c, d, &name), &want), "[pdarray]=pdarray {what}");
                        for x in [name, src_name] {
                            c.cmd("delete", &[("name", "str", &x)]).normal();
                        }
                    }
                    c.cmd("delete", &[("name", "str", &idx_name)]).normal();
                }
            }
        }
        // Only the gathered results are left.
        c.cmd("clear", &[]).expect_normal("success");
        assert_eq!(info_all(&c), "[]");
        // One bad index, held by the last rank only: the same error at every
        // rank count, and neither the table nor the array changes.
        let n = 70_001;
        let a = put(&c, &Vals::I((0..n as i64).collect()));
        let mut bad: Vec<i64> = (0..n as i64).rev().collect();
        bad[n - 1] = n as i64;
        let bad = put(&c, &Vals::I(bad));
        let mut bad_u: Vec<u64> = (0..n as u64).collect();
        bad_u[n - 2] = u64::MAX;
        let bad_u = put(&c, &Vals::U(bad_u));
        let vals = put(&c, &Vals::I(vec![-7; n]));
        let short_mask = put(&c, &Vals::B(vec![true; n - 1]));
        let before = info_all(&c);
        for idx in [&bad, &bad_u, &short_mask] {
            let r = c.cmd("[pdarray]", &[("array", "str", &a), ("idx", "str", idx)]);
            errors.check(ranks, &r, "[pdarray]");
            let r = c.cmd(
                "[pdarray]=val",
                &[
                    ("array", "str", &a),
                    ("idx", "str", idx),
                    ("dtype", "str", "int64"),
                    ("value", "int64", "-7"),
                ],
            );
            errors.check(ranks, &r, "[pdarray]=val");
            let r = c.cmd(
                "[pdarray]=pdarray",
                &[
                    ("array", "str", &a),
                    ("idx", "str", idx),
                    ("value", "str", &vals),
                ],
            );
            errors.check(ranks, &r, "[pdarray]=pdarray");
        }
        assert_eq!(info_all(&c), before);
        // A size mismatch between a mask's trues and the values.
        let half = put(&c, &Vals::B((0..n).map(|i| i % 2 == 0).collect()));
        let before_half = info_all(&c);
        let r = c.cmd(
            "[pdarray]=pdarray",
            &[
                ("array", "str", &a),
                ("idx", "str", &half),
                ("value", "str", &vals),
            ],
        );
        errors.check(ranks, &r, "[pdarray]=pdarray mask");
        assert_eq!(info_all(&c), before_half);
        assert_eq!(get(&c, "int64", &a), Vals::I((0..n as i64).collect()));
    }
}

#[test]
fn copies_broadcasts_and_flips() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n) {
                let d = v.dtype();
                let what = format!("{d} n={n} ranks={ranks}");
                let name = put(&c, &v);
                let copy = result_of(&c, &format!("deepcopy<{d},1>"), &[("x", "str", &name)]);
                assert!(same(&copy, &v), "deepcopy {what}");
                let flat = result_of(&c, &format!("flatten<{d},1>"), &[("a", "str", &name)]);
                assert!(same(&flat, &v), "flatten {what}");
                let re = result_of(
                    &c,
                    &format!("reshape<{d},1,1>"),
                    &[("name", "str", &name), ("shape", "str", "[-1]")],
                );
                assert!(same(&re, &v), "reshape {what}");
                let rev: Vec<usize> = (0..n).rev().collect();
                let flipped = result_of(&c, &format!("flipAll<{d},1>"), &[("name", "str", &name)]);
                assert!(same(&flipped, &v.pick(&rev)), "flipAll {what}");
                let flipped = result_of(
                    &c,
                    &format!("flip<{d},1>"),
                    &[
                        ("name", "str", &name),
                        ("nAxes", "int64", "1"),
                        ("axis", "str", "[0]"),
                    ],
                );
                assert!(same(&flipped, &v.pick(&rev)), "flip {what}");
                if n > 0 {
                    // The one element of a[-1:] fills 70_001 places.
                    let last = texts((n as i64 - 1, n as i64, 1));
                    let (one, _, _) =
                        created(&c.cmd(&format!("[slice]<{d},1>"), &slice_args(&name, &last)));
                    let wide = result_of(
                        &c,
                        &format!("broadcast<{d},1,1>"),
                        &[("name", "str", &one), ("shape", "str", "[70001]")],
                    );
                    assert!(
                        same(&wide, &v.pick(&vec![n - 1; 70_001])),
                        "broadcast {what}"
                    );
                }
                let same_len = result_of(
                    &c,
                    &format!("broadcast<{d},1,1>"),
                    &[("name", "str", &name), ("shape", "str", &format!("[{n}]"))],
                );
                assert!(same(&same_len, &v), "broadcast same {what}");
                c.cmd("clear", &[]).expect_normal("success");
            }
        }
        assert_eq!(info_all(&c), "[]");
    }
}

#[test]
fn symbols_print_and_go_on_every_rank() {
    // Replies at 1 rank, name prefixes cut, in request order.
    let mut first: Vec<String> = Vec::new();
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        let mut k = 0;
        let mut check = |text: String| {
            let text = strip_ids(&text);
            if ranks == 1 {
                first.push(text);
            } else {
                assert_eq!(text, first[k], "ranks={ranks}");
            }
            k += 1;
        };
        let mut names = Vec::new();
        for n in LENS {
            for v in samples(n) {
                let name = put(&c, &v);
                for thresh in ["3", "100"] {
                    for cmd in ["str", "repr"] {
                        let r = c.cmd(
                            cmd,
                            &[("array", "str", &name), ("printThresh", "int64", thresh)],
                        );
                        check(r.normal().to_string());
                    }
                }
                names.push(name);
            }
        }
        // Small int64 arrays print exactly as NumPy does.
        let v = put(&c, &Vals::I((0..100).collect()));
        c.cmd(
            "str",
            &[("array", "str", &v), ("printThresh", "int64", "10")],
        )
        .expect_normal("[0 1 2 ... 97 98 99]");
        let list = format!("[\"{}\", \"{}\"]", names[3], names[names.len() - 1]);
        check(
            c.cmd("info", &[("names", "str", &list)])
                .normal()
                .to_string(),
        );
        check(info_all(&c));
        c.cmd("delete", &[("name", "str", &v)])
            .expect_normal(&format!("deleted {v}"));
        check(c.cmd("delete", &[("name", "str", &v)]).error().to_string());
        check(info_all(&c));
        // After `clear` no rank has an array left: new arrays start afresh
        // (a stale block on some rank would show in the sums).
        c.cmd("clear", &[]).expect_normal("success");
        assert_eq!(info_all(&c), "[]");
        let a = put(&c, &Vals::I((0..70_001).collect()));
        c.cmd(
            "sumAll<int64,1>",
            &[("x", "int64", &a), ("skipNan", "bool", "False")],
        )
        .expect_normal(&format!("int64 {}", 70_000i64 * 70_001 / 2));
    }
}
