//! Checkpoint save and load throughput against a plain sequential write and
//! read of the same bytes, in the same run and the same directory.
//!
//! * save: `checkpoint::save` of one int64 array as a new checkpoint (Parquet
//!   encoding, checksum, fsync of every file and directory, rename into
//!   place);
//! * plain write: the array's bytes written to a new file with `write_all`,
//!   then `fsync` (the same durability the save gives);
//! * save over: the same save replacing the existing checkpoint of that name
//!   (mode overwrite: it also deletes the previous one);
//! * plain replace: plain write to a temporary file, then `rename` over the
//!   existing file (which frees the previous one likewise);
//! * load: `checkpoint::load` of that checkpoint (footer checks, decoding,
//!   checksum, memory reservation, insert);
//! * plain read: `fs::read` of the plain file into a fresh buffer.
//!
//! Reads come from the page cache in both cases (the files were just
//! written); nothing drops caches, since the machine is shared. Rounds are
//! interleaved (plain, checkpoint, plain, ...) so that load drift hits both
//! alike, and the median round of each is compared. Target: save and load at
//! ≥ 70% of the plain figures. Timing is reported, never asserted.
//!
//! Environment: `BENCH_GIB` (array size in GiB, default 1), `BENCH_ROUNDS`
//! (default 5), `BENCH_DIR` (default: a temporary directory under the
//! current directory's filesystem).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use arkouda_server::checkpoint::{self, Mode};
use arkouda_server::config::Config;
use arkouda_server::machine::Machine;
use arkouda_server::state::Shared;
use arkouda_server::symbol_table::{ArrayData, DType};

const TARGET: f64 = 0.70;
const GIB: f64 = (1u64 << 30) as f64;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(times: &[f64]) -> f64 {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn plain_write(path: &Path, bytes: &[u8]) -> f64 {
    let _ = fs::remove_file(path);
    let started = Instant::now();
    let mut f = fs::File::create(path).expect("create plain file");
    f.write_all(bytes).expect("write plain file");
    f.sync_all().expect("fsync plain file");
    started.elapsed().as_secs_f64()
}

fn plain_replace(path: &Path, bytes: &[u8]) -> f64 {
    let tmp = path.with_extension("tmp");
    let started = Instant::now();
    let mut f = fs::File::create(&tmp).expect("create plain file");
    f.write_all(bytes).expect("write plain file");
    f.sync_all().expect("fsync plain file");
    fs::rename(&tmp, path).expect("rename plain file");
    started.elapsed().as_secs_f64()
}

fn timed(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64()
}

fn plain_read(path: &Path, len: usize) -> f64 {
    let started = Instant::now();
    let back = fs::read(path).expect("read plain file");
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(back.len(), len);
    seconds
}

fn main() {
    let gib: f64 = env_or("BENCH_GIB", 1.0);
    let rounds: usize = env_or("BENCH_ROUNDS", 5).max(1);
    let n = (gib * GIB / 8.0) as usize;
    let bytes_total = (n * 8) as f64;

    let tmp = match std::env::var("BENCH_DIR") {
        Ok(dir) => tempfile::tempdir_in(dir),
        Err(_) => tempfile::tempdir_in("."),
    }
    .expect("temporary directory");
    let base = tmp.path().join("ck");
    let base_arg = base.to_str().expect("utf-8 path").to_string();
    let plain = tmp.path().join("plain.bin");

    let mut config = Config::defaults();
    config.mem_max = 8 * (n as u64 * 8) + (1 << 30);
    let shared = Shared::new(config, Machine::detect(), None);
    let values: Vec<i64> = (0..n as i64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64))
        .collect();
    let raw = ArrayData::Int64(values.clone()).to_le_bytes();
    let entry = shared
        .symbols
        .new_entry(DType::Int64, vec![n], |_| ArrayData::Int64(values))
        .expect("reserve the array");
    let name = shared.symbols.next_name();
    shared.symbols.insert(name.clone(), entry);

    println!(
        "checkpoint bench: one int64 array of {n} elements ({:.2} GiB), {rounds} rounds, in {}",
        bytes_total / GIB,
        tmp.path().display()
    );
    let save = || {
        checkpoint::save(
            &shared,
            shared.cluster.comm(),
            &base_arg,
            "bench",
            Mode::Overwrite,
        )
        .expect("save")
    };
    let [mut w, mut s, mut pr, mut so, mut r, mut l] = std::array::from_fn(|_| Vec::new());
    for round in 0..rounds {
        w.push(plain_write(&plain, &raw));
        let _ = fs::remove_dir_all(base.join("bench"));
        s.push(timed(|| drop(save())));
        pr.push(plain_replace(&plain, &raw));
        so.push(timed(|| drop(save())));
        r.push(plain_read(&plain, raw.len()));
        l.push(timed(|| {
            checkpoint::load(&shared, shared.cluster.comm(), &base_arg, "bench").expect("load");
        }));
        println!(
            "  round {round}: plain write {:.3}s, save {:.3}s, plain replace {:.3}s, \
             save over {:.3}s, plain read {:.3}s, load {:.3}s",
            w[round], s[round], pr[round], so[round], r[round], l[round]
        );
    }
    let loaded = shared.symbols.get(&name).expect("loaded array");
    assert!(
        loaded.data.to_le_bytes() == raw,
        "the loaded array differs from the saved one"
    );

    let rate = |t: f64| bytes_total / GIB / t;
    let report = |what: &str, ours: f64, plain_what: &str, plain: f64| {
        let ratio = rate(ours) / rate(plain);
        println!(
            "{what:<9} {:>6.2} GiB/s   {plain_what:<13} {:>6.2} GiB/s   ratio {:>5.1}%  {}",
            rate(ours),
            rate(plain),
            ratio * 100.0,
            if ratio >= TARGET {
                "(target met)"
            } else {
                "(below the 70% target)"
            }
        );
    };
    report("save", median(&s), "plain write", median(&w));
    report("save over", median(&so), "plain replace", median(&pr));
    report("load", median(&l), "plain read", median(&r));
}
