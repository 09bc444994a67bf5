//! Scatter by regions across ranks: `c[idx] = v` with each rank holding a
//! block of `c` and a piece of `idx` and `v`.
//!
//! Each rank deals its pairs into the bins of every owner's regions at
//! once ([`bins::deal`]: each owner's pages are one run), sends every owner
//! its run, 32-bit region offsets and values, with its pages' places, and
//! each owner stores region by region, in cache. This takes one pass over
//! the pairs on each side where sending (position, value) pairs grouped by
//! owner took three (group, then deal and store on arrival), and moves 12
//! bytes per int64 pair instead of 16. A rank's pairs for its own block do
//! not travel: they are stored from where its deal left them. The indices
//! need no check beforehand: one past the end stops the deal, and then no
//! rank stores anything.

use std::ops::Range;

use super::block::Block;
use super::comm::Comm;
use super::exchange::{allgather, alltoallv, alltoallv_ranges};
use crate::error::CommandError;
use crate::kernels::Plain;
use crate::kernels::select::bins::{self, Page, Pairs, Regions};

/// The pairs [`deliver_binned`] brought to this rank: every other rank's,
/// dealt by it into this rank's bins (which start at `bounds` in its
/// block), and this rank's own, left where its deal put them; the values
/// of both kept in `V` (a vector of them).
pub struct Landed<V> {
    rank: usize,
    bounds: Vec<usize>,
    /// Received pairs: region offsets, how many slots came from each rank
    /// (none from this one), their pages, and how many pages from each.
    offs: Vec<u32>,
    from: Vec<usize>,
    pages: Vec<Page>,
    pages_from: Vec<usize>,
    pub vals: V,
    /// This rank's own deal (pairs for every owner): its own pairs lie at
    /// `own_run`, in `own_pages` counted from there.
    own_offs: Vec<u32>,
    own_run: Range<usize>,
    own_pages: Vec<Page>,
    pub own_vals: V,
}

impl<V> Landed<V> {
    /// The same pairs, their two value vectors mapped by `f`.
    pub fn map_vals<W>(self, mut f: impl FnMut(V) -> W) -> Landed<W> {
        Landed {
            rank: self.rank,
            bounds: self.bounds,
            offs: self.offs,
            from: self.from,
            pages: self.pages,
            pages_from: self.pages_from,
            vals: f(self.vals),
            own_offs: self.own_offs,
            own_run: self.own_run,
            own_pages: self.own_pages,
            own_vals: f(self.own_vals),
        }
    }

    /// Stores every pair into `dst`, this rank's block, `vals` and
    /// `own_vals` being the values: senders in rank order within each
    /// region, so that a position written twice keeps the last value in
    /// global order, as in NumPy.
    pub fn store<T: Copy + Send + Sync>(&self, dst: &mut [T], vals: &[T], own_vals: &[T]) {
        let mut sources = Vec::with_capacity(self.from.len());
        let (mut at, mut page) = (0, 0);
        for (s, (&count, &pages)) in self.from.iter().zip(&self.pages_from).enumerate() {
            if s == self.rank {
                let run = self.own_run.clone();
                sources.push(Pairs {
                    offs: &self.own_offs[run.clone()],
                    vals: &own_vals[run],
                    pages: &self.own_pages,
                });
                continue;
            }
            sources.push(Pairs {
                offs: &self.offs[at..at + count],
                vals: &vals[at..at + count],
                pages: &self.pages[page..page + pages],
            });
            at += count;
            page += pages;
        }
        bins::store(dst, &self.bounds, &sources);
    }
}

/// Sends `value(k)` to the owner of global position `pos[k]`; collective.
/// `None` on every rank if a position on any rank is `>= block.n` (then
/// nothing was sent); apply the result with [`Landed::store`].
pub fn deliver_binned<T: Plain + Send + Sync>(
    comm: &dyn Comm,
    block: &Block,
    pos: &[u64],
    value: impl Fn(usize) -> T + Sync + Copy,
) -> Result<Option<Landed<Vec<T>>>, CommandError> {
    let (size, rank) = (comm.size(), comm.rank());
    let starts: Vec<usize> = (0..=size).map(|r| block.start(r)).collect();
    let regions = Regions::new::<T>(&starts);
    let dealt = bins::deal(&regions, pos.len(), |k| pos[k] as usize, value);
    if allgather(comm, u8::from(dealt.is_some()))?.contains(&0) {
        return Ok(None);
    }
    let mut dealt = dealt.expect("agreed");
    // This rank's own pairs stay where they are (copying them through the
    // all-to-all cost a tenth of the command at 2 ranks).
    let runs: Vec<_> = (0..size)
        .map(|r| {
            if r == rank {
                0..0
            } else {
                dealt.parts[r].run.clone()
            }
        })
        .collect();
    let (offs, from) = alltoallv_ranges(comm, &dealt.offs, &runs, false)?;
    let (vals, _) = alltoallv_ranges(comm, &dealt.vals, &runs, false)?;
    let mut pages = Vec::new();
    let mut page_counts = Vec::with_capacity(size);
    for (r, part) in dealt.parts.iter().enumerate() {
        let sent = if r == rank { &[][..] } else { &part.pages[..] };
        pages.extend_from_slice(sent);
        page_counts.push(sent.len());
    }
    let (pages, pages_from) = alltoallv(comm, &pages, &page_counts)?;
    let own = &mut dealt.parts[rank];
    let (own_run, own_pages) = (own.run.clone(), std::mem::take(&mut own.pages));
    Ok(Some(Landed {
        rank,
        bounds: regions.owner_bounds(rank),
        offs,
        from,
        pages,
        pages_from,
        vals,
        own_offs: dealt.offs,
        own_run,
        own_pages,
        own_vals: dealt.vals,
    }))
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
        for (n, m) in [(2, 7), (10, 40), (1000, 333), (5 << 20, 1 << 20)] {
            let pos = crate::kernels::test_words(m, 0x51_7cc1_b727_220a, n as u64);
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
                    let landed = deliver_binned(c, &block, &pos[mine], |k| (first + k) as u64)
                        .unwrap()
                        .unwrap();
                    let mut dst = vec![u64::MAX; block.len(c.rank())];
                    landed.store(&mut dst, &landed.vals, &landed.own_vals);
                    dst
                });
                assert_eq!(got, want, "n={n} m={m} ranks={ranks}");
            }
        }
    }

    /// A position past the end on one rank: no rank gets pairs to store.
    #[test]
    fn a_position_outside_on_one_rank_stops_every_rank() {
        let (n, m) = (5 << 20, 1 << 20);
        for ranks in 1..=3 {
            for bad_rank in 0..ranks {
                let mut pos = crate::kernels::test_words(m, 0x0dd_ba11, n as u64);
                let pieces = Block::new(m, ranks);
                pos[pieces.range(bad_rank).start + 3] = n as u64;
                let got = on_ranks(ranks, |c| {
                    let mine = pieces.range(c.rank());
                    let block = Block::new(n, ranks);
                    let got = deliver_binned(c, &block, &pos[mine], |k| k as u64).unwrap();
                    vec![got.is_none()]
                });
                assert_eq!(got, vec![true; ranks], "ranks={ranks} bad={bad_rank}");
            }
        }
    }
}
