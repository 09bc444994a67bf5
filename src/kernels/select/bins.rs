//! Scatter by regions: `dst[p(k)] = v(k)` for many random positions over an
//! array much larger than the cache.
//!
//! Stored one by one, every random store reads its cache line from memory
//! and writes it back later: 128 bytes of traffic for 8 bytes of value, so
//! two cores storing at once hit the memory's bandwidth, and NumPy's one
//! thread is barely slower. Here the (offset, value) pairs are first dealt
//! into bins, one per region of the target small enough to stay in cache
//! ([`REGION_BYTES`]), through a small buffer per bin flushed a few cache
//! lines at a time with non-temporal stores (dealt with plain stores, the
//! bins' lines are read before being written, and the pass took three
//! times as long). Then each region is written from its bin, in cache.
//! `cargo bench --bench scatter` (10^8 int64 at random positions, two
//! cores, quiet host): deal 160 ms, store 90 ms, 255 ms in all against
//! 400-470 ms for one thread storing directly.
//!
//! Across ranks the grid is global and the blocks cut it ([`Regions`]): a
//! position's bin is one table entry and one comparison away, whatever the
//! number of owners.
//!
//! Order: a bin keeps its pairs in the order of k (chunk by chunk, each in
//! order), and sources are stored in the order given, so a position written
//! twice ends with the last value, as in NumPy.

use std::mem::MaybeUninit;
use std::ops::Range;

use rayon::prelude::*;

use crate::kernels::{self, Plain};

/// A region's size: a bin's stores stay in L2/L3 while they run.
pub const REGION_BYTES: usize = 2 << 20;
/// More bins than this would make the bins' buffers (384 bytes each for
/// int64) spill out of a 1 MiB L2, so the regions of larger arrays grow
/// instead.
const MAX_BINS: usize = 2048;
/// Pairs per bin buffer: the offsets fill two cache lines, the values
/// (int64) four. Flushing two lines at a time rather than one made dealing
/// a fifth faster on the 2-core VM (fewer, longer runs into memory).
const SLOTS: usize = 32;

/// Whether storing `m` values at random positions of an array of `n`
/// elements of `T` is worth dealing them into bins first: the array must
/// be far larger than the cache, and the stores dense enough (one per 8
/// elements or more) that sweeping the regions through the cache pays.
pub fn worth_binning<T>(n: usize, m: usize) -> bool {
    n.saturating_mul(size_of::<T>()) >= 8 * REGION_BYTES && m >= n / 8 && m >= 1 << 16
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
        Regions {
            starts: starts.to_vec(),
            bounds,
            first_bin,
            cells,
            shift,
        }
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

/// Pairs dealt into bins: bin b's are `offs[ends[b - 1]..ends[b]]` (region
/// offsets) with the values at the same places of `vals`.
pub struct Binned<T> {
    pub offs: Vec<u32>,
    pub vals: Vec<T>,
    pub ends: Vec<usize>,
}

/// One source of pairs for [`store`]: the region offsets and values, and
/// where each of the target's bins ends among them.
#[derive(Clone, Copy)]
pub struct Pairs<'a, T> {
    pub offs: &'a [u32],
    pub vals: &'a [T],
    pub ends: &'a [usize],
}

impl<T> Binned<T> {
    pub fn pairs(&self) -> Pairs<'_, T> {
        Pairs {
            offs: &self.offs,
            vals: &self.vals,
            ends: &self.ends,
        }
    }

    /// The pairs of `bins` (one owner's): where they lie among all, and
    /// where each of those bins ends counted from the first of them.
    pub fn part(&self, bins: Range<usize>) -> (Range<usize>, Vec<usize>) {
        let base = if bins.start == 0 {
            0
        } else {
            self.ends[bins.start - 1]
        };
        let end = if bins.is_empty() {
            base
        } else {
            self.ends[bins.end - 1]
        };
        let ends = self.ends[bins].iter().map(|e| e - base).collect();
        (base..end, ends)
    }
}

/// Deals `value(k)` for position `at(k)` (each inside the regions' blocks),
/// k below `m`, into the bins of `regions`, on every core for large `m`.
pub fn deal<T: Plain + Send + Sync>(
    regions: &Regions,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
) -> Binned<T> {
    let placer = regions.placer();
    if regions.starts.len() == 2 {
        // One block (one rank): a shift and a mask, no table to read (the
        // lookup made dealing a fifth slower).
        let (shift, mask) = (placer.shift, (1usize << placer.shift) - 1);
        deal_by(regions.bins(), m, at, value, move |p| {
            (p >> shift, (p & mask) as u32)
        })
    } else {
        deal_by(regions.bins(), m, at, value, move |p| placer.place(p))
    }
}

