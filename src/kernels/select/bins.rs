//! Scatter by regions: `dst[p(k)] = v(k)` for many random positions over an
//! array much larger than the cache.
//!
//! Stored one by one, every random store reads its cache line from memory
//! and writes it back later: 128 bytes of traffic for 8 bytes of value, so
//! two cores storing at once hit the memory's bandwidth, and NumPy's one
//! thread is barely slower. Here the (offset, value) pairs are first dealt
//! into bins, one per region of the target small enough to stay in cache
//! ([`REGION_BYTES`]; see [`deal`] for how), checking the positions on the
//! way. Then each region is written from its bin, in cache. `cargo bench
//! --bench scatter` (10^8 int64 at random positions, two cores): deal
//! 170-180 ms, store 125-140 ms against 400-580 ms for one thread storing
//! directly (a noisy host: the old deal, counting the bins first, took
//! 190-210 ms in the same runs).
//!
//! Across ranks the grid is global and the blocks cut it ([`Regions`]): a
//! position's bin is one table entry and one comparison away, whatever the
//! number of owners.
//!
//! Order: a bin keeps its pairs in the order of k (chunk by chunk, each in
//! order), and sources are stored in the order given, so a position written
//! twice ends with the last value, as in NumPy.

use std::ops::Range;

use rayon::prelude::*;

use crate::kernels::{self, Plain};

mod deal;
pub use deal::{Binned, Page, Pairs, Part, deal};

/// A region's size: a bin's stores stay in L2/L3 while they run.
pub const REGION_BYTES: usize = 2 << 20;
/// More bins than this would make the bins' buffers (384 bytes each for
/// int64) spill out of a 1 MiB L2, so the regions of larger arrays grow
/// instead.
const MAX_BINS: usize = 2048;

/// Whether storing `m` values at random positions of an array of `n`
/// elements of `T` is worth dealing them into bins first: the array must
/// be far larger than the cache, and the stores dense enough (one per 8
/// elements or more) that sweeping the regions through the cache pays.
pub fn worth_binning<T>(n: usize, m: usize) -> bool {
    worth_binning_of(size_of::<T>(), n, m)
}

/// [`worth_binning`] for elements of `size` bytes.
pub fn worth_binning_of(size: usize, n: usize, m: usize) -> bool {
    n.saturating_mul(size) >= 8 * REGION_BYTES && m >= n / 8 && m >= 1 << 16
}

/// The bins of a block-distributed array: the array cut by a grid of
/// `1 << shift` elements (the cells) and by its owners' blocks (`starts[r]..
/// starts[r + 1]`); each piece is a bin, numbered in order of position, so
/// owner by owner.
#[derive(Clone, Debug)]
pub struct Regions {
    starts: Vec<usize>,
    /// Where each bin starts, the array's length last.
    bounds: Vec<usize>,
    first_bin: Vec<usize>,
    /// Each bin's owner.
    owner_of: Vec<u32>,
    cells: Vec<Cell>,
    shift: u32,
}

/// A cell of the grid: the bin of its first element, and where the next bin
/// starts inside it (a block's start), if one does (else `usize::MAX`).
#[derive(Clone, Copy, Debug)]
struct Cell {
    split: usize,
    bin: usize,
}

