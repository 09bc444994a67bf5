//! Indexing (`[int]`, `[slice]`, `[pdarray]` and their assignments) and
//! `cast`, end to end through the binary. Expectations are NumPy's, written
//! out plainly (or computed with NumPy 2 on x86-64 where noted).

mod common;

use common::vals::*;
use common::*;

/// One sample array of each dtype, 10 elements.
fn samples() -> Vec<Vals> {
    vec![
        Vals::I(vec![5, -3, 0, i64::MAX, i64::MIN, 7, 8, -9, 10, 11]),
        Vals::U(vec![0, 1, u64::MAX, 3, 4, 5, 6, 7, 8, 1 << 63]),
        Vals::U8(vec![0, 1, 2, 255, 4, 5, 6, 7, 8, 9]),
        Vals::F(vec![
            0.5,
            -1.25,
            f64::NAN,
            f64::INFINITY,
            1e300,
            -0.0,
            6.0,
            0.1,
            8.0,
            9.5,
        ]),
        Vals::B(vec![
            true, false, false, true, true, false, true, false, true, true,
        ]),
    ]
}

// ---------------------------------------------------------------------------
// Scalar indices
// ---------------------------------------------------------------------------

#[test]
fn int_index_gets_every_dtype_with_negative_indices() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let name = put(&c, &v);
        let cmd = format!("[int]<{},1>", v.dtype());
        for i in 0..10usize {
            for idx in [i.to_string(), format!("[{i}]"), (i as i64 - 10).to_string()] {
                let r = c.cmd(&cmd, &[("array", "str", &name), ("idx", "int64", &idx)]);
                assert_eq!(r.normal(), scalar_reply(&v, i), "{cmd} idx {idx}");
            }
        }
    }
    let r = c.cmd(
        "[int]<float64,1>",
        &[
            ("array", "str", &put(&c, &Vals::F(vec![0.1, 1.0, 1e20]))),
            ("idx", "int64", "2"),
        ],
    );
    r.expect_normal("float64 1e+20");
}

#[test]
fn int_index_assignment_changes_one_element_in_place() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let name = put(&c, &v);
        let mem = mem_used(&c, 1, false);
        let cmd = format!("[int]=val<{},1>", v.dtype());
        let mut want = v.clone();
        // Write element 9's value at 0 and element 0's old value at -1 (= 9).
        for (idx, pos, from) in [("0", 0, 9), ("-1", 9, 0)] {
            let val = value_text(&v, from);
            c.cmd(
                &cmd,
                &[
                    ("array", "str", &name),
                    ("idx", "int64", idx),
                    ("value", v.dtype(), &val),
                    ("max_bits", "int64", "0"),
                ],
            )
            .expect_normal("");
            want.assign(pos, &v, from);
            assert!(same(&get(&c, v.dtype(), &name), &want), "{cmd} idx {idx}");
        }
        assert_eq!(mem_used(&c, 1, false), mem, "no new memory for {cmd}");
    }
}

