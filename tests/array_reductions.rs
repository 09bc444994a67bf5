//! Statistics (`meanAll`, `varAll`, `stdAll`), index reductions
//! (`argminAll`, `argmaxAll`), `isSortedAll` and the scans (`cumSum`,
//! `cumProd`), end to end through the binary. Float constants were computed
//! with NumPy 2 (`np.mean`, `np.var`, `np.std`, `np.nanvar`, ...) from the
//! same formulas as the generators below.

mod common;

use common::vals::*;
use common::*;

const DTYPES: [&str; 5] = ["int64", "uint64", "uint8", "float64", "bool"];

/// `varAll`-style request as the client sends it; the reply msg.
fn stat(c: &Client, kind: &str, v: &Vals, name: &str, ddof: &str, skip_nan: bool) -> String {
    let dtype = v.dtype();
    let skip = if skip_nan { "True" } else { "False" };
    let mut args = vec![("x", dtype, name), ("skipNan", "bool", skip)];
    if kind != "mean" {
        args.push(("ddof", "int64", ddof));
    }
    c.cmd(&format!("{kind}All<{dtype},1>"), &args)
        .normal()
        .to_string()
}

/// The value of a `float64 <value>` reply.
fn float_of(msg: &str) -> f64 {
    let text = msg
        .strip_prefix("float64 ")
        .unwrap_or_else(|| panic!("not a float64 scalar: {msg}"));
    text.parse()
        .unwrap_or_else(|_| panic!("bad float text: {msg}"))
}

/// Bit-exact float comparison (NaNs equal).
fn assert_float(msg: &str, want: f64, what: &str) {
    let got = float_of(msg);
    assert!(
        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
        "{what}: got {msg}, want {want:?}"
    );
}

// Deterministic data, generated identically in the NumPy script that gave
// the constants: k = (i * 7919) % 1013.
fn k(i: usize) -> i64 {
    (i as i64 * 7919) % 1013
}
fn gen_f(n: usize) -> Vals {
    Vals::F((0..n).map(|i| k(i) as f64 / 3.0 - 150.0).collect())
}
fn gen_i(n: usize) -> Vals {
    Vals::I(
        (0..n)
            .map(|i| (k(i) - 506) * (1 << 50) + i as i64 * 12345)
            .collect(),
    )
}
fn gen_u(n: usize) -> Vals {
    Vals::U(
        (0..n)
            .map(|i| u64::MAX - k(i) as u64 * (1 << 50) - i as u64)
            .collect(),
    )
}
fn gen_u8(n: usize) -> Vals {
    Vals::U8((0..n).map(|i| ((i * 7919) % 251) as u8).collect())
}
fn gen_b(n: usize) -> Vals {
    Vals::B((0..n).map(|i| (i * 7919) % 3 == 0).collect())
}

#[test]
fn mean_var_std_are_numpys_bit_for_bit() {
    let server = Server::start();
    let c = server.client();
    // (generator, n, np.mean, np.var, np.std(ddof=1)); 200_003 elements go
    // through the parallel paths.
    type Gen = fn(usize) -> Vals;
    let cases: [(Gen, usize, f64, f64, f64); 15] = [
        (
            gen_f,
            10,
            11.466666666666661,
            9405.448888888886,
            102.22768101366721,
        ),
        (gen_f, 1000, 18.962, 9506.700556, 97.5510982653336),
        (
            gen_f,
            200003,
            18.66720499192512,
            9501.570066714758,
            97.47624107488973,
        ),
        (
            gen_i,
            10,
            -2.4319437987745124e16,
            1.0730540636474743e35,
            3.452944095900827e17,
        ),
        (
            gen_i,
            1000,
            997547323628893.8,
            1.0846057199402262e35,
            3.2949831734799155e17,
        ),
        (
            gen_i,
            200003,
            1819535587381.0208,
            1.0840203898361784e35,
            3.292454722367381e17,
        ),
        (
            gen_u,
            10,
            1.7901358158834985e19,
            1.0730540636474341e35,
            3.452944095900762e17,
        ),
        (
            gen_u,
            1000,
            1.787604117352972e19,
            1.0846057199403097e35,
            3.294983173480043e17,
        ),
        (
            gen_u,
            200003,
            1.7877036902546012e19,
            1.0840203898363385e35,
            3.292454722367625e17,
        ),
        (gen_u8, 10, 119.0, 6011.0, 81.72446933990388),
        (gen_u8, 1000, 124.872, 5253.493616000001, 72.51725565938337),
        (
            gen_u8,
            200003,
            125.00026999595006,
            5250.015009701956,
            72.45716844808736,
        ),
        (gen_b, 10, 0.4, 0.24, 0.5163977794943222),
        (gen_b, 1000, 0.334, 0.22244400000000009, 0.4718756898449704),
        (
            gen_b,
            200003,
            0.3333349999750004,
            0.22222277776666685,
            0.4714062885340465,
        ),
    ];
    for (generate, n, mean, var, std1) in cases {
        let v = generate(n);
        let name = put(&c, &v);
        let what = format!("{} n={n}", v.dtype());
        assert_float(&stat(&c, "mean", &v, &name, "", false), mean, &what);
        assert_float(&stat(&c, "var", &v, &name, "0", false), var, &what);
        assert_float(&stat(&c, "std", &v, &name, "1", false), std1, &what);
    }
    // Pairwise summation: ten 0.1s sum to exactly 1.0 (a plain loop gives
    // 0.9999999999999999), so the mean is 0.1 and the variance 0.
    let tenths = Vals::F(vec![0.1; 10]);
    let t = put(&c, &tenths);
    assert_eq!(stat(&c, "mean", &tenths, &t, "", false), "float64 0.1");
    assert_eq!(stat(&c, "var", &tenths, &t, "0", false), "float64 0.0");
}

