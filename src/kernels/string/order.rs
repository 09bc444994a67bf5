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
use xxhash_rust::xxh3::xxh3_64;

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

/// The original server's hash of each string, as `segmentedHash` returns
/// it: SipHash-2-4 with 128-bit output, key bytes 0..16, over the string's
/// bytes and its NUL, each half of the 16 output bytes read big-endian
/// (first half, second half). The values are the original's, so hashes
/// users keep or compare agree across the two servers, and grouping by
/// them orders groups as the original does.
pub fn hash128(s: Strs) -> (Vec<u64>, Vec<u64>) {
    two_columns(s.len(), |i| sip128(s.with_nul(i)))
}

/// `f(i)` for every i below `n`, its two words as two columns.
fn two_columns(n: usize, f: impl Fn(usize) -> [u64; 2] + Sync) -> (Vec<u64>, Vec<u64>) {
    let pairs = kernels::tabulate(n, 0, f);
    (
        kernels::map(&pairs, |x| x[0]),
        kernels::map(&pairs, |x| x[1]),
    )
}

/// SipHash-2-4-128 of `b` as the original reports it (see [`hash128`]).
pub fn sip128(b: &[u8]) -> [u64; 2] {
    use siphasher::sip128::{Hasher128, SipHasher24};
    use std::hash::Hasher;
    const KEY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let mut h = SipHasher24::new_with_key(&KEY);
    h.write(b);
    let out = h.finish128().as_bytes();
    let half = |r: std::ops::Range<usize>| u64::from_be_bytes(out[r].try_into().expect("8 bytes"));
    [half(0..8), half(8..16)]
}

/// How the original server orders the groups of one Strings key (in
/// `unique`, so in GroupBy and Categorical): by key columns it derives from
/// the strings, sorted as unsigned integers. Strings all shorter than 16
/// bytes are packed: each string's bytes read as one big-endian number
/// (right-aligned, so a shorter string is a smaller number) when none is
/// longer than 8 bytes, else its first `len / 2` bytes and its other bytes
/// as two such numbers. Longer strings are ordered by [`hash128`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKeys {
    Packed1,
    Packed2,
    Hashed,
}

impl GroupKeys {
    /// The keys for strings whose longest has `max_len` bytes. Packing is
    /// one-to-one only for strings without NULs inside (text from
    /// `decode` to UTF-16 has them), so those are hashed instead.
    pub fn for_strings(max_len: usize, inner_nul: bool) -> Self {
        match max_len {
            _ if inner_nul => GroupKeys::Hashed,
            0..=8 => GroupKeys::Packed1,
            9..=15 => GroupKeys::Packed2,
            _ => GroupKeys::Hashed,
        }
    }

    /// The key columns of `s`.
    pub fn columns(self, s: Strs) -> Vec<Vec<u64>> {
        let packed = |b: &[u8]| b.iter().fold(0u64, |n, &x| (n << 8) | u64::from(x));
        match self {
            GroupKeys::Packed1 => vec![kernels::tabulate(s.len(), 0, |i| packed(s.get(i)))],
            GroupKeys::Packed2 => {
                let (a, b) = two_columns(s.len(), |i| {
                    let b = s.get(i);
                    let (x, y) = b.split_at(b.len() / 2);
                    [packed(x), packed(y)]
                });
                vec![a, b]
            }
            GroupKeys::Hashed => {
                let (a, b) = hash128(s);
                vec![a, b]
            }
        }
    }
}

/// The longest string of `s` (bytes, NUL not counted) and whether any
/// holds a NUL before its end.
pub fn longest_and_inner_nul(s: Strs) -> (usize, bool) {
    let longest = kernels::map_ranges(s.len(), |r| r.map(|i| s.get(i).len()).max().unwrap_or(0));
    let longest = longest.into_iter().max().unwrap_or(0);
    // Every string ends in one NUL; any more are inside strings.
    (longest, super::count_nuls(s.bytes) > s.len())
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

    /// SipHash-2-4-128's reference vectors (key bytes 0..16, message
    /// bytes 0..i), each half read big-endian as the original does.
    #[test]
    fn sip128_gives_the_reference_vectors() {
        let vectors: [[u64; 2]; 4] = [
            [0xa381_7f04_ba25_a8e6, 0x6df6_7214_c755_0293],
            [0xda87_c1d8_6b99_af44, 0x3476_5911_9b22_fc45],
            [0x8177_228d_a4a4_5dc7, 0xfca3_8bde_f60a_ffe4],
            [0x9c70_b60c_5267_a94e, 0x5f33_b6b0_2985_ed51],
        ];
        for (i, want) in vectors.iter().enumerate() {
            let msg: Vec<u8> = (0..i as u8).collect();
            assert_eq!(sip128(&msg), *want, "vector {i}");
        }
        // A string is hashed with its NUL: "" is the message [0].
        let (o, b) = block(&[Vec::new()]);
        assert_eq!(
            hash128(Strs::new(&o, &b)),
            (vec![vectors[1][0]], vec![vectors[1][1]])
        );
    }

    #[test]
    fn group_keys_pack_short_strings_and_hash_the_rest() {
        assert_eq!(GroupKeys::for_strings(0, false), GroupKeys::Packed1);
        assert_eq!(GroupKeys::for_strings(8, false), GroupKeys::Packed1);
        assert_eq!(GroupKeys::for_strings(9, false), GroupKeys::Packed2);
        assert_eq!(GroupKeys::for_strings(15, false), GroupKeys::Packed2);
        assert_eq!(GroupKeys::for_strings(16, false), GroupKeys::Hashed);
        assert_eq!(GroupKeys::for_strings(3, true), GroupKeys::Hashed);
        let (o, b) = block(&[b"ab".to_vec(), b"abcde".to_vec(), Vec::new()]);
        let s = Strs::new(&o, &b);
        assert_eq!(
            GroupKeys::Packed1.columns(s),
            vec![vec![0x6162, 0x61_6263_6465, 0]]
        );
        assert_eq!(
            GroupKeys::Packed2.columns(s),
            vec![vec![0x61, 0x6162, 0], vec![0x62, 0x63_6465, 0]]
        );
        assert_eq!(longest_and_inner_nul(s), (5, false));
        let (o, b) = block(&[b"a\0b".to_vec()]);
        assert_eq!(longest_and_inner_nul(Strs::new(&o, &b)), (3, true));
    }

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
