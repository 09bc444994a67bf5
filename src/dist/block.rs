//! The block distribution: `n` elements over `ranks` ranks, rank r holding
//! the contiguous range from `r*n/ranks` to `(r+1)*n/ranks`, so blocks
//! differ in length by at most one and every rank can place any index
//! without asking.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub n: usize,
    pub ranks: usize,
}

impl Block {
    pub fn new(n: usize, ranks: usize) -> Block {
        debug_assert!(ranks > 0);
        Block { n, ranks }
    }

    /// First global index of rank `r` (`r == ranks` gives `n`).
    pub fn start(&self, r: usize) -> usize {
        ((r as u128 * self.n as u128) / self.ranks as u128) as usize
    }

    /// Global indices held by rank `r`.
    pub fn range(&self, r: usize) -> Range<usize> {
        self.start(r)..self.start(r + 1)
    }

    pub fn len(&self, r: usize) -> usize {
        self.start(r + 1) - self.start(r)
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Every rank's block length, in rank order.
    pub fn lens(&self) -> Vec<usize> {
        (0..self.ranks).map(|r| self.len(r)).collect()
    }

    /// The rank holding global index `i < n`.
    pub fn owner(&self, i: usize) -> usize {
        debug_assert!(i < self.n);
        // The largest r with start(r) <= i; the estimate is off by at most one.
        let mut r = ((i as u128 * self.ranks as u128) / self.n as u128) as usize;
        while r + 1 < self.ranks && self.start(r + 1) <= i {
            r += 1;
        }
        while self.start(r) > i {
            r -= 1;
        }
        r
    }
}

/// Finds owners of many indices fast: the block starts looked up by binary
/// search (a few comparisons for any rank count) instead of a 128-bit
/// division per index.
pub struct Owners {
    /// `start(1)..=start(ranks)`: rank r holds indices below `ends[r]`.
    ends: Vec<usize>,
}

impl Owners {
    pub fn new(block: &Block) -> Owners {
        Owners {
            ends: (1..=block.ranks).map(|r| block.start(r)).collect(),
        }
    }

    /// The rank holding global index `i < n`.
    #[inline]
    pub fn of(&self, i: usize) -> usize {
        // A few ranks: count the blocks ending at or before i, without
        // branches (random indices made the binary search's loop cost
        // as much as the pass it served).
        if self.ends.len() <= 8 {
            return self.ends.iter().map(|&e| usize::from(e <= i)).sum();
        }
        self.ends.partition_point(|&e| e <= i)
    }

    /// First global index of rank `r`.
    #[inline]
    pub fn start(&self, r: usize) -> usize {
        if r == 0 { 0 } else { self.ends[r - 1] }
    }

    /// How many of `idx` (each `< n`) each rank holds: for each block
    /// start, the count of indices at or past it, taken a cache-sized run
    /// of indices at a time so that memory is read once and each count is
    /// a vector loop. A lookup and an increment per index took 0.12 s for
    /// 5*10^7 indices at two ranks, each increment waiting on the last.
    pub fn counts(&self, idx: &[u64]) -> Vec<usize> {
        const RUN: usize = 4096;
        let ranks = self.ends.len();
        if ranks > 16 {
            // A start per lane loop would cost more than a search.
            return super::exchange::counts_of(idx.iter().map(|&i| self.of(i as usize)), ranks);
        }
        let inner = &self.ends[..ranks - 1];
        let past = crate::kernels::fold_chunks(idx, |c| {
            let mut past = vec![0usize; inner.len()];
            for run in c.chunks(RUN) {
                for (p, &s) in past.iter_mut().zip(inner) {
                    *p += run.iter().filter(|&&i| i >= s as u64).count();
                }
            }
            past
        });
        // ge[r]: the indices at or past rank r's start.
        let mut ge = vec![0usize; ranks + 1];
        ge[0] = idx.len();
        for p in past {
            for (g, x) in ge[1..ranks].iter_mut().zip(p) {
                *g += x;
            }
        }
        ge.windows(2).map(|w| w[0] - w[1]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_and_owners_match() {
        for n in [0usize, 1, 2, 3, 5, 7, 10, 64, 100, 1001] {
            for ranks in 1..=7 {
                let b = Block::new(n, ranks);
                assert_eq!(b.lens().iter().sum::<usize>(), n);
                let lens = b.lens();
                assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
                let owners = Owners::new(&b);
                for i in 0..n {
                    let r = b.owner(i);
                    assert!(b.range(r).contains(&i), "n={n} ranks={ranks} i={i}");
                    assert_eq!(owners.of(i), r);
                }
            }
        }
    }

    /// The lane counts (up to 16 ranks) and the search (past 16) agree
    /// with one owner lookup per index, over runs and a ragged tail.
    #[test]
    fn owner_counts_match_lookups() {
        for n in [1usize, 2, 7, 1001, 70_001] {
            for ranks in [1usize, 2, 3, 5, 16, 17, 20] {
                let b = Block::new(n, ranks);
                let idx: Vec<u64> = (0..9_000u64)
                    .map(|k| (k * 7919 + k * k) % n as u64)
                    .collect();
                let mut want = vec![0; ranks];
                for &i in &idx {
                    want[b.owner(i as usize)] += 1;
                }
                assert_eq!(Owners::new(&b).counts(&idx), want, "n={n} ranks={ranks}");
            }
        }
    }
}