/// [`deal`], with `place` giving a position's bin and offset.
fn deal_by<T: Plain + Send + Sync>(
    bins: usize,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
    place: impl Fn(usize) -> (usize, u32) + Sync + Copy,
) -> Binned<T> {
    let counts = kernels::map_ranges(m, |ks| {
        let mut c = vec![0usize; bins];
        // Copies, so that their captures stay in registers (see `Placer`).
        let (at, place) = (at, place);
        for k in ks {
            c[place(at(k)).0] += 1;
        }
        c
    });
    // Bin-major, chunk by chunk within a bin: k order in every bin.
    let mut cursors = vec![Vec::with_capacity(bins); counts.len()];
    let mut ends = Vec::with_capacity(bins);
    let mut end = 0;
    for b in 0..bins {
        for (c, cur) in counts.iter().zip(&mut cursors) {
            cur.push(end);
            end += c[b];
        }
        ends.push(end);
    }
    debug_assert_eq!(end, m);
    let mut offs: Vec<u32> = Vec::with_capacity(m);
    let mut vals: Vec<T> = Vec::with_capacity(m);
    let out = Out {
        offs: offs.as_mut_ptr(),
        vals: vals.as_mut_ptr(),
    };
    let per = kernels::chunk_len(m);
    kernels::map_ranges(m, |ks| {
        let cursor = cursors[ks.start / per].clone();
        // SAFETY: the chunk's cursors start where the bins' slots for its
        // pairs begin; chunks and bins own disjoint slots of `0..m`.
        unsafe { deal_chunk(place, ks, at, value, cursor, &out) }
    });
    // SAFETY: the chunks wrote every slot below m once (the counts sum to
    // m, and each pair took the next slot of its bin).
    unsafe {
        offs.set_len(m);
        vals.set_len(m);
    }
    Binned { offs, vals, ends }
}

/// The bins' storage, written by every chunk at its own slots.
struct Out<T> {
    offs: *mut u32,
    vals: *mut T,
}

// SAFETY: the chunks write disjoint slots (see `deal`).
unsafe impl<T: Send> Sync for Out<T> {}

/// A bin's buffer: the next [`SLOTS`] pairs, whose slots `i` hold the pairs
/// bound for `offs[line + i]`, `line` a multiple of [`SLOTS`].
#[repr(C, align(64))]
struct Buffer<T> {
    offs: [MaybeUninit<u32>; SLOTS],
    vals: [MaybeUninit<T>; SLOTS],
}

