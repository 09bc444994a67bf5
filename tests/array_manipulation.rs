//! `deepcopy`, `flatten`, `reshape` and `broadcast` at rank 1, end to end
//! through the binary, with the argument keys the client sends (`x`, `a`,
//! `name` + `shape`). Expectations are NumPy's, written out plainly.

mod common;

use common::vals::*;
use common::*;

/// One sample array of each dtype, 6 elements.
fn samples() -> Vec<Vals> {
    vec![
        Vals::I(vec![5, -3, 0, i64::MAX, i64::MIN, 7]),
        Vals::U(vec![0, 1, u64::MAX, 3, 1 << 63, 5]),
        Vals::U8(vec![0, 1, 2, 255, 4, 5]),
        Vals::F(vec![0.5, -0.0, f64::NAN, f64::INFINITY, 1e300, 0.1]),
        Vals::B(vec![true, false, false, true, true, false]),
    ]
}

/// A one-element array of `v`'s dtype holding `v`'s element 3.
fn single(v: &Vals) -> Vals {
    v.pick(&[3])
}

/// The result name of a `created` reply, after checking dtype and length.
fn made(reply: &Reply, dtype: &str, n: usize) -> String {
    let (name, t, len) = created(reply);
    assert_eq!((t.as_str(), len), (dtype, n), "reply {}", reply.text());
    name
}

#[test]
fn deepcopy_copies_every_dtype_into_an_independent_array() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let t = v.dtype();
        let src = put(&c, &v);
        let reply = c.cmd(&format!("deepcopy<{t},1>"), &[("x", "pdarray", &src)]);
        assert_eq!(
            reply.normal().split(' ').skip(2).collect::<Vec<_>>(),
            [t, "6", "1", "[6]", &itemsize(t).to_string()],
            "{}",
            reply.text()
        );
        let copy = made(&reply, t, 6);
        assert_ne!(copy, src);
        assert!(same(&get(&c, t, &copy), &v), "{t}");
        // Writing into the copy leaves the source as it was, and vice versa.
        let value = if t == "bool" { "True" } else { "2" };
        c.cmd(
            &format!("[int]=val<{t},1>"),
            &[
                ("array", "pdarray", &copy),
                ("idx", "int64", "1"),
                ("value", t, value),
            ],
        )
        .normal();
        assert!(same(&get(&c, t, &src), &v), "{t} source changed");
        let zero = if t == "bool" { "False" } else { "0" };
        c.cmd(
            &format!("[int]=val<{t},1>"),
            &[
                ("array", "pdarray", &src),
                ("idx", "int64", "2"),
                ("value", t, zero),
            ],
        )
        .normal();
        let mut want = v.clone();
        let two = match &v {
            Vals::I(_) => Vals::I(vec![2]),
            Vals::U(_) => Vals::U(vec![2]),
            Vals::U8(_) => Vals::U8(vec![2]),
            Vals::F(_) => Vals::F(vec![2.0]),
            Vals::B(_) => Vals::B(vec![true]),
        };
        want.assign(1, &two, 0);
        assert!(same(&get(&c, t, &copy), &want), "{t} copy");
    }
}

#[test]
fn deepcopy_of_an_empty_array_is_empty() {
    let server = Server::start();
    let c = server.client();
    let src = put(&c, &Vals::F(vec![]));
    let copy = made(
        &c.cmd("deepcopy<float64,1>", &[("x", "pdarray", &src)]),
        "float64",
        0,
    );
    assert_ne!(copy, src);
    assert_eq!(get(&c, "float64", &copy), Vals::F(vec![]));
}

#[test]
fn flatten_and_reshape_at_rank_one_copy_the_elements() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let t = v.dtype();
        let src = put(&c, &v);
        let flat = made(
            &c.cmd(&format!("flatten<{t},1>"), &[("a", "pdarray", &src)]),
            t,
            6,
        );
        assert_ne!(flat, src);
        assert!(same(&get(&c, t, &flat), &v), "flatten {t}");
        // The client sends the shape as a list; `-1` means "the rest".
        // Any negative entry stands for the rest, as in NumPy (`reshape(-2)`).
        for shape in ["[\"6\"]", "[\"-1\"]", "[\"-2\"]", "6"] {
            let out = made(
                &c.cmd(
                    &format!("reshape<{t},1,1>"),
                    &[("name", "pdarray", &src), ("shape", "int64", shape)],
                ),
                t,
                6,
            );
            assert_ne!(out, src);
            assert!(same(&get(&c, t, &out), &v), "reshape {t} {shape}");
        }
    }
    // np.zeros(0).reshape(-1) has shape (0,).
    let empty = put(&c, &Vals::I(vec![]));
    made(
        &c.cmd(
            "reshape<int64,1,1>",
            &[("name", "pdarray", &empty), ("shape", "int64", "[\"-1\"]")],
        ),
        "int64",
        0,
    );
}

