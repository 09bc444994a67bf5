//! Command-map commands of the main daemon: configuration queries, the typed
//! array commands (create/set/array/tondarray), the symbol table (info, str,
//! repr, delete, clear), memory accounting and limits, file helpers, metrics
//! and serverstatus. Each assertion checks exact reply texts or JSON fields.

mod common;

use std::fs;

use common::*;
use serde_json::json;
use tempfile::TempDir;

const CONFIG_KEYS: [&str; 22] = [
    "arkoudaVersion",
    "chplVersion",
    "pythonVersion",
    "ZMQVersion",
    "HDF5Version",
    "serverHostname",
    "ServerPort",
    "numLocales",
    "numNodes",
    "numPUs",
    "maxTaskPar",
    "physicalMemory",
    "distributionType",
    "LocaleConfigs",
    "authenticate",
    "logLevel",
    "logChannel",
    "regexMaxCaptures",
    "byteorder",
    "autoShutdown",
    "serverInfoNoSplash",
    // optional trailing key of the Chapel server; see getconfig test
    "ARROW_VERSION",
];

/// Little-endian sample data of n elements for a dtype.
fn sample(dtype: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        match dtype {
            "int64" => out.extend_from_slice(&((i as i64 - 3) * 1_000_000_007).to_le_bytes()),
            "uint64" => out.extend_from_slice(&(u64::MAX - i as u64).to_le_bytes()),
            "uint8" => out.push((i * 25 + 3) as u8),
            "float64" => out.extend_from_slice(&(i as f64 * 0.5 - 1.25).to_le_bytes()),
            "bool" => out.push(u8::from(i % 3 == 0)),
            other => panic!("no sample for {other}"),
        }
    }
    out
}