/// Deals the pairs of `ks`, bin b's going to slots `first[b]..`.
///
/// # Safety
/// `out` has room for every slot this chunk writes, and no other chunk
/// writes them.
unsafe fn deal_chunk<T: Plain>(
    place: impl Fn(usize) -> (usize, u32) + Copy,
    ks: Range<usize>,
    at: impl Fn(usize) -> usize + Copy,
    value: impl Fn(usize) -> T + Copy,
    first: Vec<usize>,
    out: &Out<T>,
) {
    let blank = || Buffer {
        offs: [MaybeUninit::uninit(); SLOTS],
        vals: [MaybeUninit::uninit(); SLOTS],
    };
    let mut buffers: Vec<Buffer<T>> = (0..first.len()).map(|_| blank()).collect();
    // Bin b's buffer holds slots `line[b]..line[b] + fill[b]` (the first
    // line of a bin may start before its first slot): the loop reads and
    // writes a byte per pair, the lines only when a buffer fills.
    let mut line: Vec<usize> = first.iter().map(|&f| f - f % SLOTS).collect();
    let mut fill: Vec<u8> = first.iter().map(|&f| (f % SLOTS) as u8).collect();
    let streams = streams_into(out);
    for k in ks {
        let (b, off) = place(at(k));
        // (The modulo lets the compiler drop the buffers' bounds checks.)
        let f = usize::from(fill[b]) % SLOTS;
        let buf = &mut buffers[b];
        buf.offs[f].write(off);
        buf.vals[f].write(value(k));
        if f < SLOTS - 1 {
            fill[b] = f as u8 + 1;
            continue;
        }
        fill[b] = 0;
        let l = line[b];
        line[b] = l + SLOTS;
        // SAFETY: as the caller guarantees; the line's slots from the
        // bin's first on were all written above.
        unsafe {
            if streams && l >= first[b] {
                stream_line(out, l, buf);
            } else {
                copy_slots(out, l.max(first[b])..l + SLOTS, buf);
            }
        }
    }
    for (b, buf) in buffers.iter().enumerate() {
        let l = line[b];
        // SAFETY: the slots from the last line (or the bin's first) to
        // where the buffer is filled were written and not yet flushed.
        unsafe { copy_slots(out, l.max(first[b])..l + usize::from(fill[b]), buf) };
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline. Non-temporal stores are
    // weakly ordered: they must be visible before the chunk reports done.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

/// Whether whole buffers can go out as 16-byte non-temporal stores: both
/// outputs 16-byte aligned and a buffer's values whole cache lines.
fn streams_into<T>(out: &Out<T>) -> bool {
    cfg!(target_arch = "x86_64")
        && (SLOTS * size_of::<T>()).is_multiple_of(64)
        && (out.offs as usize).is_multiple_of(16)
        && (out.vals as usize).is_multiple_of(16)
}

/// Writes the buffered `slots` with ordinary stores.
///
/// # Safety
/// The slots were written in `buf` and are inside `out`'s storage.
unsafe fn copy_slots<T: Copy>(out: &Out<T>, slots: Range<usize>, buf: &Buffer<T>) {
    for s in slots {
        // SAFETY: as the caller guarantees.
        unsafe {
            out.offs.add(s).write(buf.offs[s % SLOTS].assume_init());
            out.vals.add(s).write(buf.vals[s % SLOTS].assume_init());
        }
    }
}

/// Writes a full buffer to slots `line..line + SLOTS` past the cache.
///
/// # Safety
/// As [`copy_slots`], for all the buffer's slots; `line` is a multiple of
/// [`SLOTS`] and [`streams_into`] holds.
#[cfg(target_arch = "x86_64")]
unsafe fn stream_line<T: Plain>(out: &Out<T>, line: usize, buf: &Buffer<T>) {
    use std::arch::x86_64::{__m128i, _mm_load_si128, _mm_stream_si128};
    // SAFETY: the buffer is 64-byte aligned and its arrays are multiples
    // of 16 bytes; the destinations are 16-byte aligned (`streams_into`,
    // `line` a multiple of SLOTS); all bytes were written (`T: Plain`).
    unsafe {
        let copy = |dst: *mut u8, src: *const u8, bytes: usize| {
            for q in 0..bytes / 16 {
                let v = _mm_load_si128(src.add(16 * q).cast::<__m128i>());
                _mm_stream_si128(dst.add(16 * q).cast::<__m128i>(), v);
            }
        };
        copy(
            out.offs.add(line).cast(),
            buf.offs.as_ptr().cast(),
            SLOTS * 4,
        );
        copy(
            out.vals.add(line).cast(),
            buf.vals.as_ptr().cast(),
            SLOTS * size_of::<T>(),
        );
    }
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn stream_line<T: Plain>(out: &Out<T>, line: usize, buf: &Buffer<T>) {
    // SAFETY: as the caller guarantees.
    unsafe { copy_slots(out, line..line + SLOTS, buf) }
}

/// `dst[at(k)] = value(k)` for k below `m`, in k order (the last write
/// wins): dealt into `dst`'s bins, then stored region by region.
pub fn write<T: Plain + Send + Sync>(
    dst: &mut [T],
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
) {
    let regions = Regions::new::<T>(&[0, dst.len()]);
    let got = deal(&regions, m, at, value);
    store(dst, &regions.owner_bounds(0), &[got.pairs()]);
}

/// Stores every source's pairs into `dst`, bin b being `dst[bounds[b]..
/// bounds[b + 1]]`, source after source within a bin, bins on every core
/// for large arrays.
pub fn store<T: Copy + Send + Sync>(dst: &mut [T], bounds: &[usize], sources: &[Pairs<T>]) {
    assert_eq!(bounds.last(), Some(&dst.len()), "the bins cover the array");
    let fill = |b: usize, chunk: &mut [T]| {
        for s in sources {
            let lo = if b == 0 { 0 } else { s.ends[b - 1] };
            let r = lo..s.ends[b];
            for (&o, &v) in s.offs[r.clone()].iter().zip(&s.vals[r]) {
                chunk[o as usize] = v;
            }
        }
    };
    let mut rest = dst;
    let mut regions = Vec::with_capacity(bounds.len());
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
        let (at, ends) = got.part(regions.owner_bins(r));
        let pairs = Pairs {
            offs: &got.offs[at.clone()],
            vals: &got.vals[at],
            ends: &ends,
        };
        let mut dst = vec![blank; len];
        store(&mut dst, &regions.owner_bounds(r), &[pairs]);
        dst
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
                for p in 0..n {
                    let (bin, off) = placer.place(p);
                    assert!(b[bin] <= p && p < b[bin + 1], "{p} in bin {bin} of {b:?}");
                    assert_eq!(off as usize, p - b[bin], "{p} of {starts:?}");
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
                let got = deal(&wide, m, |k| pos[k], |k| k as u64);
                let narrow = Regions::new::<u8>(&starts);
                let got8 = deal(&narrow, m, |k| pos[k], |k| k as u8);
                for r in 0..owners {
                    let block = starts[r]..starts[r + 1];
                    let mut want = vec![u64::MAX; block.len()];
                    for (k, &p) in pos.iter().enumerate() {
                        if block.contains(&p) {
                            want[p - block.start] = k as u64;
                        }
                    }
                    let what = format!("n={n} m={m} owners={owners} rank {r}");
                    let len = block.len();
                    assert_eq!(stored(&wide, &got, r, len, u64::MAX), want, "{what}");
                    let want8: Vec<u8> = want.iter().map(|&w| w as u8).collect();
                    assert_eq!(stored(&narrow, &got8, r, len, u8::MAX), want8, "u8 {what}");
                }
            }
        }
    }
}
