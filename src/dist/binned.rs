//! Scatter by regions across ranks: `c[idx] = v` with each rank holding a
//! block of `c` and a piece of `idx` and `v`.
//!
//! Each rank deals its pairs into the bins of every owner's regions at
//! once ([`bins::deal`]: owner-major, so each owner's pairs are one run),
//! sends every owner its run, 32-bit region offsets and values, with where
//! each bin ends, and each owner stores region by region, in cache. This
//! takes one pass over the pairs on each side where sending (position,
//! value) pairs grouped by owner took three (group, then deal and store on
//! arrival), and moves 12 bytes per int64 pair instead of 16.

use super::block::Block;
use super::comm::Comm;
use super::exchange::alltoallv;
use crate::error::CommandError;
use crate::kernels::Plain;
use crate::kernels::select::bins::{self, Pairs, Regions};

/// The pairs [`deliver_binned`] brought to this rank: every sender's,
/// dealt by it into this rank's regions of `1 << shift` elements, with the
/// values kept in `V` (a vector of them).
pub struct Landed<V> {
    shift: u32,
    offs: Vec<u32>,
    /// Pairs received from each rank.
    from: Vec<usize>,
    /// Rank after rank, where each of this rank's bins ends among that
    /// rank's pairs.
    ends: Vec<usize>,
    pub vals: V,
}

impl<V> Landed<V> {
    /// The same pairs with `vals` for values; returns the old values too.
    pub fn with_vals<W>(self, vals: W) -> (Landed<W>, V) {
        let Landed {
            shift,
            offs,
            from,
            ends,
            vals: old,
        } = self;
        let landed = Landed {
            shift,
            offs,
            from,
            ends,
            vals,
        };
        (landed, old)
    }

    /// Stores every pair into `dst`, this rank's block, `vals` being the
    /// values: senders in rank order within each region, so that a position
    /// written twice keeps the last value in global order, as in NumPy.
    pub fn store<T: Copy + Send + Sync>(&self, dst: &mut [T], vals: &[T]) {
        let bins = self.ends.len() / self.from.len().max(1);
        let mut at = 0;
        let sources: Vec<Pairs<T>> = (self.from.iter().enumerate())
            .map(|(s, &count)| {
                let r = at..at + count;
                at += count;
                Pairs {
                    offs: &self.offs[r.clone()],
                    vals: &vals[r],
                    ends: &self.ends[s * bins..(s + 1) * bins],
                }
            })
            .collect();
        bins::store(dst, self.shift, &sources);
    }
}

/// Sends `value(k)` to the owner of global position `pos[k]` (each `<
/// block.n`); collective. Apply the result with [`Landed::store`].
pub fn deliver_binned<T: Plain + Send + Sync>(
    comm: &dyn Comm,
    block: &Block,
    pos: &[u64],
    value: impl Fn(usize) -> T + Sync,
) -> Result<Landed<Vec<T>>, CommandError> {
    let size = comm.size();
    let starts: Vec<usize> = (0..=size).map(|r| block.start(r)).collect();
    let regions = Regions::new::<T>(&starts);
    let dealt = bins::deal(&regions, pos.len(), |k| pos[k] as usize, value);
    let mut counts = Vec::with_capacity(size);
    let mut bin_counts = Vec::with_capacity(size);
    let mut ends = Vec::with_capacity(regions.bins());
    for r in 0..size {
        let (run, owner_ends) = dealt.part(regions.owner_bins(r));
        counts.push(run.len());
        bin_counts.push(owner_ends.len());
        ends.extend(owner_ends.iter().map(|&e| e as u64));
    }
    let (offs, from) = alltoallv(comm, &dealt.offs, &counts)?;
    let (vals, _) = alltoallv(comm, &dealt.vals, &counts)?;
    drop(dealt);
    let (ends, _) = alltoallv(comm, &ends, &bin_counts)?;
    Ok(Landed {
        shift: regions.shift(),
        offs,
        from,
        ends: ends.into_iter().map(|e| e as usize).collect(),
        vals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;

    /// Random positions, repeats included, from every rank: each block ends
    /// as storing all of them one by one in global order would leave it,
    /// for blocks of one region and of several, at 1 to 3 ranks.
    #[test]
    fn the_last_write_wins_across_ranks() {
        let mut seed = 0x51_7cc1_b727_220a_u64;
        for (n, m) in [(10, 40), (1000, 333), (5 << 20, 1 << 20)] {
            let pos: Vec<u64> = (0..m)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed % n as u64
                })
                .collect();
            let mut want = vec![u64::MAX; n];
            for (k, &p) in pos.iter().enumerate() {
                want[p as usize] = k as u64;
            }
            for ranks in 1..=3 {
                let block = Block::new(n, ranks);
                let pieces = Block::new(m, ranks);
                let got = on_ranks(ranks, |c| {
                    let mine = pieces.range(c.rank());
                    let first = mine.start;
                    let landed =
                        deliver_binned(c, &block, &pos[mine], |k| (first + k) as u64).unwrap();
                    let mut dst = vec![u64::MAX; block.len(c.rank())];
                    landed.store(&mut dst, &landed.vals);
                    dst
                });
                assert_eq!(got, want, "n={n} m={m} ranks={ranks}");
            }
        }
    }
}
