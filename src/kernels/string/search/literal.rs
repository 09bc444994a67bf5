//! Whether strings contain, start or end with a literal (what `contains`,
//! `startswith` and `endswith` without `regex` come to): passes over the
//! block's byte buffer rather than a call per string.
//!
//! Every kernel here is one loop over a chunk of strings ([`contains_chunk`],
//! [`affix_chunk`]) that the parallel entry points run on each chunk in the
//! kernels' pool, so the single-threaded baseline of the bench
//! (`cargo bench --bench strings_order`, `BENCH_PARTS=contains`) is the very
//! same loop over all strings on one thread.

use std::mem::MaybeUninit;
use std::ops::Range;

use memchr::memmem::Finder;

use super::span;
use crate::kernels;
use crate::kernels::string::{Strs, count_nuls};

/// Between two hits closer than this, the strings passed are counted from
/// the NULs of the bytes just searched (still in L2, counted 32 a step);
/// farther apart, the hit's string is found in the offsets by a galloping
/// search from the last one (a few offsets read, each likely a cache miss,
/// instead of the whole gap's bytes again). Measured on the 2-core VM:
/// counting 32 KiB costs about what the gallop's misses do.
const COUNT_GAP: usize = 32 << 10;

/// Whether each string contains `needle`.
pub fn contains(s: Strs, needle: &[u8]) -> Vec<bool> {
    if needle.is_empty() || needle.contains(&0) {
        // The empty needle is in every string; one with a NUL in none.
        return vec![needle.is_empty(); s.len()];
    }
    let finder = Finder::new(needle);
    kernels::build(s.len(), |start, out| contains_chunk(s, &finder, start, out))
}

/// [`contains`] of strings `start..start + out.len()`, written to `out`:
/// one memmem pass over their bytes. A needle without NUL never matches
/// across the NUL that ends a string, so a hit lies in one string; the
/// search then resumes after that string's NUL, so each string is hit at
/// most once, and hits are placed by counting the NULs passed (or by a
/// galloping search of the offsets across a long gap).
pub fn contains_chunk(s: Strs, finder: &Finder, start: usize, out: &mut [MaybeUninit<bool>]) {
    let r = start..start + out.len();
    // SAFETY: `bool` false is the zero byte; `out` is then all initialised.
    unsafe { std::ptr::write_bytes(out.as_mut_ptr(), 0, out.len()) };
    let sp = span(&s, &r);
    let bytes = &s.bytes[sp.clone()];
    let offs = &s.offsets[r];
    let (mut pos, mut idx) = (0usize, 0usize);
    while let Some(h) = finder.find(&bytes[pos..]) {
        let p = pos + h;
        idx = if h <= COUNT_GAP {
            idx + count_nuls(&bytes[pos..p])
        } else {
            gallop(offs, idx, (sp.start + p) as u64)
        };
        out[idx].write(true);
        // On past this string's NUL (the needle holds none, so it is after
        // the hit's first byte).
        match memchr::memchr(0, &bytes[p..]) {
            Some(z) => pos = p + z + 1,
            None => break,
        }
        idx += 1;
        if pos >= bytes.len() {
            break;
        }
    }
}

