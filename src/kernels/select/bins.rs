//! Scatter by regions: `dst[p(k)] = v(k)` for many random positions over an
//! array much larger than the cache.
//!
//! Stored one by one, every random store reads its cache line from memory
//! and writes it back later: 128 bytes of traffic for 8 bytes of value, so
//! two cores storing at once hit the memory's bandwidth, and NumPy's one
//! thread is barely slower. Here the (offset, value) pairs are first dealt
//! into bins, one per region of the target small enough to stay in cache
//! ([`REGION_BYTES`]), through a cache line sized buffer per bin flushed
//! with non-temporal stores (dealt with plain stores, the bins' lines are
//! read before being written, and the pass took three times as long). Then
//! each region is written from its bin, in cache. `cargo bench --bench
//! scatter` (10^8 int64 at random positions, two cores): deal 250 ms (a
//! third of it counting the bins), store 140 ms, 380 ms in all against
//! 560 ms for one thread storing directly; a plain copy of the same bytes
//! would take 60 ms, so the deal's loop, not memory, is what is left.
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
/// More bins than this would make the bins' buffers spill out of L2, so
/// the regions of larger arrays grow instead.
const MAX_BINS: usize = 4096;
/// Pairs per bin buffer: the offsets fill one cache line.
const SLOTS: usize = 16;

/// Whether storing `m` values at random positions of an array of `n`
/// elements of `T` is worth dealing them into bins first: the array must
/// be far larger than the cache, and the stores dense enough (one per 8
/// elements or more) that sweeping the regions through the cache pays.
pub fn worth_binning<T>(n: usize, m: usize) -> bool {
    n.saturating_mul(size_of::<T>()) >= 8 * REGION_BYTES && m >= n / 8 && m >= 1 << 16
}

/// The bins of a block-distributed array: each owner's block (`starts[r]..
/// starts[r + 1]`) cut into regions of `1 << shift` elements, numbered
/// owner by owner.
#[derive(Clone, Debug)]
pub struct Regions {
    starts: Vec<usize>,
    first_bin: Vec<usize>,
    shift: u32,
}

impl Regions {
    /// Regions of the blocks that start at `starts` (the total length
    /// last), for elements of `T`.
    pub fn new<T>(starts: &[usize]) -> Regions {
        assert!(starts.len() >= 2, "at least one block");
        let lens = || starts.windows(2).map(|w| w[1] - w[0]);
        let mut shift = (REGION_BYTES / size_of::<T>().max(1)).trailing_zeros();
        let bins = |shift: u32| lens().map(|l| l.div_ceil(1 << shift)).sum::<usize>();
        while bins(shift) > MAX_BINS {
            shift += 1;
        }
        // Offsets within a region are u32.
        assert!(shift <= 32, "regions of at most 2^32 elements");
        let mut first_bin = vec![0];
        for l in lens() {
            first_bin.push(first_bin.last().unwrap() + l.div_ceil(1 << shift));
        }
        Regions {
            starts: starts.to_vec(),
            first_bin,
            shift,
        }
    }

    /// log2 of the elements in a region.
    pub fn shift(&self) -> u32 {
        self.shift
    }

    /// How many bins in all.
    pub fn bins(&self) -> usize {
        *self.first_bin.last().unwrap()
    }

    /// The bins of owner `r`'s block.
    pub fn owner_bins(&self, r: usize) -> Range<usize> {
        self.first_bin[r]..self.first_bin[r + 1]
    }

    /// What [`Placer::place`] needs, copied out for the loops' registers.
    fn placer(&self) -> Placer<'_> {
        Placer {
            inner: &self.starts[1..self.starts.len() - 1],
            starts: &self.starts,
            first_bin: &self.first_bin,
            shift: self.shift,
        }
    }
}

/// Places positions in bins. The loops take one by value: reading the
/// regions' fields through a reference on every position made counting
/// the bins twice as slow (the compiler reloaded them after each store,
/// unable to tell the two apart).
#[derive(Clone, Copy)]
struct Placer<'a> {
    /// The blocks' starts but the first.
    inner: &'a [usize],
    starts: &'a [usize],
    first_bin: &'a [usize],
    shift: u32,
}

impl Placer<'_> {
    /// The bin of global position `p` and `p`'s offset in its region.
    #[inline(always)]
    fn place(self, p: usize) -> (usize, u32) {
        let r = match self.inner.len() {
            0 => 0,
            // Counting the block starts at or before p, without branches
            // (random positions would mispredict a search).
            1..=7 => self.inner.iter().map(|&s| usize::from(s <= p)).sum(),
            _ => self.inner.partition_point(|&s| s <= p),
        };
        let rel = p - self.starts[r];
        let bin = self.first_bin[r] + (rel >> self.shift);
        (bin, (rel & ((1 << self.shift) - 1)) as u32)
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
    at: impl Fn(usize) -> usize + Sync,
    value: impl Fn(usize) -> T + Sync,
) -> Binned<T> {
    let placer = regions.placer();
    let bins = regions.bins();
    if placer.inner.is_empty() {
        // One block (one rank): a shift and a mask, nothing to look up.
        let (shift, mask) = (placer.shift, (1usize << placer.shift) - 1);
        deal_by(bins, m, at, value, move |p| (p >> shift, (p & mask) as u32))
    } else {
        deal_by(bins, m, at, value, move |p| placer.place(p))
    }
}