#[test]
fn int_index_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let v = Vals::I(vec![1, 2, 3]);
    let name = put(&c, &v);
    let before = info_all(&c);
    let get_cmd = |idx: &str| {
        c.cmd(
            "[int]<int64,1>",
            &[("array", "str", &name), ("idx", "int64", idx)],
        )
    };
    let set = |cmd: &str, arr: &str, idx: &str, val: &str| {
        c.cmd(
            cmd,
            &[
                ("array", "str", arr),
                ("idx", "int64", idx),
                ("value", "int64", val),
                ("max_bits", "int64", "0"),
            ],
        )
    };
    for idx in ["3", "-4", "9223372036854775807"] {
        get_cmd(idx).expect_error(&format!(
            "Error executing command [int]<int64,1>: IndexError: index {idx} is out of bounds for axis 0 with size 3"
        ));
        set("[int]=val<int64,1>", &name, idx, "7").expect_error(&format!(
            "Error executing command [int]=val<int64,1>: IndexError: index {idx} is out of bounds for axis 0 with size 3"
        ));
    }
    get_cmd("x").expect_error(
        "Error executing command [int]<int64,1>: ValueError: argument 'idx' is not a JSON list: x",
    );
    c.cmd(
        "[int]<int64,1>",
        &[("array", "str", "nope"), ("idx", "int64", "0")],
    )
    .expect_error(
        "Error executing command [int]<int64,1>: UnknownSymbolError: unknown symbol: nope",
    );
    c.cmd("[int]<float64,1>", &[("array", "str", &name), ("idx", "int64", "0")])
        .expect_error(&format!(
            "Error executing command [int]<float64,1>: ValueError: {name} holds int64 but [int]<float64,1> was called"
        ));
    set("[int]=val<float64,1>", &name, "0", "1.5").expect_error(&format!(
        "Error executing command [int]=val<float64,1>: ValueError: {name} holds int64 but [int]=val<float64,1> was called"
    ));
    set("[int]=val<int64,1>", &name, "0", "1.5").expect_error(
        "Error executing command [int]=val<int64,1>: TypeError: Json Argument '1.5' cannot be cast as a scalar int(64)",
    );
    set("[int]=val<int64,1>", "nope", "0", "1").expect_error(
        "Error executing command [int]=val<int64,1>: UnknownSymbolError: unknown symbol: nope",
    );
    c.cmd("[int]=val<int64,1>", &[("array", "str", &name), ("idx", "int64", "0")])
        .expect_error("Error executing command [int]=val<int64,1>: KeyNotFound: JSON argument key Not Found: value");
    assert_eq!(info_all(&c), before);
    assert_eq!(get(&c, "int64", &name), v);
}

// ---------------------------------------------------------------------------
// Slices
// ---------------------------------------------------------------------------

/// `slice(...).indices(10)` of slices the client may send.
const SLICES: [(i64, i64, i64); 10] = [
    (0, 10, 1),  // [:]
    (2, 8, 1),   // [2:8]
    (9, -1, -1), // [::-1]
    (8, 1, -3),  // [8:1:-3]
    (1, 10, 4),  // [1::4]
    (5, 2, 1),   // [5:2] (empty)
    (7, 10, 1),  // [-3:]
    (9, -1, -2), // [::-2]
    (3, 3, -1),  // empty backwards
    (0, 10, 20), // one element
];

#[test]
fn slices_follow_python_ranges() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let name = put(&c, &v);
        let cmd = format!("[slice]<{},1>", v.dtype());
        for s in SLICES {
            let t = texts(s);
            let mut args = slice_args(&name, &t);
            args.push(("max_bits", "int64", "0"));
            let got = result_of(&c, &cmd, &args);
            let want = v.pick(&py_range(s.0, s.1, s.2));
            assert!(same(&got, &want), "{cmd} {s:?}: {got:?} != {want:?}");
        }
        // The rank-n list form of the bounds.
        let got = result_of(
            &c,
            &cmd,
            &[
                ("array", "str", &name),
                ("starts", "int64", "[9]"),
                ("stops", "int64", "[0]"),
                ("strides", "int64", "[-4]"),
            ],
        );
        assert!(same(&got, &v.pick(&[9, 5, 1])), "{cmd} list form");
    }
    // Empty array, the client's [:] and [::-1] of it.
    let e = put(&c, &Vals::I(vec![]));
    for s in [(0, 0, 1), (-1, -1, -1)] {
        let t = texts(s);
        assert_eq!(
            result_of(&c, "[slice]<int64,1>", &slice_args(&e, &t)),
            Vals::I(vec![])
        );
    }
}