impl Regions {
    /// Regions of the blocks that start at `starts` (the total length
    /// last), for elements of `T`.
    pub fn new<T>(starts: &[usize]) -> Regions {
        assert!(starts.len() >= 2, "at least one block");
        let n = *starts.last().unwrap();
        let mut shift = (REGION_BYTES / size_of::<T>().max(1)).trailing_zeros();
        // Offsets within a bin are u32.
        while (n >> shift) > MAX_BINS && shift < 32 {
            shift += 1;
        }
        // No block shorter than a cell: then a cell holds at most one block
        // start, and placing a position takes one comparison.
        let shortest = starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|&l| l > 0)
            .min();
        shift = shift.min(shortest.unwrap_or(1).ilog2());
        let mut bounds = Vec::new();
        let mut first_bin = Vec::with_capacity(starts.len());
        for w in starts.windows(2) {
            first_bin.push(bounds.len());
            let (s, e) = (w[0], w[1]);
            if s < e {
                bounds.push(s);
                bounds.extend(((s >> shift) + 1..=(e - 1) >> shift).map(|g| g << shift));
            }
        }
        first_bin.push(bounds.len());
        let mut cells = vec![
            Cell {
                split: usize::MAX,
                bin: 0
            };
            n.div_ceil(1 << shift)
        ];
        for (b, &s) in bounds.iter().enumerate() {
            let cell = &mut cells[s >> shift];
            if s & ((1 << shift) - 1) == 0 {
                cell.bin = b;
            } else {
                cell.split = s;
            }
        }
        bounds.push(n);
        let owner_of = first_bin
            .windows(2)
            .enumerate()
            .flat_map(|(r, w)| std::iter::repeat_n(r as u32, w[1] - w[0]))
            .collect();
        Regions {
            starts: starts.to_vec(),
            bounds,
            first_bin,
            owner_of,
            cells,
            shift,
        }
    }

    /// The array's length.
    fn len(&self) -> usize {
        *self.bounds.last().unwrap()
    }

    /// How many blocks (owners).
    fn owners(&self) -> usize {
        self.starts.len() - 1
    }

    /// The owner of position `p` (`< len`).
    fn owner_at(&self, p: usize) -> usize {
        // The last block starting at or before p: empty ones are skipped.
        self.starts.partition_point(|&s| s <= p) - 1
    }

    /// log2 of the elements in a cell of the grid (a whole region).
    pub fn shift(&self) -> u32 {
        self.shift
    }

    /// How many bins in all.
    pub fn bins(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The bins of owner `r`'s block.
    pub fn owner_bins(&self, r: usize) -> Range<usize> {
        self.first_bin[r]..self.first_bin[r + 1]
    }

    /// Where owner `r`'s bins start in its block, the block's length last.
    pub fn owner_bounds(&self, r: usize) -> Vec<usize> {
        let bins = self.owner_bins(r);
        let base = self.starts[r];
        self.bounds[bins.start..=bins.end]
            .iter()
            .map(|b| b - base)
            .collect()
    }

    /// What [`Placer::place`] needs, copied out for the loops' registers.
    fn placer(&self) -> Placer<'_> {
        Placer {
            cells: &self.cells,
            shift: self.shift,
        }
    }

    /// For two owners, a [`PairPlacer`] that agrees with [`Placer`].
    fn pair_placer(&self) -> Option<PairPlacer> {
        let &[_, split, _] = self.starts.as_slice() else {
            return None;
        };
        Some(PairPlacer {
            shift: self.shift,
            split,
            extra: usize::from(split & ((1 << self.shift) - 1) != 0),
        })
    }
}

/// Places positions in bins. The loops take one by value: reading the
/// regions' fields through a reference on every position made counting
/// the bins twice as slow (the compiler reloaded them after each store,
/// unable to tell the two apart); the same holds for the closures, which
/// the loops copy.
#[derive(Clone, Copy)]
struct Placer<'a> {
    cells: &'a [Cell],
    shift: u32,
}

impl Placer<'_> {
    /// The bin of global position `p` and `p`'s offset in it.
    #[inline(always)]
    fn place(self, p: usize) -> (usize, u32) {
        let cell = self.cells[p >> self.shift];
        let past = p >= cell.split;
        let base = if past {
            cell.split
        } else {
            p & !((1 << self.shift) - 1)
        };
        (cell.bin + usize::from(past), (p - base) as u32)
    }
}

/// Places positions among two owners' bins with no table: a comparison
/// with the second block's start tells the owner, and so whether the bin
/// is one further on (the cell it cuts has two bins). Dealing into the bins
/// of two ranks through the cells' table cost a third more per pair than
/// into one rank's by shift and mask (3.8 against 2.8 ns, one thread);
/// this way the placing is register work only.
#[derive(Clone, Copy)]
struct PairPlacer {
    shift: u32,
    /// The second block's start.
    split: usize,
    /// 1 if `split` cuts a cell (its upper part is a bin of its own).
    extra: usize,
}

impl PairPlacer {
    /// The bin of global position `p` and `p`'s offset in it: the offset
    /// counts from the later of the cell's start and the block's.
    #[inline(always)]
    fn place(self, p: usize) -> (usize, u32) {
        let past = usize::from(p >= self.split);
        let cell_start = p & !((1 << self.shift) - 1);
        let base = cell_start.max(self.split & past.wrapping_neg());
        ((p >> self.shift) + (past & self.extra), (p - base) as u32)
    }
}

/// `dst[at(k)] = value(k)` for k below `m`, in k order (the last write
/// wins): dealt into `dst`'s bins, then stored region by region. False,
/// with nothing written, if a position lies outside `dst`.
pub fn write<T: Plain + Send + Sync>(
    dst: &mut [T],
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
) -> bool {
    let regions = Regions::new::<T>(&[0, dst.len()]);
    let Some(got) = deal(&regions, m, at, value) else {
        return false;
    };
    store(dst, &regions.owner_bounds(0), &[got.pairs(0)]);
    true
}

