//! Reductions, statistics, scans, mink/maxk and sizeReduction at 1, 2 and 3
//! ranks: every reply is checked against a value computed here, or against
//! the 1-rank reply byte for byte where the value is an error text; float
//! sums whose addition order changes with the rank count use data whose
//! sums are exact in any order.
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

/// One array of every dtype, `n` elements, with repeats (ties) and, for
/// float64, NaNs at `nans`. Float values are multiples of 1/4 well inside
/// 2^53, so their sums are exact in any order.
fn samples(n: usize, nans: &[usize]) -> Vec<Vals> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let raw: Vec<u64> = (0..n).map(|_| r.next()).collect();
    let mut f: Vec<f64> = raw
        .iter()
        .map(|x| (x % 4001) as f64 / 4.0 - 500.0)
        .collect();
    for i in nans {
        if *i < n {
            f[*i] = f64::NAN;
        }
    }
    vec![
        Vals::I(raw.iter().map(|x| (x % 2001) as i64 - 1000).collect()),
        Vals::U(
            raw.iter()
                .map(|x| x % 3 * (u64::MAX / 3) + x % 1000)
                .collect(),
        ),
        Vals::U8(raw.iter().map(|x| (x % 256) as u8).collect()),
        Vals::F(f),
        Vals::B(raw.iter().map(|x| x % 3 != 0).collect()),
    ]
}

fn reduce(c: &Client, kind: &str, v: &Vals, name: &str, skip_nan: bool) -> Reply {
    let d = v.dtype();
    let skip = if skip_nan { "True" } else { "False" };
    c.cmd(
        &format!("{kind}All<{d},1>"),
        &[("x", d, name), ("skipNan", "bool", skip)],
    )
}

/// `bool True` / `bool False`.
fn b(x: bool) -> String {
    format!("bool {}", if x { "True" } else { "False" })
}

/// The reply text of a float64 scalar, as the server prints it.
fn real(x: f64) -> String {
    if x.is_nan() {
        return "float64 nan".into();
    }
    let s = format!("{x:?}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(('+', e), |d| ('-', d));
            format!("float64 {m}e{sign}{digits:0>2}")
        }
        None => format!("float64 {s}"),
    }
}

/// First index of the extreme, NaN first when there is one (argmin and
/// argmax alike).
fn arg<T: Copy>(v: &[T], better: impl Fn(T, T) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, x) in v.iter().enumerate() {
        if best.is_none_or(|j| better(*x, v[j])) {
            best = Some(i);
        }
    }
    best
}

