//! `save_checkpoint` / `load_checkpoint` against the real server: exact
//! round trips of every dtype, the three modes, the error texts of spec §8.3
//! and our own, the original's on-disk layout in both directions, status and
//! metrics, and crash safety under SIGKILL.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use common::{Client, Reply, Server, to_ndarray, upload};
use parquet::basic::{Compression, ConvertedType, Repetition, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::Value;

const ENTRY_TYPE: &str = "PrimitiveTypedArraySymEntry";

// ---------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------

fn save(c: &Client, path: &str, name: &str, mode: &str) -> Reply {
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", name),
            ("path", "str", path),
            ("mode", "str", mode),
        ],
    )
}

fn load(c: &Client, path: &str, name: &str) -> Reply {
    c.cmd(
        "load_checkpoint",
        &[("name", "str", name), ("path", "str", path)],
    )
}

fn set(c: &Client, dtype: &str, name: &str, val: &str) {
    c.cmd(
        &format!("set<{dtype},1>"),
        &[
            ("array", "str", name),
            ("dtype", "str", dtype),
            ("val", "str", val),
        ],
    )
    .expect_normal("");
}

fn delete(c: &Client, name: &str) {
    c.cmd("delete", &[("name", "str", name)]).normal();
}

/// Names of the arrays the server holds, from `info`.
fn symbols(c: &Client) -> BTreeSet<String> {
    let info = common::info_all(c);
    if info.starts_with("[]") {
        return BTreeSet::new();
    }
    let parsed: Value = serde_json::from_str(&info).unwrap_or(Value::Null);
    parsed
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Little-endian bytes of `n` awkward values of `dtype`, varied by `seed`.
fn values(dtype: &str, n: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n as u64 {
        let k = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.wrapping_mul(31);
        match dtype {
            "int64" => {
                let v = match i % 5 {
                    0 => i64::MIN,
                    1 => i64::MAX,
                    2 => -(k as i64 >> 3),
                    _ => k as i64,
                };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "uint64" => {
                let v = if i % 4 == 0 { u64::MAX - seed } else { k };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "float64" => {
                let v = match i % 6 {
                    0 => -0.0,
                    1 => f64::from_bits(0x7FF8_0000_DEAD_BEEF), // a NaN with a payload
                    2 => f64::NEG_INFINITY,
                    3 => f64::from_bits(1), // subnormal
                    _ => (k >> 11) as f64 / 3.0 - 1e9,
                };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "uint8" => out.push((i + seed) as u8),
            "bool" => out.push(((k >> 17) & 1) as u8),
            other => panic!("no values for {other}"),
        }
    }
    out
}

const DTYPES: [&str; 5] = ["int64", "uint64", "uint8", "float64", "bool"];

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

fn set_of(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn prefixed(cmd: &str, msg: &str) -> String {
    format!("Error executing command {cmd}: {msg}")
}

/// The md text the original writes for a rank-1 array.
fn entry_md(entry: &str, dtype: &str, n: usize, cp_path: &str) -> String {
    format!(
        "{{\"entryName\":\"{entry}\", \"entryType\":\"{ENTRY_TYPE}\"}}\n\
         {{\"dtype\":\"{dtype}\", \"size\":{n}, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}}\n\
         {{\"filename\":\"{cp_path}/{entry}_LOCALE0000.data\", \"numElems\":{n}}}\n"
    )
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

#[test]
fn every_dtype_round_trips_exactly_and_files_follow_the_original_layout() {
    let server = Server::start();
    let c = server.client();
    let sizes = [0usize, 1, 1000];
    let mut arrays = Vec::new();
    for dtype in DTYPES {
        for n in sizes {
            let bytes = values(dtype, n, 7);
            let name = upload(&c, dtype, n, &bytes);
            arrays.push((dtype, n, name, bytes));
        }
    }
    // No name: the server id, under the default path.
    let reply = c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", ""),
            ("path", "str", ".akdata"),
            ("mode", "str", "overwrite"),
        ],
    );
    let cp = reply.normal().to_string();
    let id = &arrays[0].2[..arrays[0].2.rfind('_').unwrap() + 1];
    assert_eq!(cp, id, "the default name is the server id");
    let dir = server.cwd().join(".akdata").join(&cp);
    assert_eq!(
        read(&dir.join("server.md")),
        format!("{{\"serverid\":\"{cp}\", \"numLocales\":1}}\n")
    );
    let mut expected_files = set_of(&["server.md"]);
    for (dtype, n, name, _) in &arrays {
        assert_eq!(
            read(&dir.join(format!("{name}.md"))),
            entry_md(name, dtype, *n, &format!(".akdata/{cp}")),
        );
        expected_files.insert(format!("{name}.md"));
        expected_files.insert(format!("{name}_LOCALE0000.data"));
    }
    assert_eq!(listing(&dir), expected_files);
    assert_eq!(listing(&server.cwd().join(".akdata")), set_of(&[&cp]));

    // Change every array, delete one, add one; the load restores the saved
    // ones exactly and keeps the new one.
    for (dtype, n, name, _) in &arrays {
        if *n > 0 {
            set(&c, dtype, name, if *dtype == "bool" { "True" } else { "3" });
        }
    }
    delete(&c, &arrays[2].2);
    let extra = upload(&c, "int64", 3, &values("int64", 3, 1));
    load(&c, ".akdata", &cp).expect_normal(&cp);
    for (dtype, n, name, bytes) in &arrays {
        assert_eq!(
            &to_ndarray(&c, dtype, name),
            bytes,
            "{dtype} x {n} ({name})"
        );
    }
    assert_eq!(to_ndarray(&c, "int64", &extra), values("int64", 3, 1));
    let mut all: BTreeSet<String> = arrays.iter().map(|a| a.2.clone()).collect();
    all.insert(extra);
    assert_eq!(symbols(&c), all);
}

#[test]
fn data_files_are_plain_parquet_with_the_original_schema() {
    let server = Server::builder().arg("--dsetname=values").start();
    let c = server.client();
    let mut names = Vec::new();
    for dtype in DTYPES {
        names.push((dtype, upload(&c, dtype, 300, &values(dtype, 300, 3))));
    }
    save(&c, "ck", "layout", "overwrite").expect_normal("layout");
    let expected = [
        ("int64", PhysicalType::INT64, ConvertedType::NONE),
        ("uint64", PhysicalType::INT64, ConvertedType::UINT_64),
        ("uint8", PhysicalType::INT32, ConvertedType::UINT_8),
        ("float64", PhysicalType::DOUBLE, ConvertedType::NONE),
        ("bool", PhysicalType::BOOLEAN, ConvertedType::NONE),
    ];
    for ((dtype, name), (edtype, physical, converted)) in names.iter().zip(expected) {
        assert_eq!(*dtype, edtype);
        let path = server
            .cwd()
            .join(format!("ck/layout/{name}_LOCALE0000.data"));
        let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
        let meta = reader.metadata();
        let schema = meta.file_metadata().schema_descr();
        assert_eq!(schema.num_columns(), 1);
        let col = schema.column(0);
        assert_eq!(col.name(), "values", "--dsetname names the column");
        assert_eq!(col.physical_type(), physical, "{dtype}");
        assert_eq!(col.converted_type(), converted, "{dtype}");
        assert_eq!(
            col.self_type().get_basic_info().repetition(),
            Repetition::REQUIRED
        );
        assert_eq!(meta.file_metadata().num_rows(), 300);
        for g in meta.row_groups() {
            assert_eq!(g.column(0).compression(), Compression::UNCOMPRESSED);
        }
    }
    // The same dsetname loads them back.
    set(&c, "int64", &names[0].1, "0");
    load(&c, "ck", "layout").expect_normal("layout");
    assert_eq!(
        to_ndarray(&c, "int64", &names[0].1),
        values("int64", 300, 3)
    );
}

/// Values of the fixtures written by tests/fixtures/checkpoint/make_fixtures.py.
fn fixture_values(dtype: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..40u64 {
        match dtype {
            "int64" => {
                let v = (i * i * 1000003 % 99991) as i64 * if i % 2 == 1 { -1 } else { 1 };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "uint64" => {
                let v = if i % 2 == 1 { u64::MAX - 3 * i } else { i };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "float64" => {
                let v = if i % 5 != 0 { i as f64 / 7.0 } else { -0.0 };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "bool" => out.push((i % 3 == 1) as u8),
            "uint8" => out.push((i * 37 % 256) as u8),
            other => panic!("{other}"),
        }
    }
    out
}

fn fixture(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checkpoint")
        .join(file)
}

#[test]
fn a_checkpoint_in_the_original_layout_loads() {
    let server = Server::start();
    let c = server.client();
    let dir = server.cwd().join(".akdata/orig");
    fs::create_dir_all(&dir).unwrap();
    // As Python's json.dumps writes it (the client tests' fakes), no final newline.
    fs::write(
        dir.join("server.md"),
        "{\"serverid\": \"id_Orig123_\", \"numLocales\": 1}",
    )
    .unwrap();
    let mut expected = Vec::new();
    for dtype in DTYPES {
        for style in ["arrow", "pandas"] {
            let entry = format!("id_Orig123_{dtype}_{style}");
            fs::copy(
                fixture(&format!("{dtype}_{style}.parquet")),
                dir.join(format!("{entry}_LOCALE0000.data")),
            )
            .unwrap();
            // The recorded path is where the original wrote the file.
            fs::write(
                dir.join(format!("{entry}.md")),
                format!(
                    "{{\"entryName\": \"{entry}\", \"entryType\": \"{ENTRY_TYPE}\"}}\n\
                     {{\"dtype\": \"{dtype}\", \"size\": 40, \"ndim\": 1, \"numTargetLocales\": 1, \"numChunks\": 1}}\n\
                     {{\"filename\": \".akdata/orig/{entry}_LOCALE0000.data\", \"numElems\": 40}}\n"
                ),
            )
            .unwrap();
            expected.push((dtype, entry));
        }
    }
    let mine = upload(&c, "int64", 2, &values("int64", 2, 0));
    load(&c, ".akdata", "orig").expect_normal("orig");
    for (dtype, entry) in &expected {
        assert_eq!(
            to_ndarray(&c, dtype, entry),
            fixture_values(dtype),
            "{entry}"
        );
    }
    let mut names: BTreeSet<String> = expected.iter().map(|e| e.1.clone()).collect();
    names.insert(mine);
    assert_eq!(symbols(&c), names);
}

#[test]
fn chunk_paths_recorded_elsewhere_are_followed_like_the_original() {
    // A checkpoint whose md names its data file by a path outside the
    // checkpoint directory (relative to the server's working directory).
    let server = Server::start();
    let c = server.client();
    let dir = server.cwd().join(".akdata/away");
    fs::create_dir_all(&dir).unwrap();
    fs::create_dir_all(server.cwd().join("elsewhere")).unwrap();
    fs::write(
        dir.join("server.md"),
        "{\"serverid\":\"x\", \"numLocales\":1}\n",
    )
    .unwrap();
    fs::copy(
        fixture("int64_arrow.parquet"),
        server.cwd().join("elsewhere/a.parquet"),
    )
    .unwrap();
    fs::write(
        dir.join("a.md"),
        format!(
            "{{\"entryName\":\"a\", \"entryType\":\"{ENTRY_TYPE}\"}}\n\
             {{\"dtype\":\"int64\", \"size\":40, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}}\n\
             {{\"filename\":\"elsewhere/a.parquet\", \"numElems\":40}}\n"
        ),
    )
    .unwrap();
    load(&c, ".akdata", "away").expect_normal("away");
    assert_eq!(to_ndarray(&c, "int64", "a"), fixture_values("int64"));
}

// ---------------------------------------------------------------------------
// Modes
// ---------------------------------------------------------------------------

#[test]
fn modes_overwrite_error_and_preserve_previous() {
    let server = Server::start();
    let c = server.client();
    let a = upload(&c, "int64", 50, &values("int64", 50, 1));
    let base = server.cwd().join("ck");

    // error: fine when nothing is there, refused (and nothing touched) after.
    save(&c, "ck", "cp", "error").expect_normal("cp");
    let before = read(&base.join("cp").join(format!("{a}.md")));
    set(&c, "int64", &a, "2");
    save(&c, "ck", "cp", "error").expect_error(&prefixed(
        "save_checkpoint",
        "A file already exists in ck/cp. If you want to overwrite, use `mode=\"overwrite\"`, which will delete the file",
    ));
    assert_eq!(read(&base.join("cp").join(format!("{a}.md"))), before);
    load(&c, "ck", "cp").expect_normal("cp");
    assert_eq!(to_ndarray(&c, "int64", &a), values("int64", 50, 1));

    // overwrite: the new content replaces the old, nothing else is left.
    set(&c, "int64", &a, "2");
    save(&c, "ck", "cp", "overwrite").expect_normal("cp");
    assert_eq!(listing(&base), set_of(&["cp"]));
    set(&c, "int64", &a, "9");
    load(&c, "ck", "cp").expect_normal("cp");
    assert_eq!(to_ndarray(&c, "int64", &a), 2i64.to_le_bytes().repeat(50));

    // preserve_previous: the previous one moves to .prev, twice over.
    set(&c, "int64", &a, "3");
    save(&c, "ck", "cp", "preserve_previous").expect_normal("cp");
    assert_eq!(listing(&base), set_of(&["cp", "cp.prev"]));
    set(&c, "int64", &a, "4");
    save(&c, "ck", "cp", "preserve_previous").expect_normal("cp");
    assert_eq!(listing(&base), set_of(&["cp", "cp.prev"]));
    load(&c, "ck", "cp.prev").expect_normal("cp.prev");
    assert_eq!(to_ndarray(&c, "int64", &a), 3i64.to_le_bytes().repeat(50));
    load(&c, "ck", "cp").expect_normal("cp");
    assert_eq!(to_ndarray(&c, "int64", &a), 4i64.to_le_bytes().repeat(50));

    // preserve_previous without an existing checkpoint: no .prev.
    save(&c, "ck", "fresh", "preserve_previous").expect_normal("fresh");
    assert_eq!(listing(&base), set_of(&["cp", "cp.prev", "fresh"]));

    // An unknown mode is refused, in the client's words.
    save(&c, "ck", "cp", "override").expect_error(&prefixed(
        "save_checkpoint",
        "ValueError: invalid checkpointing mode \"override\"; allowed modes are: \"overwrite\", \"error\", \"preserve_previous\"",
    ));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A fake checkpoint as the client's tests make it: server.md, then md files.
fn fake_cp(server: &Server, name: &str, num_locales: i64) -> PathBuf {
    let dir = server.cwd().join(".akdata").join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("server.md"),
        format!("{{\"serverid\": \"dummy\", \"numLocales\": {num_locales}}}"),
    )
    .unwrap();
    dir
}

fn write_md(dir: &Path, file: &str, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.join(file), text).unwrap();
}

fn array_line(dtype: &str, size_key: &str, size: i64, ntl: i64, chunks: i64) -> String {
    format!(
        "{{\"dtype\": \"{dtype}\", \"{size_key}\": {size}, \"ndim\": 1, \"numTargetLocales\": {ntl}, \"numChunks\": {chunks}}}"
    )
}

fn entry_line(name: &str, ty: &str) -> String {
    format!("{{\"entryName\": \"{name}\", \"entryType\": \"{ty}\"}}")
}

#[test]
fn load_error_texts() {
    let server = Server::start();
    let c = server.client();
    let keep = upload(&c, "float64", 4, &values("float64", 4, 2));
    let load_err = |name: &str, msg: &str| {
        load(&c, ".akdata", name).expect_error(&prefixed("load_checkpoint", msg));
    };

    // Returned (not thrown) by the original: no prefix.
    load(&c, "nowhere", "x").expect_error("The base checkpoint directory not found: nowhere");
    fs::create_dir_all(server.cwd().join(".akdata")).unwrap();
    load(&c, ".akdata", "x").expect_error("The checkpoint directory not found: .akdata/x");

    fake_cp(&server, "nl", 2);
    load_err(
        "nl",
        "Attempting to load a checkpoint that was made with a different number of locales (2) than the current execution (1)",
    );

    let dir = fake_cp(&server, "chunks", 1);
    write_md(
        &dir,
        "dummy.md",
        &[
            entry_line("dummy", ENTRY_TYPE),
            array_line("int64", "size", 10, 1, 1),
        ],
    );
    load_err(
        "chunks",
        "could not read chunk 1 metadata from .akdata/chunks/dummy.md",
    );

    let dir = fake_cp(&server, "json", 1);
    write_md(
        &dir,
        "dummy.md",
        &[
            entry_line("dummy", ENTRY_TYPE),
            array_line("int64", "junk", 10, 1, 1),
        ],
    );
    load_err(
        "json",
        "invalid array metadata in .akdata/json/dummy.md: field 'size' not found.",
    );

    let dir = fake_cp(&server, "ntl", 1);
    write_md(
        &dir,
        "dummy.md",
        &[
            entry_line("dummy", ENTRY_TYPE),
            array_line("int64", "size", 10, 3, 3),
        ],
    );
    load_err(
        "ntl",
        "Attempting to load a checkpoint that was made with a different number of locales (3) then the current execution (1)",
    );

    let dir = fake_cp(&server, "strings", 1);
    write_md(&dir, "s.md", &[entry_line("s", "SegStringSymEntry")]);
    load_err(
        "strings",
        "NotImplementedError: Loading a checkpoint is not implemented for entry s which is a SegStringSymEntry with metadata file .akdata/strings/s.md",
    );

    let dir = fake_cp(&server, "bigint", 1);
    write_md(
        &dir,
        "b.md",
        &[
            entry_line("b", ENTRY_TYPE),
            array_line("bigint", "size", 3, 1, 0),
            ".akdata/bigint/b".into(),
        ],
    );
    load_err(
        "bigint",
        "NotImplementedError: Loading an array with 1 dimensions and bigint element type from a checkpoint is not implemented for entry b which is a PrimitiveTypedArraySymEntry with metadata file .akdata/bigint/b.md",
    );

    let dir = fake_cp(&server, "noname", 1);
    write_md(
        &dir,
        "e.md",
        &[
            entry_line("", ENTRY_TYPE),
            array_line("int64", "size", 0, 1, 0),
        ],
    );
    load_err("noname", "Entry in .akdata/noname/e.md has empty name");

    let dir = fake_cp(&server, "sizes", 1);
    write_md(
        &dir,
        "a.md",
        &[
            entry_line("a", ENTRY_TYPE),
            array_line("int64", "size", 10, 1, 1),
            "{\"filename\": \".akdata/sizes/a_LOCALE0000.data\", \"numElems\": 9}".into(),
        ],
    );
    load_err(
        "sizes",
        "Entry a in .akdata/sizes/a.md has size 10 but its chunks hold 9 elements",
    );

    let dir = fake_cp(&server, "missing", 1);
    write_md(
        &dir,
        "a.md",
        &[
            entry_line("a", ENTRY_TYPE),
            array_line("int64", "size", 2, 1, 1),
            "{\"filename\": \".akdata/missing/a_LOCALE0000.data\", \"numElems\": 2}".into(),
        ],
    );
    load_err(
        "missing",
        "cannot open data file .akdata/missing/a_LOCALE0000.data: No such file or directory (os error 2)",
    );

    // Nothing of the above changed the table.
    assert_eq!(symbols(&c), set_of(&[&keep]));
    assert_eq!(to_ndarray(&c, "float64", &keep), values("float64", 4, 2));
}

#[test]
fn names_with_separators_or_dotdot_are_refused() {
    let server = Server::start();
    let c = server.client();
    upload(&c, "int64", 2, &values("int64", 2, 0));
    for name in ["a/b", "..", "../up", "x..y"] {
        let msg = format!(
            "ValueError: invalid checkpoint name '{name}': it must not contain '/' or '..'"
        );
        save(&c, "ck", name, "overwrite").expect_error(&prefixed("save_checkpoint", &msg));
        load(&c, "ck", name).expect_error(&prefixed("load_checkpoint", &msg));
    }
    assert!(!server.cwd().join("ck").exists() || listing(&server.cwd().join("ck")).is_empty());
    // The base directory is created, but not its parents (as in the original).
    save(&c, "no/such/dir", "cp", "overwrite").expect_error(&prefixed(
        "save_checkpoint",
        "IOError: cannot create the checkpoint directory no/such/dir: No such file or directory (os error 2)",
    ));
}

/// Saves two arrays, damages one of the files with `damage`, and checks that
/// the load fails with `msg` (given the damaged path) and changes nothing.
fn damaged_load_changes_nothing(damage: impl Fn(&Path), msg: impl Fn(&str) -> String) {
    let server = Server::start();
    let c = server.client();
    let first = upload(&c, "int64", 5000, &values("int64", 5000, 1));
    let second = upload(&c, "float64", 5000, &values("float64", 5000, 1));
    save(&c, "ck", "cp", "overwrite").expect_normal("cp");
    set(&c, "int64", &first, "5");
    set(&c, "float64", &second, "5");
    let later = upload(&c, "uint8", 3, &[1, 2, 3]);
    // The second entry in glob order is damaged: the first must not load either.
    let damaged = format!("ck/cp/{second}_LOCALE0000.data");
    damage(&server.cwd().join(&damaged));
    load(&c, "ck", "cp").expect_error(&prefixed("load_checkpoint", &msg(&damaged)));
    assert_eq!(
        to_ndarray(&c, "int64", &first),
        5i64.to_le_bytes().repeat(5000)
    );
    assert_eq!(
        to_ndarray(&c, "float64", &second),
        5f64.to_le_bytes().repeat(5000)
    );
    assert_eq!(symbols(&c), set_of(&[&first, &second, &later]));
}

#[test]
fn a_truncated_data_file_is_refused_and_changes_nothing() {
    damaged_load_changes_nothing(
        |p| {
            let bytes = fs::read(p).unwrap();
            fs::write(p, &bytes[..bytes.len() - 100]).unwrap();
        },
        |p| {
            format!(
                "corrupt or truncated data file {p}: Parquet error: Invalid Parquet file. Corrupt footer"
            )
        },
    );
}

#[test]
fn a_corrupt_data_file_is_refused_and_changes_nothing() {
    damaged_load_changes_nothing(
        |p| {
            let mut bytes = fs::read(p).unwrap();
            bytes[20_000] ^= 0x01;
            fs::write(p, &bytes).unwrap();
        },
        |p| format!("corrupt data file {p}: the values do not match their checksum"),
    );
}

#[test]
fn a_size_that_does_not_match_the_data_is_refused() {
    damaged_load_changes_nothing(
        |p| {
            // Metadata consistent in itself, but the data file holds 5000.
            let md = p.to_str().unwrap().replace("_LOCALE0000.data", ".md");
            let text = read(Path::new(&md)).replace("5000", "5001");
            fs::write(&md, text).unwrap();
        },
        |p| format!("data file {p} holds 5000 elements but its metadata says 5001"),
    );
}

// ---------------------------------------------------------------------------
// Status and metrics
// ---------------------------------------------------------------------------

fn num_errors(server: &Server, cmd: &str) -> f64 {
    let reply = server
        .metrics_client()
        .cmd("metrics", &[("category", "str", "NUM_ERRORS")]);
    let list: Value = reply.msg_json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == cmd)
        .and_then(|m| m["value"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn serverstatus_reports_the_last_checkpoint_and_failures_are_counted() {
    let server = Server::builder().side_daemons().start();
    let c = server.client();
    let status = || -> Value {
        let msg = server
            .status_client()
            .cmd("serverstatus", &[])
            .normal()
            .to_string();
        let v: Value = serde_json::from_str(&msg).unwrap();
        v["last_checkpoint"].clone()
    };
    assert_eq!(status(), Value::Null);
    upload(&c, "int64", 1000, &values("int64", 1000, 0));
    save(&c, "ck", "cp", "overwrite").expect_normal("cp");
    let last = status();
    let keys: BTreeSet<&str> = last
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "bytes",
            "duration_seconds",
            "name",
            "outcome",
            "path",
            "time"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(last["name"], "cp");
    assert_eq!(last["path"], "ck/cp");
    assert_eq!(last["outcome"], "ok");
    let on_disk: u64 = listing(&server.cwd().join("ck/cp"))
        .iter()
        .map(|f| {
            fs::metadata(server.cwd().join("ck/cp").join(f))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(last["bytes"].as_u64(), Some(on_disk));
    assert!(last["duration_seconds"].as_f64().is_some_and(|d| d >= 0.0));
    assert!(common::is_chapel_timestamp(last["time"].as_str().unwrap()));
    assert_eq!(num_errors(&server, "save_checkpoint"), 0.0);

    save(&c, "ck", "cp", "error").error();
    let last = status();
    assert_eq!(last["bytes"], 0);
    assert_eq!(
        last["outcome"],
        "failed: A file already exists in ck/cp. If you want to overwrite, use `mode=\"overwrite\"`, which will delete the file"
    );
    assert_eq!(num_errors(&server, "save_checkpoint"), 1.0);
    assert!(
        server
            .stdout()
            .contains("ERROR [Rust] checkpoint save into ck/cp failed: A file already exists"),
        "the failure is logged at ERROR: {}",
        server.stdout()
    );
}

// ---------------------------------------------------------------------------
// Crash safety
// ---------------------------------------------------------------------------

const BIG: usize = 5_000_000; // elements per array
const BIG_ARRAYS: usize = 4; // 4 x 40 MB of int64

/// A server in a fresh cwd holding BIG_ARRAYS int64 arrays, each filled with
/// `version`.
fn big_server(version: i64) -> (Server, Client, Vec<String>) {
    let server = Server::start();
    let c = server.client();
    let mut names = Vec::new();
    for _ in 0..BIG_ARRAYS {
        let name = common::create(&c, "int64", BIG);
        set(&c, "int64", &name, &version.to_string());
        names.push(name);
    }
    (server, c, names)
}

/// Loads `<base>/<name>` into a fresh server and returns the version it holds.
/// The load itself proves every file complete and intact (footers, sizes and
/// checksums are checked); `arrays` of them are also downloaded and compared
/// element by element.
fn loaded_version(base: &Path, name: &str, arrays: usize) -> i64 {
    let server = Server::start();
    let c = server.client();
    load(&c, base.to_str().unwrap(), name).expect_normal(name);
    let info: Value = serde_json::from_str(&common::info_all(&c)).unwrap();
    let info = info.as_array().unwrap();
    assert_eq!(info.len(), BIG_ARRAYS, "{name}: every array is there");
    let mut versions = BTreeSet::new();
    for (k, entry) in info.iter().enumerate() {
        assert_eq!(
            (entry["dtype"].as_str(), entry["size"].as_u64()),
            (Some("int64"), Some(BIG as u64))
        );
        if k < arrays {
            let n = entry["name"].as_str().unwrap();
            let bytes = to_ndarray(&c, "int64", n);
            let first = i64::from_le_bytes(bytes[..8].try_into().unwrap());
            assert!(
                bytes == first.to_le_bytes().repeat(BIG),
                "{name}/{n}: one value throughout"
            );
            versions.insert(first);
        }
    }
    assert_eq!(
        versions.len(),
        1,
        "{name}: all arrays of one save: {versions:?}"
    );
    versions.into_iter().next().unwrap()
}

#[test]
fn sigkill_during_a_large_save_leaves_the_previous_checkpoint_intact() {
    let base_dir = tempfile::tempdir().unwrap();
    let base = base_dir.path().join("ck");
    let base_arg = base.to_str().unwrap().to_string();

    // Version 1, saved completely; also measures how long a save takes.
    let (server, c, _) = big_server(1);
    let started = Instant::now();
    save(&c, &base_arg, "cp", "preserve_previous").expect_normal("cp");
    let full = started.elapsed();
    drop(server);
    let mut on_disk = 1;
    let mut seen = BTreeSet::from([1]);
    let mut kept_previous = 0;

    const KILLS: u32 = 10;
    for i in 0..KILLS {
        let version = 2 + i as i64;
        let (mut server, c, _) = big_server(version);
        c.send_cmd(
            "save_checkpoint",
            &[
                ("name", "str", "cp"),
                ("path", "str", &base_arg),
                ("mode", "str", "preserve_previous"),
            ],
        );
        // Spread over the whole save, a little past its usual end.
        thread::sleep(full.mul_f64(1.2 * i as f64 / (KILLS - 1) as f64));
        server.signal(libc::SIGKILL);
        server.wait_exit(Duration::from_secs(10));
        drop(server);

        let now = loaded_version(&base, "cp", 1);
        assert!(
            now == on_disk || now == version,
            "kill {i}: cp holds version {now}, expected {on_disk} (previous) or {version} (new)"
        );
        if i % 3 == 0 && base.join("cp.prev").exists() {
            let prev = loaded_version(&base, "cp.prev", 1);
            assert!(
                seen.contains(&prev),
                "kill {i}: cp.prev holds {prev}, not a saved version"
            );
        }
        kept_previous += (now != version) as u32;
        on_disk = now;
        seen.insert(version);
    }

    assert!(kept_previous > 0, "no kill interrupted a save");

    // A later save from a live server finishes the job and cleans up.
    let (server, c, _) = big_server(99);
    save(&c, &base_arg, "cp", "preserve_previous").expect_normal("cp");
    drop(server);
    assert_eq!(listing(&base), set_of(&["cp", "cp.prev"]));
    assert_eq!(loaded_version(&base, "cp", BIG_ARRAYS), 99);
    assert_eq!(loaded_version(&base, "cp.prev", BIG_ARRAYS), on_disk);
}

/// The value held by the one int64 array of `<base>/<name>`, loaded into a
/// fresh server.
fn small_version(base: &Path, name: &str) -> i64 {
    let server = Server::start();
    let c = server.client();
    load(&c, base.to_str().unwrap(), name).expect_normal(name);
    let names = symbols(&c);
    assert_eq!(names.len(), 1, "{name}: {names:?}");
    let bytes = to_ndarray(&c, "int64", names.iter().next().unwrap());
    let first = i64::from_le_bytes(bytes[..8].try_into().unwrap());
    assert_eq!(bytes, first.to_le_bytes().repeat(1000), "{name}");
    first
}

#[test]
fn a_kill_at_each_step_of_a_save_leaves_complete_checkpoints() {
    // Before the save of version 3: cp holds 2, cp.prev holds 1.
    for (step, cp, prev) in [("written", 2, 1), ("rotated", 2, 2), ("replaced", 3, 2)] {
        let base_dir = tempfile::tempdir().unwrap();
        let base = base_dir.path().join("ck");
        let base_arg = base.to_str().unwrap();
        let server = Server::start();
        let c = server.client();
        let a = common::create(&c, "int64", 1000);
        for v in ["1", "2"] {
            set(&c, "int64", &a, v);
            save(&c, base_arg, "cp", "preserve_previous").expect_normal("cp");
        }
        drop(server);

        let mut server = Server::builder()
            .env("ARKOUDA_ENABLE_TEST_COMMANDS", "1")
            .env("ARKOUDA_TEST_CHECKPOINT_CRASH_AT", step)
            .start();
        let c = server.client();
        let a = common::create(&c, "int64", 1000);
        set(&c, "int64", &a, "3");
        c.send_cmd(
            "save_checkpoint",
            &[
                ("name", "str", "cp"),
                ("path", "str", base_arg),
                ("mode", "str", "preserve_previous"),
            ],
        );
        let status = server.wait_exit(Duration::from_secs(10));
        assert_eq!(
            status.signal(),
            Some(libc::SIGKILL),
            "{step}: the server was killed"
        );
        assert_eq!(small_version(&base, "cp"), cp, "{step}: cp");
        assert_eq!(small_version(&base, "cp.prev"), prev, "{step}: cp.prev");
    }
}
