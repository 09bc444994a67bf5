//! Strings in checkpoints: saved beside arrays (one BYTE_ARRAY Parquet file
//! per locale, a `SegStringSymEntry` metadata file), loaded back exactly,
//! corrupt files refused with nothing changed; at several locales, saved at
//! N and loaded at M.

mod common;

use std::fs;
use std::path::Path;

use common::strs::*;
use common::*;

fn save(c: &Client, base: &Path, name: &str) -> Reply {
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", name),
            ("path", "str", base.to_str().unwrap()),
            ("mode", "str", "overwrite"),
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

/// `n` strings, some empty, some multi-byte.
fn words(n: usize, seed: usize) -> Vec<String> {
    (0..n)
        .map(|i| ["", "ab", "é", "日本語", "z"][(i * 31 + seed) % 5].repeat(i % 4))
        .collect()
}

#[test]
fn strings_save_and_load_at_one_locale() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    let s = Server::start();
    let c = s.client();
    let sets: Vec<Vec<String>> = [0, 1, 5, 20_001].iter().map(|&n| words(n, n)).collect();
    let names: Vec<String> = sets
        .iter()
        .map(|w| put_text(&c, &w.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    save(&c, base, "cp").expect_normal("cp");
    let md = fs::read_to_string(base.join("cp").join(format!("{}.md", names[2]))).unwrap();
    let cp_path = base.join("cp");
    assert_eq!(
        md,
        format!(
            "{{\"entryName\":\"{n}\", \"entryType\":\"SegStringSymEntry\"}}\n\
             {{\"dtype\":\"str\", \"size\":5, \"nbytes\":{b}, \"ndim\":1, \"numTargetLocales\":1, \"numChunks\":1}}\n\
             {{\"filename\":\"{p}/{n}_LOCALE0000.data\", \"numElems\":5}}\n",
            n = names[2],
            b = sets[2].iter().map(|w| w.len() + 1).sum::<usize>(),
            p = cp_path.display()
        )
    );
    c.cmd("clear", &[]).expect_normal("success");
    load(&c, base, "cp").expect_normal("cp");
    for (name, w) in names.iter().zip(&sets) {
        assert_eq!(&get_text(&c, name), w);
    }
    // A flipped byte in the strings' data is found; the table keeps what it had.
    let file = cp_path.join(format!("{}_LOCALE0000.data", names[3]));
    let mut bytes = fs::read(&file).unwrap();
    let at = bytes.windows(2).position(|w| w == b"ab").unwrap();
    bytes[at] = b'A';
    fs::write(&file, bytes).unwrap();
    c.cmd("delete", &[("name", "str", &names[0])]);
    let err = load(&c, base, "cp");
    assert!(
        err.error().contains("do not match their checksum"),
        "{}",
        err.error()
    );
    assert!(
        c.cmd("info", &[("names", "str", &format!("[\"{}\"]", names[0]))])
            .error()
            .contains("unknown symbol")
    );
}

#[cfg(feature = "mpi")]
#[test]
fn strings_saved_at_n_load_at_m() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    let sets: Vec<Vec<String>> = [0, 1, 2, 7, 70_001]
        .iter()
        .map(|&n| words(n, n + 3))
        .collect();
    for (save_at, load_at) in [(2, 1), (2, 3), (3, 2), (1, 3)] {
        let names: Vec<String> = {
            let s = Server::builder().ranks(save_at).start();
            let c = s.client();
            let names = sets
                .iter()
                .map(|w| put_text(&c, &w.iter().map(String::as_str).collect::<Vec<_>>()))
                .collect();
            save(&c, base, "cp").expect_normal("cp");
            names
        };
        let s = Server::builder().ranks(load_at).start();
        let c = s.client();
        load(&c, base, "cp").expect_normal("cp");
        for (name, w) in names.iter().zip(&sets) {
            assert_eq!(
                &get_text(&c, name),
                w,
                "saved at {save_at}, loaded at {load_at}"
            );
        }
    }
}
