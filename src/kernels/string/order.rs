//! Ordering, hashing and membership of one block of strings (no ranks).
//!
//! The order is byte-wise lexicographic (a prefix sorts first), ties by
//! position: what NumPy's stable argsort gives for byte strings. Strings
//! hold no NUL (it ends them), so the first 8 bytes of a string packed
//! big-endian into a `u64`, zero-padded, order strings as their bytes do,
//! and two strings of equal packed prefix whose 8th byte is 0 are equal.
//! [`argsort`] radix-sorts those prefixes on all cores and then refines only
//! the runs of equal prefixes whose strings go on (8 bytes deeper each
//! time), so random strings cost one radix sort of 16-byte items.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use super::Strs;
use crate::dist::sort::Item;
use crate::kernels;
use crate::kernels::ord::radix_sort;

/// Bytes `depth..depth + 8` of `s` big-endian, zero-padded past its end.
#[inline]
pub fn prefix(s: &[u8], depth: usize) -> u64 {
    if s.len() >= depth + 8 {
        u64::from_be_bytes(s[depth..depth + 8].try_into().expect("8 bytes"))
    } else if s.len() <= depth {
        0
    } else {
        let mut b = [0u8; 8];
        b[..s.len() - depth].copy_from_slice(&s[depth..]);
        u64::from_be_bytes(b)
    }
}

/// The 128-bit XXH3 of each string: (high words, low words).
pub fn hash128(s: Strs) -> (Vec<u64>, Vec<u64>) {
    let h: Vec<u128> = kernels::build(s.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            o.write(xxh3_128(s.get(start + k)));
        }
    });
    let hi = kernels::map(&h, |x| (x >> 64) as u64);
    let lo = kernels::map(&h, |x| x as u64);
    (hi, lo)
}

/// The 64-bit XXH3 of each string (routing and hash sets).
pub fn hash64(s: Strs) -> Vec<u64> {
    kernels::build(s.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            o.write(xxh3_64(s.get(start + k)));
        }
    })
}

/// Runs of sorted items shorter than this are finished by a comparison sort.
const SMALL_RUN: usize = 48;

/// The stable sorting permutation of `s` (local positions).
pub fn argsort(s: Strs) -> Vec<u64> {
    let items = kernels::build(s.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let i = start + k;
            o.write(Item {
                key: prefix(s.get(i), 0),
                idx: i as u64,
            });
        }
    });
    let mut sorted = radix_sort(items, |x| x.key);
    refine_all(s, &mut sorted, 8);
    kernels::map(&sorted, |x| x.idx)
}

/// Whether a run of items of equal `key` (the prefix ending at some depth)
/// may still hold different strings: only when they all go on past it.
#[inline]
fn open(key: u64) -> bool {
    key & 0xff != 0
}

/// Sorts every open run of equal keys of `items` (sorted by the prefix
/// before `depth`) by the bytes from `depth` on; runs spread over the cores.
fn refine_all(s: Strs, items: &mut [Item], depth: usize) {
    let n = items.len();
    let threads = kernels::threads_for(n);
    if threads == 1 {
        refine_runs(s, items, depth);
        return;
    }
    // Cut into pieces at run boundaries.
    let mut cuts = vec![0];
    for t in 1..threads {
        let mut p = (t * n / threads).max(*cuts.last().expect("cuts start with 0"));
        while p > 0 && p < n && items[p].key == items[p - 1].key {
            p += 1;
        }
        cuts.push(p);
    }
    cuts.push(n);
    let mut pieces = Vec::with_capacity(threads);
    let mut rest = items;
    for w in cuts.windows(2) {
        let (piece, r) = rest.split_at_mut(w[1] - w[0]);
        rest = r;
        pieces.push(piece);
    }
    kernels::install(|| {
        pieces
            .into_par_iter()
            .for_each(|piece| refine_runs(s, piece, depth))
    });
}

/// [`refine_all`] on one thread.
fn refine_runs(s: Strs, items: &mut [Item], depth: usize) {
    let mut i = 0;
    while i < items.len() {
        let key = items[i].key;
        let mut j = i + 1;
        while j < items.len() && items[j].key == key {
            j += 1;
        }
        if j - i > 1 && open(key) {
            refine(s, &mut items[i..j], depth);
        }
        i = j;
    }
}

/// Sorts `run` (strings equal up to `depth`, all at least that long, in
/// position order) by their bytes from `depth` on, stably.
fn refine(s: Strs, run: &mut [Item], depth: usize) {
    if run.len() <= SMALL_RUN {
        run.sort_by(|a, b| s.get(a.idx as usize)[depth..].cmp(&s.get(b.idx as usize)[depth..]));
        return;
    }
    for x in run.iter_mut() {
        x.key = prefix(s.get(x.idx as usize), depth);
    }
    let sorted = radix_sort(run.to_vec(), |x| x.key);
    run.copy_from_slice(&sorted);
    drop(sorted);
    refine_runs(s, run, depth + 8);
}