/// Stores every source's pairs into `dst`, bin b being `dst[bounds[b]..
/// bounds[b + 1]]`, source after source within a bin, bins on every core
/// for large arrays.
pub fn store<T: Copy + Send + Sync>(dst: &mut [T], bounds: &[usize], sources: &[Pairs<T>]) {
    assert_eq!(bounds.last(), Some(&dst.len()), "the bins cover the array");
    let bins = bounds.len() - 1;
    // Every bin's pages, source after source, each source's in its order:
    // `pages[first[b]..first[b + 1]]` as (source, slots).
    let mut first = vec![0usize; bins + 1];
    for p in sources.iter().flat_map(|s| s.pages) {
        first[p.bin as usize + 1] += 1;
    }
    for b in 0..bins {
        first[b + 1] += first[b];
    }
    let mut at = first.clone();
    let mut pages = vec![(0, 0..0); first[bins]];
    for (i, s) in sources.iter().enumerate() {
        for p in s.pages {
            let b = p.bin as usize;
            let start = p.start as usize;
            pages[at[b]] = (i, start..start + p.len as usize);
            at[b] += 1;
        }
    }
    let fill = |b: usize, chunk: &mut [T]| {
        let pages = &pages[first[b]..first[b + 1]];
        let pairs: usize = pages.iter().map(|(_, slots)| slots.len()).sum();
        if pairs * LINE_BYTES >= size_of_val(chunk) {
            warm(chunk);
        }
        for (i, slots) in pages {
            let s = &sources[*i];
            for (&o, &v) in s.offs[slots.clone()].iter().zip(&s.vals[slots.clone()]) {
                chunk[o as usize] = v;
            }
        }
    };
    let mut rest = dst;
    let mut regions = Vec::with_capacity(bins);
    for w in bounds.windows(2) {
        let (region, tail) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
        regions.push(region);
        rest = tail;
    }
    let m: usize = sources.iter().map(|s| s.offs.len()).sum();
    if kernels::threads_for(m) == 1 {
        regions
            .into_iter()
            .enumerate()
            .for_each(|(b, c)| fill(b, c));
        return;
    }
    kernels::install(|| {
        regions
            .into_par_iter()
            .enumerate()
            .for_each(|(b, c)| fill(b, c))
    });
}

/// Bytes in a cache line.
const LINE_BYTES: usize = 64;