fn int64_payload(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn str_of(c: &Client, dtype: &str, name: &str, thresh: usize) -> String {
    c.cmd(
        "str",
        &[
            ("array", dtype, name),
            ("printThresh", "int64", &thresh.to_string()),
        ],
    )
    .normal()
    .to_string()
}

fn repr_of(c: &Client, dtype: &str, name: &str, thresh: usize) -> String {
    c.cmd(
        "repr",
        &[
            ("array", dtype, name),
            ("printThresh", "int64", &thresh.to_string()),
        ],
    )
    .normal()
    .to_string()
}

fn set(c: &Client, dtype: &str, name: &str, val: &str) {
    c.cmd(
        &format!("set<{dtype},1>"),
        &[
            ("array", dtype, name),
            ("dtype", "str", dtype),
            ("val", dtype, val),
        ],
    )
    .expect_normal("");
}

#[test]
fn getconfig_reports_exact_fields_in_order() {
    let server = Server::start();
    let c = server.client();
    let reply = c.cmd("getconfig", &[]);
    let msg = reply.normal();
    let order = OJson::parse(msg);
    let keys = order.keys();
    let want: Vec<&str> = if keys.last() == Some(&"ARROW_VERSION") {
        CONFIG_KEYS.to_vec()
    } else {
        CONFIG_KEYS[..CONFIG_KEYS.len() - 1].to_vec()
    };
    assert_eq!(keys, want, "getconfig keys: {msg}");

    let cfg = reply.msg_json();
    for key in [
        "arkoudaVersion",
        "chplVersion",
        "pythonVersion",
        "HDF5Version",
        "distributionType",
    ] {
        assert!(cfg[key].is_string(), "{key} is not a string: {msg}");
    }
    assert_eq!(cfg["ZMQVersion"], zmq_version_text());
    assert_eq!(cfg["serverHostname"], hostname());
    assert_eq!(cfg["ServerPort"], json!(server.port));
    assert_eq!(cfg["numLocales"], json!(1));
    assert_eq!(cfg["numNodes"], json!(1));
    for key in ["numPUs", "maxTaskPar", "physicalMemory"] {
        assert!(
            cfg[key].as_u64().is_some_and(|v| v > 0),
            "{key} is not a positive integer: {msg}"
        );
    }
    assert_eq!(cfg["authenticate"], json!(false));
    assert_eq!(cfg["logLevel"], "INFO");
    assert_eq!(cfg["logChannel"], "CONSOLE");
    assert_eq!(cfg["regexMaxCaptures"], json!(20));
    assert_eq!(cfg["byteorder"], "little");
    assert_eq!(cfg["autoShutdown"], json!(false));
    assert_eq!(cfg["serverInfoNoSplash"], json!(false));

    let locales = order.get("LocaleConfigs").items();
    assert_eq!(locales.len(), 1, "one locale: {msg}");
    assert_eq!(
        locales[0].keys(),
        [
            "id",
            "name",
            "numPUs",
            "numColocales",
            "maxTaskPar",
            "physicalMemory"
        ]
    );
    let loc = &cfg["LocaleConfigs"][0];
    assert_eq!(loc["id"], json!(0));
    assert!(loc["name"].is_string());
    assert!(loc["numColocales"].is_u64());
    for key in ["numPUs", "maxTaskPar", "physicalMemory"] {
        assert_eq!(loc[key], cfg[key], "LocaleConfigs[0].{key}");
    }
    // the same text every time
    assert_eq!(c.cmd("getconfig", &[]).normal(), msg);
}

#[test]
fn getregistrationconfig_is_exact() {
    let server = Server::start();
    let c = server.client();
    let reply = c.cmd("getRegistrationConfig", &[]);
    let msg = reply.normal();
    let want = r#"
{
  "parameter_classes": {
    "array": {
      "nd": [
        1
      ],
      "dtype": [
        "int",
        "uint",
        "uint(8)",
        "real",
        "bool"
      ]
    }
  }
}
"#;
    assert_eq!(msg, want);
    assert_eq!(
        reply.msg_json(),
        json!({"parameter_classes": {"array": {"nd": [1], "dtype": ["int", "uint", "uint(8)", "real", "bool"]}}})
    );
}

#[test]
fn getcmdmap_lists_registered_commands() {
    let server = Server::start();
    let c = server.client();
    let map = c.cmd("getCmdMap", &[]).msg_json();
    let map = map.as_object().expect("getCmdMap is a JSON object");
    let mut want: Vec<String> = [
        "connect",
        "disconnect",
        "noop",
        "ruok",
        "wait_for_async_activity",
        "shutdown",
        "info",
        "str",
        "repr",
        "delete",
        "clear",
        "getconfig",
        "getRegistrationConfig",
        "getCmdMap",
        "getmemused",
        "getavailmem",
        "getmemstatus",
        "lsany",
        "getfiletype",
        "globExpansion",
        "clientlog",
        "deleteMatchingFilenames",
        "metrics",
        "serverstatus",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (dtype, _) in DTYPES {
        for prefix in ["create", "set", "array", "tondarray"] {
            want.push(format!("{prefix}<{dtype},1>"));
        }
    }
    let missing: Vec<&String> = want.iter().filter(|k| !map.contains_key(*k)).collect();
    assert!(missing.is_empty(), "getCmdMap lacks {missing:?}");
    for absent in ["sleep", "note"] {
        assert!(
            !map.contains_key(absent),
            "getCmdMap must not list {absent}"
        );
    }
}

#[test]
fn create_makes_zeroed_arrays_for_every_dtype() {
    let server = Server::start();
    let c = server.client();
    let mut names = Vec::new();
    for (dtype, size) in DTYPES {
        let name = create(&c, dtype, 10);
        assert_eq!(
            to_ndarray(&c, dtype, &name),
            vec![0u8; 10 * size],
            "{dtype}"
        );
        names.push(name);
    }
    // distinct names sharing one session prefix id_XXXXXXX_
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "names repeat: {names:?}");
    assert!(
        names.iter().all(|n| n[..11] == names[0][..11]),
        "session prefix differs: {names:?}"
    );
    // an empty array
    let empty = create(&c, "int64", 0);
    assert_eq!(to_ndarray(&c, "int64", &empty), Vec::<u8>::new());
}

#[test]
fn set_fills_arrays_for_every_dtype() {
    let server = Server::start();
    let c = server.client();
    let cases: [(&str, &str, Vec<u8>); 5] = [
        ("int64", "5", 5i64.to_le_bytes().to_vec()),
        ("uint64", "5", 5u64.to_le_bytes().to_vec()),
        ("uint8", "5", vec![5]),
        (
            "float64",
            "1.00000000000000000",
            1.0f64.to_le_bytes().to_vec(),
        ),
        ("bool", "True", vec![1]),
    ];
    for (dtype, val, elem) in cases {
        let name = create(&c, dtype, 4);
        set(&c, dtype, &name, val);
        assert_eq!(to_ndarray(&c, dtype, &name), elem.repeat(4), "{dtype}");
    }
    let name = create(&c, "int64", 3);
    set(&c, "int64", &name, "-7");
    assert_eq!(
        to_ndarray(&c, "int64", &name),
        (-7i64).to_le_bytes().repeat(3)
    );
    let name = create(&c, "bool", 2);
    set(&c, "bool", &name, "True");
    set(&c, "bool", &name, "False");
    assert_eq!(to_ndarray(&c, "bool", &name), vec![0, 0]);
}

#[test]
fn array_upload_roundtrips_for_every_dtype() {
    let server = Server::start();
    let c = server.client();
    for (dtype, _) in DTYPES {
        let payload = sample(dtype, 10);
        let name = upload(&c, dtype, 10, &payload);
        assert_eq!(to_ndarray(&c, dtype, &name), payload, "{dtype}");
    }
}

#[test]
fn array_upload_with_wrong_payload_length_is_rejected() {
    let server = Server::start();
    let c = server.client();
    for len in [79, 81, 0] {
        let reply = send_upload(&c, "int64", 10, &vec![1u8; len]);
        let msg = reply.error();
        assert!(
            msg.starts_with("Error executing command array<int64,1>:"),
            "payload of {len} bytes: {msg}"
        );
    }
    assert_eq!(info_all(&c), "[]");
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn tondarray_of_unknown_name_is_a_raw_error_frame() {
    let server = Server::start();
    let c = server.client();
    for (dtype, _) in DTYPES {
        let frame = to_ndarray(&c, dtype, "id_nosuch0_99");
        assert!(
            frame.starts_with(b"Error: "),
            "tondarray<{dtype},1> of an unknown name: {}",
            String::from_utf8_lossy(&frame)
        );
    }
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn info_lists_symbols_exactly() {
    let server = Server::start();
    let c = server.client();
    assert_eq!(info_all(&c), "[]");
    let a = create(&c, "int64", 5);
    let b = create(&c, "uint8", 3);
    let (ea, eb) = (info_entry(&a, "int64", 5), info_entry(&b, "uint8", 3));
    let all = info_all(&c);
    assert!(
        all == format!("[{ea},{eb}]") || all == format!("[{eb},{ea}]"),
        "info __AllSymbols__: {all}"
    );
    let one = c.cmd("info", &[("names", "str", &format!("[\"{a}\"]"))]);
    one.expect_normal(&format!("[{ea}]"));
    let f = create(&c, "float64", 2);
    let two = c.cmd("info", &[("names", "str", &format!("[\"{f}\", \"{b}\"]"))]);
    two.expect_normal(&format!("[{},{eb}]", info_entry(&f, "float64", 2)));
}

#[test]
fn info_of_unknown_name_is_an_error() {
    let server = Server::start();
    let c = server.client();
    let reply = c.cmd("info", &[("names", "str", "[\"id_nosuch0_7\"]")]);
    let msg = reply.error();
    assert!(msg.starts_with("Error executing command info: "), "{msg}");
    assert!(msg.contains("unknown symbol: id_nosuch0_7"), "{msg}");
}

#[test]
fn str_and_repr_format_elements() {
    let server = Server::start();
    let c = server.client();
    let ints = create(&c, "int64", 5);
    assert_eq!(str_of(&c, "int64", &ints, 100), "[0 0 0 0 0]");
    let three = create(&c, "int64", 3);
    assert_eq!(repr_of(&c, "int64", &three, 100), "array([0 0 0])");

    let bools = create(&c, "bool", 3);
    assert_eq!(str_of(&c, "bool", &bools, 100), "[False False False]");
    set(&c, "bool", &bools, "True");
    assert_eq!(str_of(&c, "bool", &bools, 100), "[True True True]");
    assert_eq!(repr_of(&c, "bool", &bools, 100), "array([True True True])");

    let floats = create(&c, "float64", 2);
    set(&c, "float64", &floats, "1.00000000000000000");
    assert_eq!(str_of(&c, "float64", &floats, 100), "[1.0 1.0]");
    assert_eq!(
        repr_of(&c, "float64", &floats, 100),
        "array([1.00000000000000000 1.00000000000000000])"
    );

    let small = create(&c, "uint8", 3);
    set(&c, "uint8", &small, "5");
    assert_eq!(str_of(&c, "uint8", &small, 100), "[5 5 5]");
    let big = upload(&c, "uint64", 1, &u64::MAX.to_le_bytes());
    assert_eq!(str_of(&c, "uint64", &big, 100), "[18446744073709551615]");
    let signed = upload(&c, "int64", 2, &int64_payload(&[-3, 7]));
    assert_eq!(str_of(&c, "int64", &signed, 100), "[-3 7]");
}

/// Float `repr` as Arkouda's docstrings print it: whole numbers with 17
/// decimals, others with 17 significant digits less trailing zeros.
#[test]
fn repr_prints_floats_as_the_original() {
    let server = Server::start();
    let c = server.client();
    let xs = [
        0.0,
        0.5,
        1.0 / 3.0,
        16.0,
        -1.0,
        f64::NAN,
        f64::NEG_INFINITY,
        27f64.sqrt(),
    ];
    let bytes: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
    let name = upload(&c, "float64", xs.len(), &bytes);
    assert_eq!(
        repr_of(&c, "float64", &name, 100),
        "array([0.00000000000000000 0.5 0.33333333333333331 16.00000000000000000 \
         -1.00000000000000000 nan -inf 5.196152422706632])"
    );
    assert_eq!(
        str_of(&c, "float64", &name, 100),
        "[0.0 0.5 0.333333 16.0 -1.0 nan -inf 5.19615]"
    );
}

#[test]
fn str_truncates_beyond_the_print_threshold() {
    let server = Server::start();
    let c = server.client();
    let ten = upload(
        &c,
        "int64",
        10,
        &int64_payload(&(0..10).collect::<Vec<_>>()),
    );
    assert_eq!(str_of(&c, "int64", &ten, 100), "[0 1 2 3 4 5 6 7 8 9]");
    assert_eq!(str_of(&c, "int64", &ten, 10), "[0 1 2 3 4 5 6 7 8 9]");
    assert_eq!(str_of(&c, "int64", &ten, 9), "[0 1 2 ... 7 8 9]");
    assert_eq!(str_of(&c, "int64", &ten, 5), "[0 1 2 ... 7 8 9]");
    assert_eq!(repr_of(&c, "int64", &ten, 5), "array([0 1 2 ... 7 8 9])");
    // the threshold is never below 6
    let six = upload(&c, "int64", 6, &int64_payload(&(0..6).collect::<Vec<_>>()));
    assert_eq!(str_of(&c, "int64", &six, 3), "[0 1 2 3 4 5]");
    let seven = upload(&c, "int64", 7, &int64_payload(&(0..7).collect::<Vec<_>>()));
    assert_eq!(str_of(&c, "int64", &seven, 3), "[0 1 2 ... 4 5 6]");
    let zeros = create(&c, "int64", 1000);
    assert_eq!(str_of(&c, "int64", &zeros, 100), "[0 0 0 ... 0 0 0]");
}

#[test]
fn delete_and_clear_remove_symbols() {
    let server = Server::start();
    let c = server.client();
    let a = create(&c, "int64", 5);
    let b = create(&c, "float64", 5);
    c.cmd("delete", &[("name", "int64", &a)])
        .expect_normal(&format!("deleted {a}"));
    assert_eq!(info_all(&c), format!("[{}]", info_entry(&b, "float64", 5)));
    // deleting twice is an unknown-symbol error
    let msg = c
        .cmd("delete", &[("name", "int64", &a)])
        .error()
        .to_string();
    assert!(msg.starts_with("Error executing command delete: "), "{msg}");
    assert!(msg.contains(&format!("unknown symbol: {a}")), "{msg}");
    create(&c, "bool", 5);
    create(&c, "uint8", 5);
    c.cmd("clear", &[]).expect_normal("success");
    assert_eq!(info_all(&c), "[]");
    assert_eq!(mem_used(&c, 1, false), 0);
}

#[test]
fn delete_of_unknown_name_is_an_error() {
    let server = Server::start();
    let c = server.client();
    let msg = c
        .cmd("delete", &[("name", "int64", "id_nosuch0_3")])
        .error()
        .to_string();
    assert!(msg.starts_with("Error executing command delete: "), "{msg}");
    assert!(msg.contains("unknown symbol: id_nosuch0_3"), "{msg}");
}

#[test]
fn memory_queries_are_consistent() {
    let server = Server::builder().arg("--memMax=1000000000").start();
    let c = server.client();
    create(&c, "float64", 1_000_000);
    create(&c, "int64", 1234);
    let used = mem_used(&c, 1, false);
    let avail = mem_avail(&c, 1, false);
    assert!(used >= 8_009_872, "used {used}");
    assert_eq!(used + avail, 1_000_000_000, "used + avail = --memMax");
    let (used_pct, avail_pct) = (mem_used(&c, 1, true), mem_avail(&c, 1, true));
    assert_eq!(used_pct + avail_pct, 100);
    assert_eq!(used_pct, round_div(used * 100, 1_000_000_000));
    let mut factor = 1000u64;
    while factor <= 1_000_000_000_000_000 {
        assert_eq!(
            mem_used(&c, factor, false),
            round_div(used, factor),
            "used/{factor}"
        );
        assert_eq!(
            mem_avail(&c, factor, false),
            round_div(avail, factor),
            "avail/{factor}"
        );
        factor *= 1000;
    }
}

#[test]
fn memory_accounting_follows_allocations() {
    let server = Server::start();
    let c = server.client();
    let limit = mem_used(&c, 1, false) + mem_avail(&c, 1, false);
    assert!(limit > 0);
    let name = create(&c, "float64", 1_000_000);
    let used = mem_used(&c, 1, false);
    assert!(used >= 8_000_000, "used after 1M float64: {used}");
    assert_eq!(mem_avail(&c, 1, false), limit - used);
    c.cmd("delete", &[("name", "float64", &name)])
        .expect_normal(&format!("deleted {name}"));
    assert_eq!(mem_used(&c, 1, false), used - 8_000_000);
}

#[test]
fn over_memory_limit_allocation_is_refused() {
    let server = Server::builder().arg("--memMax=1000000").start();
    let c = server.client();
    let before = mem_used(&c, 1, false);
    let msg = c
        .cmd("create<float64,1>", &[("shape", "int64", "1000000")])
        .error()
        .to_string();
    assert!(
        msg.starts_with("Error executing command create<float64,1>: "),
        "{msg}"
    );
    assert!(msg.contains("OverMemoryLimitError"), "{msg}");
    assert_eq!(info_all(&c), "[]");
    assert_eq!(mem_used(&c, 1, false), before);
    // binary uploads are limited too
    let reply = send_upload(&c, "float64", 200_000, &vec![0u8; 1_600_000]);
    assert!(
        reply.error().contains("OverMemoryLimitError"),
        "{}",
        reply.text()
    );
    assert_eq!(info_all(&c), "[]");
    // small allocations still work
    create(&c, "float64", 10);
    assert_eq!(mem_used(&c, 1, false), before + 80);
}

#[test]
fn getmemstatus_reports_one_locale() {
    let server = Server::start();
    let c = server.client();
    let reply = c.cmd("getmemstatus", &[]);
    let order = OJson::parse(reply.normal());
    assert_eq!(order.items().len(), 1);
    assert_eq!(
        order.items()[0].keys(),
        [
            "total_mem",
            "avail_mem",
            "pct_avail_mem",
            "arkouda_mem_alloc",
            "mem_used",
            "locale_id",
            "locale_hostname"
        ]
    );
    let status = &reply.msg_json()[0];
    for key in [
        "total_mem",
        "avail_mem",
        "pct_avail_mem",
        "arkouda_mem_alloc",
    ] {
        assert!(
            status[key].as_u64().is_some_and(|v| v > 0),
            "{key}: {}",
            reply.msg()
        );
    }
    assert!(status["mem_used"].is_u64(), "mem_used: {}", reply.msg());
    assert_eq!(status["locale_id"], json!(0));
    assert_eq!(status["locale_hostname"], hostname());
}

#[test]
fn getfiletype_detects_magic_bytes() {
    let server = Server::start();
    let c = server.client();
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::write(d.join("f.parquet"), b"PAR1\x15\x04\x15\x10rest").unwrap();
    fs::write(d.join("f.h5"), b"\x89HDF\r\n\x1a\nrest of file").unwrap();
    fs::write(d.join("f.csv"), b"**HEADER** something\ncol\n1\n").unwrap();
    fs::write(d.join("f.txt"), b"just some text").unwrap();
    fs::create_dir(d.join("g")).unwrap();
    fs::write(d.join("g/a_first"), b"\x89HDF\r\n\x1a\n").unwrap();
    fs::write(d.join("g/b_second"), b"PAR1PAR1").unwrap();
    let ft = |name: &str| {
        let path = d.join(name).display().to_string();
        c.cmd("getfiletype", &[("filename", "str", &path)])
    };
    ft("f.parquet").expect_normal("Parquet");
    ft("f.h5").expect_normal("HDF5");
    ft("f.csv").expect_normal("CSV");
    ft("g/*").expect_normal("HDF5");
    ft("f.txt")
        .expect_error("Unsupported file type; Parquet, HDF5 and CSV are only supported formats");
    let missing = d.join("missing.h5").display().to_string();
    ft("missing.h5").expect_error(&format!(
        "File {missing} does not exist in a location accessible to Arkouda"
    ));
    c.cmd("getfiletype", &[("filename", "str", "")])
        .expect_error("Empty Filename Provided.");
    let noglob = d.join("nothing*").display().to_string();
    ft("nothing*").expect_error(&format!(
        "Cannot retrieve filename from glob expression {noglob}, check file name or format"
    ));
}

#[test]
fn globexpansion_expands_and_sorts() {
    let server = Server::start();
    let c = server.client();
    let dir = TempDir::new().unwrap();
    let d = dir.path().display().to_string();
    for name in ["a2", "a10", "a1", "b1"] {
        fs::write(dir.path().join(name), b"x").unwrap();
    }
    let glob = |count: &str, list: &str| {
        c.cmd(
            "globExpansion",
            &[("file_count", "int64", count), ("filenames", "str", list)],
        )
    };
    glob("1", &format!("[\"{d}/a*\"]"))
        .expect_normal(&format!("[\"{d}/a1\", \"{d}/a10\", \"{d}/a2\"]"));
    glob("1", &format!("[\"{d}/b1\"]")).expect_normal(&format!("[\"{d}/b1\"]"));
    glob("1", &format!("[\"{d}/z*\"]")).expect_error(&format!(
        "The wildcarded filename {d}/z* either corresponds to files inaccessible to Arkouda or files of an invalid format"
    ));
    glob("2", &format!("[\"{d}/a*\", \"{d}/nope\"]"))
        .expect_normal(&format!("[\"{d}/a*\", \"{d}/nope\"]"));
}

#[test]
fn clientlog_and_delete_matching_filenames() {
    let server = Server::start();
    let c = server.client();
    c.cmd(
        "clientlog",
        &[
            ("log_msg", "str", "hello from the client"),
            ("log_lvl", "str", "INFO"),
            ("tag", "str", "ClientGeneratedLog"),
        ],
    )
    .expect_normal("Log Message Written Successfully.");
    let bad = c.cmd(
        "clientlog",
        &[
            ("log_msg", "str", "x"),
            ("log_lvl", "str", "LOUD"),
            ("tag", "str", "t"),
        ],
    );
    assert!(
        bad.error()
            .starts_with("Error executing command clientlog: "),
        "{}",
        bad.text()
    );

    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let doomed = ["x_LOCALE0000.data", "x_LOCALE0001.data"];
    let kept = [
        "x.data",
        "y_LOCALE0000.data",
        "x_LOCALE0000.other",
        "xx_LOCALE0000.data",
    ];
    for name in doomed.iter().chain(&kept) {
        fs::write(d.join(name), b"x").unwrap();
    }
    let prefix = d.join("x.data").display().to_string();
    c.cmd("deleteMatchingFilenames", &[("prefix", "str", &prefix)])
        .expect_normal("Files deleted successfully!");
    for name in doomed {
        assert!(!d.join(name).exists(), "{name} not deleted");
    }
    for name in kept {
        assert!(d.join(name).exists(), "{name} wrongly deleted");
    }
}

#[test]
fn metrics_num_requests_counts_every_command() {
    let server = Server::start();
    let c = server.client();
    c.cmd("ruok", &[]).normal();
    c.cmd("ruok", &[]).normal();
    c.cmd("noop", &[]).normal();
    c.cmd("foo", &[]).error();
    let reply = c.cmd("metrics", &[("category", "str", "NUM_REQUESTS")]);
    let entries = parse_metrics(&reply, "NUM_REQUESTS");
    assert_eq!(metric(&entries, "ruok"), Some(2.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "noop"), Some(1.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "foo"), Some(1.0), "{}", reply.msg());
    let others: f64 = entries
        .iter()
        .filter(|(n, _)| n != "total")
        .map(|(_, v)| v)
        .sum();
    assert_eq!(metric(&entries, "total"), Some(others), "{}", reply.msg());
    for (name, _) in &entries {
        assert!(
            ["ruok", "noop", "foo", "metrics", "total"].contains(&name.as_str()),
            "unexpected metric {name}: {}",
            reply.msg()
        );
    }
    // the qualified category form gives the same counts, now including metrics
    let reply = c.cmd(
        "metrics",
        &[("category", "str", "MetricCategory.NUM_REQUESTS")],
    );
    let entries = parse_metrics(&reply, "NUM_REQUESTS");
    assert_eq!(metric(&entries, "ruok"), Some(2.0));
    assert!(
        metric(&entries, "metrics").is_some_and(|v| v >= 1.0),
        "{}",
        reply.msg()
    );
}

#[test]
fn metrics_num_errors_counts_error_replies() {
    let server = Server::start();
    let c = server.client();
    c.cmd("foo", &[]).error();
    c.cmd("foo", &[]).error();
    c.cmd("sleep", &[]).error();
    c.cmd("ruok", &[]).normal();
    let reply = c.cmd("metrics", &[("category", "str", "NUM_ERRORS")]);
    let entries = parse_metrics(&reply, "NUM_ERRORS");
    assert_eq!(metric(&entries, "foo"), Some(2.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "sleep"), Some(1.0), "{}", reply.msg());
    assert_eq!(metric(&entries, "total"), Some(3.0), "{}", reply.msg());
    for (name, value) in &entries {
        if !["foo", "sleep", "total"].contains(&name.as_str()) {
            assert_eq!(*value, 0.0, "{name} has errors: {}", reply.msg());
        }
    }
}

#[test]
fn metrics_response_time_and_invalid_category() {
    let server = Server::start();
    let c = server.client();
    c.cmd("ruok", &[]).normal();
    c.cmd("sleep", &[("seconds", "float64", "0.05")]).normal();
    let reply = c.cmd("metrics", &[("category", "str", "RESPONSE_TIME")]);
    let entries = parse_metrics(&reply, "RESPONSE_TIME");
    assert!(
        metric(&entries, "ruok").is_some_and(|v| v >= 0.0),
        "{}",
        reply.msg()
    );
    assert!(
        metric(&entries, "sleep").is_some_and(|v| v >= 0.0),
        "{}",
        reply.msg()
    );
    let msg = c
        .cmd("metrics", &[("category", "str", "BOGUS")])
        .error()
        .to_string();
    assert!(
        msg.starts_with("Error executing command metrics: "),
        "{msg}"
    );
    assert!(msg.contains("BOGUS"), "{msg}");
    c.cmd("metrics", &[]).error();
    c.cmd("ruok", &[]).expect_normal("imok");
}

#[test]
fn serverstatus_on_the_main_daemon() {
    let server = Server::start();
    let c = server.client();
    create(&c, "int64", 10);
    c.cmd("foo", &[]).error();
    let limit = mem_used(&c, 1, false) + mem_avail(&c, 1, false);
    let reply = c.cmd("serverstatus", &[]);
    let status = check_serverstatus(reply.normal());
    assert_eq!(status["symbols"], json!(1), "{}", reply.msg());
    assert_eq!(status["bytes_held"], json!(80), "{}", reply.msg());
    assert_eq!(status["memory_limit"], json!(limit), "{}", reply.msg());
    assert_eq!(status["errors"], json!(1), "{}", reply.msg());
    let requests = status["requests"].as_u64().unwrap();
    assert!(
        (4..=5).contains(&requests),
        "requests {requests}: {}",
        reply.msg()
    );
    let current = &status["current_command"];
    assert!(
        current.is_null() || current["cmd"] == "serverstatus",
        "current_command: {}",
        reply.msg()
    );
    assert_exact_serverstatus_keys(reply.msg());
}

/// A freed large array is kept for reuse (up to --freedMemoryCache bytes),
/// is reused by the next array of its size, and is never counted as held.
#[test]
fn freed_large_arrays_are_cached_for_reuse() {
    let status = |c: &Client| check_serverstatus(c.cmd("serverstatus", &[]).normal());
    let server = Server::builder()
        .arg("--freedMemoryCache=100000000")
        .start();
    let c = server.client();
    // 4 Mi float64 = 32 MiB, a multiple of the 2 MiB rounding.
    let n = 4 << 20;
    let a = create(&c, "float64", n);
    set(&c, "float64", &a, "1.5");
    assert_eq!(status(&c)["freed_bytes_cached"], 0);
    c.cmd("delete", &[("name", "str", &a)]).normal();
    let s = status(&c);
    assert_eq!(s["freed_bytes_cached"], 32 << 20);
    assert_eq!(s["bytes_held"], 0);
    // The next array of that size takes the cached block back.
    let b = c.cmd(
        "arange<int64,1>",
        &[
            ("start", "int64", "0"),
            ("stop", "int64", &n.to_string()),
            ("step", "int64", "1"),
        ],
    );
    assert!(
        b.normal().ends_with(&format!(" int64 {n} 1 [{n}] 8")),
        "{}",
        b.msg()
    );
    assert_eq!(status(&c)["freed_bytes_cached"], 0);

    // --freedMemoryCache=0 keeps nothing.
    let off = Server::builder().arg("--freedMemoryCache=0").start();
    let c = off.client();
    let a = create(&c, "float64", n);
    set(&c, "float64", &a, "1.5");
    c.cmd("delete", &[("name", "str", &a)]).normal();
    assert_eq!(status(&c)["freed_bytes_cached"], 0);
}