#[test]
fn slice_assignments_write_the_selected_elements() {
    let server = Server::start();
    let c = server.client();
    for v in samples() {
        let d = v.dtype();
        for s in SLICES {
            let positions = py_range(s.0, s.1, s.2);
            let t = texts(s);
            // [slice]=val with element 1's value.
            let name = put(&c, &v);
            let val = value_text(&v, 1);
            let mut args = slice_args(&name, &t);
            args.push(("value", d, &val));
            args.push(("max_bits", "int64", "0"));
            c.cmd(&format!("[slice]=val<{d},1>"), &args)
                .expect_normal("");
            let mut want = v.clone();
            for p in &positions {
                want.assign(*p, &v, 1);
            }
            assert!(same(&get(&c, d, &name), &want), "[slice]=val<{d},1> {s:?}");
            // [slice]=pdarray with the first elements of the sample, reversed.
            let name = put(&c, &v);
            let src_pos: Vec<usize> = (0..positions.len()).rev().collect();
            let src = v.pick(&src_pos);
            let src_name = put(&c, &src);
            let mut args = slice_args(&name, &t);
            args.push(("value", "str", &src_name));
            c.cmd(&format!("[slice]=pdarray<{d},{d},1>"), &args)
                .expect_normal("");
            let mut want = v.clone();
            for (k, p) in positions.iter().enumerate() {
                want.assign(*p, &src, k);
            }
            assert!(same(&get(&c, d, &name), &want), "[slice]=pdarray {d} {s:?}");
        }
    }
    // a[::-1] = a reads the old values; a value of another type is cast.
    let a = put(&c, &Vals::I(vec![1, 2, 3, 4]));
    let t = texts((3, -1, -1));
    let mut args = slice_args(&a, &t);
    args.push(("value", "str", &a));
    c.cmd("[slice]=pdarray<int64,int64,1>", &args)
        .expect_normal("");
    assert_eq!(get(&c, "int64", &a), Vals::I(vec![4, 3, 2, 1]));
    let f = put(&c, &Vals::F(vec![-1.5, 2.9]));
    let t = texts((1, 3, 1));
    let mut args = slice_args(&a, &t);
    args.push(("value", "str", &f));
    c.cmd("[slice]=pdarray<int64,float64,1>", &args)
        .expect_normal("");
    assert_eq!(get(&c, "int64", &a), Vals::I(vec![4, -1, 2, 1]));
}

#[test]
fn slice_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let v = Vals::F(vec![1.0, 2.0, 3.0]);
    let name = put(&c, &v);
    let two = put(&c, &Vals::F(vec![7.0, 8.0]));
    let before = info_all(&c);
    let bad = [
        (
            (0, 3, 0),
            "ValueError: slice step cannot be zero".to_string(),
        ),
        (
            (0, 4, 1),
            "IndexError: slice 0:4:1 is out of bounds for axis 0 with size 3".into(),
        ),
        (
            (-1, 2, 1),
            "IndexError: slice -1:2:1 is out of bounds for axis 0 with size 3".into(),
        ),
        (
            (3, -1, -1),
            "IndexError: slice 3:-1:-1 is out of bounds for axis 0 with size 3".into(),
        ),
    ];
    for (s, err) in &bad {
        let t = texts(*s);
        c.cmd("[slice]<float64,1>", &slice_args(&name, &t))
            .expect_error(&format!(
                "Error executing command [slice]<float64,1>: {err}"
            ));
        let mut args = slice_args(&name, &t);
        args.push(("value", "float64", "5.0"));
        c.cmd("[slice]=val<float64,1>", &args)
            .expect_error(&format!(
                "Error executing command [slice]=val<float64,1>: {err}"
            ));
        let mut args = slice_args(&name, &t);
        args.push(("value", "str", &two));
        c.cmd("[slice]=pdarray<float64,float64,1>", &args)
            .expect_error(&format!(
                "Error executing command [slice]=pdarray<float64,float64,1>: {err}"
            ));
    }
    let t = texts((0, 3, 1));
    let mut args = slice_args(&name, &t);
    args.push(("value", "str", &two));
    c.cmd("[slice]=pdarray<float64,float64,1>", &args).expect_error(&format!(
        "Error executing command [slice]=pdarray<float64,float64,1>: ValueError: size mismatch: the slice has 3 elements but {two} has 2"
    ));
    let mut args = slice_args(&name, &t);
    args.push(("value", "str", &two));
    c.cmd("[slice]=pdarray<float64,int64,1>", &args).expect_error(&format!(
        "Error executing command [slice]=pdarray<float64,int64,1>: ValueError: {two} holds float64 but [slice]=pdarray<float64,int64,1> was called"
    ));
    c.cmd("[slice]<int64,1>", &slice_args(&name, &t)).expect_error(&format!(
        "Error executing command [slice]<int64,1>: ValueError: {name} holds float64 but [slice]<int64,1> was called"
    ));
    c.cmd("[slice]<float64,1>", &slice_args("nope", &t))
        .expect_error(
            "Error executing command [slice]<float64,1>: UnknownSymbolError: unknown symbol: nope",
        );
    let mut args = slice_args(&name, &t);
    args.push(("value", "float64", "abc"));
    c.cmd("[slice]=val<float64,1>", &args).expect_error(
        "Error executing command [slice]=val<float64,1>: TypeError: Json Argument 'abc' cannot be cast as a scalar real(64)",
    );
    assert_eq!(info_all(&c), before);
    assert_eq!(get(&c, "float64", &name), v);
    assert_eq!(get(&c, "float64", &two), Vals::F(vec![7.0, 8.0]));
}