/// Reads an element of each of `region`'s cache lines, in order, before a
/// bin's stores land there: the lines then come in as one stream the
/// hardware prefetcher runs ahead of, rather than one miss per random
/// store (`benches/scatter` on the 2-core EPYC VM: store 150-190 ms ->
/// 127-132 ms). Done for bins with at least a pair per line on average,
/// where most lines are stored into anyway.
fn warm<T>(region: &[T]) {
    let step = (LINE_BYTES / size_of::<T>().max(1)).max(1);
    for x in region.iter().step_by(step) {
        // SAFETY: a live element, read (volatile, so the unused loads stay).
        unsafe { std::ptr::read_volatile(x) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Owner r's pairs stored into a block of `len` elements set to `blank`.
    fn stored<T: Copy + Send + Sync>(
        regions: &Regions,
        got: &Binned<T>,
        r: usize,
        len: usize,
        blank: T,
    ) -> Vec<T> {
        let mut dst = vec![blank; len];
        store(&mut dst, &regions.owner_bounds(r), &[got.pairs(r)]);
        dst
    }

    /// What storing `pos[k] = k` one by one leaves in each block.
    fn direct(pos: &[usize], starts: &[usize]) -> Vec<Vec<u64>> {
        let mut all = vec![u64::MAX; *starts.last().unwrap()];
        for (k, &p) in pos.iter().enumerate() {
            all[p] = k as u64;
        }
        starts
            .windows(2)
            .map(|w| all[w[0]..w[1]].to_vec())
            .collect()
    }

    /// Ways to cut `0..n` into blocks: even ones for 1 to 3 owners, an
    /// empty block between two, and a one-element block.
    fn blocks(n: usize) -> Vec<Vec<usize>> {
        let mut all: Vec<Vec<usize>> = (1..=3)
            .map(|owners| (0..=owners).map(|r| r * n / owners).collect())
            .collect();
        all.push(vec![0, n / 2, n / 2, n]);
        if n > 8 {
            all.push(vec![0, n / 7, n / 7 + 1, n]);
        }
        // Two owners: either block empty, or the second starting on a cell.
        all.extend([vec![0, 0, n], vec![0, n, n], vec![0, n & !0xfff, n]]);
        all
    }

    /// Every position lies in the bin it is placed in, at the offset given,
    /// and each owner's bins tile its block.
    #[test]
    fn positions_are_placed_in_their_bins() {
        for n in [1, 5, 100, 1000, (3 << 18) + 11] {
            for starts in blocks(n) {
                let regions = Regions::new::<u64>(&starts);
                let placer = regions.placer();
                let b = &regions.bounds;
                let pair = regions.pair_placer();
                assert_eq!(pair.is_some(), starts.len() == 3, "{starts:?}");
                for p in 0..n {
                    let (bin, off) = placer.place(p);
                    assert!(b[bin] <= p && p < b[bin + 1], "{p} in bin {bin} of {b:?}");
                    assert_eq!(off as usize, p - b[bin], "{p} of {starts:?}");
                    if let Some(pair) = pair {
                        assert_eq!(pair.place(p), (bin, off), "{p} of {starts:?}");
                    }
                }
                for r in 0..starts.len() - 1 {
                    let owned = regions.owner_bounds(r);
                    assert_eq!(owned.first(), Some(&0), "{starts:?} rank {r}");
                    assert_eq!(owned.last(), Some(&(starts[r + 1] - starts[r])));
                    assert!(owned.windows(2).all(|w| w[0] < w[1]), "{owned:?}");
                }
            }
        }
    }

    /// Dealt and stored, random positions (repeats included) end as stored
    /// one by one in order, over one block and over several, for wide and
    /// narrow types and lengths that leave partial buffers.
    #[test]
    fn binned_stores_match_direct_ones() {
        for (n, m) in [
            (1, 5),
            (100, 1000),
            ((3 << 20) + 5, 1 << 20),
            (1 << 21, 12345),
        ] {
            let pos: Vec<usize> = (kernels::test_words(m, 0x2545_f491_4f6c_dd1d, n as u64))
                .into_iter()
                .map(|p| p as usize)
                .collect();
            for starts in blocks(n) {
                let owners = starts.len() - 1;
                let wide = Regions::new::<u64>(&starts);
                let got = deal(&wide, m, |k| pos[k], |k| k as u64).unwrap();
                let narrow = Regions::new::<u8>(&starts);
                let got8 = deal(&narrow, m, |k| pos[k], |k| k as u8).unwrap();
                for (r, want) in direct(&pos, &starts).into_iter().enumerate() {
                    let block = starts[r]..starts[r + 1];
                    let what = format!("n={n} m={m} owners={owners} rank {r}");
                    let len = block.len();
                    assert_eq!(stored(&wide, &got, r, len, u64::MAX), want, "{what}");
                    let want8: Vec<u8> = want.iter().map(|&w| w as u8).collect();
                    assert_eq!(stored(&narrow, &got8, r, len, u8::MAX), want8, "u8 {what}");
                }
            }
        }
    }

    /// Positions whose sample misleads the extents' sizes (every sampled
    /// one in the first block, nearly all the others in the last) are
    /// counted and dealt again, and end as stored one by one.
    #[test]
    fn misleading_samples_are_dealt_again() {
        let (n, m) = (1 << 20, 1 << 20);
        let pos: Vec<usize> = (0..m)
            .map(|k| {
                if k % deal::SAMPLE == 0 {
                    k % 1000
                } else {
                    n - 1 - k % 5000
                }
            })
            .collect();
        for starts in blocks(n) {
            let regions = Regions::new::<u64>(&starts);
            let got = deal(&regions, m, |k| pos[k], |k| k as u64).unwrap();
            for (r, want) in direct(&pos, &starts).into_iter().enumerate() {
                let len = want.len();
                assert_eq!(
                    stored(&regions, &got, r, len, u64::MAX),
                    want,
                    "{starts:?} {r}"
                );
            }
        }
    }

    /// No positions deal to empty runs; any position into an empty array
    /// is outside it.
    #[test]
    fn empty_deals() {
        for starts in [vec![0, 0], vec![0, 0, 0, 0], vec![0, 3, 5]] {
            let regions = Regions::new::<u64>(&starts);
            let got = deal(&regions, 0, |_| 0, |k| k as u64).unwrap();
            for r in 0..starts.len() - 1 {
                assert!(got.pairs(r).offs.is_empty(), "{starts:?} {r}");
            }
            let into = deal(&regions, 3, |_| 0, |k| k as u64);
            assert_eq!(into.is_none(), starts.last() == Some(&0), "{starts:?}");
        }
    }

    /// A position past the end, first, last or anywhere, stops the deal.
    #[test]
    fn positions_outside_stop_the_deal() {
        let n = 1 << 21;
        for bad in [0, 7, 1 << 19, (1 << 20) - 1] {
            let mut pos = kernels::test_words(1 << 20, 0x1234_5678_9abc_def1, n as u64);
            pos[bad] = [n as u64, u64::MAX, (-5i64) as u64, 1 << 40][bad % 4];
            for starts in blocks(n) {
                let regions = Regions::new::<u64>(&starts);
                let got = deal(&regions, pos.len(), |k| pos[k] as usize, |k| k as u64);
                assert!(got.is_none(), "{bad} {starts:?}");
            }
        }
        let mut dst = vec![0u64; 100];
        assert!(!write(&mut dst, 3, |k| [5, 100, 7][k], |k| k as u64 + 1));
        assert_eq!(dst, vec![0; 100], "nothing written");
    }
}