#[test]
fn broadcast_keeps_equal_lengths_and_stretches_length_one() {
    let server = Server::start();
    let c = server.client();
    let bc = |t: &str, name: &str, shape: &str| {
        c.cmd(
            &format!("broadcast<{t},1,1>"),
            &[("name", "pdarray", name), ("shape", "int64", shape)],
        )
    };
    for v in samples() {
        let t = v.dtype();
        let src = put(&c, &v);
        let out = made(&bc(t, &src, "[\"6\"]"), t, 6);
        assert_ne!(
            out, src,
            "a broadcast is a new array even when nothing stretches"
        );
        assert!(same(&get(&c, t, &out), &v), "{t} same length");

        let one = single(&v);
        let one_name = put(&c, &one);
        let out = made(&bc(t, &one_name, "[\"4\"]"), t, 4);
        assert!(
            same(&get(&c, t, &out), &one.pick(&[0, 0, 0, 0])),
            "{t} 1 -> 4"
        );
        let out = made(&bc(t, &one_name, "[\"1\"]"), t, 1);
        assert!(same(&get(&c, t, &out), &one), "{t} 1 -> 1");
        // np.broadcast_to(np.zeros(1), (0,)) is an empty array.
        let out = made(&bc(t, &one_name, "[\"0\"]"), t, 0);
        assert_eq!(get(&c, t, &out).len(), 0);
    }
    let empty = put(&c, &Vals::U8(vec![]));
    let out = made(&bc("uint8", &empty, "[\"0\"]"), "uint8", 0);
    assert_eq!(get(&c, "uint8", &out), Vals::U8(vec![]));
}

#[test]
fn a_client_scalar_array_broadcasts_to_a_length() {
    let server = Server::start();
    let c = server.client();
    // createScalarArray answers shape [] but stores one element.
    let reply = c.cmd(
        "createScalarArray<float64>",
        &[("value", "float64", "-2.5")],
    );
    let name = reply.normal().split(' ').nth(1).unwrap().to_string();
    let out = made(
        &c.cmd(
            "broadcast<float64,1,1>",
            &[("name", "pdarray", &name), ("shape", "int64", "[\"3\"]")],
        ),
        "float64",
        3,
    );
    assert_eq!(get(&c, "float64", &out), Vals::F(vec![-2.5; 3]));
}

#[test]
fn large_arrays_are_copied_and_filled_completely() {
    let server = Server::start();
    let c = server.client();
    let n = 200_003usize;
    let v = Vals::I((0..n as i64).map(|i| i * 7 - 3).collect());
    let src = put(&c, &v);
    let used = mem_used(&c, 1, false);
    let copy = made(
        &c.cmd("deepcopy<int64,1>", &[("x", "pdarray", &src)]),
        "int64",
        n,
    );
    // The copy is accounted like any new array.
    assert_eq!(mem_used(&c, 1, false), used + 8 * n as u64);
    assert_eq!(get(&c, "int64", &copy), v);
    let shape = format!("[\"{n}\"]");
    let out = made(
        &c.cmd(
            "broadcast<int64,1,1>",
            &[("name", "pdarray", &src), ("shape", "int64", &shape)],
        ),
        "int64",
        n,
    );
    assert_eq!(get(&c, "int64", &out), v);
    let flat = made(
        &c.cmd("flatten<int64,1>", &[("a", "pdarray", &src)]),
        "int64",
        n,
    );
    assert_eq!(get(&c, "int64", &flat), v);

    let one = put(&c, &Vals::F(vec![0.1]));
    let out = made(
        &c.cmd(
            "broadcast<float64,1,1>",
            &[("name", "pdarray", &one), ("shape", "int64", &shape)],
        ),
        "float64",
        n,
    );
    assert_eq!(get(&c, "float64", &out), Vals::F(vec![0.1; n]));
    let bools = put(&c, &Vals::B(vec![true]));
    let out = made(
        &c.cmd(
            "broadcast<bool,1,1>",
            &[("name", "pdarray", &bools), ("shape", "int64", &shape)],
        ),
        "bool",
        n,
    );
    assert_eq!(get(&c, "bool", &out), Vals::B(vec![true; n]));
}

