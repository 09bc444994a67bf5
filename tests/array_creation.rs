//! Array creation: random arrays (`randint`, `randomNormal`, the Generator
//! commands), `createScalarArray`, and the command sequences the client
//! builds `zeros_like`, `ones_like`, `full_like` and `linspace` from.

mod common;

use common::vals::*;
use common::*;

fn ints(v: Vals) -> Vec<i64> {
    match v {
        Vals::I(v) => v,
        other => panic!("int64 expected, got {other:?}"),
    }
}

fn uints(v: Vals) -> Vec<u64> {
    match v {
        Vals::U(v) => v,
        other => panic!("uint64 expected, got {other:?}"),
    }
}

fn floats(v: Vals) -> Vec<f64> {
    match v {
        Vals::F(v) => v,
        other => panic!("float64 expected, got {other:?}"),
    }
}

fn bools(v: Vals) -> Vec<bool> {
    match v {
        Vals::B(v) => v,
        other => panic!("bool expected, got {other:?}"),
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// `randint<dtype,1>` as `ak.randint(low, high, n, dtype, seed)` sends it
/// (`seed` -1 for none).
fn randint_reply(c: &Client, dtype: &str, n: usize, low: &str, high: &str, seed: &str) -> Reply {
    c.cmd(
        &format!("randint<{dtype},1>"),
        &[
            ("shape", "int64", &n.to_string()),
            ("low", "str", low),
            ("high", "str", high),
            ("seed", "int64", seed),
        ],
    )
}

fn randint(c: &Client, dtype: &str, n: usize, low: &str, high: &str, seed: &str) -> Vals {
    let (name, got_dtype, size) = created(&randint_reply(c, dtype, n, low, high, seed));
    assert_eq!((got_dtype.as_str(), size), (dtype, n));
    get(c, dtype, &name)
}

/// `randomNormal<1>` as `ak.standard_normal(n, seed)` sends it.
fn random_normal(c: &Client, n: usize, seed: &str) -> Vec<f64> {
    floats(result_of(
        c,
        "randomNormal<1>",
        &[("shape", "int64", &n.to_string()), ("seed", "str", seed)],
    ))
}

// ---------------------------------------------------------------------------
// randint / uniform / standard_normal
// ---------------------------------------------------------------------------

#[test]
fn randint_seeds_fix_values_by_position() {
    let server = Server::start();
    let c = server.client();
    let first = ints(randint(&c, "int64", 5, "0", "10", "1"));
    assert_eq!(ints(randint(&c, "int64", 5, "0", "10", "1")), first);
    // A long array (built in parallel chunks) starts with the same values.
    let long = ints(randint(&c, "int64", 300_000, "0", "10", "1"));
    assert_eq!(long[..5], first[..]);
    assert_eq!(ints(randint(&c, "int64", 300_000, "0", "10", "1")), long);
    // Another seed, and no seed, give other values (100 draws from 10
    // values: equal by chance with probability 1e-100).
    let a = ints(randint(&c, "int64", 100, "0", "10", "1"));
    let b = ints(randint(&c, "int64", 100, "0", "10", "2"));
    let u1 = ints(randint(&c, "int64", 100, "0", "10", "-1"));
    let u2 = ints(randint(&c, "int64", 100, "0", "10", "-1"));
    assert_ne!(a, b);
    assert_ne!(u1, u2);
    // The same seed for floats is repeatable too.
    let f = floats(randint(&c, "float64", 50, "0.0", "1.0", "9"));
    assert_eq!(floats(randint(&c, "float64", 50, "0.0", "1.0", "9")), f);
}

#[test]
fn randint_integers_stay_in_bounds_and_are_uniform() {
    let server = Server::start();
    let c = server.client();
    let n = 1_000_000;
    let v = ints(randint(&c, "int64", n, "-5", "5", "-1"));
    let mut counts = [0usize; 10];
    for x in &v {
        assert!((-5..5).contains(x), "{x} outside [-5, 5)");
        counts[(x + 5) as usize] += 1;
    }
    // Expected 100000 each, standard deviation 300.
    assert!(
        counts.iter().all(|k| (97_000..103_000).contains(k)),
        "{counts:?}"
    );
    // One possible value.
    let max = i64::MAX.to_string();
    let one_below = (i64::MAX - 1).to_string();
    assert_eq!(
        ints(randint(&c, "int64", 1000, &one_below, &max, "3")),
        vec![i64::MAX - 1; 1000]
    );
    // The widest range still works and spreads over both signs.
    let wide = ints(randint(&c, "int64", 1000, &i64::MIN.to_string(), &max, "3"));
    assert!(wide.iter().any(|x| *x < 0) && wide.iter().any(|x| *x > 0));
    // uint64 beyond int64, and the top values of uint64.
    let top = u64::MAX.to_string();
    let near = (u64::MAX - 3).to_string();
    let v = uints(randint(&c, "uint64", 10_000, &near, &top, "-1"));
    for k in 0..3 {
        assert!(v.contains(&(u64::MAX - 3 + k)));
    }
    assert!(v.iter().all(|x| (u64::MAX - 3..u64::MAX).contains(x)));
    // uint8 up to 255 (high 256 is exclusive).
    let Vals::U8(v) = randint(&c, "uint8", 10_000, "250", "256", "-1") else {
        panic!("uint8 expected")
    };
    for k in 250..=255u8 {
        assert!(v.contains(&k), "{k} never drawn");
    }
    assert!(v.iter().all(|x| *x >= 250));
}

#[test]
fn randint_floats_and_bools() {
    let server = Server::start();
    let c = server.client();
    let n = 1_000_000;
    // ak.uniform(n, -1, 1) sends the bounds with 17 decimals.
    let v = floats(randint(
        &c,
        "float64",
        n,
        "-1.00000000000000000",
        "1.00000000000000000",
        "-1",
    ));
    assert!(v.iter().all(|x| (-1.0..1.0).contains(x)));
    // Mean 0 with standard deviation 0.0006; both ends reached.
    assert!(mean(&v).abs() < 0.01, "mean {}", mean(&v));
    assert!(v.iter().any(|x| *x < -0.999) && v.iter().any(|x| *x > 0.999));
    let below = v.iter().filter(|x| **x < 0.0).count() as f64 / n as f64;
    assert!((below - 0.5).abs() < 0.01, "{below}");
    // low == high gives low.
    assert_eq!(
        floats(randint(&c, "float64", 3, "2.5", "2.5", "1")),
        vec![2.5; 3]
    );
    // Bools: [0, 1) is all False, [1, 2) all True, [0, 2) both.
    assert_eq!(
        bools(randint(&c, "bool", 1000, "0", "1", "-1")),
        vec![false; 1000]
    );
    assert_eq!(
        bools(randint(&c, "bool", 1000, "1", "2", "-1")),
        vec![true; 1000]
    );
    let v = bools(randint(&c, "bool", n, "0", "2", "5"));
    let t = v.iter().filter(|x| **x).count() as f64 / n as f64;
    assert!((t - 0.5).abs() < 0.01, "{t}");
}

#[test]
fn standard_normal_is_seeded_and_normal() {
    let server = Server::start();
    let c = server.client();
    let a = random_normal(&c, 5, "4");
    assert_eq!(random_normal(&c, 5, "4"), a);
    assert_eq!(random_normal(&c, 200_000, "4")[..5], a[..]);
    assert_ne!(random_normal(&c, 5, "5"), a);
    assert_ne!(random_normal(&c, 5, "None"), random_normal(&c, 5, "None"));
    let n = 1_000_000;
    let v = random_normal(&c, n, "None");
    assert!(v.iter().all(|x| x.is_finite()));
    let m = mean(&v);
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
    // Standard deviations: 0.001 for the mean, 0.0014 for the variance.
    assert!(m.abs() < 0.01, "mean {m}");
    assert!((var - 1.0).abs() < 0.02, "variance {var}");
    let within = v.iter().filter(|x| x.abs() < 1.0).count() as f64 / n as f64;
    assert!((within - 0.6827).abs() < 0.01, "{within}");
}

#[test]
fn random_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let keep = put(&c, &Vals::I(vec![4, 5]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let pre = |cmd: &str| format!("Error executing command {cmd}: ");
    randint_reply(&c, "int64", 5, "5", "5", "1").expect_error(&format!(
        "{}ValueError: low >= high",
        pre("randint<int64,1>")
    ));
    randint_reply(&c, "float64", 5, "2.0", "1.0", "1").expect_error(&format!(
        "{}ValueError: low >= high",
        pre("randint<float64,1>")
    ));
    randint_reply(&c, "uint8", 5, "0", "300", "1").expect_error(&format!(
        "{}ValueError: high is out of bounds for uint8",
        pre("randint<uint8,1>")
    ));
    randint_reply(&c, "uint64", 5, "-1", "3", "1").expect_error(&format!(
        "{}ValueError: low is out of bounds for uint64",
        pre("randint<uint64,1>")
    ));
    randint_reply(&c, "bool", 5, "0", "3", "1").expect_error(&format!(
        "{}ValueError: high is out of bounds for bool",
        pre("randint<bool,1>")
    ));
    randint_reply(&c, "int64", 5, "0", "x", "1").expect_error(&format!(
        "{}TypeError: Json Argument 'x' cannot be cast as a scalar int(64)",
        pre("randint<int64,1>")
    ));
    randint_reply(&c, "int64", 5, "0", "3", "seven").expect_error(&format!(
        "{}TypeError: Json Argument 'seven' cannot be cast as a scalar int(64)",
        pre("randint<int64,1>")
    ));
    c.cmd(
        "randint<int64,1>",
        &[
            ("shape", "int64", "-3"),
            ("low", "int64", "0"),
            ("high", "int64", "3"),
            ("seed", "int64", "1"),
        ],
    )
    .expect_error(&format!(
        "{}ValueError: negative dimension in shape -3",
        pre("randint<int64,1>")
    ));
    let huge = c.cmd(
        "randint<int64,1>",
        &[
            ("shape", "int64", &i64::MAX.to_string()),
            ("low", "int64", "0"),
            ("high", "int64", "3"),
            ("seed", "int64", "1"),
        ],
    );
    assert!(
        huge.error()
            .starts_with("Error executing command randint<int64,1>: OverMemoryLimitError"),
        "{}",
        huge.text()
    );
    c.cmd("randomNormal<1>", &[("shape", "int64", "3")])
        .expect_error(&format!(
            "{}KeyNotFound: JSON argument key Not Found: seed",
            pre("randomNormal<1>")
        ));
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
    assert_eq!(get(&c, "int64", &keep), Vals::I(vec![4, 5]));
}

// ---------------------------------------------------------------------------
// Generators (ak.random.default_rng)
// ---------------------------------------------------------------------------

/// `createGenerator<dtype>` as `default_rng(seed)` sends it; the name.
fn create_generator(c: &Client, dtype: &str, seed: Option<i64>) -> String {
    let (has, seed) = match seed {
        Some(s) => ("True", s.to_string()),
        None => ("False", "-1".to_string()),
    };
    let reply = c.cmd(
        &format!("createGenerator<{dtype}>"),
        &[
            ("has_seed", "bool", has),
            ("seed", "int64", &seed),
            ("state", "int64", "1"),
        ],
    );
    let msg = reply.normal();
    let name = msg
        .strip_prefix("created ")
        .and_then(|m| m.strip_suffix(' '))
        .unwrap_or_else(|| panic!("bad createGenerator reply {msg:?}"));
    assert!(is_symbol_name(name), "{msg:?}");
    name.to_string()
}

fn uniform_reply(
    c: &Client,
    dtype: &str,
    gen_name: &str,
    (low, high): (&str, &str),
    n: usize,
    state: u64,
) -> Reply {
    c.cmd(
        &format!("uniformGenerator<{dtype},1>"),
        &[
            ("name", "str", gen_name),
            ("low", "str", low),
            ("high", "str", high),
            ("shape", "int64", &n.to_string()),
            ("state", "int64", &state.to_string()),
        ],
    )
}

fn uniform(
    c: &Client,
    dtype: &str,
    gen_name: &str,
    bounds: (&str, &str),
    n: usize,
    state: u64,
) -> Vals {
    let (name, got, size) = created(&uniform_reply(c, dtype, gen_name, bounds, n, state));
    assert_eq!((got.as_str(), size), (dtype, n));
    get(c, dtype, &name)
}

fn normal_reply(c: &Client, gen_name: &str, n: usize, state: u64, method: &str) -> Reply {
    c.cmd(
        "standardNormalGenerator<1>",
        &[
            ("name", "str", gen_name),
            ("shape", "int64", &n.to_string()),
            ("method", "str", method),
            ("has_seed", "bool", "True"),
            ("state", "int64", &state.to_string()),
        ],
    )
}

fn normal(c: &Client, gen_name: &str, n: usize, state: u64) -> Vec<f64> {
    let (name, _, _) = created(&normal_reply(c, gen_name, n, state, "ZIG"));
    floats(get(c, "float64", &name))
}

#[test]
fn generators_continue_their_stream() {
    let server = Server::start();
    let c = server.client();
    let g = create_generator(&c, "int64", Some(1));
    // integers(5, 20, 20): the client sends high 19 (inclusive).
    let first = ints(uniform(&c, "int64", &g, ("5", "19"), 20, 1));
    assert!(first.iter().all(|x| (5..=19).contains(x)));
    assert_eq!(ints(uniform(&c, "int64", &g, ("5", "19"), 20, 1)), first);
    // The client adds each call's size to its state: a call at state 6
    // continues the stream from the sixth value on.
    assert_eq!(
        ints(uniform(&c, "int64", &g, ("5", "19"), 15, 6)),
        first[5..]
    );
    let next = ints(uniform(&c, "int64", &g, ("5", "19"), 20, 21));
    assert_ne!(next, first);
    // Another generator with the same seed repeats; one without a seed not.
    let same_seed = create_generator(&c, "int64", Some(1));
    assert_eq!(
        ints(uniform(&c, "int64", &same_seed, ("5", "19"), 20, 1)),
        first
    );
    let unseeded = create_generator(&c, "int64", None);
    let other = create_generator(&c, "int64", None);
    assert_ne!(
        ints(uniform(&c, "int64", &unseeded, ("0", "1000000"), 20, 1)),
        ints(uniform(&c, "int64", &other, ("0", "1000000"), 20, 1))
    );
    // Large calls are positional too.
    let big = ints(uniform(&c, "int64", &g, ("5", "19"), 300_000, 1));
    assert_eq!(big[..20], first[..]);
}

#[test]
fn generator_bounds_and_distributions() {
    let server = Server::start();
    let c = server.client();
    let gi = create_generator(&c, "int64", Some(3));
    let gu = create_generator(&c, "uint64", Some(3));
    let gf = create_generator(&c, "float64", Some(3));
    let gb = create_generator(&c, "bool", Some(3));
    // Integer bounds are inclusive: 3, 4 and 5 all appear, nothing else.
    let v = ints(uniform(&c, "int64", &gi, ("3", "5"), 10_000, 1));
    for k in 3..=5 {
        assert!(v.contains(&k));
    }
    assert!(v.iter().all(|x| (3..=5).contains(x)));
    let top = u64::MAX.to_string();
    let v = uints(uniform(&c, "uint64", &gu, ("0", &top), 1000, 1));
    assert!(v.iter().any(|x| *x > i64::MAX as u64));
    // Floats in [low, high), mean of a million within 0.01 of the middle.
    let n = 1_000_000;
    let v = floats(uniform(&c, "float64", &gf, ("-1", "1"), n, 1));
    assert!(v.iter().all(|x| (-1.0..1.0).contains(x)));
    assert!(mean(&v).abs() < 0.01, "mean {}", mean(&v));
    let v = floats(uniform(&c, "float64", &gf, ("0.0", "1.0"), n, 7));
    assert!((mean(&v) - 0.5).abs() < 0.01, "mean {}", mean(&v));
    // NumPy's uniform(1, 0) draws from (0, 1].
    let v = floats(uniform(&c, "float64", &gf, ("1", "0"), 10_000, 7));
    assert!(v.iter().all(|x| *x > 0.0 && *x <= 1.0));
    // Bools: [0, 1] random, [0, 0] all False, [1, 1] all True.
    let v = bools(uniform(&c, "bool", &gb, ("0", "1"), n, 1));
    let t = v.iter().filter(|x| **x).count() as f64 / n as f64;
    assert!((t - 0.5).abs() < 0.01, "{t}");
    assert_eq!(
        bools(uniform(&c, "bool", &gb, ("False", "False"), 10, 1)),
        vec![false; 10]
    );
    assert_eq!(
        bools(uniform(&c, "bool", &gb, ("1", "1"), 10, 1)),
        vec![true; 10]
    );
    // Normals: two stream words per value, so state 1 + 2k continues at k.
    let a = normal(&c, &gf, 10, 1);
    assert_eq!(normal(&c, &gf, 10, 1), a);
    assert_eq!(normal(&c, &gf, 6, 9), a[4..]);
    let (name, _, _) = created(&normal_reply(&c, &gf, 10, 1, "BOX"));
    assert_eq!(floats(get(&c, "float64", &name)), a);
    let v = normal(&c, &gf, n, 21);
    let m = mean(&v);
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
    assert!(m.abs() < 0.01 && (var - 1.0).abs() < 0.02, "{m} {var}");
}

#[test]
fn generator_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let gi = create_generator(&c, "int64", Some(3));
    let gf = create_generator(&c, "float64", Some(3));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let pre = |cmd: &str| format!("Error executing command {cmd}: ");
    uniform_reply(&c, "int64", "nope", ("0", "5"), 5, 1).expect_error(&format!(
        "{}UnknownSymbolError: unknown symbol: nope",
        pre("uniformGenerator<int64,1>")
    ));
    uniform_reply(&c, "int64", &gf, ("0", "5"), 5, 1).expect_error(&format!(
        "{}ValueError: {gf} is a float64 generator but uniformGenerator<int64,1> was called",
        pre("uniformGenerator<int64,1>")
    ));
    uniform_reply(&c, "int64", &gi, ("5", "4"), 5, 1).expect_error(&format!(
        "{}ValueError: low > high",
        pre("uniformGenerator<int64,1>")
    ));
    uniform_reply(&c, "int64", &gi, ("0", "5"), 5, 0).expect_error(&format!(
        "{}ValueError: generator state 0 is not positive",
        pre("uniformGenerator<int64,1>")
    ));
    normal_reply(&c, &gf, 5, 1, "FOO").expect_error(&format!(
        "{}ValueError: Only ZIG and BOX are supported for method. Received: FOO",
        pre("standardNormalGenerator<1>")
    ));
    normal_reply(&c, &gi, 5, 1, "ZIG").expect_error(&format!(
        "{}ValueError: {gi} is a int64 generator but standardNormalGenerator<1> was called",
        pre("standardNormalGenerator<1>")
    ));
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
    // Deleting a generator makes its name unknown.
    c.cmd("delGenerator", &[("name", "str", &gi)])
        .expect_normal("");
    uniform_reply(&c, "int64", &gi, ("0", "5"), 5, 1).expect_error(&format!(
        "{}UnknownSymbolError: unknown symbol: {gi}",
        pre("uniformGenerator<int64,1>")
    ));
    c.cmd("delGenerator", &[("name", "str", &gi)])
        .expect_error(&format!(
            "{}UnknownSymbolError: unknown symbol: {gi}",
            pre("delGenerator")
        ));
    // The other generator still works.
    assert_eq!(
        floats(uniform(&c, "float64", &gf, ("0", "1"), 3, 1)).len(),
        3
    );
}

// ---------------------------------------------------------------------------
// createScalarArray and the client's compositions
// ---------------------------------------------------------------------------

#[test]
fn scalar_arrays_hold_one_value_with_an_empty_shape() {
    let server = Server::start();
    let c = server.client();
    for (dtype, val, want) in [
        ("int64", "-5", Vals::I(vec![-5])),
        ("uint64", "18446744073709551615", Vals::U(vec![u64::MAX])),
        ("uint8", "200", Vals::U8(vec![200])),
        ("float64", "7.25", Vals::F(vec![7.25])),
        ("bool", "True", Vals::B(vec![true])),
    ] {
        let cmd = format!("createScalarArray<{dtype}>");
        let reply = c.cmd(&cmd, &[("value", dtype, val)]);
        let msg = reply.normal();
        let name = msg.split(' ').nth(1).expect("a name").to_string();
        assert_eq!(
            msg,
            format!("created {name} {dtype} 1 1 [] {}", itemsize(dtype))
        );
        assert_eq!(get(&c, dtype, &name), want);
    }
    let before = info_all(&c);
    c.cmd("createScalarArray<uint8>", &[("value", "uint8", "300")])
        .expect_error(
            "Error executing command createScalarArray<uint8>: TypeError: Json Argument '300' cannot be cast as a scalar uint(8)",
        );
    c.cmd("createScalarArray<int64>", &[]).expect_error(
        "Error executing command createScalarArray<int64>: KeyNotFound: JSON argument key Not Found: value",
    );
    assert_eq!(info_all(&c), before);
}

/// `zeros_like`, `ones_like`, `full_like` and `linspace` need no command of
/// their own: these are the requests the client sends for them.
#[test]
fn like_and_linspace_are_client_compositions() {
    let server = Server::start();
    let c = server.client();
    // ak.zeros_like / ones_like / full_like of a 4-element int64 array:
    // create with the shape as a tuple, then set for ones and full.
    for (fill, want) in [(None, 0), (Some("1"), 1), (Some("7"), 7)] {
        let reply = c.cmd("create<int64,1>", &[("shape", "int64", "[\"4\"]")]);
        let name = expect_created(&reply, "int64", 4);
        if let Some(val) = fill {
            c.cmd(
                "set<int64,1>",
                &[
                    ("array", "int64", &name),
                    ("dtype", "str", "int64"),
                    ("val", "str", val),
                ],
            )
            .expect_normal("");
        }
        assert_eq!(get(&c, "int64", &name), Vals::I(vec![want; 4]));
    }
    // ak.linspace(3, -2, 4, endpoint=False): full(4, 3.0) +
    // arange(4).astype(float64) * -1.25.
    let start = expect_created(
        &c.cmd("create<float64,1>", &[("shape", "int64", "4")]),
        "float64",
        4,
    );
    c.cmd(
        "set<float64,1>",
        &[
            ("array", "float64", &start),
            ("dtype", "str", "float64"),
            ("val", "str", "3.00000000000000000"),
        ],
    )
    .expect_normal("");
    let (idx, _, _) = created(&c.cmd(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", "4"),
            ("step", "int64", "1"),
        ],
    ));
    let (fidx, _, _) = created(&c.cmd("cast<int64,float64,1>", &[("name", "int64", &idx)]));
    let (scaled, _, _) = created(&c.cmd(
        "binopvs<float64,float64,1>",
        &[
            ("op", "str", "*"),
            ("a", "float64", &fidx),
            ("value", "float64", "-1.25"),
        ],
    ));
    let got = result_of(
        &c,
        "binopvv<float64,float64,1>",
        &[
            ("op", "str", "+"),
            ("a", "float64", &start),
            ("b", "float64", &scaled),
        ],
    );
    // np.linspace(3, -2, 4, endpoint=False)
    assert_eq!(got, Vals::F(vec![3.0, 1.75, 0.5, -0.75]));
}

#[test]
fn cmd_map_lists_the_creation_commands() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is an object");
    let dtypes = ["int64", "uint64", "uint8", "float64", "bool"];
    let mut want = vec![
        "randomNormal<1>".to_string(),
        "standardNormalGenerator<1>".to_string(),
        "delGenerator".to_string(),
        // Random strings (`ak.random_strings_*`).
        "randomStrings".to_string(),
    ];
    for d in dtypes {
        want.push(format!("randint<{d},1>"));
        want.push(format!("createGenerator<{d}>"));
        want.push(format!("uniformGenerator<{d},1>"));
        want.push(format!("createScalarArray<{d}>"));
    }
    want.sort();
    let mut got: Vec<String> = map
        .keys()
        .filter(|k| {
            ["randint<", "random", "createGenerator", "uniformGenerator"]
                .iter()
                .chain(&["standardNormal", "delGenerator", "createScalarArray"])
                .any(|p| k.starts_with(p))
        })
        .cloned()
        .collect();
    got.sort();
    assert_eq!(got, want);
}
