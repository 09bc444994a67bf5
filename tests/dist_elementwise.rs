//! The element-by-element families at 1, 2 and 3 ranks: uploads and
//! downloads, creation, random streams, casts, binary and in-place operators
//! (with the deferred `a + b*k` path), element-wise functions, arctan2 and
//! where. Every result is downloaded and compared with values computed here;
//! random streams must give the same values at every rank count; errors give
//! the same reply at every rank count and leave the table unchanged.
#![cfg(feature = "mpi")]

mod common;

use common::vals::*;
use common::*;

const RANKS: [usize; 3] = [1, 2, 3];

/// Lengths around the blocks' edges, and one whose blocks are past the
/// kernels' parallel threshold even at 3 ranks.
const LENGTHS: [usize; 6] = [0, 1, 2, 3, 7, 200_003];

fn server(ranks: usize) -> Server {
    Server::builder().ranks(ranks).start()
}

fn used(c: &Client) -> u64 {
    mem_used(c, 1, false)
}

/// The counter of a generated name (`id_XXXXXXX_12` gives 12).
fn counter(name: &str) -> u64 {
    name.rsplit('_').next().unwrap().parse().unwrap()
}

fn ints(n: usize) -> Vec<i64> {
    (0..n as i64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15_u64 as i64) >> 20)
        .collect()
}

fn floats(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 - n as f64 / 3.0) * 0.37).collect()
}

/// A sample of every element type, `n` long.
fn samples(n: usize) -> Vec<Vals> {
    let i = ints(n);
    vec![
        Vals::I(i.clone()),
        Vals::U(i.iter().map(|x| *x as u64).collect()),
        Vals::U8(i.iter().map(|x| *x as u8).collect()),
        Vals::F(floats(n)),
        Vals::B(i.iter().map(|x| x % 3 == 0).collect()),
    ]
}

#[test]
fn uploads_downloads_and_creation() {
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        for n in LENGTHS {
            for v in samples(n) {
                let name = put(&c, &v);
                assert!(same(&get(&c, v.dtype(), &name), &v), "{r} ranks, {n}");
            }
            // create + set: how zeros and full are built.
            let name = expect_created(
                &c.cmd("create<float64,1>", &[("shape", "int64", &n.to_string())]),
                "float64",
                n,
            );
            assert_eq!(get(&c, "float64", &name), Vals::F(vec![0.0; n]));
            c.cmd(
                "set<float64,1>",
                &[("array", "float64", &name), ("val", "float64", "2.5")],
            )
            .expect_normal("");
            assert_eq!(get(&c, "float64", &name), Vals::F(vec![2.5; n]));
            // arange: global positions.
            let got = result_of(
                &c,
                "arange<int64,1>",
                &[
                    ("start", "int64", "-5"),
                    ("stop", "int64", &(3 * n as i64 - 5).to_string()),
                    ("step", "int64", "3"),
                ],
            );
            let want: Vec<i64> = (0..n as i64).map(|i| -5 + 3 * i).collect();
            assert_eq!(got, Vals::I(want), "{r} ranks, arange {n}");
            let got = result_of(
                &c,
                "arange<uint64,1>",
                &[
                    ("start", "uint64", "10"),
                    ("stop", "uint64", &(10 + n).to_string()),
                    ("step", "uint64", "1"),
                ],
            );
            assert_eq!(got, Vals::U((10..10 + n as u64).collect()));
        }
        // A scalar array: one element, on whichever rank holds index 0.
        let msg = c
            .cmd("createScalarArray<int64>", &[("value", "int64", "-7")])
            .normal()
            .to_string();
        let name = msg.split(' ').nth(1).unwrap().to_string();
        assert_eq!(msg, format!("created {name} int64 1 1 [] 8"));
        assert_eq!(get(&c, "int64", &name), Vals::I(vec![-7]));
    }
}

