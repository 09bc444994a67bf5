//! Checkpoints over several locales: a save at N locales writes one
//! `_LOCALE<r>` file per locale and array (the original's multi-locale
//! layout) and loads at any M; a load that fails on any locale, and a save
//! that fails, change nothing; the automatic and the shutdown saves cover
//! every locale. Values are uploaded and read back at one locale, so every
//! check is exact.
#![cfg(feature = "mpi")]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Duration;

use common::{Client, Reply, Server, to_ndarray, upload, wait_until};

fn server(ranks: usize) -> Server {
    Server::builder().ranks(ranks).start()
}

fn save(c: &Client, base: &Path, name: &str, mode: &str) -> Reply {
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", name),
            ("path", "str", base.to_str().unwrap()),
            ("mode", "str", mode),
        ],
    )
}

fn load(c: &Client, base: &Path, name: &str) -> Reply {
    c.cmd(
        "load_checkpoint",
        &[
            ("name", "str", name),
            ("path", "str", base.to_str().unwrap()),
        ],
    )
}

const DTYPES: [&str; 5] = ["int64", "uint64", "uint8", "float64", "bool"];
/// Empty, shorter than the locale count, uneven over 2 and 3 locales, and
/// long enough for many pages per file.
const LENGTHS: [usize; 5] = [0, 1, 2, 7, 70_001];

/// Little-endian bytes of `n` values of `dtype`, varied by `seed`.
fn values(dtype: &str, n: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n as u64 {
        let k = (i ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        match dtype {
            "int64" | "uint64" => out.extend_from_slice(&k.to_le_bytes()),
            "float64" => {
                let v = match i % 4 {
                    0 => -0.0,
                    1 => f64::from_bits(0x7FF8_0000_DEAD_BEEF),
                    _ => (k >> 11) as f64 / 7.0 - 1e9,
                };
                out.extend_from_slice(&v.to_le_bytes());
            }
            "uint8" => out.push(k as u8),
            "bool" => out.push(((k >> 17) & 1) as u8),
            other => panic!("no values for {other}"),
        }
    }
    out
}

/// An array the test made: its name, dtype and values.
struct Made {
    name: String,
    dtype: &'static str,
    bytes: Vec<u8>,
}

impl Made {
    fn len(&self) -> usize {
        self.bytes.len() / common::itemsize(self.dtype)
    }
}

/// Uploads every dtype at every length into a one-locale server and saves
/// them as `<base>/one`.
fn make_one(base: &Path) -> Vec<Made> {
    let s = server(1);
    let c = s.client();
    let mut made = Vec::new();
    for (d, dtype) in DTYPES.into_iter().enumerate() {
        for (l, n) in LENGTHS.into_iter().enumerate() {
            let bytes = values(dtype, n, (d * 10 + l) as u64);
            let name = upload(&c, dtype, n, &bytes);
            made.push(Made { name, dtype, bytes });
        }
    }
    save(&c, base, "one", "overwrite").expect_normal("one");
    made
}

/// Loads `<base>/<cp>` into a fresh one-locale server and checks that it
/// holds exactly `made`.
fn check_values(base: &Path, cp: &str, made: &[Made]) {
    let s = server(1);
    let c = s.client();
    load(&c, base, cp).expect_normal(cp);
    for m in made {
        assert_eq!(
            to_ndarray(&c, m.dtype, &m.name),
            m.bytes,
            "{cp}: {} x {}",
            m.dtype,
            m.len()
        );
    }
    let info = common::info_all(&c);
    assert_eq!(
        info.matches("\"name\":").count(),
        made.len(),
        "{cp}: {info}"
    );
}

fn block_len(n: usize, ranks: usize, r: usize) -> usize {
    (r + 1) * n / ranks - r * n / ranks
}

/// Checks the files of `<base>/<cp>` saved at `ranks` locales: the
/// original's layout with one chunk per locale, plus our layout file at
/// several locales.
fn check_layout(base: &Path, cp: &str, ranks: usize, made: &[Made]) {
    let dir = base.join(cp);
    let cp_path = dir.to_str().unwrap();
    let server_md = fs::read_to_string(dir.join("server.md")).unwrap();
    let id = server_md
        .strip_prefix("{\"serverid\":\"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("{server_md}"));
    assert_eq!(
        server_md,
        format!("{{\"serverid\":\"{id}\", \"numLocales\":{ranks}}}\n")
    );
    let mut expected: BTreeSet<String> = ["server.md".to_string()].into();
    if ranks > 1 {
        assert_eq!(
            fs::read_to_string(dir.join("layout.json")).unwrap(),
            format!("{{\"distribution\":\"block\", \"numLocales\":{ranks}}}\n")
        );
        expected.insert("layout.json".into());
    }
    for m in made {
        let n = m.len();
        let mut md = format!(
            "{{\"entryName\":\"{e}\", \"entryType\":\"PrimitiveTypedArraySymEntry\"}}\n\
             {{\"dtype\":\"{}\", \"size\":{n}, \"ndim\":1, \"numTargetLocales\":{ranks}, \"numChunks\":{ranks}}}\n",
            m.dtype,
            e = m.name
        );
        for r in 0..ranks {
            let file = format!("{}_LOCALE{r:04}.data", m.name);
            md += &format!(
                "{{\"filename\":\"{cp_path}/{file}\", \"numElems\":{}}}\n",
                block_len(n, ranks, r)
            );
            expected.insert(file);
        }
        let md_file = format!("{}.md", m.name);
        assert_eq!(fs::read_to_string(dir.join(&md_file)).unwrap(), md);
        expected.insert(md_file);
    }
    let found: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(found, expected, "{cp}");
}

/// The files of a checkpoint directory and their contents.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn data_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(f, _)| f.ends_with(".data"))
        .collect()
}

#[test]
fn a_save_at_n_locales_loads_at_m() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let made = make_one(base);
    check_layout(base, "one", 1, &made);

    // 1 -> 2 -> 3 -> 2 locales, each checkpoint then read at one locale.
    let steps = [
        ("one", "two", 2),
        ("two", "three", 3),
        ("three", "two_b", 2),
    ];
    for (from, to, ranks) in steps {
        let s = server(ranks);
        let c = s.client();
        load(&c, base, from).expect_normal(from);
        save(&c, base, to, "overwrite").expect_normal(to);
        drop(s);
        check_layout(base, to, ranks, &made);
        check_values(base, to, &made);
    }
    // The same blocks written twice: the same bytes.
    assert_eq!(
        data_files(&base.join("two")),
        data_files(&base.join("two_b"))
    );
    // 3 -> 2 and 2 -> 3 straight from the files (no save in between).
    for (cp, ranks) in [("three", 2), ("two", 3)] {
        let s = server(ranks);
        let c = s.client();
        load(&c, base, cp).expect_normal(cp);
        save(&c, base, "again", "overwrite").expect_normal("again");
        drop(s);
        check_values(base, "again", &made);
    }
}