// ---------------------------------------------------------------------------
// Index arrays
// ---------------------------------------------------------------------------

const MASK: [bool; 10] = [
    true, false, false, true, true, false, false, false, true, false,
];

#[test]
fn gather_and_compress_every_dtype() {
    let server = Server::start();
    let c = server.client();
    let signed = put(&c, &Vals::I(vec![3, 0, 9, -1, -10, 4, 4]));
    let unsigned = put(&c, &Vals::U(vec![9, 0, 2, 2]));
    let mask = put(&c, &Vals::B(MASK.to_vec()));
    let empty = put(&c, &Vals::I(vec![]));
    for v in samples() {
        let name = put(&c, &v);
        let gather = |idx: &str| {
            result_of(
                &c,
                "[pdarray]",
                &[("array", "str", &name), ("idx", "str", idx)],
            )
        };
        let got = gather(&signed);
        assert!(same(&got, &v.pick(&[3, 0, 9, 9, 0, 4, 4])), "{got:?}");
        assert!(same(&gather(&unsigned), &v.pick(&[9, 0, 2, 2])));
        assert!(same(&gather(&mask), &v.pick(&[0, 3, 4, 8])));
        assert!(same(&gather(&empty), &v.pick(&[])));
    }
}

#[test]
fn scatter_values_and_arrays() {
    let server = Server::start();
    let c = server.client();
    let signed = put(&c, &Vals::I(vec![7, -1, 2, 7]));
    let unsigned = put(&c, &Vals::U(vec![5, 0]));
    let mask = put(&c, &Vals::B(MASK.to_vec()));
    // (index name, positions written in order)
    let cases = [
        (signed.clone(), vec![7usize, 9, 2, 7]),
        (unsigned.clone(), vec![5, 0]),
        (mask.clone(), vec![0, 3, 4, 8]),
    ];
    for v in samples() {
        let d = v.dtype();
        for (idx, positions) in &cases {
            // [pdarray]=val with element 1's value.
            let name = put(&c, &v);
            c.cmd(
                "[pdarray]=val",
                &[
                    ("array", "str", &name),
                    ("idx", "str", idx),
                    ("dtype", "str", d),
                    ("value", d, &value_text(&v, 1)),
                ],
            )
            .expect_normal("setPdarrayIndexToValueMsg success");
            let mut want = v.clone();
            for p in positions {
                want.assign(*p, &v, 1);
            }
            assert!(
                same(&get(&c, d, &name), &want),
                "[pdarray]=val {d} {positions:?}"
            );
            // [pdarray]=pdarray with the sample's first elements.
            let name = put(&c, &v);
            let src_pos: Vec<usize> = (0..positions.len()).collect();
            let src = v.pick(&src_pos);
            let src_name = put(&c, &src);
            c.cmd(
                "[pdarray]=pdarray",
                &[
                    ("array", "str", &name),
                    ("idx", "str", idx),
                    ("value", "str", &src_name),
                ],
            )
            .expect_normal("setPdarrayIndexToPdarrayMsg success");
            let mut want = v.clone();
            for (k, p) in positions.iter().enumerate() {
                want.assign(*p, &src, k);
            }
            assert!(
                same(&get(&c, d, &name), &want),
                "[pdarray]=pdarray {d} {positions:?}"
            );
        }
    }
    // Values of another type are converted as `cast` does.
    let a = put(&c, &Vals::U8(vec![0; 10]));
    let f = put(&c, &Vals::F(vec![300.7, -1.0]));
    c.cmd(
        "[pdarray]=pdarray",
        &[
            ("array", "str", &a),
            ("idx", "str", &unsigned),
            ("value", "str", &f),
        ],
    )
    .expect_normal("setPdarrayIndexToPdarrayMsg success");
    assert_eq!(
        get(&c, "uint8", &a),
        Vals::U8(vec![255, 0, 0, 0, 0, 44, 0, 0, 0, 0])
    );
}

