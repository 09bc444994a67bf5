//! Comparing and combining blocks of strings string by string: equality
//! (with another block or one string), sticking two blocks together, taking
//! each string from one of two sources by a condition, reversing the order.
//! Every kernel reads whole strings of one rank; none knows about ranks.

use super::Strs;
use crate::kernels::{tabulate, threads_for};

/// Whether string i of `a` equals string i of `b` (`equal`), or differs
/// (`!equal`), for every i of `a` (`b` at least as long).
pub fn eq_vv(a: Strs, b: Strs, equal: bool) -> Vec<bool> {
    tabulate(a.len(), 0, |i| (a.get(i) == b.get(i)) == equal)
}

/// Whether each string of `a` equals `s` (`equal`), or differs (`!equal`).
pub fn eq_vs(a: Strs, s: &[u8], equal: bool) -> Vec<bool> {
    tabulate(a.len(), 0, |i| (a.get(i) == s) == equal)
}

/// `a[i] + delim + b[i]` for every i, or `b[i] + delim + a[i]` with
/// `left` (the client's `lstick`).
pub fn stick(a: Strs, b: Strs, delim: &[u8], left: bool) -> (Vec<u64>, Vec<u8>) {
    let (first, second) = if left { (b, a) } else { (a, b) };
    build_strs(
        a.len(),
        |i| first.get(i).len() + delim.len() + second.get(i).len(),
        |i, out| {
            let (x, y) = (first.get(i), second.get(i));
            out[..x.len()].copy_from_slice(x);
            out[x.len()..x.len() + delim.len()].copy_from_slice(delim);
            out[x.len() + delim.len()..].copy_from_slice(y);
        },
    )
}

/// String i of `a` where `cond[i]`, else string i of `b`.
pub fn choose_vv(cond: &[bool], a: Strs, b: Strs) -> (Vec<u64>, Vec<u8>) {
    let pick = |i: usize| if cond[i] { a.get(i) } else { b.get(i) };
    build_strs(
        cond.len(),
        |i| pick(i).len(),
        |i, out| out.copy_from_slice(pick(i)),
    )
}

/// String i of `a` where `cond[i]`, else `s`.
pub fn choose_vs(cond: &[bool], a: Strs, s: &[u8]) -> (Vec<u64>, Vec<u8>) {
    let pick = |i: usize| if cond[i] { a.get(i) } else { s };
    build_strs(
        cond.len(),
        |i| pick(i).len(),
        |i, out| out.copy_from_slice(pick(i)),
    )
}

/// The strings of `a` last to first, each string's bytes unchanged.
pub fn reversed(a: Strs) -> (Vec<u64>, Vec<u8>) {
    let n = a.len();
    build_strs(
        n,
        |i| a.get(n - 1 - i).len(),
        |i, out| out.copy_from_slice(a.get(n - 1 - i)),
    )
}

/// `n` strings, string i of `len(i)` bytes (NUL not counted) written by
/// `write(i, out)` into exactly that many bytes. The offsets are one
/// sequential sum; the bytes are written by every core for large `n`, each
/// thread a run of strings in its own part of the buffer.
pub fn build_strs(
    n: usize,
    len: impl Fn(usize) -> usize + Sync,
    write: impl Fn(usize, &mut [u8]) + Sync,
) -> (Vec<u64>, Vec<u8>) {
    let mut offsets = Vec::with_capacity(n);
    let mut total = 0usize;
    for i in 0..n {
        offsets.push(total as u64);
        total += len(i) + 1;
    }
    // Zeroed, so every NUL is already in place.
    let mut bytes = vec![0u8; total];
    let fill = |range: std::ops::Range<usize>, out: &mut [u8]| {
        let base = offsets.get(range.start).map_or(0, |&o| o as usize);
        for i in range {
            let start = offsets[i] as usize - base;
            let end = offsets.get(i + 1).map_or(base + out.len(), |&o| o as usize) - base - 1;
            write(i, &mut out[start..end]);
        }
    };
    let threads = threads_for(n);
    if threads == 1 {
        fill(0..n, &mut bytes);
    } else {
        let per = n.div_ceil(threads);
        std::thread::scope(|s| {
            let mut rest: &mut [u8] = &mut bytes;
            let mut first = 0;
            while first < n {
                let last = (first + per).min(n);
                let end = offsets.get(last).map_or(total, |&o| o as usize);
                let cut = end - offsets[first] as usize;
                let (mine, tail) = std::mem::take(&mut rest).split_at_mut(cut);
                rest = tail;
                let fill = &fill;
                s.spawn(move || fill(first..last, mine));
                first = last;
            }
        });
    }
    (offsets, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::StrsBuilder;

    fn block(words: &[&str]) -> (Vec<u64>, Vec<u8>) {
        let mut b = StrsBuilder::default();
        for w in words {
            b.push(w.as_bytes());
        }
        b.finish()
    }

    fn texts(o: &[u64], b: &[u8]) -> Vec<String> {
        Strs::new(o, b)
            .iter()
            .map(|s| String::from_utf8(s.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn compare_stick_choose_reverse() {
        let (ao, ab) = block(&["a", "", "héllo", "x"]);
        let (bo, bb) = block(&["a", "z", "", "y"]);
        let (a, b) = (Strs::new(&ao, &ab), Strs::new(&bo, &bb));
        assert_eq!(eq_vv(a, b, true), vec![true, false, false, false]);
        assert_eq!(eq_vv(a, b, false), vec![false, true, true, true]);
        assert_eq!(eq_vs(a, b"", true), vec![false, true, false, false]);
        let (o, by) = stick(a, b, "·".as_bytes(), false);
        assert_eq!(texts(&o, &by), ["a·a", "·z", "héllo·", "x·y"]);
        let (o, by) = stick(a, b, b"", true);
        assert_eq!(texts(&o, &by), ["aa", "z", "héllo", "yx"]);
        let cond = [true, false, true, false];
        let (o, by) = choose_vv(&cond, a, b);
        assert_eq!(texts(&o, &by), ["a", "z", "héllo", "y"]);
        let (o, by) = choose_vs(&cond, a, "日".as_bytes());
        assert_eq!(texts(&o, &by), ["a", "日", "héllo", "日"]);
        let (o, by) = reversed(a);
        assert_eq!(texts(&o, &by), ["x", "héllo", "", "a"]);
        assert_eq!(reversed(Strs::new(&[], &[])), (vec![], vec![]));
    }

    /// Enough strings for several threads: the parts meet exactly.
    #[test]
    fn build_strs_in_parallel_matches_one_thread() {
        let n = 300_000;
        let (o, b) = build_strs(n, |i| i % 5, |i, out| out.fill(b'a' + (i % 26) as u8));
        let v = Strs::new(&o, &b);
        assert_eq!(v.len(), n);
        for i in (0..n).step_by(997) {
            assert_eq!(v.get(i), vec![b'a' + (i % 26) as u8; i % 5].as_slice());
        }
        assert_eq!(b.len(), (0..n).map(|i| i % 5 + 1).sum::<usize>());
    }
}