/// The index of the last offset at most `at`, searching forward from
/// `from` (whose offset is at most `at`) in growing steps.
fn gallop(offs: &[u64], from: usize, at: u64) -> usize {
    let mut lo = from;
    let mut step = 1;
    // offs[lo] <= at; find hi with offs[hi] > at (or the end).
    let mut hi = loop {
        let probe = lo + step;
        if probe >= offs.len() {
            break offs.len();
        }
        if offs[probe] > at {
            break probe;
        }
        lo = probe;
        step *= 2;
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offs[mid] <= at {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Whether each string starts (`suffix` false) or ends with `needle`.
pub fn affix(s: Strs, needle: &[u8], suffix: bool) -> Vec<bool> {
    if needle.contains(&0) {
        return vec![false; s.len()];
    }
    kernels::build(s.len(), |start, out| {
        affix_chunk(s, needle, suffix, start, out)
    })
}

/// The 8 bytes of `b` from `at` as a little-endian word.
#[inline(always)]
fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// [`affix`] of strings `start..start + out.len()`, written to `out`. A
/// needle of up to 8 bytes is compared as one masked word load: at the
/// string's start (the bytes after a short string are its NUL and the
/// next strings, and the needle holds no NUL, so a string shorter than
/// the needle cannot match), or ending at its NUL (a shorter string
/// brings the NUL before it into the window).
pub fn affix_chunk(
    s: Strs,
    needle: &[u8],
    suffix: bool,
    start: usize,
    out: &mut [MaybeUninit<bool>],
) {
    let (b, offs, l) = (s.bytes, s.offsets, needle.len());
    let end = |i: usize| offs.get(i + 1).map_or(b.len(), |&o| o as usize) - 1;
    let slow = |i: usize| {
        let x = &b[offs[i] as usize..end(i)];
        if suffix {
            x.ends_with(needle)
        } else {
            x.starts_with(needle)
        }
    };
    let r: Range<usize> = start..start + out.len();
    if l == 0 || l > 8 {
        for (o, i) in out.iter_mut().zip(r) {
            o.write(l == 0 || slow(i));
        }
        return;
    }
    let mut pad = [0u8; 8];
    pad[..l].copy_from_slice(needle);
    let want = u64::from_le_bytes(pad);
    let mask = u64::MAX >> (8 * (8 - l));
    let shift = 8 * (8 - l) as u32;
    for (o, i) in out.iter_mut().zip(r) {
        let hit = if suffix {
            let e = end(i);
            if e >= 8 {
                word(b, e - 8) >> shift == want && e - offs[i] as usize >= l
            } else {
                slow(i)
            }
        } else {
            let a = offs[i] as usize;
            if a + 8 <= b.len() {
                word(b, a) & mask == want
            } else {
                slow(i)
            }
        };
        o.write(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::testing::block;

    #[test]
    fn contains_and_affixes_agree_with_str() {
        let mut words: Vec<String> = [
            "abab", "", "xab", "a", "b", "ba", "abc", "aab", "ab", "bab", "é", "éab",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        // Long gaps between hits and many chunks.
        words.extend((0..300_000).map(|i| format!("w{}", i % 99_991)));
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let (o, b) = block(&refs);
        let s = Strs::new(&o, &b);
        for needle in [
            "ab",
            "",
            "b",
            "w9999",
            "99990",
            "é",
            "abcdefghijk",
            "w1",
            "1",
        ] {
            let n = needle.as_bytes();
            let want: Vec<bool> = refs.iter().map(|w| w.contains(needle)).collect();
            assert_eq!(contains(s, n), want, "contains {needle:?}");
            let want: Vec<bool> = refs.iter().map(|w| w.starts_with(needle)).collect();
            assert_eq!(affix(s, n, false), want, "starts {needle:?}");
            let want: Vec<bool> = refs.iter().map(|w| w.ends_with(needle)).collect();
            assert_eq!(affix(s, n, true), want, "ends {needle:?}");
        }
        for small in [&["ab"][..], &["b"], &["", "a"], &[]] {
            let (o, b) = block(small);
            let s = Strs::new(&o, &b);
            for needle in ["a", "ab", "b", ""] {
                let f = |g: fn(&str, &str) -> bool| -> Vec<bool> {
                    small.iter().map(|w| g(w, needle)).collect()
                };
                let n = needle.as_bytes();
                assert_eq!(contains(s, n), f(|w, x| w.contains(x)));
                assert_eq!(affix(s, n, false), f(|w, x| w.starts_with(x)));
                assert_eq!(affix(s, n, true), f(|w, x| w.ends_with(x)));
            }
        }
        assert_eq!(contains(s, b"a\0b"), vec![false; refs.len()]);
    }

    #[test]
    fn gallop_finds_the_last_offset_not_past() {
        let offs: Vec<u64> = (0..1000).map(|i| i * 3).collect();
        for at in 0..3000u64 {
            for from in [0usize, (at / 3 / 2) as usize, (at / 3) as usize] {
                assert_eq!(gallop(&offs, from, at), (at / 3) as usize);
            }
        }
    }
}
