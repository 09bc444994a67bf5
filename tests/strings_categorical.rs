//! `categoricalHash`: each element hashes as its category's string does
//! (`segmentedHash`), at 1 rank and at 1-3 ranks; bad codes are refused.

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

/// The two uint64 arrays named in a reply of two `created ...` texts.
fn pair(c: &Client, a: &str, b: &str) -> (Vals, Vals) {
    let name = |t: &str| t.split(' ').nth(1).unwrap().to_string();
    (get(c, "uint64", &name(a)), get(c, "uint64", &name(b)))
}

fn check(c: &Client, what: &str) {
    let cats = ["", "a", "é", "日本語", "zz"];
    let codes: Vec<i64> = (0..70_001).map(|i| (i * 7 % 5) as i64).collect();
    let names = put_text(c, &cats);
    let code_arr = put(c, &Vals::I(codes.clone()));
    let reply = c.cmd(
        "categoricalHash",
        &[
            ("objType", "str", "Categorical"),
            ("categories", "str", &names),
            ("codes", "pdarray", &code_arr),
        ],
    );
    let json = reply.msg_json();
    let (hi, lo) = pair(
        c,
        json["upperHash"].as_str().unwrap(),
        json["lowerHash"].as_str().unwrap(),
    );
    // The strings themselves, hashed by segmentedHash.
    let strs: Vec<&str> = codes.iter().map(|&k| cats[k as usize]).collect();
    let expanded = put_text(c, &strs);
    let sh = c.cmd(
        "segmentedHash",
        &[("objType", "str", "Strings"), ("obj", "str", &expanded)],
    );
    let (a, b) = sh.normal().split_once('+').unwrap();
    assert_eq!((hi, lo), pair(c, a, b), "{what}");
}

#[test]
fn categorical_hash_is_the_categories_hash() {
    let server = Server::start();
    let c = server.client();
    check(&c, "1 rank");
    let names = put_text(&c, &["a", "b"]);
    let bad = put(&c, &Vals::I(vec![0, 2]));
    c.cmd(
        "categoricalHash",
        &[("objType", "str", "Categorical"), ("categories", "str", &names), ("codes", "pdarray", &bad)],
    )
    .expect_error("Error executing command categoricalHash: ValueError: code 2 is not the position of one of the 2 categories");
    c.cmd(
        "categoricalHash",
        &[("objType", "str", "Strings"), ("categories", "str", &names), ("codes", "pdarray", &bad)],
    )
    .expect_error("Error executing command categoricalHash: NotImplementedError: categoricalHash of Strings objects is not supported");
}

#[cfg(feature = "mpi")]
#[test]
fn categorical_hash_at_every_rank_count() {
    for ranks in [1, 2, 3] {
        let server = Server::builder().ranks(ranks).start();
        check(&server.client(), &format!("ranks={ranks}"));
    }
}