/// [`deal`], with `place` giving a position's bin and offset.
fn deal_by<T: Plain + Send + Sync>(
    bins: usize,
    m: usize,
    at: impl Fn(usize) -> usize + Sync,
    value: impl Fn(usize) -> T + Sync,
    place: impl Fn(usize) -> (usize, u32) + Sync + Copy,
) -> Binned<T> {
    let counts = kernels::map_ranges(m, |ks| {
        let mut c = vec![0usize; bins];
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
        unsafe { deal_chunk(place, ks, &at, &value, cursor, &out) }
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

/// Deals the pairs of `ks`, bin b's going to slots `cursor[b]..`.
///
/// # Safety
/// `out` has room for every slot this chunk writes, and no other chunk
/// writes them.
unsafe fn deal_chunk<T: Plain>(
    place: impl Fn(usize) -> (usize, u32),
    ks: Range<usize>,
    at: impl Fn(usize) -> usize,
    value: impl Fn(usize) -> T,
    mut cursor: Vec<usize>,
    out: &Out<T>,
) {
    let first = cursor.clone();
    let blank = || Buffer {
        offs: [MaybeUninit::uninit(); SLOTS],
        vals: [MaybeUninit::uninit(); SLOTS],
    };
    let mut buffers: Vec<Buffer<T>> = (0..cursor.len()).map(|_| blank()).collect();
    let streams = streams_into(out);
    for k in ks {
        let (b, off) = place(at(k));
        let slot = cursor[b];
        let buf = &mut buffers[b];
        buf.offs[slot % SLOTS].write(off);
        buf.vals[slot % SLOTS].write(value(k));
        cursor[b] = slot + 1;
        if slot % SLOTS == SLOTS - 1 {
            let line = slot + 1 - SLOTS;
            // SAFETY: as the caller guarantees; slots line..=slot were all
            // written above when line >= first[b].
            unsafe {
                if streams && line >= first[b] {
                    stream_line(out, line, buf);
                } else {
                    copy_slots(out, line.max(first[b])..slot + 1, buf);
                }
            }
        }
    }
    for (b, buf) in buffers.iter().enumerate() {
        let end = cursor[b];
        let line = end - end % SLOTS;
        // SAFETY: the slots from the last whole line (or the bin's first)
        // to the cursor were written and not yet flushed.
        unsafe { copy_slots(out, line.max(first[b])..end, buf) };
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
    // `line` a multiple of 16 slots); all bytes were written (`T: Plain`).
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
    at: impl Fn(usize) -> usize + Sync,
    value: impl Fn(usize) -> T + Sync,
) {
    let regions = Regions::new::<T>(&[0, dst.len()]);
    let got = deal(&regions, m, at, value);
    store(dst, regions.shift(), &[got.pairs()]);
}

/// Stores every source's pairs into `dst` (regions of `1 << shift`
/// elements, bin b being region b), source after source within a region,
/// regions on every core for large arrays.
pub fn store<T: Copy + Send + Sync>(dst: &mut [T], shift: u32, sources: &[Pairs<T>]) {
    let region = 1usize << shift;
    let fill = |b: usize, chunk: &mut [T]| {
        for s in sources {
            let lo = if b == 0 { 0 } else { s.ends[b - 1] };
            let r = lo..s.ends[b];
            for (&o, &v) in s.offs[r.clone()].iter().zip(&s.vals[r]) {
                chunk[o as usize] = v;
            }
        }
    };
    let m: usize = sources.iter().map(|s| s.offs.len()).sum();
    if kernels::threads_for(m) == 1 {
        dst.chunks_mut(region)
            .enumerate()
            .for_each(|(b, c)| fill(b, c));
        return;
    }
    kernels::install(|| {
        dst.par_chunks_mut(region)
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
        store(&mut dst, regions.shift(), &[pairs]);
        dst
    }

    /// Dealt and stored, random positions (repeats included) end as stored
    /// one by one in order, over one block and over several, for wide and
    /// narrow types and lengths that leave partial buffers.
    #[test]
    fn binned_stores_match_direct_ones() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (n, m) in [(1, 5), (100, 1000), (3 << 20, 1 << 20), (1 << 21, 12345)] {
            let pos: Vec<usize> = (0..m).map(|_| (next() % n as u64) as usize).collect();
            for owners in [1, 2, 3] {
                let starts: Vec<usize> = (0..=owners).map(|r| r * n / owners).collect();
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