#[test]
fn var_and_std_follow_numpy_on_ddof_and_empty_arrays() {
    let server = Server::start();
    let c = server.client();
    let two = Vals::F(vec![1.0, 2.0]);
    let t = put(&c, &two);
    // Divisor max(n - ddof, 0): 0.5 / 0 is inf; negative ddof enlarges it.
    assert_eq!(stat(&c, "var", &two, &t, "0", false), "float64 0.25");
    assert_eq!(stat(&c, "var", &two, &t, "1", false), "float64 0.5");
    assert_eq!(stat(&c, "var", &two, &t, "2", false), "float64 inf");
    assert_eq!(stat(&c, "var", &two, &t, "3", false), "float64 inf");
    let three = Vals::F(vec![1.0, 2.0, 4.0]);
    let th = put(&c, &three);
    assert_float(
        &stat(&c, "std", &three, &th, "-1", false),
        1.0801234497346432,
        "std ddof=-1",
    );
    // One element with ddof 1: 0 / 0.
    let one = Vals::I(vec![7]);
    let o = put(&c, &one);
    assert_eq!(stat(&c, "var", &one, &o, "1", false), "float64 nan");
    assert_eq!(stat(&c, "mean", &one, &o, "", false), "float64 7.0");
    // Empty arrays give NaN (NumPy warns "Mean of empty slice").
    for dtype in DTYPES {
        let e = create(&c, dtype, 0);
        let v = Vals::from_bytes(dtype, &[]);
        for kind in ["mean", "var", "std"] {
            assert_eq!(
                stat(&c, kind, &v, &e, "0", false),
                "float64 nan",
                "{kind} {dtype}"
            );
        }
    }
    // Bool arrays count true as 1; uint64 beyond int64 is read as unsigned.
    let b = Vals::B(vec![true, false, true, true]);
    let bn = put(&c, &b);
    assert_eq!(stat(&c, "mean", &b, &bn, "", false), "float64 0.75");
    assert_eq!(stat(&c, "var", &b, &bn, "0", false), "float64 0.1875");
    let u = Vals::U(vec![1 << 63, 1 << 63]);
    let un = put(&c, &u);
    assert_eq!(
        stat(&c, "mean", &u, &un, "", false),
        "float64 9.223372036854776e+18"
    );
}

#[test]
fn skip_nan_gives_nanmean_and_nanvar() {
    let server = Server::start();
    let c = server.client();
    let v = Vals::F(vec![1.5, f64::NAN, -2.25, 4.0, f64::NAN, 0.1]);
    let n = put(&c, &v);
    for kind in ["mean", "var", "std"] {
        assert_eq!(stat(&c, kind, &v, &n, "0", false), "float64 nan", "{kind}");
    }
    // np.nanmean, np.nanvar, np.nanstd(ddof=1), np.nanvar(ddof=3.5).
    assert_float(&stat(&c, "mean", &v, &n, "", true), 0.8375, "nanmean");
    assert_float(&stat(&c, "var", &v, &n, "0", true), 5.12921875, "nanvar");
    assert_float(
        &stat(&c, "std", &v, &n, "1", true),
        2.615140212939515,
        "nanstd",
    );
    let r = c.cmd(
        "varAll<float64,1>",
        &[
            ("x", "float64", &n),
            ("ddof", "float64", "3.5"),
            ("skipNan", "bool", "True"),
        ],
    );
    assert_float(r.normal(), 41.03375, "nanvar ddof=3.5");
    // Four values left: ddof 4 leaves no degrees of freedom, which is NaN
    // for nanvar (not inf as for var).
    assert_eq!(stat(&c, "var", &v, &n, "4", true), "float64 nan");
    let nans = Vals::F(vec![f64::NAN; 3]);
    let nn = put(&c, &nans);
    assert_eq!(stat(&c, "mean", &nans, &nn, "", true), "float64 nan");
    // skipNan means nothing for integers.
    let i = Vals::I(vec![1, 2, 3, 4]);
    let inn = put(&c, &i);
    assert_eq!(stat(&c, "var", &i, &inn, "0", true), "float64 1.25");
}