#[test]
fn upload_errors_are_the_same_everywhere_and_keep_nothing() {
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        let first = put(&c, &Vals::I(vec![1, 2, 3]));
        let before = used(&c);
        send_upload(&c, "int64", 5, &[0u8; 32]).expect_error(
            "Error executing command array<int64,1>: ValueError: the payload has 32 bytes but 5 elements of int64 need 40",
        );
        c.cmd(
            "set<int64,1>",
            &[("array", "int64", &first), ("val", "int64", "x")],
        )
        .expect_error(
            "Error executing command set<int64,1>: TypeError: Json Argument 'x' cannot be cast as a scalar int(64)",
        );
        c.cmd(
            "randint<int64,1>",
            &[
                ("shape", "int64", "5"),
                ("low", "str", "3"),
                ("high", "str", "3"),
                ("seed", "int64", "-1"),
            ],
        )
        .expect_error("Error executing command randint<int64,1>: ValueError: low >= high");
        assert_eq!(used(&c), before, "{r} ranks");
        assert_eq!(get(&c, "int64", &first), Vals::I(vec![1, 2, 3]));
        // The name counter stayed in step on every rank.
        let next = put(&c, &Vals::I(vec![4, 5, 6, 7]));
        assert_eq!(counter(&next), counter(&first) + 1);
        assert_eq!(get(&c, "int64", &next), Vals::I(vec![4, 5, 6, 7]));
    }
}

// ---------------------------------------------------------------------------
// Random streams
// ---------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The inverse of `mix`, to read a stream's key back from its words.
fn unmix(mut z: u64) -> u64 {
    fn unshift(z: u64, s: u32) -> u64 {
        let mut x = z;
        for _ in 0..64 / s {
            x = z ^ (x >> s);
        }
        x
    }
    fn inverse(a: u64) -> u64 {
        // Newton's iteration for the inverse of an odd number mod 2^64.
        let mut x = a;
        for _ in 0..6 {
            x = x.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(x)));
        }
        x
    }
    z = unshift(z, 31);
    z = unshift(z.wrapping_mul(inverse(0x94D0_49BB_1331_11EB)), 27);
    unshift(z.wrapping_mul(inverse(0xBF58_476D_1CE4_E5B9)), 30)
}

/// Full-range uint64 draws are the stream's words themselves.
fn words(c: &Client, n: usize, seed: &str) -> Vec<u64> {
    let got = result_of(
        c,
        "randint<uint64,1>",
        &[
            ("shape", "int64", &n.to_string()),
            ("low", "str", "0"),
            ("high", "str", "18446744073709551616"),
            ("seed", "int64", seed),
        ],
    );
    let Vals::U(w) = got else { panic!("uint64") };
    w
}

/// Everything the random commands give for fixed seeds and states.
fn random_results(c: &Client, n: usize) -> Vec<Vals> {
    let mut out = vec![];
    for (dtype, low, high) in [
        ("int64", "-5", "5"),
        ("uint8", "0", "256"),
        ("bool", "0", "2"),
        ("float64", "-1.5", "2.5"),
    ] {
        out.push(result_of(
            c,
            &format!("randint<{dtype},1>"),
            &[
                ("shape", "int64", &n.to_string()),
                ("low", "str", low),
                ("high", "str", high),
                ("seed", "int64", "17"),
            ],
        ));
    }
    out.push(result_of(
        c,
        "randomNormal<1>",
        &[("shape", "int64", &n.to_string()), ("seed", "str", "5")],
    ));
    for (dtype, low, high) in [("int64", "-100", "100"), ("float64", "0.0", "1.0")] {
        let msg = c
            .cmd(
                &format!("createGenerator<{dtype}>"),
                &[
                    ("has_seed", "bool", "True"),
                    ("seed", "int64", "99"),
                    ("state", "int64", "1"),
                ],
            )
            .normal()
            .to_string();
        let g = msg.split(' ').nth(1).unwrap().to_string();
        assert_eq!(msg, format!("created {g} "));
        // Successive calls continue the stream (the client's state).
        for state in [1, 1 + n as u64] {
            out.push(result_of(
                c,
                &format!("uniformGenerator<{dtype},1>"),
                &[
                    ("name", "str", &g),
                    ("low", "str", low),
                    ("high", "str", high),
                    ("shape", "int64", &n.to_string()),
                    ("state", "int64", &state.to_string()),
                ],
            ));
        }
        if dtype == "float64" {
            out.push(result_of(
                c,
                "standardNormalGenerator<1>",
                &[
                    ("name", "str", &g),
                    ("shape", "int64", &n.to_string()),
                    ("method", "str", "ZIG"),
                    ("has_seed", "bool", "True"),
                    ("state", "int64", "3"),
                ],
            ));
        }
        c.cmd("delGenerator", &[("name", "str", &g)])
            .expect_normal("");
        c.cmd("delGenerator", &[("name", "str", &g)])
            .expect_error(&format!(
                "Error executing command delGenerator: UnknownSymbolError: unknown symbol: {g}"
            ));
    }
    out
}