/// What sum, prod, min, max, any, all, argmin, argmax, isSorted should
/// reply for `v` (None where the reply is an error, checked against the
/// 1-rank text instead).
fn expected(v: &Vals, skip_nan: bool) -> Vec<(&'static str, Option<String>)> {
    /// `empty`: the min and max of no values (the original server's
    /// identities: the type's largest and smallest values).
    fn ord<T: Copy + Ord + std::fmt::Display>(
        v: &[T],
        ty: &str,
        sum: String,
        prod: String,
        nz: impl Fn(T) -> bool,
        empty: (T, T),
    ) -> Vec<(&'static str, Option<String>)> {
        let text = |x: T| Some(format!("{ty} {x}"));
        vec![
            ("sum", Some(sum)),
            ("prod", Some(prod)),
            ("min", text(v.iter().copied().min().unwrap_or(empty.0))),
            ("max", text(v.iter().copied().max().unwrap_or(empty.1))),
            ("any", Some(b(v.iter().any(|x| nz(*x))))),
            ("all", Some(b(v.iter().all(|x| nz(*x))))),
            ("argmin", arg(v, |a, b| a < b).map(|i| format!("int64 {i}"))),
            ("argmax", arg(v, |a, b| a > b).map(|i| format!("int64 {i}"))),
            ("isSorted", Some(b(v.windows(2).all(|w| w[0] <= w[1])))),
        ]
    }
    match v {
        Vals::I(x) => ord(
            x,
            "int64",
            format!("int64 {}", x.iter().fold(0i64, |a, y| a.wrapping_add(*y))),
            format!("int64 {}", x.iter().fold(1i64, |a, y| a.wrapping_mul(*y))),
            |y| y != 0,
            (i64::MAX, i64::MIN),
        ),
        Vals::U(x) => ord(
            x,
            "uint64",
            format!("uint64 {}", x.iter().fold(0u64, |a, y| a.wrapping_add(*y))),
            format!("uint64 {}", x.iter().fold(1u64, |a, y| a.wrapping_mul(*y))),
            |y| y != 0,
            (u64::MAX, 0),
        ),
        Vals::U8(x) => ord(
            x,
            "uint8",
            format!("uint64 {}", x.iter().map(|y| *y as u64).sum::<u64>()),
            format!(
                "uint64 {}",
                x.iter().fold(1u64, |a, y| a.wrapping_mul(*y as u64))
            ),
            |y| y != 0,
            (u8::MAX, 0),
        ),
        Vals::B(x) => {
            let mut e = ord(
                x,
                "bool",
                format!("int64 {}", x.iter().filter(|y| **y).count()),
                format!("int64 {}", x.iter().all(|y| *y) as i64),
                |y| y,
                (true, false),
            );
            e[2].1 = Some(b(x.iter().copied().min().unwrap_or(true)));
            e[3].1 = Some(b(x.iter().copied().max().unwrap_or(false)));
            e
        }
        Vals::F(x) => {
            let kept: Vec<f64> = x
                .iter()
                .copied()
                .filter(|y| !(skip_nan && y.is_nan()))
                .collect();
            let nan = kept.iter().any(|y| y.is_nan());
            let ext = |max: bool| {
                if x.is_empty() {
                    Some(real(if max { -f64::MAX } else { f64::MAX }))
                } else if nan || kept.is_empty() {
                    Some(real(f64::NAN))
                } else {
                    let m = kept.iter().copied().fold(
                        if max {
                            f64::NEG_INFINITY
                        } else {
                            f64::INFINITY
                        },
                        |a, y| if max { a.max(y) } else { a.min(y) },
                    );
                    Some(real(m))
                }
            };
            let sum: f64 = kept.iter().sum();
            let prod: f64 = if kept.len() < 50 {
                kept.iter().product()
            } else {
                f64::NAN
            };
            let nan_first = |a: f64, b: f64| a.is_nan() && !b.is_nan();
            vec![
                ("sum", Some(real(0.0 + sum))),
                // Long products overflow or round: checked across ranks only.
                ("prod", (kept.len() < 50).then(|| real(prod))),
                ("min", ext(false)),
                ("max", ext(true)),
                ("any", Some(b(x.iter().any(|y| *y != 0.0)))),
                ("all", Some(b(x.iter().all(|y| *y != 0.0)))),
                (
                    "argmin",
                    arg(x, |a, b| a < b || nan_first(a, b)).map(|i| format!("int64 {i}")),
                ),
                (
                    "argmax",
                    arg(x, |a, b| a > b || nan_first(a, b)).map(|i| format!("int64 {i}")),
                ),
                (
                    "isSorted",
                    Some(b(x.windows(2).all(|w| w[0] <= w[1] || w[1].is_nan()))),
                ),
            ]
        }
    }
}