#[test]
fn bad_requests_are_errors_that_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let five = put(&c, &Vals::I(vec![1, 2, 3, 4, 5]));
    let empty = put(&c, &Vals::I(vec![]));
    let floats = put(&c, &Vals::F(vec![1.0]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let pre = |cmd: &str| format!("Error executing command {cmd}: ");
    let bc = |name: &str, shape: &str| {
        c.cmd(
            "broadcast<int64,1,1>",
            &[("name", "pdarray", name), ("shape", "int64", shape)],
        )
    };
    let reshape = |name: &str, shape: &str| {
        c.cmd(
            "reshape<int64,1,1>",
            &[("name", "pdarray", name), ("shape", "int64", shape)],
        )
    };
    let b = pre("broadcast<int64,1,1>");
    bc(&five, "[\"4\"]").expect_error(&format!("{b}ValueError: Invalid broadcast: (5,) -> (4,)"));
    bc(&five, "[\"1\"]").expect_error(&format!("{b}ValueError: Invalid broadcast: (5,) -> (1,)"));
    bc(&empty, "[\"3\"]").expect_error(&format!("{b}ValueError: Invalid broadcast: (0,) -> (3,)"));
    bc(&five, "[\"-5\"]").expect_error(&format!("{b}ValueError: Invalid broadcast: (5,) -> (-5,)"));
    bc(&five, "[\"1\", \"5\"]").expect_error(&format!(
        "{b}ValueError: shape [\"1\", \"5\"] does not have 1 dimension(s)"
    ));
    bc(&five, "[\"x\"]").expect_error(&format!(
        "{b}TypeError: Json Argument 'x' cannot be cast as a scalar int(64)"
    ));
    bc("nope", "[\"5\"]").expect_error(&format!("{b}UnknownSymbolError: unknown symbol: nope"));
    c.cmd("broadcast<int64,1,1>", &[("name", "pdarray", &five)])
        .expect_error(&format!(
            "{b}KeyNotFound: JSON argument key Not Found: shape"
        ));
    c.cmd(
        "broadcast<int64,1,1>",
        &[("name", "pdarray", &floats), ("shape", "int64", "[\"5\"]")],
    )
    .expect_error(&format!(
        "{b}ValueError: {floats} holds float64 but broadcast<int64,1,1> was called"
    ));

    let r = pre("reshape<int64,1,1>");
    let mismatch = |shape: &str| {
        format!(
            "{r}ValueError: Cannot reshape array of shape (5,) into shape {shape}. The total number of elements must match"
        )
    };
    reshape(&five, "[\"4\"]").expect_error(&mismatch("(4,)"));
    reshape(&five, "[\"-1\", \"-1\"]").expect_error(&format!(
        "{r}ValueError: shape [\"-1\", \"-1\"] does not have 1 dimension(s)"
    ));
    reshape(&five, "[\"0\"]").expect_error(&mismatch("(0,)"));
    reshape(&five, "[\"5\", \"1\"]").expect_error(&format!(
        "{r}ValueError: shape [\"5\", \"1\"] does not have 1 dimension(s)"
    ));

    let d = pre("deepcopy<float64,1>");
    c.cmd("deepcopy<float64,1>", &[("x", "pdarray", &five)])
        .expect_error(&format!(
            "{d}ValueError: {five} holds int64 but deepcopy<float64,1> was called"
        ));
    c.cmd("deepcopy<float64,1>", &[("a", "pdarray", &floats)])
        .expect_error(&format!("{d}KeyNotFound: JSON argument key Not Found: x"));
    let f = pre("flatten<int64,1>");
    c.cmd("flatten<int64,1>", &[("a", "pdarray", "nope")])
        .expect_error(&format!("{f}UnknownSymbolError: unknown symbol: nope"));
    c.cmd("flatten<int64,1>", &[("x", "pdarray", &five)])
        .expect_error(&format!("{f}KeyNotFound: JSON argument key Not Found: a"));
    // Only rank 1 is registered.
    c.cmd(
        "reshape<int64,1,2>",
        &[
            ("name", "pdarray", &five),
            ("shape", "int64", "[\"5\",\"1\"]"),
        ],
    )
    .expect_error("Unrecognized command: reshape<int64,1,2>");

    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
}

#[test]
fn flip_reverses_every_dtype_along_axis_zero() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let t = v.dtype();
        let src = put(&c, &v);
        let reversed = v.pick(&[5, 4, 3, 2, 1, 0]);
        let all = made(
            &c.cmd(&format!("flipAll<{t},1>"), &[("name", "pdarray", &src)]),
            t,
            6,
        );
        assert_ne!(all, src);
        assert!(same(&get(&c, t, &all), &reversed), "flipAll {t}");
        // The client's flip(a, axis=0) and flip(a, axis=-1).
        for axis in ["[\"0\"]", "[\"-1\"]"] {
            let out = made(
                &c.cmd(
                    &format!("flip<{t},1>"),
                    &[
                        ("name", "pdarray", &src),
                        ("nAxes", "int64", "1"),
                        ("axis", "int64", axis),
                    ],
                ),
                t,
                6,
            );
            assert!(same(&get(&c, t, &out), &reversed), "flip {t} {axis}");
        }
        // np.flip(a, axis=()) keeps the order.
        let out = made(
            &c.cmd(
                &format!("flip<{t},1>"),
                &[
                    ("name", "pdarray", &src),
                    ("nAxes", "int64", "0"),
                    ("axis", "int64", "[]"),
                ],
            ),
            t,
            6,
        );
        assert_ne!(out, src);
        assert!(same(&get(&c, t, &out), &v), "flip {t} no axes");
        assert!(same(&get(&c, t, &src), &v), "flip {t} changed its input");
    }
    let n = 100_003usize;
    let big = Vals::U((0..n as u64).map(|i| i * 3).collect());
    let src = put(&c, &big);
    let out = made(
        &c.cmd("flipAll<uint64,1>", &[("name", "pdarray", &src)]),
        "uint64",
        n,
    );
    let want = Vals::U((0..n as u64).rev().map(|i| i * 3).collect());
    assert_eq!(get(&c, "uint64", &out), want);
    let empty = put(&c, &Vals::B(vec![]));
    let out = made(
        &c.cmd("flipAll<bool,1>", &[("name", "pdarray", &empty)]),
        "bool",
        0,
    );
    assert_eq!(get(&c, "bool", &out), Vals::B(vec![]));
}