/// Compares two (string, position) pairs: the order of the sort.
#[inline]
pub fn cmp_item(a: (&[u8], u64), b: (&[u8], u64)) -> Ordering {
    a.0.cmp(b.0).then(a.1.cmp(&b.1))
}

/// A string in a hash set, with its hash computed once.
#[derive(Clone, Copy, Eq)]
struct Keyed<'a> {
    h: u64,
    s: &'a [u8],
}

impl PartialEq for Keyed<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.h == o.h && self.s == o.s
    }
}

impl Hash for Keyed<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.h);
    }
}

/// Passes a precomputed hash through.
#[derive(Default, Clone, Copy)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 hashes are written")
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

#[derive(Default, Clone, Copy)]
struct Pass;

impl BuildHasher for Pass {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

/// Whether each string of `a` occurs in `b` (with `invert`, whether not).
///
/// `b` is split by hash into one set per core, built in parallel; `a`
/// probes the set its hash names.
pub fn member(a: Strs, b: Strs, invert: bool) -> Vec<bool> {
    let hb = hash64(b);
    let parts = kernels::threads_for(b.len()).max(kernels::threads_for(a.len()));
    // The top bits choose the part, the low bits the set's bucket.
    let part = |h: u64| ((h >> 40) as usize) % parts;
    let sets: Vec<HashSet<Keyed, Pass>> = if parts == 1 {
        let mut set = HashSet::with_capacity_and_hasher(b.len(), Pass);
        set.extend((0..b.len()).map(|i| Keyed {
            h: hb[i],
            s: b.get(i),
        }));
        vec![set]
    } else {
        let hb = &hb;
        kernels::install(|| {
            (0..parts)
                .into_par_iter()
                .map(|p| {
                    let mut set = HashSet::with_capacity_and_hasher(b.len() / parts, Pass);
                    for (i, &h) in hb.iter().enumerate() {
                        if part(h) == p {
                            set.insert(Keyed { h, s: b.get(i) });
                        }
                    }
                    set
                })
                .collect()
        })
    };
    drop(hb);
    kernels::build(a.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let s = a.get(start + k);
            let h = xxh3_64(s);
            o.write(sets[part(h)].contains(&Keyed { h, s }) != invert);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::StrsBuilder;

    fn block(words: &[Vec<u8>]) -> (Vec<u64>, Vec<u8>) {
        let mut b = StrsBuilder::default();
        for w in words {
            b.push(w);
        }
        b.finish()
    }

    fn words(n: usize, seed: u64) -> Vec<Vec<u8>> {
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let r = next();
                // Short strings from a small alphabet (many ties), and long
                // ones sharing a 12-byte prefix.
                let len = (r % 24) as usize;
                let mut w: Vec<u8> = if r % 3 == 0 {
                    b"commonprefix".to_vec()
                } else {
                    Vec::new()
                };
                w.extend((0..len).map(|k| b"ab\xc3\xa9z"[((r >> (8 + k)) % 5) as usize]));
                w
            })
            .collect()
    }

    #[test]
    fn argsort_is_stable_lexicographic() {
        for n in [0, 1, 2, 7, 100, 5000, 70_001] {
            let w = words(n, n as u64 + 3);
            let (o, b) = block(&w);
            let got = argsort(Strs::new(&o, &b));
            let mut want: Vec<u64> = (0..n as u64).collect();
            want.sort_by(|&x, &y| w[x as usize].cmp(&w[y as usize]));
            assert_eq!(got, want, "n={n}");
        }
    }

    #[test]
    fn prefixes_pad_with_zeros() {
        assert_eq!(prefix(b"", 0), 0);
        assert_eq!(prefix(b"a", 0), 0x61 << 56);
        assert_eq!(prefix(b"abcdefghi", 8), 0x69 << 56);
        assert_eq!(prefix(b"abcdefgh", 8), 0);
    }

    #[test]
    fn member_matches_a_scan() {
        let (a, b) = (words(3000, 5), words(200_000, 9));
        let (ao, ab) = block(&a);
        let (bo, bb) = block(&b);
        let got = member(Strs::new(&ao, &ab), Strs::new(&bo, &bb), false);
        let set: std::collections::HashSet<&Vec<u8>> = b.iter().collect();
        let want: Vec<bool> = a.iter().map(|x| set.contains(x)).collect();
        assert_eq!(got, want);
        let inv = member(Strs::new(&ao, &ab), Strs::new(&bo, &bb), true);
        assert!(inv.iter().zip(&want).all(|(x, y)| x != y));
    }
}