#[test]
fn random_streams_are_the_same_at_any_rank_count() {
    let mut at_one: Vec<Vec<Vals>> = vec![];
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        for (k, n) in [0usize, 1, 2, 7, 200_003].into_iter().enumerate() {
            // Seeded words, as the stream's definition gives them.
            let key = mix(42u64 ^ 0x5EED_5EED_5EED_5EED);
            let want: Vec<u64> = (0..n as u64)
                .map(|p| mix(key.wrapping_add((p + 1).wrapping_mul(GOLDEN))))
                .collect();
            assert_eq!(words(&c, n, "42"), want, "{r} ranks, {n}");
            // Unseeded: one key (rank 0's) for the whole array.
            let w = words(&c, n, "-1");
            let keys: Vec<u64> = w
                .iter()
                .enumerate()
                .map(|(p, x)| unmix(*x).wrapping_sub((p as u64 + 1).wrapping_mul(GOLDEN)))
                .collect();
            assert!(keys.windows(2).all(|k| k[0] == k[1]), "{r} ranks, {n}");
            let got = random_results(&c, n);
            if r == 1 {
                at_one.push(got);
            } else {
                for (g, w) in got.iter().zip(&at_one[k]) {
                    assert!(same(g, w), "{r} ranks, {n}: {g:?} != {w:?}");
                }
            }
        }
        // An unseeded generator is one stream too: its words decode to one key.
        let msg = c
            .cmd(
                "createGenerator<uint64>",
                &[
                    ("has_seed", "bool", "False"),
                    ("seed", "int64", "-1"),
                    ("state", "int64", "1"),
                ],
            )
            .normal()
            .to_string();
        let g = msg.split(' ').nth(1).unwrap().to_string();
        let Vals::U(w) = result_of(
            &c,
            "uniformGenerator<uint64,1>",
            &[
                ("name", "str", &g),
                ("low", "str", "0"),
                ("high", "str", "18446744073709551615"),
                ("shape", "int64", "10"),
                ("state", "int64", "1"),
            ],
        ) else {
            panic!("uint64")
        };
        let keys: Vec<u64> = w
            .iter()
            .enumerate()
            .map(|(p, x)| unmix(*x).wrapping_sub((p as u64 + 1).wrapping_mul(GOLDEN)))
            .collect();
        assert!(keys.windows(2).all(|k| k[0] == k[1]), "{r} ranks");
        // Generator names come from the array counter, in step on every rank.
        let next = put(&c, &Vals::I(vec![1]));
        assert_eq!(counter(&next), counter(&g) + 2);
    }
}

// ---------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------