#[test]
fn reductions_are_exact_at_every_rank_count() {
    // Replies at 1 rank, in request order, for the error texts.
    let mut first: Vec<String> = Vec::new();
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        let mut k = 0;
        for n in LENS {
            // NaNs: the first, one in the middle, and the last element.
            for nans in [vec![], vec![n / 2], vec![n.saturating_sub(1), n / 3]] {
                for v in samples(n, &nans) {
                    if !nans.is_empty() && v.dtype() != "float64" {
                        continue;
                    }
                    let name = put(&c, &v);
                    for skip in [false, true] {
                        for (kind, want) in expected(&v, skip) {
                            let r = reduce(&c, kind, &v, &name, skip);
                            let got = r.msg().to_string();
                            let what = format!(
                                "{kind} {} n={n} nans={nans:?} skip={skip} ranks={ranks}",
                                v.dtype()
                            );
                            if let Some(w) = &want {
                                assert_eq!(&got, w, "{what}");
                            }
                            // Float products round differently when
                            // multiplied block by block.
                            let float_prod = kind == "prod" && v.dtype() == "float64";
                            if ranks == 1 {
                                if want.is_none() && kind != "prod" {
                                    assert_eq!(r.msg_type(), "ERROR", "{what}: {got}");
                                }
                                first.push(got);
                            } else if !float_prod {
                                assert_eq!(got, first[k], "{what}");
                            }
                            k += 1;
                        }
                    }
                    c.cmd("delete", &[("name", "str", &name)])
                        .expect_normal(&format!("deleted {name}"));
                }
            }
        }
        assert_eq!(info_all(&c), "[]");
    }
}

#[test]
fn sorted_locally_means_every_block() {
    // Two sorted runs, the second starting at n/2: sorted in each block of
    // two ranks, not in one or three.
    let n = 70_001;
    let h = n / 2;
    let v: Vec<i64> = (0..h as i64).chain(0..(n - h) as i64).collect();
    let sorted: Vec<i64> = (0..n as i64).collect();
    for (ranks, locally) in [(1, false), (2, true), (3, false)] {
        let s = server(ranks);
        let c = s.client();
        let a = put(&c, &Vals::I(v.clone()));
        let whole = put(&c, &Vals::I(sorted.clone()));
        let ask = |kind: &str, name: &str| {
            c.cmd(&format!("{kind}<int64,1>"), &[("x", "int64", name)])
                .normal()
                .to_string()
        };
        assert_eq!(ask("isSortedAll", &a), b(false), "ranks={ranks}");
        assert_eq!(ask("isSortedLocallyAll", &a), b(locally), "ranks={ranks}");
        assert_eq!(ask("isSortedAll", &whole), b(true));
        assert_eq!(ask("isSortedLocallyAll", &whole), b(true));
        // A single step down between two blocks, elsewhere sorted.
        let mut seam = sorted.clone();
        seam[n / 3] = -1;
        let e = put(&c, &Vals::I(seam));
        assert_eq!(ask("isSortedAll", &e), b(false), "ranks={ranks}");
    }
}

