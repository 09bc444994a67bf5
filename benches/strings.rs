//! Strings through the server against baselines measured in the same run.
//!
//! * upload (`ak.array` of strings: `arraySegString`, the bytes with their
//!   NULs) against a bare ZeroMQ REQ/REP send of the same bytes to a peer in
//!   its own process;
//! * download (`to_ndarray`: `segStr-tondarray` of the values, then of the
//!   offsets) against bare receives of the same two sizes.
//!
//! Strings are random, 1-16 bytes of lowercase letters, as Arkouda's string
//! benchmarks make them. Figures are GiB/s of the bytes moved, printed with
//! ratio = baseline time / our time. Environment: `BENCH_STR_N` (default
//! 10,000,000 strings), `BENCH_TRIALS` (default 5; medians).

mod support;

use std::time::Instant;

use support::*;

const GIB: f64 = (1u64 << 30) as f64;

/// `n` strings of 1-16 random lowercase letters, each followed by a NUL.
fn random_strings(n: usize, seed: u64) -> Vec<u8> {
    let words = random_words(n * 3, seed, u64::MAX);
    let mut out = Vec::with_capacity(n * 10);
    for w in words.chunks_exact(3) {
        let len = 1 + (w[0] % 16) as usize;
        let letters = w[1].to_le_bytes().into_iter().chain(w[2].to_le_bytes());
        out.extend(letters.take(len).map(|b| b'a' + b % 26));
        out.push(0);
    }
    out
}

fn row(what: &str, bytes: f64, ours: f64, bare: f64) {
    println!(
        "{what:<28} {:>7.2} GiB/s   bare ZeroMQ {:>7.2} GiB/s   ratio {:.2}",
        bytes / ours / GIB,
        bytes / bare / GIB,
        bare / ours
    );
}

fn main() {
    if bare_peer_main() {
        return;
    }
    let n = env_or("BENCH_STR_N", 10_000_000);
    let trials = env_or("BENCH_TRIALS", 5).max(1);
    let payload = random_strings(n, 7);
    let nbytes = payload.len();
    println!("N = {n} strings, {nbytes} bytes, trials = {trials} (median)");
    let ctx = zmq::Context::new();
    let s = Server::start(&ctx);
    let size = nbytes.to_string();
    let upload = || {
        let msg = zmq::Message::from(&payload[..]);
        let t = Instant::now();
        let reply = s.send_binary("arraySegString<uint8>", &[("size", "int64", &size)], msg);
        let secs = t.elapsed().as_secs_f64();
        (secs, name_of(&reply))
    };
    let (up, bare_up) = interleaved(BarePeer::start(&ctx, nbytes, 2, trials), trials, || {
        let (secs, name) = upload();
        s.delete(&name);
        secs
    });
    row("upload arraySegString", nbytes as f64, up, bare_up);

    let (_, name) = upload();
    let comp = |c: &str| {
        s.binary_call(
            "segStr-tondarray",
            &[("obj", "str", &name), ("comp", "str", c)],
        )
    };
    let (down, bare_down) = interleaved(BarePeer::start(&ctx, 1, nbytes, trials), trials, || {
        let t = Instant::now();
        let values = comp("values");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(values.len(), nbytes);
        secs
    });
    row("download values", nbytes as f64, down, bare_down);
    let (down, bare_down) = interleaved(BarePeer::start(&ctx, 1, 8 * n, trials), trials, || {
        let t = Instant::now();
        let offsets = comp("offsets");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(offsets.len(), 8 * n);
        secs
    });
    row("download offsets", (8 * n) as f64, down, bare_down);
    assert!(
        comp("values")[..] == payload[..],
        "download differs from upload"
    );
}
