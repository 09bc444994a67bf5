//! `ak.array` uploads and `to_ndarray` downloads of large arrays: exact
//! bytes on the parallel conversion path, no extra full copy of the payload
//! (the server's peak memory, read from /proc, grows by about the array plus
//! one payload, not more), and downloads sent from the array's own memory.
//! tests/dist_transfer.rs covers the edge cases at 1, 2 and 3 ranks.

mod common;

use common::vals::*;
use common::*;

/// Peak resident memory of a process in bytes (`VmHWM`).
fn peak_rss(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    kb * 1024
}

#[test]
fn large_uploads_and_downloads_keep_every_byte() {
    let server = Server::start();
    let c = server.client();
    let n = 300_007; // past the parallel threshold, not a multiple of anything
    let words: Vec<u8> = (0..n as u64)
        .flat_map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).to_le_bytes())
        .collect();
    for dtype in ["int64", "uint64", "float64"] {
        let name = upload(&c, dtype, n, &words);
        assert!(to_ndarray(&c, dtype, &name) == words, "{dtype}");
    }
    let bytes: Vec<u8> = (0..n).map(|i| (i * 7 % 256) as u8).collect();
    let name = upload(&c, "uint8", n, &bytes);
    assert!(to_ndarray(&c, "uint8", &name) == bytes);
    // Any nonzero byte is True, and True downloads as 1.
    let name = upload(&c, "bool", n, &bytes);
    let want: Vec<u8> = bytes.iter().map(|b| u8::from(*b != 0)).collect();
    assert!(to_ndarray(&c, "bool", &name) == want);
}

#[test]
fn transfers_make_no_extra_full_copy() {
    // Without the freed-memory cache, so peak memory is what is live.
    let server = Server::builder().arg("--freedMemoryCache=0").start();
    let c = server.client();
    let n = 32 << 20; // 256 MiB of int64
    let payload: Vec<u8> = (0..n as u64).flat_map(|i| i.to_le_bytes()).collect();
    let size = payload.len() as u64;
    let before = peak_rss(server.pid());
    let name = upload(&c, "int64", n, &payload);
    let after_upload = peak_rss(server.pid());
    // The received payload and the array: 2x. Another full copy would be 3x.
    let grew = after_upload - before;
    assert!(
        grew < size * 5 / 2,
        "upload of {size} bytes raised peak memory by {grew}"
    );
    let back = to_ndarray(&c, "int64", &name);
    assert!(back == payload);
    // The array exists already and the reply frame is its own memory: the
    // download adds no copy. (The kernel's resident counts are approximate,
    // so the peak read now may even be a little below the one before.)
    let grew = peak_rss(server.pid()).saturating_sub(after_upload);
    assert!(
        grew < size / 2,
        "download of {size} bytes raised peak memory by {grew}"
    );
}

#[test]
fn downloads_sent_from_the_array_are_snapshots() {
    let server = Server::start();
    let c = server.client();
    for n in [0, 1, 3, 70_001] {
        for dtype in ["int64", "uint64", "uint8", "float64", "bool"] {
            let bytes: Vec<u8> = (0..n * itemsize(dtype))
                .map(|i| (i * 131 % 251) as u8 % if dtype == "bool" { 2 } else { 255 })
                .collect();
            let name = upload(&c, dtype, n, &bytes);
            assert!(to_ndarray(&c, dtype, &name) == bytes, "{dtype} {n}");
            assert!(to_ndarray(&c, dtype, &name) == bytes, "{dtype} {n} again");
        }
    }
    let n = 70_001;
    let v = Vals::F((0..n).map(|i| i as f64 * 0.5).collect());
    let name = put(&c, &v);
    let before = mem_used(&c, 1, false);
    let first = to_ndarray(&c, "float64", &name);
    c.cmd(
        "set<float64,1>",
        &[("array", "float64", &name), ("val", "float64", "-1.5")],
    )
    .expect_normal("");
    assert!(first == v.bytes());
    assert_eq!(get(&c, "float64", &name), Vals::F(vec![-1.5; n]));
    // Nothing stays reserved for the downloads once they are sent.
    assert_eq!(mem_used(&c, 1, false), before);
    c.cmd("delete", &[("name", "str", &name)]).normal();
    assert_eq!(mem_used(&c, 1, false), before - 8 * n as u64);
}
