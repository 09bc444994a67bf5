//! Strings in and out through the real binary: upload, download by
//! component, assemble, the components as arrays, lengths, info, errors.

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

#[test]
fn upload_download_round_trip() {
    let server = Server::start();
    let c = server.client();
    let words = ["a", "", "héllo", "xyz", "", "日本語"];
    let name = put_text(&c, &words);
    assert_eq!(get_text(&c, &name), words);
    let lens = result_of(
        &c,
        "segmentLengths",
        &[("objType", "str", "Strings"), ("obj", "str", &name)],
    );
    assert_eq!(lens, Vals::I(vec![1, 0, 6, 3, 0, 9]));
    let offs = result_of(
        &c,
        "getSegStringProperty",
        &[("property", "str", "get_offsets"), ("obj", "str", &name)],
    );
    assert_eq!(offs, Vals::I(vec![0, 2, 3, 10, 14, 15]));
    let bytes = result_of(
        &c,
        "getSegStringProperty",
        &[("property", "str", "get_bytes"), ("obj", "str", &name)],
    );
    assert_eq!(
        bytes,
        Vals::U8(payload(
            &words.iter().map(|w| w.as_bytes()).collect::<Vec<_>>()
        ))
    );
    // Assembled back from its parts.
    let o = put(&c, &offs);
    let b = put(&c, &bytes);
    let again = strs_of(
        &c,
        "segStr-assemble",
        &[("offsets", "pdarray", &o), ("values", "pdarray", &b)],
    );
    assert_eq!(again, words);
    // info describes strings by their count.
    c.cmd("info", &[("names", "str", &format!("[\"{name}\"]"))]).expect_normal(&format!(
        "[{{\"name\":\"{name}\", \"dtype\":\"str\", \"size\":6, \"ndim\":1, \"shape\":[6], \"itemsize\":8, \"registered\":false}}]"
    ));
    c.cmd(
        "str",
        &[("array", "str", &name), ("printThresh", "int64", "100")],
    )
    .expect_normal("[DType: Strings, itemsize: 8, size: 6]");
    c.cmd("delete", &[("name", "str", &name)])
        .expect_normal(&format!("deleted {name}"));
}

#[test]
fn empty_strings_and_memory() {
    let server = Server::start();
    let c = server.client();
    let used = |c: &Client| {
        c.cmd(
            "getmemused",
            &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
        )
        .normal()
        .to_string()
    };
    let before = used(&c);
    let e = put_text(&c, &[]);
    assert_eq!(get_text(&c, &e), Vec::<String>::new());
    let name = put_text(&c, &["", "", ""]);
    assert_eq!(get_text(&c, &name), ["", "", ""]);
    // 3 offsets (24 bytes) and 3 NULs.
    assert_eq!(
        used(&c).parse::<u64>().unwrap() - before.parse::<u64>().unwrap(),
        27
    );
    c.cmd("clear", &[]).expect_normal("success");
    assert_eq!(used(&c), before);
}

#[test]
fn bad_input_changes_nothing() {
    let server = Server::start();
    let c = server.client();
    let name = put_text(&c, &["ok"]);
    // The last string has no NUL.
    c.send_binary(
        "arraySegString<uint8>",
        &[("size", "int64", "5")],
        b"ab\0cd",
    );
    c.recv_json()
        .expect_error("Error executing command arraySegString<uint8>: ValueError: the string ending at byte 4 has no NUL terminator");
    c.send_binary("arraySegString<uint8>", &[("size", "int64", "9")], b"ab\0");
    c.recv_json()
        .expect_error("Error executing command arraySegString<uint8>: ValueError: the payload has 3 bytes but size is 9");
    c.send_cmd(
        "segStr-tondarray",
        &[("obj", "str", &name), ("comp", "str", "lengths")],
    );
    let raw = String::from_utf8(c.recv_raw()).unwrap();
    assert!(raw.contains("Unrecognized component: lengths"), "{raw}");
    let lens_err = c.cmd(
        "getSegStringProperty",
        &[("property", "str", "get_lengths"), ("obj", "str", &name)],
    );
    assert!(
        lens_err.error().contains("NotImplementedError"),
        "{}",
        lens_err.error()
    );
    // Offsets that disagree with the bytes.
    let o = put(&c, &Vals::I(vec![0, 1]));
    let b = put(&c, &Vals::U8(b"a\0b\0c\0".to_vec()));
    c.cmd("segStr-assemble", &[("offsets", "pdarray", &o), ("values", "pdarray", &b)])
        .expect_error("Error executing command segStr-assemble: ValueError: the bytes of string 0 do not end with its only NUL");
    // A pdarray where strings are needed, and the reverse.
    c.cmd("segmentLengths", &[("objType", "str", "Strings"), ("obj", "str", &o)])
        .expect_error(&format!("Error executing command segmentLengths: ValueError: {o} is a pdarray, where Strings are needed"));
    c.send_cmd("tondarray<int64,1>", &[("array", "pdarray", &name)]);
    let raw = String::from_utf8(c.recv_raw()).unwrap();
    assert!(
        raw.contains(&format!("{name} is Strings, where a pdarray is needed")),
        "{raw}"
    );
    assert_eq!(get_text(&c, &name), ["ok"]);
}