#[test]
fn statistics_combine_block_sums() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n, &[]) {
                let name = put(&c, &v);
                let x: Vec<f64> = match &v {
                    Vals::I(x) => x.iter().map(|y| *y as f64).collect(),
                    Vals::U(x) => x.iter().map(|y| *y as f64).collect(),
                    Vals::U8(x) => x.iter().map(|y| *y as f64).collect(),
                    Vals::F(x) => x.clone(),
                    Vals::B(x) => x.iter().map(|y| *y as u8 as f64).collect(),
                };
                let m = x.iter().sum::<f64>() / n as f64;
                let var =
                    x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (n as f64 - 1.0).max(0.0);
                for (kind, want) in [("mean", m), ("var", var), ("std", var.sqrt())] {
                    let d = v.dtype();
                    let r = c.cmd(
                        &format!("{kind}All<{d},1>"),
                        &[
                            ("x", d, &name),
                            ("skipNan", "bool", "False"),
                            ("ddof", "int64", "1"),
                        ],
                    );
                    let got: f64 = r
                        .normal()
                        .strip_prefix("float64 ")
                        .unwrap()
                        .parse()
                        .unwrap();
                    let what = format!("{kind} {d} n={n} ranks={ranks}");
                    if want.is_nan() {
                        assert!(got.is_nan(), "{what}: {got}");
                    } else if kind == "mean" && d != "uint64" {
                        // Sums of these values are exact in any order.
                        assert_eq!(got, want, "{what}");
                    } else {
                        assert!(
                            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                            "{what}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

fn scan(c: &Client, kind: &str, v: &Vals, name: &str, init: bool) -> Vals {
    let d = v.dtype();
    result_of(
        c,
        &format!("{kind}<{d},1>"),
        &[
            ("x", d, name),
            ("axis", "int64", "0"),
            (
                "includeInitial",
                "bool",
                if init { "True" } else { "False" },
            ),
        ],
    )
}

#[test]
fn scans_carry_the_earlier_ranks_totals() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n, &[]) {
                let name = put(&c, &v);
                for init in [false, true] {
                    for kind in ["cumSum", "cumProd"] {
                        let sum = kind == "cumSum";
                        let got = scan(&c, kind, &v, &name, init);
                        macro_rules! run {
                            ($x:expr, $wrap:ident, $t:ty, $zero:expr, $one:expr, $add:expr, $mul:expr) => {{
                                let mut out: Vec<$t> = Vec::new();
                                if init {
                                    out.push(if sum { $zero } else { $one });
                                }
                                let mut acc: Option<$t> = None;
                                for y in $x.iter() {
                                    let y = <$t>::from(*y);
                                    let a = match acc {
                                        None => y,
                                        Some(a) if sum => $add(a, y),
                                        Some(a) => $mul(a, y),
                                    };
                                    acc = Some(a);
                                    out.push(a);
                                }
                                Vals::$wrap(out)
                            }};
                        }
                        let want = match &v {
                            Vals::I(x) => {
                                run!(x, I, i64, 0, 1, i64::wrapping_add, i64::wrapping_mul)
                            }
                            Vals::B(x) => run!(
                                x.iter().map(|b| *b as i64).collect::<Vec<_>>(),
                                I,
                                i64,
                                0,
                                1,
                                i64::wrapping_add,
                                i64::wrapping_mul
                            ),
                            Vals::U(x) => {
                                run!(x, U, u64, 0, 1, u64::wrapping_add, u64::wrapping_mul)
                            }
                            Vals::U8(x) => {
                                run!(x, U, u64, 0, 1, u64::wrapping_add, u64::wrapping_mul)
                            }
                            Vals::F(x) => run!(
                                x,
                                F,
                                f64,
                                0.0,
                                1.0,
                                |a: f64, b: f64| a + b,
                                |a: f64, b: f64| a * b
                            ),
                        };
                        let what = format!("{kind} {} n={n} init={init} ranks={ranks}", v.dtype());
                        if v.dtype() == "float64" && !sum {
                            // Products of these floats round: compare the length only.
                            assert_eq!(got.len(), want.len(), "{what}");
                        } else {
                            assert!(same(&got, &want), "{what}");
                        }
                    }
                }
            }
        }
    }
}

fn extreme(c: &Client, cmd: &str, name: &str, k: usize, indices: bool) -> Reply {
    c.cmd(
        cmd,
        &[
            ("array", "str", name),
            ("k", "int64", &k.to_string()),
            ("rtnInd", "bool", if indices { "True" } else { "False" }),
        ],
    )
}

