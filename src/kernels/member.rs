//! Membership kernels (`in1d`, `setdiff1d`): whether each probe key is among
//! a set of space keys. Keys are the order-preserving `u64`s of
//! [`crate::kernels::ord`], so every dtype pair is one problem.
//!
//! Two ways, as NumPy's `isin` has: when the space keys span a small range,
//! a bitset over `[lo, hi]` (one bit per value: 2^23 values take 1 MiB and
//! stay in cache), probed with one load per key; otherwise a hash set of the
//! space keys (one cache miss per probe, where a binary search over the
//! sorted keys takes about log2(len) dependent loads).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::kernels;

/// Ranges up to this many values always get a bitset (128 KiB): cheaper to
/// clear than sorting or hashing even a few keys.
pub const TABLE_FLOOR: u64 = 1 << 20;

/// The largest range of values worth a bitset, for `probes` and `space`
/// keys (spread over `ranks` ranks, each of which holds the whole bitset):
/// 8 bits per key, so the bitset never takes more than a byte per key,
/// an eighth of what the keys themselves take. NumPy's table method takes
/// ranges up to 6 values per key (with a byte per value).
pub fn table_limit(probes: usize, space: usize, ranks: usize) -> u64 {
    let keys = (probes as u64).saturating_add(space as u64) / ranks.max(1) as u64;
    keys.saturating_mul(8).max(TABLE_FLOOR)
}