#[test]
fn index_array_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let v = Vals::I(vec![1, 2, 3]);
    let name = put(&c, &v);
    let too_big = put(&c, &Vals::I(vec![0, 3]));
    let too_small = put(&c, &Vals::I(vec![-4, 0]));
    let too_big_u = put(&c, &Vals::U(vec![1, 5]));
    let short_mask = put(&c, &Vals::B(vec![true, false]));
    let float_idx = put(&c, &Vals::F(vec![0.0]));
    let one = put(&c, &Vals::I(vec![9]));
    let before = info_all(&c);
    let oob = |i: &str| format!("IndexError: index {i} is out of bounds for axis 0 with size 3");
    let cases = [
        (too_big.clone(), oob("3")),
        (too_small.clone(), oob("-4")),
        (too_big_u.clone(), oob("5")),
        (
            short_mask.clone(),
            "IndexError: boolean index did not match indexed array along axis 0; size of axis is 3 but size of corresponding boolean axis is 2".to_string(),
        ),
        (
            float_idx.clone(),
            format!("TypeError: index array {float_idx} holds float64; arrays used as indices must be of integer (int64, uint64) or boolean type"),
        ),
        (
            "nope".to_string(),
            "UnknownSymbolError: unknown symbol: nope".to_string(),
        ),
    ];
    for (idx, err) in &cases {
        c.cmd("[pdarray]", &[("array", "str", &name), ("idx", "str", idx)])
            .expect_error(&format!("Error executing command [pdarray]: {err}"));
        c.cmd(
            "[pdarray]=val",
            &[
                ("array", "str", &name),
                ("idx", "str", idx),
                ("dtype", "str", "int64"),
                ("value", "int64", "5"),
            ],
        )
        .expect_error(&format!("Error executing command [pdarray]=val: {err}"));
        c.cmd(
            "[pdarray]=pdarray",
            &[
                ("array", "str", &name),
                ("idx", "str", idx),
                ("value", "str", &too_big),
            ],
        )
        .expect_error(&format!("Error executing command [pdarray]=pdarray: {err}"));
    }
    assert_eq!(info_all(&c), before);
    assert_eq!(get(&c, "int64", &name), v);
    let ok_idx = put(&c, &Vals::I(vec![0, 2]));
    let before2 = info_all(&c);
    c.cmd(
        "[pdarray]=pdarray",
        &[("array", "str", &name), ("idx", "str", &ok_idx), ("value", "str", &one)],
    )
    .expect_error(&format!(
        "Error executing command [pdarray]=pdarray: ValueError: size mismatch: {ok_idx} selects 2 elements but {one} has 1"
    ));
    c.cmd(
        "[pdarray]=val",
        &[
            ("array", "str", &name),
            ("idx", "str", &ok_idx),
            ("dtype", "str", "int64"),
            ("value", "int64", "x"),
        ],
    )
    .expect_error("Error executing command [pdarray]=val: TypeError: Json Argument 'x' cannot be cast as a scalar int(64)");
    c.cmd(
        "[pdarray]",
        &[("array", "str", "nope"), ("idx", "str", &ok_idx)],
    )
    .expect_error("Error executing command [pdarray]: UnknownSymbolError: unknown symbol: nope");
    assert_eq!(info_all(&c), before2);
    assert_eq!(get(&c, "int64", &name), v);
    assert_eq!(get(&c, "int64", &too_big), Vals::I(vec![0, 3]));
}

// ---------------------------------------------------------------------------
// Casts
// ---------------------------------------------------------------------------

fn cast(c: &Client, v: &Vals, to: &str) -> Vals {
    let name = put(c, v);
    result_of(
        c,
        &format!("cast<{},{to},1>", v.dtype()),
        &[("name", "str", &name)],
    )
}

