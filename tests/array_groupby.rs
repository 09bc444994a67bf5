//! GroupBy reductions: `sizeReduction` (`GroupBy.size`, `ak.value_counts`).

mod common;

use common::vals::*;
use common::*;

fn sizes(c: &Client, segments: &str, size: i64) -> Reply {
    c.cmd(
        "sizeReduction",
        &[
            ("segments", "pdarray", segments),
            ("size", "int64", &size.to_string()),
        ],
    )
}

#[test]
fn group_sizes_come_from_segment_offsets() {
    let server = Server::start();
    let c = server.client();
    let seg = put(&c, &Vals::I(vec![0, 2, 5, 5, 6]));
    let (name, dtype, n) = created(&sizes(&c, &seg, 9));
    assert_eq!((dtype.as_str(), n), ("int64", 5));
    assert_eq!(get(&c, "int64", &name), Vals::I(vec![2, 3, 0, 1, 3]));
    let empty = put(&c, &Vals::I(vec![]));
    let (name, _, n) = created(&sizes(&c, &empty, 0));
    assert_eq!((n, get(&c, "int64", &name)), (0, Vals::I(vec![])));
    // Many groups, on every core: group g has g % 7 elements.
    let groups = 100_003;
    let mut starts = Vec::with_capacity(groups);
    let mut at = 0i64;
    for g in 0..groups as i64 {
        starts.push(at);
        at += g % 7;
    }
    let seg = put(&c, &Vals::I(starts));
    let (name, _, _) = created(&sizes(&c, &seg, at));
    let want: Vec<i64> = (0..groups as i64).map(|g| g % 7).collect();
    assert_eq!(get(&c, "int64", &name), Vals::I(want));
}

#[test]
fn bad_segments_are_errors_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let falling = put(&c, &Vals::I(vec![0, 3, 2]));
    let late = put(&c, &Vals::I(vec![1, 2]));
    let floats = put(&c, &Vals::F(vec![0.0]));
    let empty = put(&c, &Vals::I(vec![]));
    let before = info_all(&c);
    let msg = |name: &str, size: i64| {
        format!(
            "Error executing command sizeReduction: ValueError: {name} are not segment offsets of {size} elements: they must rise from 0 to at most {size}"
        )
    };
    sizes(&c, &falling, 5).expect_error(&msg(&falling, 5));
    sizes(&c, &late, 5).expect_error(&msg(&late, 5));
    sizes(&c, &falling, 2).expect_error(&msg(&falling, 2));
    sizes(&c, &empty, -1).expect_error(&format!(
        "Error executing command sizeReduction: ValueError: {empty} are not segment offsets of -1 elements: the size is negative"
    ));
    sizes(&c, &floats, 1).expect_error(&format!(
        "Error executing command sizeReduction: ValueError: {floats} holds float64 but sizeReduction was called"
    ));
    let r = sizes(&c, "id_nosuch_1", 1);
    assert!(
        r.error().contains("unknown symbol: id_nosuch_1"),
        "{}",
        r.msg()
    );
    assert_eq!(info_all(&c), before);
}