#[test]
fn a_failed_load_or_save_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let made = make_one(base);
    let big = &made
        .iter()
        .find(|m| m.dtype == "int64" && m.len() == 70_001)
        .unwrap()
        .name;
    let bad_file = |cp: &str| base.join(cp).join(format!("{big}_LOCALE0001.data"));
    {
        let s = server(2);
        let c = s.client();
        load(&c, base, "one").expect_normal("one");
        for cp in ["missing", "corrupt"] {
            save(&c, base, cp, "overwrite").expect_normal(cp);
        }
    }
    // Every locale sees the missing file.
    fs::remove_file(bad_file("missing")).unwrap();
    // Only the locales whose blocks overlap the second chunk read it.
    let mut bytes = fs::read(bad_file("corrupt")).unwrap();
    bytes[100] ^= 0x10;
    fs::write(bad_file("corrupt"), &bytes).unwrap();

    for ranks in [2, 3] {
        let s = server(ranks);
        let c = s.client();
        c.cmd(
            "getmemused",
            &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
        )
        .expect_normal("0");
        // Sent bare, as the original returns it.
        let nowhere = base.join("nowhere");
        load(&c, &nowhere, "x").expect_error(&format!(
            "The base checkpoint directory not found: {}",
            nowhere.display()
        ));
        load(&c, base, "missing").expect_error(&format!(
            "Error executing command load_checkpoint: cannot open data file {}: No such file or directory (os error 2)",
            bad_file("missing").display()
        ));
        load(&c, base, "corrupt").expect_error(&format!(
            "Error executing command load_checkpoint: corrupt data file {}: the values do not match their checksum",
            bad_file("corrupt").display()
        ));
        // Nothing was stored on any locale.
        c.cmd(
            "getmemused",
            &[("factor", "int64", "1"), ("as_percent", "bool", "False")],
        )
        .expect_normal("0");

        // A table with arrays keeps them as they were.
        load(&c, base, "one").expect_normal("one");
        load(&c, base, "corrupt").error();
        load(&c, base, "missing").error();
        // A save refused on rank 0 leaves the target as it was.
        let before = snapshot(&base.join("corrupt"));
        save(&c, base, "corrupt", "error").expect_error(&format!(
            "Error executing command save_checkpoint: A file already exists in {}. If you want to overwrite, use `mode=\"overwrite\"`, which will delete the file",
            base.join("corrupt").display()
        ));
        assert_eq!(snapshot(&base.join("corrupt")), before);
        let after = format!("after{ranks}");
        save(&c, base, &after, "overwrite").expect_normal(&after);
        drop(s);
        check_values(base, &after, &made);
        // No temporary directory is left behind.
        let hidden: Vec<_> = fs::read_dir(base)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| f.starts_with('.'))
            .collect();
        assert!(hidden.is_empty(), "{hidden:?}");
    }
}