#[test]
fn casts_follow_numpy_astype() {
    let server = Server::start();
    let c = server.client();
    // Expectations from NumPy 2 on x86-64: np.array(x).astype(to).
    let i = Vals::I(vec![-1, 0, 300, i64::MIN, i64::MAX]);
    assert_eq!(cast(&c, &i, "int64"), i);
    assert_eq!(
        cast(&c, &i, "uint64"),
        Vals::U(vec![u64::MAX, 0, 300, 1 << 63, (1 << 63) - 1])
    );
    assert_eq!(cast(&c, &i, "uint8"), Vals::U8(vec![255, 0, 44, 0, 255]));
    assert_eq!(
        cast(&c, &i, "float64"),
        Vals::F(vec![
            -1.0,
            0.0,
            300.0,
            -9.223372036854776e18,
            9.223372036854776e18
        ])
    );
    assert_eq!(
        cast(&c, &i, "bool"),
        Vals::B(vec![true, false, true, true, true])
    );
    let u = Vals::U(vec![u64::MAX, 0, 257, 1 << 63]);
    assert_eq!(cast(&c, &u, "int64"), Vals::I(vec![-1, 0, 257, i64::MIN]));
    assert_eq!(cast(&c, &u, "uint8"), Vals::U8(vec![255, 0, 1, 0]));
    assert_eq!(
        cast(&c, &u, "float64"),
        Vals::F(vec![
            1.8446744073709552e19,
            0.0,
            257.0,
            9.223372036854776e18
        ])
    );
    assert_eq!(cast(&c, &u, "bool"), Vals::B(vec![true, false, true, true]));
    let b8 = Vals::U8(vec![0, 255, 7]);
    assert_eq!(cast(&c, &b8, "int64"), Vals::I(vec![0, 255, 7]));
    assert_eq!(cast(&c, &b8, "uint64"), Vals::U(vec![0, 255, 7]));
    assert_eq!(cast(&c, &b8, "float64"), Vals::F(vec![0.0, 255.0, 7.0]));
    assert_eq!(cast(&c, &b8, "bool"), Vals::B(vec![false, true, true]));
    let b = Vals::B(vec![true, false]);
    assert_eq!(cast(&c, &b, "int64"), Vals::I(vec![1, 0]));
    assert_eq!(cast(&c, &b, "uint64"), Vals::U(vec![1, 0]));
    assert_eq!(cast(&c, &b, "uint8"), Vals::U8(vec![1, 0]));
    assert_eq!(cast(&c, &b, "float64"), Vals::F(vec![1.0, 0.0]));
    assert_eq!(cast(&c, &b, "bool"), b);
    let f = Vals::F(vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -1.7,
        1e19,
        300.7,
        -300.7,
        2.9,
        -0.0,
    ]);
    let m = i64::MIN;
    assert_eq!(
        cast(&c, &f, "int64"),
        Vals::I(vec![m, m, m, -1, -1, m, 300, -300, 2, 0])
    );
    assert_eq!(
        cast(&c, &f, "uint64"),
        Vals::U(vec![
            1 << 63,
            0,
            1 << 63,
            u64::MAX,
            u64::MAX,
            10_000_000_000_000_000_000,
            300,
            u64::MAX - 299,
            2,
            0
        ])
    );
    assert_eq!(
        cast(&c, &f, "uint8"),
        Vals::U8(vec![0, 0, 0, 255, 255, 0, 44, 212, 2, 0])
    );
    assert_eq!(
        cast(&c, &f, "bool"),
        Vals::B(vec![
            true, true, true, true, true, true, true, true, true, false
        ])
    );
    assert!(same(&cast(&c, &f, "float64"), &f));
    assert_eq!(cast(&c, &Vals::F(vec![]), "int64"), Vals::I(vec![]));
}

#[test]
fn cast_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let name = put(&c, &Vals::I(vec![1, 2]));
    let before = info_all(&c);
    c.cmd("cast<float64,int64,1>", &[("name", "str", &name)]).expect_error(&format!(
        "Error executing command cast<float64,int64,1>: ValueError: {name} holds int64 but cast<float64,int64,1> was called"
    ));
    c.cmd("cast<int64,float64,1>", &[("name", "str", "nope")])
        .expect_error("Error executing command cast<int64,float64,1>: UnknownSymbolError: unknown symbol: nope");
    c.cmd("cast<int64,float64,1>", &[])
        .expect_error("Error executing command cast<int64,float64,1>: KeyNotFound: JSON argument key Not Found: name");
    assert_eq!(info_all(&c), before);
}