/// `argminAll`/`argmaxAll` reply msg.
fn arg(c: &Client, kind: &str, dtype: &str, name: &str) -> String {
    c.cmd(&format!("{kind}All<{dtype},1>"), &[("x", dtype, name)])
        .normal()
        .to_string()
}

#[test]
fn argmin_and_argmax_give_the_first_index() {
    let server = Server::start();
    let c = server.client();
    let cases = [
        (Vals::I(vec![5, -3, 9, -3, 9, 0]), 1, 2),
        (Vals::U(vec![7, u64::MAX, 0, 3, 0, u64::MAX]), 2, 1),
        (Vals::U8(vec![4, 4, 255, 1, 255, 1]), 3, 2),
        (Vals::B(vec![true, false, true, false]), 1, 0),
        (Vals::B(vec![true, true]), 0, 0),
        (Vals::F(vec![0.5, -1.0, 3.0, -1.0, 3.0]), 1, 2),
        // -0.0 equals 0.0: the first of them wins.
        (Vals::F(vec![1.0, 0.0, -0.0, 2.0]), 1, 3),
        // The first NaN wins both, as in NumPy.
        (Vals::F(vec![3.0, f64::NAN, 1.0, f64::NAN, 9.0]), 1, 1),
        (Vals::F(vec![f64::NEG_INFINITY, 2.0, f64::INFINITY]), 0, 2),
    ];
    for (v, lo, hi) in cases {
        let name = put(&c, &v);
        assert_eq!(
            arg(&c, "argmin", v.dtype(), &name),
            format!("int64 {lo}"),
            "{v:?}"
        );
        assert_eq!(
            arg(&c, "argmax", v.dtype(), &name),
            format!("int64 {hi}"),
            "{v:?}"
        );
    }
    // Large arrays: ties across chunks keep the earliest index.
    let n = 200_003usize;
    let mut big: Vec<i64> = (0..n as i64).map(|i| i % 1000).collect();
    big[150_000] = -5;
    big[190_000] = -5;
    big[170_001] = 5000;
    let b = put(&c, &Vals::I(big.clone()));
    assert_eq!(arg(&c, "argmin", "int64", &b), "int64 150000");
    assert_eq!(arg(&c, "argmax", "int64", &b), "int64 170001");
    let mut f: Vec<f64> = (0..n).map(|i| (i % 977) as f64).collect();
    f[123_456] = f64::NAN;
    f[199_999] = f64::NAN;
    let fname = put(&c, &Vals::F(f.clone()));
    assert_eq!(arg(&c, "argmin", "float64", &fname), "int64 123456");
    assert_eq!(arg(&c, "argmax", "float64", &fname), "int64 123456");
    // Without NaNs: the first 0 and the first 976.
    f[123_456] = 1.0;
    f[199_999] = 1.0;
    let fname = put(&c, &Vals::F(f));
    assert_eq!(arg(&c, "argmin", "float64", &fname), "int64 0");
    assert_eq!(arg(&c, "argmax", "float64", &fname), "int64 976");
    let bools = put(&c, &Vals::B((0..n).map(|i| i >= 100_000).collect()));
    assert_eq!(arg(&c, "argmax", "bool", &bools), "int64 100000");
    assert_eq!(arg(&c, "argmin", "bool", &bools), "int64 0");
}

#[test]
fn argmin_of_empty_and_bad_requests_are_errors() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    for dtype in DTYPES {
        let e = create(&c, dtype, 0);
        for kind in ["argmin", "argmax"] {
            c.cmd(&format!("{kind}All<{dtype},1>"), &[("x", dtype, &e)])
                .expect_error(&format!(
                    "Error executing command {kind}All<{dtype},1>: ValueError: attempt to get {kind} of an empty sequence"
                ));
        }
        c.cmd("delete", &[("name", "str", &e)]).normal();
    }
    c.cmd("argminAll<float64,1>", &[("x", "float64", &i)])
        .expect_error(&format!(
            "Error executing command argminAll<float64,1>: ValueError: {i} holds int64 but argminAll<float64,1> was called"
        ));
    c.cmd("argmaxAll<int64,1>", &[("x", "int64", "nope")])
        .expect_error(
            "Error executing command argmaxAll<int64,1>: UnknownSymbolError: unknown symbol: nope",
        );
    c.cmd(
        "varAll<int64,1>",
        &[("x", "int64", &i), ("skipNan", "bool", "False")],
    )
    .expect_error(
        "Error executing command varAll<int64,1>: KeyNotFound: JSON argument key Not Found: ddof",
    );
    c.cmd(
        "stdAll<int64,1>",
        &[("x", "int64", &i), ("ddof", "str", "one"), ("skipNan", "bool", "False")],
    )
    .expect_error(
        "Error executing command stdAll<int64,1>: TypeError: Json Argument 'one' cannot be cast as a scalar real(64)",
    );
    c.cmd("meanAll<uint8,1>", &[("x", "uint8", &i), ("skipNan", "bool", "False")])
        .expect_error(&format!(
            "Error executing command meanAll<uint8,1>: ValueError: {i} holds int64 but meanAll<uint8,1> was called"
        ));
    assert_eq!(info_all(&c), before);
}