/// The smallest and largest of `keys` other than `skip`, if any.
pub fn span(keys: &[u64], skip: Option<u64>) -> Option<(u64, u64)> {
    kernels::fold_chunks(keys, |c| {
        c.iter()
            .filter(|k| Some(**k) != skip)
            .fold(None, |acc: Option<(u64, u64)>, &k| match acc {
                None => Some((k, k)),
                Some((lo, hi)) => Some((lo.min(k), hi.max(k))),
            })
    })
    .into_iter()
    .flatten()
    .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// One bit for every value of `lo..=hi`.
pub struct Table {
    lo: u64,
    /// `hi - lo`: values `k` with `k - lo <= last` (wrapping) are inside.
    last: u64,
    words: Vec<u64>,
}

impl Table {
    /// An empty table for `lo..=hi`; the caller keeps the range small
    /// ([`table_limit`]).
    pub fn new(lo: u64, hi: u64) -> Table {
        let last = hi - lo;
        Table {
            lo,
            last,
            words: vec![0; (last / 64 + 1) as usize],
        }
    }

    /// Sets the bit of every key in range other than `skip`. Threads set
    /// bits with atomic ORs (one word may get keys from several chunks).
    pub fn insert_all(&mut self, keys: &[u64], skip: Option<u64>) {
        let (lo, last) = (self.lo, self.last);
        let words = atomic_words(&mut self.words);
        kernels::fold_chunks(keys, |c| {
            for &k in c {
                let d = k.wrapping_sub(lo);
                if d <= last && Some(k) != skip {
                    words[(d / 64) as usize].fetch_or(1 << (d % 64), Ordering::Relaxed);
                }
            }
        });
    }

    /// The words of the bitset (another rank's table of the same range can
    /// be ORed in with [`Table::merge`]).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// ORs in the words of a table of the same range.
    pub fn merge(&mut self, other: &[u64]) {
        let n = self.words.len().min(other.len());
        kernels::for_chunks(&mut self.words[..n], |start, chunk| {
            for (w, o) in chunk.iter_mut().zip(&other[start..]) {
                *w |= o;
            }
        });
    }

    #[inline]
    pub fn contains(&self, k: u64) -> bool {
        let d = k.wrapping_sub(self.lo);
        // `d <= last` bounds the index below `words.len()`.
        d <= self.last && (self.words[(d / 64) as usize] >> (d % 64)) & 1 == 1
    }
}

fn atomic_words(words: &mut [u64]) -> &[AtomicU64] {
    // SAFETY: `AtomicU64` has the size and alignment of `u64` on the
    // 64-bit targets this server builds for, and the exclusive borrow
    // makes the atomic view the only access while it lives.
    unsafe { &*(words as *mut [u64] as *const [AtomicU64]) }
}

/// An open-addressing hash set of `u64` keys (linear probing). `EMPTY`
/// marks free slots; the key equal to it is kept aside.
pub struct HashSet {
    slots: Vec<u64>,
    shift: u32,
    has_empty: bool,
}

const EMPTY: u64 = 0;

impl HashSet {
    /// The set of `keys` other than `skip`.
    pub fn of(keys: &[u64], skip: Option<u64>) -> HashSet {
        // At most half full: short probe runs.
        let size = (keys.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![EMPTY; size];
        let shift = 64 - size.trailing_zeros();
        let mask = size - 1;
        let found_empty = AtomicU64::new(0);
        {
            let cells = atomic_words(&mut slots);
            kernels::fold_chunks(keys, |c| {
                for &k in c {
                    if Some(k) == skip {
                        continue;
                    }
                    if k == EMPTY {
                        found_empty.store(1, Ordering::Relaxed);
                        continue;
                    }
                    let mut i = slot(k, shift);
                    loop {
                        match cells[i].compare_exchange(
                            EMPTY,
                            k,
                            Ordering::Relaxed,
                            Ordering::Relaxed,
                        ) {
                            Ok(_) => break,
                            Err(x) if x == k => break,
                            Err(_) => i = (i + 1) & mask,
                        }
                    }
                }
            });
        }
        HashSet {
            slots,
            shift,
            has_empty: found_empty.into_inner() == 1,
        }
    }

    #[inline]
    pub fn contains(&self, k: u64) -> bool {
        if k == EMPTY {
            return self.has_empty;
        }
        let mask = self.slots.len() - 1;
        let mut i = slot(k, self.shift);
        loop {
            match self.slots[i] {
                x if x == k => return true,
                EMPTY => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

#[inline]
fn slot(k: u64, shift: u32) -> usize {
    // Fibonacci hashing: the top bits of the product mix all of the key's.
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// `contains(k) != invert` for every probe, `skip` never found; on every
/// core for large inputs.
pub fn probe(
    probes: &[u64],
    skip: Option<u64>,
    invert: bool,
    contains: impl Fn(u64) -> bool + Sync,
) -> Vec<bool> {
    kernels::map(probes, |k| (Some(k) != skip && contains(k)) != invert)
}

/// Whether each probe is among the space keys (not, with `invert`); the
/// key `skip` (NaN's) is never found.
pub fn member(probes: &[u64], space: &[u64], skip: Option<u64>, invert: bool) -> Vec<bool> {
    kernels::install(|| match span(space, skip) {
        None => vec![invert; probes.len()],
        Some((lo, hi)) if hi - lo < table_limit(probes.len(), space.len(), 1) => {
            let mut t = Table::new(lo, hi);
            t.insert_all(space, skip);
            probe(probes, skip, invert, |k| t.contains(k))
        }
        Some(_) => {
            let set = HashSet::of(space, skip);
            probe(probes, skip, invert, |k| set.contains(k))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(probes: &[u64], space: &[u64], skip: Option<u64>, invert: bool) -> Vec<bool> {
        let set: std::collections::HashSet<u64> = space.iter().copied().collect();
        probes
            .iter()
            .map(|k| (Some(*k) != skip && set.contains(k)) != invert)
            .collect()
    }

    /// A small xorshift generator: deterministic data without a crate.
    fn rand(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    fn both_ways(probes: &[u64], space: &[u64], skip: Option<u64>) {
        for invert in [false, true] {
            let want = reference(probes, space, skip, invert);
            assert_eq!(member(probes, space, skip, invert), want);
            let set = HashSet::of(space, skip);
            assert_eq!(probe(probes, skip, invert, |k| set.contains(k)), want);
            if let Some((lo, hi)) = span(space, skip)
                && hi - lo < 1 << 26
            {
                let mut t = Table::new(lo, hi);
                t.insert_all(space, skip);
                assert_eq!(probe(probes, skip, invert, |k| t.contains(k)), want);
            }
        }
    }

    #[test]
    fn table_and_hash_match_reference() {
        let mut seed = 0x1234_5678_9abc_def1;
        let key = |x: i64| crate::kernels::ord::key_i64(x);
        for (na, nb, range) in [
            (0, 0, 10),
            (0, 5, 10),
            (7, 0, 10),
            (1000, 300, 50),
            (200_000, 70_000, 1 << 17),
            (200_000, 70_000, 1 << 40),
            (300_000, 1000, u64::MAX),
        ] {
            let draw = |seed: &mut u64| {
                let r = if range == u64::MAX {
                    rand(seed)
                } else {
                    rand(seed) % range
                };
                // Centered on zero: negative values too.
                key((r as i64).wrapping_sub((range / 2) as i64))
            };
            let a: Vec<u64> = (0..na).map(|_| draw(&mut seed)).collect();
            let b: Vec<u64> = (0..nb).map(|_| draw(&mut seed)).collect();
            both_ways(&a, &b, None);
        }
    }

    #[test]
    fn edge_keys() {
        // 0 (the hash set's free mark), u64::MAX (NaN's key, skipped),
        // u64 values above i64::MAX, keys just outside the table's range.
        let b = vec![0, 5, 1 << 63, (1 << 63) + 7, u64::MAX, u64::MAX - 1];
        let a = vec![
            0,
            1,
            4,
            5,
            6,
            1 << 63,
            (1 << 63) + 6,
            (1 << 63) + 7,
            u64::MAX,
        ];
        both_ways(&a, &b, Some(u64::MAX));
        both_ways(&a, &b, None);
        let b = vec![100, 164, 227];
        let a: Vec<u64> = (0..300).collect();
        both_ways(&a, &b, None);
        // Only the skipped key: nothing found.
        assert_eq!(
            member(&[1, u64::MAX], &[u64::MAX], Some(u64::MAX), false),
            [false, false]
        );
    }
}