#[test]
fn flip_rejects_bad_axes_and_changes_nothing() {
    let server = Server::start();
    let c = server.client();
    let five = put(&c, &Vals::I(vec![1, 2, 3, 4, 5]));
    let before = info_all(&c);
    let used = mem_used(&c, 1, false);
    let flip = |n: &str, axis: &str| {
        c.cmd(
            "flip<int64,1>",
            &[
                ("name", "pdarray", &five),
                ("nAxes", "int64", n),
                ("axis", "int64", axis),
            ],
        )
    };
    let pre = "Error executing command flip<int64,1>: ValueError: ";
    flip("1", "[\"1\"]").expect_error(&format!(
        "{pre}Unable to flip array with shape (5,) along axes [1]"
    ));
    flip("1", "[\"-2\"]").expect_error(&format!(
        "{pre}Unable to flip array with shape (5,) along axes [-2]"
    ));
    flip("2", "[\"0\", \"-1\"]").expect_error(&format!(
        "{pre}Unable to flip array with shape (5,) along axes [0, -1]"
    ));
    flip("2", "[\"0\"]").expect_error(&format!("{pre}nAxes is 2 but axis lists 1 axes"));
    c.cmd("flipAll<float64,1>", &[("name", "pdarray", &five)])
        .expect_error(&format!(
            "Error executing command flipAll<float64,1>: ValueError: {five} holds int64 but flipAll<float64,1> was called"
        ));
    c.cmd("flipAll<int64,1>", &[("name", "pdarray", "nope")])
        .expect_error(
            "Error executing command flipAll<int64,1>: UnknownSymbolError: unknown symbol: nope",
        );
    assert_eq!(info_all(&c), before);
    assert_eq!(mem_used(&c, 1, false), used);
}