/// `isSortedAll` reply msg, with the client's arguments.
fn sorted(c: &Client, v: &Vals) -> String {
    let name = put(c, v);
    let dtype = v.dtype();
    let msg = c
        .cmd(
            &format!("isSortedAll<{dtype},1>"),
            &[("x", dtype, &name), ("skipNan", "bool", "False")],
        )
        .normal()
        .to_string();
    // With one locale, sorted locally is the same question.
    let local = c.cmd(
        &format!("isSortedLocallyAll<{dtype},1>"),
        &[("x", dtype, &name), ("skipNan", "bool", "False")],
    );
    local.expect_normal(&msg);
    c.cmd("delete", &[("name", "str", &name)]).normal();
    msg
}

#[test]
fn is_sorted_means_non_decreasing_in_numpys_sort_order() {
    let server = Server::start();
    let c = server.client();
    let yes = "bool True";
    let no = "bool False";
    let cases = [
        (Vals::I(vec![-3, -3, 0, 7]), yes),
        (Vals::I(vec![-3, 0, -1]), no),
        (Vals::I(vec![]), yes),
        (Vals::I(vec![4]), yes),
        (Vals::U(vec![0, 1 << 63, u64::MAX]), yes),
        (Vals::U(vec![u64::MAX, 0]), no),
        (Vals::U8(vec![0, 0, 255]), yes),
        (Vals::U8(vec![1, 0]), no),
        (Vals::B(vec![false, false, true, true]), yes),
        (Vals::B(vec![true, false]), no),
        (
            Vals::F(vec![f64::NEG_INFINITY, -1.5, -0.0, 0.0, f64::INFINITY]),
            yes,
        ),
        (Vals::F(vec![0.0, -0.0]), yes),
        // NaN sorts last, as np.sort puts it.
        (Vals::F(vec![1.0, 2.0, f64::NAN, f64::NAN]), yes),
        (Vals::F(vec![1.0, f64::NAN, 2.0]), no),
        (Vals::F(vec![f64::NAN, 1.0]), no),
        (Vals::F(vec![2.0, 1.0]), no),
    ];
    for (v, want) in cases {
        assert_eq!(sorted(&c, &v), want, "{v:?}");
    }
    // Large arrays: one descent anywhere, also at the seams of the chunks
    // (halves, thirds, quarters, ... of the length), is found.
    let n = 262_144usize;
    let base: Vec<i64> = (0..n as i64).map(|i| i / 3).collect();
    assert_eq!(sorted(&c, &Vals::I(base.clone())), yes);
    let mut seams: Vec<usize> = (2..=8)
        .flat_map(|t| (1..t).map(move |j| n * j / t))
        .collect();
    seams.extend([1, n - 1]);
    seams.sort();
    seams.dedup();
    for p in seams {
        for at in [p - 1, p] {
            if at == 0 {
                continue;
            }
            let mut v = base.clone();
            v[at] = v[at - 1] - 1;
            assert_eq!(sorted(&c, &Vals::I(v)), no, "descent at {at}");
        }
    }
}

/// `cumSum`/`cumProd` as the client sends it; the new array.
fn scan(c: &Client, kind: &str, v: &Vals, include_initial: bool) -> Vals {
    let name = put(c, v);
    let dtype = v.dtype();
    let init = if include_initial { "True" } else { "False" };
    let out = result_of(
        c,
        &format!("{kind}<{dtype},1>"),
        &[
            ("x", dtype, &name),
            ("axis", "int64", "0"),
            ("includeInitial", "bool", init),
        ],
    );
    c.cmd("delete", &[("name", "str", &name)]).normal();
    out
}

/// Running values of `op`, the first element taken as it is.
fn running<T: Copy>(v: &[T], op: impl Fn(T, T) -> T) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        let next = match out.last() {
            Some(a) => op(*a, *x),
            None => *x,
        };
        out.push(next);
    }
    out
}