#[test]
fn mink_and_maxk_merge_every_ranks_best() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for n in LENS {
            for v in samples(n, &[n / 2, n.saturating_sub(1)]) {
                let name = put(&c, &v);
                // NumPy's stable argsort, NaN last; for maxk NaN first
                // (Arkouda's extremes skip NaN).
                let mut order: Vec<usize> = (0..n).collect();
                let key = |i: usize| -> (u8, f64) {
                    match &v {
                        Vals::I(x) => (0, x[i] as f64),
                        Vals::U(x) => (0, x[i] as f64),
                        Vals::U8(x) => (0, x[i] as f64),
                        Vals::B(x) => (0, x[i] as u8 as f64),
                        Vals::F(x) if x[i].is_nan() => (1, 0.0),
                        Vals::F(x) => (0, x[i]),
                    }
                };
                // u64 values may collide as f64: order those exactly.
                order.sort_by(|a, b| match &v {
                    Vals::U(x) => x[*a].cmp(&x[*b]),
                    _ => key(*a).partial_cmp(&key(*b)).unwrap(),
                });
                let mut nan_low = order.clone();
                nan_low.sort_by_key(|&i| !matches!(&v, Vals::F(x) if x[i].is_nan()));
                for k in [1, 3, n.max(1), n + 5] {
                    let kk = k.min(n);
                    let low: Vec<usize> = order[..kk].to_vec();
                    let high: Vec<usize> = nan_low[n - kk..].to_vec();
                    for (cmd, pos) in [("mink", &low), ("maxk", &high)] {
                        let what = format!("{cmd} {} n={n} k={k} ranks={ranks}", v.dtype());
                        let (vn, d, len) = created(&extreme(&c, cmd, &name, k, false));
                        assert_eq!(len, kk, "{what}");
                        assert!(same(&get(&c, &d, &vn), &v.pick(pos)), "{what}");
                        let (iname, _, _) = created(&extreme(&c, cmd, &name, k, true));
                        let idx: Vec<i64> = pos.iter().map(|i| *i as i64).collect();
                        assert_eq!(get(&c, "int64", &iname), Vals::I(idx), "{what} indices");
                    }
                }
                c.cmd("clear", &[]).expect_normal("success");
            }
        }
    }
}

fn sizes(c: &Client, segments: &str, size: usize) -> Reply {
    c.cmd(
        "sizeReduction",
        &[
            ("segments", "pdarray", segments),
            ("size", "int64", &size.to_string()),
        ],
    )
}

#[test]
fn group_sizes_end_at_the_next_ranks_first_start() {
    let mut errors: Vec<String> = Vec::new();
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for groups in LENS {
            let mut starts = Vec::new();
            let mut at = 0i64;
            for g in 0..groups as i64 {
                starts.push(at);
                // Empty groups too, also at block boundaries.
                at += g % 4;
            }
            let seg = put(&c, &Vals::I(starts.clone()));
            let (name, _, n) = created(&sizes(&c, &seg, at as usize + 3));
            assert_eq!(n, groups);
            let mut want: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
            if groups > 0 {
                want.push(at + 3 - starts[groups - 1]);
            }
            assert_eq!(
                get(&c, "int64", &name),
                Vals::I(want),
                "groups={groups} ranks={ranks}"
            );
        }
        // Offsets falling only across what may be a rank boundary, or
        // passing `size` only in the last block.
        for (k, (bad, size)) in [
            (vec![0i64, 5, 9, 4], 10),
            (vec![0, 1, 2, 3, 4, 2], 10),
            (vec![1, 2, 3], 5),
            (vec![0, 1, 2, 30], 5),
        ]
        .into_iter()
        .enumerate()
        {
            let seg = put(&c, &Vals::I(bad));
            let before = info_all(&c);
            let r = sizes(&c, &seg, size);
            assert_eq!(r.msg_type(), "ERROR", "ranks={ranks}");
            assert_eq!(info_all(&c), before);
            if ranks == 1 {
                errors.push(strip_ids(r.msg()));
            } else {
                assert_eq!(strip_ids(r.msg()), errors[k]);
            }
        }
    }
}

