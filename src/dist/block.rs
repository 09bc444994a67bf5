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
}