#[test]
fn cumsum_and_cumprod_give_numpy_types_and_values() {
    let server = Server::start();
    let c = server.client();
    let i = vec![3i64, -7, i64::MAX, 2, 0, 5];
    assert_eq!(
        scan(&c, "cumSum", &Vals::I(i.clone()), false),
        Vals::I(running(&i, i64::wrapping_add))
    );
    assert_eq!(
        scan(&c, "cumProd", &Vals::I(i.clone()), false),
        Vals::I(running(&i, i64::wrapping_mul))
    );
    let u = vec![u64::MAX, 2, 1 << 63, 3];
    assert_eq!(
        scan(&c, "cumSum", &Vals::U(u.clone()), false),
        Vals::U(running(&u, u64::wrapping_add))
    );
    assert_eq!(
        scan(&c, "cumProd", &Vals::U(u.clone()), false),
        Vals::U(running(&u, u64::wrapping_mul))
    );
    // uint8 widens to uint64 (np.cumprod of [200, 100, 7] is [200 20000 140000]).
    assert_eq!(
        scan(&c, "cumProd", &Vals::U8(vec![200, 100, 7]), false),
        Vals::U(vec![200, 20000, 140000])
    );
    assert_eq!(
        scan(&c, "cumSum", &Vals::U8(vec![200, 100, 255]), false),
        Vals::U(vec![200, 300, 555])
    );
    // bool counts as int64.
    let b = Vals::B(vec![true, false, true, true]);
    assert_eq!(scan(&c, "cumSum", &b, false), Vals::I(vec![1, 1, 2, 3]));
    assert_eq!(scan(&c, "cumProd", &b, false), Vals::I(vec![1, 0, 0, 0]));
    // Floats add in sequence, as NumPy (np.cumsum of this array).
    let f = Vals::F(vec![0.1, 0.7, 1e16, -1e16, 0.3, 3.3]);
    let want = Vals::F(vec![
        0.1,
        0.7999999999999999,
        1e16,
        0.0,
        0.3,
        3.5999999999999996,
    ]);
    assert!(same(&scan(&c, "cumSum", &f, false), &want));
    // A leading -0.0 is kept; NaN and inf propagate.
    let z = Vals::F(vec![-0.0, -0.0, f64::INFINITY, 1.0, f64::NAN, 2.0]);
    let want = Vals::F(vec![
        -0.0,
        -0.0,
        f64::INFINITY,
        f64::INFINITY,
        f64::NAN,
        f64::NAN,
    ]);
    assert!(same(&scan(&c, "cumSum", &z, false), &want));
    let p = Vals::F(vec![-0.5, 4.0, -0.0, 3.0]);
    let want = Vals::F(vec![-0.5, -2.0, 0.0, 0.0]);
    assert!(same(&scan(&c, "cumProd", &p, false), &want));
    // includeInitial puts the identity first.
    assert_eq!(
        scan(&c, "cumSum", &Vals::I(vec![4, 5]), true),
        Vals::I(vec![0, 4, 9])
    );
    assert_eq!(
        scan(&c, "cumProd", &Vals::U8(vec![4, 5]), true),
        Vals::U(vec![1, 4, 20])
    );
    assert!(same(
        &scan(&c, "cumProd", &Vals::F(vec![0.5, 3.0]), true),
        &Vals::F(vec![1.0, 0.5, 1.5])
    ));
    // Empty in, empty (or just the identity) out, with the result's type.
    assert_eq!(scan(&c, "cumSum", &Vals::B(vec![]), false), Vals::I(vec![]));
    assert_eq!(
        scan(&c, "cumProd", &Vals::U8(vec![]), true),
        Vals::U(vec![1])
    );
    // axis -1 is the same axis at rank 1.
    let name = put(&c, &Vals::I(vec![1, 2, 3]));
    let got = result_of(
        &c,
        "cumSum<int64,1>",
        &[
            ("x", "int64", &name),
            ("axis", "int64", "-1"),
            ("includeInitial", "bool", "False"),
        ],
    );
    assert_eq!(got, Vals::I(vec![1, 3, 6]));
}