#[test]
fn diff_reaches_into_the_next_ranks() {
    fn numpy<T: Copy>(v: &[T], n: usize, sub: impl Fn(T, T) -> T) -> Vec<T> {
        let mut out = v.to_vec();
        for _ in 0..n.min(v.len()) {
            out = out.windows(2).map(|w| sub(w[1], w[0])).collect();
        }
        out
    }
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for len in LENS {
            for v in samples(len, &[len / 2]) {
                let name = put(&c, &v);
                let d = v.dtype();
                // Short arrays: every order up to past the end, reaching
                // over whole blocks; the long one (n passes of it each) a few.
                let orders: Vec<usize> = if len < 100 {
                    (0..len + 3).collect()
                } else {
                    vec![0, 1, 2, 5]
                };
                for n in orders {
                    let got = result_of(
                        &c,
                        &format!("diff<{d},1>"),
                        &[
                            ("x", d, &name),
                            ("n", "int64", &n.to_string()),
                            ("axis", "int64", "0"),
                        ],
                    );
                    let want = match &v {
                        Vals::I(x) => Vals::I(numpy(x, n, i64::wrapping_sub)),
                        Vals::U(x) => Vals::U(numpy(x, n, u64::wrapping_sub)),
                        Vals::U8(x) => Vals::U8(numpy(x, n, u8::wrapping_sub)),
                        Vals::F(x) => Vals::F(numpy(x, n, |a, b| a - b)),
                        Vals::B(x) => Vals::B(numpy(x, n, |a, b| a != b)),
                    };
                    assert!(same(&got, &want), "{d} len={len} n={n} ranks={ranks}");
                }
                c.cmd("clear", &[]).expect_normal("success");
            }
        }
    }
}

#[test]
fn histogram_adds_every_ranks_counts() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for len in LENS {
            for v in samples(len, &[len / 2]) {
                let real: Vec<f64> = match &v {
                    Vals::I(x) => x.iter().map(|&y| y as f64).collect(),
                    Vals::U(x) => x.iter().map(|&y| y as f64).collect(),
                    Vals::F(x) => x.clone(),
                    _ => continue,
                };
                let name = put(&c, &v);
                let d = v.dtype();
                // Fewer bins than ranks, a few, and more than elements.
                for (bins, lo, hi) in [
                    (1, -600.0, 600.0),
                    (7, -100.0, 250.5),
                    (100_003, -500.0, 500.0),
                ] {
                    let width = (hi - lo) / bins as f64;
                    let mut want = vec![0i64; bins];
                    for &x in &real {
                        if lo <= x && x <= hi {
                            let b = if x == hi {
                                bins - 1
                            } else {
                                ((x - lo) / width) as usize
                            };
                            want[b.min(bins - 1)] += 1;
                        }
                    }
                    let got = result_of(
                        &c,
                        "histogram",
                        &[
                            ("array", d, &name),
                            ("bins", "int64", &bins.to_string()),
                            ("minVal", "float64", &lo.to_string()),
                            ("maxVal", "float64", &hi.to_string()),
                        ],
                    );
                    assert_eq!(
                        got,
                        Vals::I(want),
                        "{d} len={len} bins={bins} ranks={ranks}"
                    );
                }
                c.cmd("clear", &[]).expect_normal("success");
            }
        }
    }
}

#[test]
fn allclose_needs_every_rank_to_agree() {
    for ranks in RANKS {
        let s = server(ranks);
        let c = s.client();
        for len in LENS {
            let a: Vec<f64> = (0..len).map(|i| i as f64 / 4.0).collect();
            let na = put(&c, &Vals::F(a.clone()));
            let ask = |b: &[f64]| {
                let nb = put(&c, &Vals::F(b.to_vec()));
                c.cmd(
                    "allclose<float64,1,float64,1>",
                    &[
                        ("a", "float64", &na),
                        ("b", "float64", &nb),
                        ("rtol", "float64", "1e-05"),
                        ("atol", "float64", "1e-08"),
                        ("equal_nan", "bool", "False"),
                    ],
                )
                .normal()
                .to_string()
            };
            assert_eq!(ask(&a), "bool True", "len={len} ranks={ranks}");
            // One far pair anywhere (first, middle, last block) decides.
            for at in [0, len / 2, len.saturating_sub(1)] {
                if at < len {
                    let mut b = a.clone();
                    b[at] += 1.0;
                    assert_eq!(ask(&b), "bool False", "len={len} at={at} ranks={ranks}");
                }
            }
            c.cmd("clear", &[]).expect_normal("success");
        }
    }
}