#[test]
fn large_arrays_are_indexed_and_cast_in_chunks() {
    let server = Server::start();
    let c = server.client();
    let n: i64 = 300_001;
    let v = Vals::I((0..n).collect());
    let name = put(&c, &v);
    let t = texts((n - 1, -1, -1));
    let rev = result_of(&c, "[slice]<int64,1>", &slice_args(&name, &t));
    assert_eq!(rev, Vals::I((0..n).rev().collect()));
    let f = cast(&c, &v, "float64");
    assert_eq!(f, Vals::F((0..n).map(|x| x as f64).collect()));
    let idx = put(
        &c,
        &Vals::I((0..n).map(|x| (x * 7919) % n - n / 2).collect()),
    );
    let got = result_of(
        &c,
        "[pdarray]",
        &[("array", "str", &name), ("idx", "str", &idx)],
    );
    let want: Vec<i64> = (0..n)
        .map(|x| {
            let i = (x * 7919) % n - n / 2;
            if i < 0 { i + n } else { i }
        })
        .collect();
    assert_eq!(got, Vals::I(want));
}

#[test]
fn cmd_map_lists_exactly_these_indexing_and_cast_commands() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is an object");
    let dtypes = ["int64", "uint64", "uint8", "float64", "bool"];
    let mut want: Vec<String> = ["[pdarray]", "[pdarray]=val", "[pdarray]=pdarray"]
        .map(String::from)
        .to_vec();
    for a in dtypes {
        for k in ["[int]", "[int]=val", "[slice]", "[slice]=val"] {
            want.push(format!("{k}<{a},1>"));
        }
        for b in dtypes {
            want.push(format!("[slice]=pdarray<{a},{b},1>"));
            want.push(format!("cast<{a},{b},1>"));
        }
        // Numbers to and from strings.
        want.push(format!("castToStrings<{a}>"));
        want.push(format!("castStringsTo<{a}>"));
    }
    want.sort();
    let mut got: Vec<String> = map
        .keys()
        .filter(|k| k.starts_with('[') || k.starts_with("cast"))
        .cloned()
        .collect();
    got.sort();
    assert_eq!(got, want);
}

/// An array large enough that `[pdarray]=pdarray` deals the pairs into
/// bins, checking the indices on the way: in-bounds ones (repeats keep the
/// last value), negative ones counted from the end, and one outside
/// (first, last or negative) refused with nothing stored.
#[test]
fn large_scatters_check_their_indices_as_they_go() {
    let server = Server::start();
    let c = server.client();
    let n: usize = 1 << 21;
    let m: usize = 1 << 18;
    let pos: Vec<usize> = (0..m).map(|k| (k * 7919 + k / 3) % n).collect();
    let vals = put(&c, &Vals::I((0..m as i64).map(|k| k + 1).collect()));
    let zeros = vec![0i64; n];
    let stored = |signed: &[i64]| {
        let mut want = zeros.clone();
        for (k, &i) in signed.iter().enumerate() {
            want[if i < 0 { i + n as i64 } else { i } as usize] = k as i64 + 1;
        }
        Vals::I(want)
    };
    let plain: Vec<i64> = pos.iter().map(|&p| p as i64).collect();
    let mut back = plain.clone();
    back[m / 2] -= n as i64;
    back[m - 1] = -1;
    let scatter = |idx: &str| {
        let name = put(&c, &Vals::I(zeros.clone()));
        let reply = c.cmd(
            "[pdarray]=pdarray",
            &[
                ("array", "str", &name),
                ("idx", "str", idx),
                ("value", "str", &vals),
            ],
        );
        (name, reply)
    };
    for (idx, want) in [
        (Vals::I(plain.clone()), stored(&plain)),
        (
            Vals::U(pos.iter().map(|&p| p as u64).collect()),
            stored(&plain),
        ),
        (Vals::I(back.clone()), stored(&back)),
    ] {
        let (name, reply) = scatter(&put(&c, &idx));
        reply.expect_normal("setPdarrayIndexToPdarrayMsg success");
        assert!(get(&c, "int64", &name) == want, "{}", idx.dtype());
    }
    for (at, bad) in [(0, n as i64), (m - 1, n as i64), (m / 3, -(n as i64) - 1)] {
        let mut idx = plain.clone();
        idx[at] = bad;
        let (name, reply) = scatter(&put(&c, &Vals::I(idx)));
        reply.expect_error(&format!(
            "Error executing command [pdarray]=pdarray: IndexError: index {bad} is out of bounds for axis 0 with size {n}"
        ));
        assert!(
            get(&c, "int64", &name) == Vals::I(zeros.clone()),
            "{bad} at {at}"
        );
    }
}