#[test]
fn scans_of_large_arrays_are_exact() {
    let server = Server::start();
    let c = server.client();
    let n = 300_007usize;
    // Integers wrap; the two-pass scan must still be exact everywhere.
    let i: Vec<i64> = (0..n as i64)
        .map(|x| (x * 2_654_435_761 % 1_000_003 - 500_000).wrapping_mul(40_000_000_000_000))
        .collect();
    assert_eq!(
        scan(&c, "cumSum", &Vals::I(i.clone()), false),
        Vals::I(running(&i, i64::wrapping_add))
    );
    let odd: Vec<i64> = (0..n as i64).map(|x| 2 * (x % 1000) + 3).collect();
    assert_eq!(
        scan(&c, "cumProd", &Vals::I(odd.clone()), false),
        Vals::I(running(&odd, i64::wrapping_mul))
    );
    let u8s: Vec<u8> = (0..n).map(|x| (x % 256) as u8).collect();
    let wide: Vec<u64> = u8s.iter().map(|x| u64::from(*x)).collect();
    let mut want = running(&wide, u64::wrapping_add);
    want.insert(0, 0);
    assert_eq!(scan(&c, "cumSum", &Vals::U8(u8s), true), Vals::U(want));
    let bools: Vec<bool> = (0..n).map(|x| x % 7 < 3).collect();
    let ones: Vec<i64> = bools.iter().map(|x| i64::from(*x)).collect();
    assert_eq!(
        scan(&c, "cumSum", &Vals::B(bools), false),
        Vals::I(running(&ones, i64::wrapping_add))
    );
    // Floats whose every partial sum (product) is exactly representable give
    // the sequential answer exactly, however the scan is grouped.
    let quarters: Vec<f64> = (0..n).map(|x| ((x % 37) as f64 - 18.0) * 0.25).collect();
    let got = scan(&c, "cumSum", &Vals::F(quarters.clone()), false);
    assert!(same(&got, &Vals::F(running(&quarters, |a, b| a + b))));
    let twos: Vec<f64> = (0..n).map(|x| [2.0, -0.5, 1.0, 0.5, -2.0][x % 5]).collect();
    let got = scan(&c, "cumProd", &Vals::F(twos.clone()), true);
    let mut want = running(&twos, |a, b| a * b);
    want.insert(0, 1.0);
    assert!(same(&got, &Vals::F(want)));
    // Arbitrary floats: within rounding of the sequential sum.
    let wild: Vec<f64> = (0..n).map(|x| ((x * 7919) % 1013) as f64 / 7.0).collect();
    let Vals::F(got) = scan(&c, "cumSum", &Vals::F(wild.clone()), false) else {
        panic!("cumSum of float64 must be float64");
    };
    for (g, w) in got.iter().zip(running(&wild, |a, b| a + b)) {
        assert!((g - w).abs() <= w.abs() * 1e-12, "{g} vs {w}");
    }
}

#[test]
fn scans_written_past_the_cache_are_exact() {
    // A 36 MB result: large enough for non-temporal stores; with and without
    // the initial element, so the stores start at both alignments.
    let server = Server::start();
    let c = server.client();
    let n = 4_500_001usize;
    let i: Vec<i64> = (0..n as i64).map(|x| x * 7 % 1001 - 500).collect();
    let run = running(&i, i64::wrapping_add);
    assert_eq!(
        scan(&c, "cumSum", &Vals::I(i.clone()), false),
        Vals::I(run.clone())
    );
    let mut want = run;
    want.insert(0, 0);
    assert_eq!(scan(&c, "cumSum", &Vals::I(i), true), Vals::I(want));
}

#[test]
fn scan_errors_are_named_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    let run = |cmd: &str, args: &[(&str, &str, &str)]| c.cmd(cmd, args);
    run(
        "cumSum<int64,1>",
        &[("x", "int64", &i), ("axis", "int64", "1"), ("includeInitial", "bool", "False")],
    )
    .expect_error(
        "Error executing command cumSum<int64,1>: ValueError: axis 1 is out of bounds for array of dimension 1",
    );
    run(
        "cumProd<int64,1>",
        &[("x", "int64", &i), ("axis", "int64", "-2"), ("includeInitial", "bool", "False")],
    )
    .expect_error(
        "Error executing command cumProd<int64,1>: ValueError: axis -2 is out of bounds for array of dimension 1",
    );
    run(
        "cumSum<float64,1>",
        &[("x", "float64", &i), ("axis", "int64", "0"), ("includeInitial", "bool", "False")],
    )
    .expect_error(&format!(
        "Error executing command cumSum<float64,1>: ValueError: {i} holds int64 but cumSum<float64,1> was called"
    ));
    run("cumSum<int64,1>", &[("x", "int64", &i), ("axis", "int64", "0")]).expect_error(
        "Error executing command cumSum<int64,1>: KeyNotFound: JSON argument key Not Found: includeInitial",
    );
    run(
        "cumProd<int64,1>",
        &[
            ("x", "int64", "nope"),
            ("axis", "int64", "0"),
            ("includeInitial", "bool", "False"),
        ],
    )
    .expect_error(
        "Error executing command cumProd<int64,1>: UnknownSymbolError: unknown symbol: nope",
    );
    assert_eq!(info_all(&c), before);
}

#[test]
fn every_dtype_has_every_command() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is an object");
    for dtype in DTYPES {
        for kind in [
            "meanAll",
            "varAll",
            "stdAll",
            "argminAll",
            "argmaxAll",
            "isSortedAll",
            "isSortedLocallyAll",
            "cumSum",
            "cumProd",
            "sumAll",
        ] {
            let cmd = format!("{kind}<{dtype},1>");
            assert!(map.contains_key(&cmd), "{cmd} is not registered");
        }
    }
}