#[test]
fn the_originals_multi_locale_checkpoints_load_at_their_own_count_only() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let made = make_one(base);
    {
        let s = server(2);
        let c = s.client();
        load(&c, base, "one").expect_normal("one");
        save(&c, base, "two", "overwrite").expect_normal("two");
    }
    // Without our layout file the chunks are not known to be blocks.
    fs::remove_file(base.join("two/layout.json")).unwrap();
    {
        let s = server(1);
        load(&s.client(), base, "two").expect_error(
            "Error executing command load_checkpoint: Attempting to load a checkpoint that was made with a different number of locales (2) than the current execution (1)",
        );
    }
    let s = server(2);
    let c = s.client();
    load(&c, base, "two").expect_normal("two");
    save(&c, base, "two_again", "overwrite").expect_normal("two_again");
    drop(s);
    check_values(base, "two_again", &made);
}

#[test]
fn automatic_and_shutdown_saves_cover_every_locale() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let made = make_one(base);
    const NAME: &str = "auto_checkpoint";

    let auto = base.join("auto");
    let s = Server::builder()
        .ranks(2)
        .args(&[
            "--checkpointIdleTime=1",
            "--checkpointInterval=1",
            &format!("--checkpointPath={}", auto.display()),
        ])
        .start();
    let c = s.client();
    load(&c, base, "one").expect_normal("one");
    assert!(
        wait_until(Duration::from_secs(20), || auto
            .join(NAME)
            .join("server.md")
            .exists()),
        "an automatic checkpoint"
    );
    c.cmd("wait_for_async_activity", &[])
        .expect_normal("completed");
    // Commands still run on every locale after it.
    load(&c, base, "one").expect_normal("one");
    drop(s);
    check_layout(&auto, NAME, 2, &made);
    check_values(&auto, NAME, &made);

    let shut = base.join("shut");
    let mut s = Server::builder()
        .ranks(3)
        .args(&[
            "--checkpointOnShutdown",
            &format!("--checkpointPath={}", shut.display()),
        ])
        .start();
    let c = s.client();
    load(&c, base, "one").expect_normal("one");
    c.string_cmd("shutdown").normal();
    s.expect_clean_exit();
    assert!(s.stdout().contains("saving a checkpoint at shutdown"));
    check_layout(&shut, NAME, 3, &made);
    check_values(&shut, NAME, &made);
}

#[test]
fn a_save_failing_on_one_locale_changes_nothing_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let made = make_one(base);
    for (ranks, failing) in [(2, 1), (3, 2), (3, 0)] {
        let s = Server::builder()
            .ranks(ranks)
            .env("ARKOUDA_ENABLE_TEST_COMMANDS", "1")
            .env("ARKOUDA_TEST_CHECKPOINT_FAIL_RANK", &failing.to_string())
            .start();
        let c = s.client();
        load(&c, base, "one").expect_normal("one");
        let before = snapshot(&base.join("one"));
        for mode in ["overwrite", "preserve_previous"] {
            save(&c, base, "one", mode).expect_error(&format!(
                "Error executing command save_checkpoint: IOError: failing the save on locale {failing} as the test asked"
            ));
            assert_eq!(snapshot(&base.join("one")), before, "{ranks} ranks, {mode}");
        }
        save(&c, base, "new", "overwrite").error();
        drop(s);
        let mut names: Vec<_> = fs::read_dir(base)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        // No `.prev`, no `new`, no temporary directory.
        assert_eq!(names, ["one"], "{ranks} ranks, rank {failing} failing");
    }
    check_values(base, "one", &made);
}