#[test]
fn operators_casts_and_functions() {
    for r in RANKS {
        let s = server(r);
        let c = s.client();
        for n in LENGTHS {
            let a = ints(n);
            let b: Vec<i64> = (0..n as i64).map(|i| i % 13 - 6).collect();
            let f = floats(n);
            let (an, bn, fname) = (
                put(&c, &Vals::I(a.clone())),
                put(&c, &Vals::I(b.clone())),
                put(&c, &Vals::F(f.clone())),
            );
            let vv = |op: &str, x: &str, y: &str| {
                result_of(
                    &c,
                    "binopvv<int64,int64,1>",
                    &[("op", "str", op), ("a", "int64", x), ("b", "int64", y)],
                )
            };
            let zip = |g: fn(i64, i64) -> i64| -> Vals {
                Vals::I(a.iter().zip(&b).map(|(x, y)| g(*x, *y)).collect())
            };
            assert_eq!(vv("+", &an, &bn), zip(i64::wrapping_add), "{r}, {n}");
            assert_eq!(vv("//", &an, &bn), zip(floordiv));
            assert_eq!(
                result_of(
                    &c,
                    "binopvv<int64,int64,1>",
                    &[("op", "str", "<"), ("a", "int64", &an), ("b", "int64", &bn)],
                ),
                Vals::B(a.iter().zip(&b).map(|(x, y)| x < y).collect())
            );
            // Mixed types: int64 with float64 promotes to float64.
            let got = result_of(
                &c,
                "binopvv<int64,float64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "int64", &an),
                    ("b", "float64", &fname),
                ],
            );
            let want = Vals::F(a.iter().zip(&f).map(|(x, y)| *x as f64 * y).collect());
            assert!(same(&got, &want));
            let got = result_of(
                &c,
                "binopvs<int64,int64,1>",
                &[
                    ("op", "str", "%"),
                    ("a", "int64", &an),
                    ("value", "int64", "7"),
                ],
            );
            assert_eq!(got, Vals::I(a.iter().map(|x| x.rem_euclid(7)).collect()));
            let got = result_of(
                &c,
                "binopsv<float64,float64,1>",
                &[
                    ("op", "str", "-"),
                    ("a", "float64", &fname),
                    ("value", "float64", "1.5"),
                ],
            );
            assert!(same(&got, &Vals::F(f.iter().map(|x| 1.5 - x).collect())));
            // The triad: `b*3` is left deferred when large, then fused.
            let (t, _, _) = created(&c.cmd(
                "binopvs<int64,int64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "int64", &bn),
                    ("value", "int64", "3"),
                ],
            ));
            let got = vv("+", &an, &t);
            let triad = zip(|x, y| x.wrapping_add(y * 3));
            assert_eq!(got, triad, "{r} ranks, triad {n}");
            assert_eq!(
                get(&c, "int64", &t),
                Vals::I(b.iter().map(|y| y * 3).collect())
            );
            // In place.
            c.cmd(
                "opeqvv<int64,int64,1>",
                &[
                    ("op", "str", "-="),
                    ("a", "int64", &an),
                    ("b", "int64", &bn),
                ],
            )
            .expect_normal("");
            let a2: Vec<i64> = a.iter().zip(&b).map(|(x, y)| x.wrapping_sub(*y)).collect();
            assert_eq!(get(&c, "int64", &an), Vals::I(a2.clone()));
            c.cmd(
                "opeqvs<float64,1>",
                &[
                    ("op", "str", "*="),
                    ("a", "float64", &fname),
                    ("value", "float64", "-2.0"),
                ],
            )
            .expect_normal("");
            let f2: Vec<f64> = f.iter().map(|x| x * -2.0).collect();
            assert!(same(&get(&c, "float64", &fname), &Vals::F(f2.clone())));
            // Casts.
            let got = result_of(&c, "cast<float64,int64,1>", &[("name", "float64", &fname)]);
            assert_eq!(got, Vals::I(f2.iter().map(|x| *x as i64).collect()));
            let got = result_of(&c, "cast<int64,uint8,1>", &[("name", "int64", &an)]);
            assert_eq!(got, Vals::U8(a2.iter().map(|x| *x as u8).collect()));
            // Element-wise functions.
            let got = result_of(&c, "sin<float64,1>", &[("x", "float64", &fname)]);
            assert!(same(&got, &Vals::F(f2.iter().map(|x| x.sin()).collect())));
            let got = result_of(&c, "abs<int64,1>", &[("pda", "int64", &an)]);
            assert_eq!(got, Vals::I(a2.iter().map(|x| x.wrapping_abs()).collect()));
            let got = result_of(&c, "popcount<int64,1>", &[("pda", "int64", &an)]);
            assert_eq!(
                got,
                Vals::I(a2.iter().map(|x| x.count_ones() as i64).collect())
            );
            let got = result_of(&c, "isnan<1>", &[("pda", "float64", &fname)]);
            assert_eq!(got, Vals::B(vec![false; n]));
            let got = result_of(
                &c,
                "arctan2vv<float64,1,int64>",
                &[("a", "float64", &fname), ("b", "int64", &bn)],
            );
            let want: Vec<f64> = f2.iter().zip(&b).map(|(y, x)| y.atan2(*x as f64)).collect();
            assert!(same(&got, &Vals::F(want)));
            let got = result_of(
                &c,
                "arctan2vs_int64<float64,1>",
                &[("a", "float64", &fname), ("b", "int64", "-2")],
            );
            assert!(same(
                &got,
                &Vals::F(f2.iter().map(|y| y.atan2(-2.0)).collect())
            ));
            let got = result_of(
                &c,
                "arctan2sv_float64<int64,1>",
                &[("a", "float64", "0.5"), ("b", "int64", &bn)],
            );
            assert!(same(
                &got,
                &Vals::F(b.iter().map(|x| 0.5f64.atan2(*x as f64)).collect())
            ));
            // where, with every form.
            let cond: Vec<bool> = b.iter().map(|x| x % 2 == 0).collect();
            let cn = put(&c, &Vals::B(cond.clone()));
            let pick = |x: &dyn Fn(usize) -> i64, y: &dyn Fn(usize) -> i64| {
                Vals::I((0..n).map(|i| if cond[i] { x(i) } else { y(i) }).collect())
            };
            let got = result_of(
                &c,
                "wherevv<1,int64,int64>",
                &[
                    ("condition", "bool", &cn),
                    ("a", "int64", &an),
                    ("b", "int64", &bn),
                ],
            );
            assert_eq!(got, pick(&|i| a2[i], &|i| b[i]));
            let got = result_of(
                &c,
                "wherevs_int64<1,int64>",
                &[
                    ("condition", "bool", &cn),
                    ("a", "int64", &an),
                    ("b", "int64", "-9"),
                ],
            );
            assert_eq!(got, pick(&|i| a2[i], &|_| -9));
            let got = result_of(
                &c,
                "wheresv_int64<1,int64>",
                &[
                    ("condition", "bool", &cn),
                    ("a", "int64", "4"),
                    ("b", "int64", &bn),
                ],
            );
            assert_eq!(got, pick(&|_| 4, &|i| b[i]));
            // A numeric condition means nonzero.
            let got = result_of(
                &c,
                "wheress_int64_int64<1>",
                &[
                    ("condition", "int64", &bn),
                    ("a", "int64", "1"),
                    ("b", "int64", "0"),
                ],
            );
            assert_eq!(got, Vals::I(b.iter().map(|x| i64::from(*x != 0)).collect()));
        }
    }
}

/// NumPy's floor division of int64: rounded down, 0 for a zero divisor.
fn floordiv(x: i64, y: i64) -> i64 {
    if y == 0 {
        return 0;
    }
    let q = x.wrapping_div(y);
    if x % y != 0 && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}