#[test]
fn float_sums_are_numpys_bit_for_bit() {
    // (n, np.sum(v), np.nansum(v with every 97th element NaN)), from NumPy 2
    // with v = (k / 7.0) * (1.0 + i * 1e-6). Summed in order, or in two
    // halves, the 200_003 elements give ...184 instead of ...143.
    let server = Server::start();
    let c = server.client();
    let cases = [
        (1000, 72448.41270528571, 71624.36629542858),
        (200_003, 15903144.433866143, 15738987.90642757),
    ];
    for (n, sum, nansum) in cases {
        let v: Vec<f64> = (0..n)
            .map(|i| (k(i) as f64 / 7.0) * (1.0 + i as f64 * 1e-6))
            .collect();
        let name = put(&c, &Vals::F(v.clone()));
        let args = [
            ("x", "float64", name.as_str()),
            ("skipNan", "bool", "False"),
        ];
        let msg = c.cmd("sumAll<float64,1>", &args).normal().to_string();
        assert_float(&msg, sum, &format!("sum of {n}"));
        let mut w = v;
        for x in w.iter_mut().step_by(97) {
            *x = f64::NAN;
        }
        let name = put(&c, &Vals::F(w));
        let args = [("x", "float64", name.as_str()), ("skipNan", "bool", "True")];
        let msg = c.cmd("sumAll<float64,1>", &args).normal().to_string();
        assert_float(&msg, nansum, &format!("nansum of {n}"));
    }
}

/// `diff<dtype,1>` as the client sends it.
fn diff(c: &Client, dtype: &str, name: &str, n: i64, axis: i64) -> Reply {
    c.cmd(
        &format!("diff<{dtype},1>"),
        &[
            ("x", dtype, name),
            ("n", "int64", &n.to_string()),
            ("axis", "int64", &axis.to_string()),
        ],
    )
}

#[test]
fn diff_gives_numpy_values_and_errors() {
    let server = Server::start();
    let c = server.client();
    // Each case: input, n, np.diff's answer (NumPy 2).
    let cases = [
        (Vals::I(vec![1, 2, 4, 7, 0]), 1, Vals::I(vec![1, 2, 3, -7])),
        (Vals::I(vec![1, 2, 4, 7, 0]), 2, Vals::I(vec![1, 1, -10])),
        (
            Vals::I(vec![1, 2, 4, 7, 0]),
            0,
            Vals::I(vec![1, 2, 4, 7, 0]),
        ),
        (Vals::I(vec![1, 2, 3]), 3, Vals::I(vec![])),
        (Vals::I(vec![1, 2, 3]), 7, Vals::I(vec![])),
        (
            Vals::I(vec![i64::MAX, i64::MIN, 5]),
            1,
            Vals::I(vec![1, -9223372036854775803]),
        ),
        (Vals::U(vec![0, u64::MAX, 3]), 1, Vals::U(vec![u64::MAX, 4])),
        (Vals::U8(vec![3, 250, 1]), 1, Vals::U8(vec![247, 7])),
        (
            Vals::B(vec![true, true, false, true, false, false]),
            1,
            Vals::B(vec![false, true, true, true, false]),
        ),
        (
            Vals::B(vec![true, true, false, true, false, false]),
            2,
            Vals::B(vec![true, false, false, true]),
        ),
        (
            Vals::F(vec![
                0.1,
                0.7,
                f64::INFINITY,
                f64::INFINITY,
                f64::NAN,
                -0.0,
                0.0,
            ]),
            1,
            Vals::F(vec![0.6, f64::INFINITY, f64::NAN, f64::NAN, f64::NAN, 0.0]),
        ),
    ];
    for (v, n, want) in cases {
        let name = put(&c, &v);
        let d = v.dtype();
        for axis in [0, -1] {
            let (out, dtype, len) = created(&diff(&c, d, &name, n, axis));
            assert_eq!((dtype.as_str(), len), (d, want.len()), "{d} n={n}");
            assert!(same(&get(&c, d, &out), &want), "{d} n={n} axis={axis}");
        }
    }
    let name = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    diff(&c, "int64", &name, -1, 0).expect_error(
        "Error executing command diff<int64,1>: ValueError: order must be non-negative but got -1",
    );
    diff(&c, "int64", &name, 1, 1).expect_error(
        "Error executing command diff<int64,1>: ValueError: axis 1 is out of bounds for array of dimension 1",
    );
    assert_eq!(info_all(&c), before, "a failed diff changes nothing");
}

/// `histogram` as the client sends it.
fn histogram(c: &Client, name: &str, bins: i64, lo: &str, hi: &str) -> Reply {
    c.cmd(
        "histogram",
        &[
            ("array", "int64", name),
            ("bins", "int64", &bins.to_string()),
            ("minVal", "float64", lo),
            ("maxVal", "float64", hi),
        ],
    )
}

#[test]
fn histogram_counts_as_numpy_and_rejects_what_the_original_does() {
    let server = Server::start();
    let c = server.client();
    let v = put(&c, &Vals::I(vec![10, 12, 15, 15, 20, 29, 30, 31, 9, 14]));
    // np.histogram(v, bins, range=(lo, hi))[0]
    for (bins, lo, hi, want) in [
        (4, "10", "30", vec![3, 2, 1, 2]),
        (4, "15", "20", vec![2, 0, 0, 1]),
        (1, "9", "31", vec![10]),
        (3, "40", "50", vec![0, 0, 0]),
    ] {
        let (name, dtype, len) = created(&histogram(&c, &v, bins, lo, hi));
        assert_eq!((dtype.as_str(), len), ("int64", bins as usize));
        assert_eq!(get(&c, "int64", &name), Vals::I(want), "{bins} {lo} {hi}");
    }
    // NaN and values outside the range count nowhere; the top edge counts
    // in the last bin.
    let f = put(
        &c,
        &Vals::F(vec![0.0, 0.25, 0.5, 1.0, f64::NAN, -0.1, f64::INFINITY]),
    );
    let (name, _, _) = created(&histogram(&c, &f, 2, "0.0", "1.0"));
    assert_eq!(get(&c, "int64", &name), Vals::I(vec![2, 2]));
    let u = put(&c, &Vals::U(vec![u64::MAX, 0, 1 << 63]));
    let (name, _, _) = created(&histogram(&c, &u, 2, "0", "1.8446744073709552e19"));
    assert_eq!(get(&c, "int64", &name), Vals::I(vec![1, 2]));

    let b = put(&c, &Vals::B(vec![true]));
    let before = info_all(&c);
    histogram(&c, &b, 2, "0", "1").expect_error(
        "Error executing command histogram: NotImplementedError: histogram: bool not implemented",
    );
    histogram(&c, &v, 0, "0", "1").expect_error(
        "Error executing command histogram: ValueError: bins must be 1 or greater, not 0",
    );
    assert_eq!(info_all(&c), before, "a failed histogram changes nothing");
}

/// `allclose` as the client sends it: the `bool ...` reply.
fn allclose(c: &Client, a: &Vals, b: &Vals, rtol: &str, atol: &str, equal_nan: bool) -> Reply {
    let (na, nb) = (put(c, a), put(c, b));
    let (ta, tb) = (a.dtype(), b.dtype());
    c.cmd(
        &format!("allclose<{ta},1,{tb},1>"),
        &[
            ("a", ta, &na),
            ("b", tb, &nb),
            ("rtol", "float64", rtol),
            ("atol", "float64", atol),
            (
                "equal_nan",
                "bool",
                if equal_nan { "True" } else { "False" },
            ),
        ],
    )
}

#[test]
fn allclose_answers_as_numpy() {
    let server = Server::start();
    let c = server.client();
    let f = |v: &[f64]| Vals::F(v.to_vec());
    let inf = f64::INFINITY;
    // (a, b, rtol, atol, equal_nan, np.allclose's answer)
    let cases = [
        (
            f(&[1.0, 2.0, 3.0]),
            f(&[1.0, 2.00001, 2.99999]),
            "1e-05",
            "1e-08",
            false,
            true,
        ),
        (f(&[1.0]), f(&[1.0001]), "1e-05", "1e-08", false, false),
        (f(&[1.0]), f(&[1.0001]), "0.001", "0.0", false, true),
        (
            f(&[inf, -inf]),
            f(&[inf, -inf]),
            "1e-05",
            "1e-08",
            false,
            true,
        ),
        (f(&[inf]), f(&[-inf]), "1e-05", "1e-08", false, false),
        (
            f(&[f64::NAN]),
            f(&[f64::NAN]),
            "1e-05",
            "1e-08",
            false,
            false,
        ),
        (f(&[f64::NAN]), f(&[f64::NAN]), "1e-05", "1e-08", true, true),
        (f(&[]), f(&[]), "1e-05", "1e-08", false, true),
        (
            Vals::I(vec![1, 2, 3]),
            f(&[1.0, 2.0, 3.00001]),
            "1e-05",
            "1e-08",
            false,
            true,
        ),
        (
            Vals::B(vec![true, false]),
            Vals::U8(vec![1, 0]),
            "0",
            "0",
            false,
            true,
        ),
        (
            Vals::U(vec![u64::MAX]),
            Vals::I(vec![i64::MAX]),
            "1e-05",
            "1e-08",
            false,
            false,
        ),
    ];
    for (a, b, rtol, atol, nan, want) in cases {
        let text = if want { "bool True" } else { "bool False" };
        allclose(&c, &a, &b, rtol, atol, nan).expect_normal(text);
    }
    allclose(&c, &f(&[1.0]), &f(&[1.0, 2.0]), "1e-05", "1e-08", false).expect_error(
        "Error executing command allclose<float64,1,float64,1>: ValueError: a and b must have the same shape",
    );
}
