//! Dealing pairs into bins: each chunk of the pairs on its own core, each
//! pair through a small buffer per bin ([`SLOTS`] pairs) flushed whole
//! with non-temporal stores (dealt with plain stores, the bins' lines are
//! read before being written, and the pass took three times as long),
//! into pages that a bin takes from its owner's extent as it fills them.

use std::mem::MaybeUninit;
use std::ops::Range;

use super::Regions;
use crate::kernels::{self, Plain};

/// Pairs per bin buffer: the offsets fill two cache lines, the values
/// (int64) four. Flushing two lines at a time rather than one made dealing
/// a fifth faster on the 2-core VM (fewer, longer runs into memory).
const SLOTS: usize = 32;

/// Most slots per page: a bin's pairs lie in pages, taken from its owner's
/// extent as the bin fills them, so that no pass has to count the bins
/// first (that pass read every position once more, and so did the bounds
/// check, now folded into the deal). Storing from pages of 512 slots (6
/// KiB of int64 pairs, scattered) took a third longer than from whole
/// bins; from 4096 as long. Pages are smaller where the pairs are few for
/// the bins ([`page_len`]).
const PAGE: usize = 4096;

/// Every `SAMPLE`-th position is read to size each owner's extents when
/// there are several owners; one extent too small (a sample misled by a
/// pattern in the positions) costs a count of them all and a second deal.
pub(super) const SAMPLE: usize = 256;

/// `len` of a bin's pairs from slot `start`, in bin `bin` counted from its
/// owner's first.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub start: u64,
    pub bin: u32,
    pub len: u32,
}

// SAFETY: a u64 then two u32: no padding.
unsafe impl Plain for Page {}

/// Pairs dealt into bins: owner r's lie in slots `parts[r].run` of `offs`
/// (region offsets) and `vals`, in its pages.
pub struct Binned<T> {
    pub offs: Vec<u32>,
    pub vals: Vec<T>,
    pub parts: Vec<Part>,
}

/// An owner's share of a deal.
pub struct Part {
    /// The slots holding its pages (zeros in the unused ones between).
    pub run: Range<usize>,
    /// Its pages, their starts counted from the run's: chunk after chunk,
    /// each chunk's in the order filled.
    pub pages: Vec<Page>,
}

/// One source of pairs for [`store`]: region offsets and values, and the
/// pages holding them.
#[derive(Clone, Copy)]
pub struct Pairs<'a, T> {
    pub offs: &'a [u32],
    pub vals: &'a [T],
    pub pages: &'a [Page],
}

impl<T> Binned<T> {
    /// Owner r's pairs.
    pub fn pairs(&self, r: usize) -> Pairs<'_, T> {
        let part = &self.parts[r];
        Pairs {
            offs: &self.offs[part.run.clone()],
            vals: &self.vals[part.run.clone()],
            pages: &part.pages,
        }
    }
}

/// Deals `value(k)` for position `at(k)`, k below `m`, into the bins of
/// `regions`, on every core for large `m`; `None` if a position lies past
/// the regions' end (as negative indices read as unsigned do).
pub fn deal<T: Plain + Send + Sync>(
    regions: &Regions,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
) -> Option<Binned<T>> {
    let placer = regions.placer();
    if regions.owners() == 1 {
        // One block (one rank): a shift and a mask, no table to read (the
        // lookup made dealing a fifth slower).
        let (shift, mask) = (placer.shift, (1usize << placer.shift) - 1);
        deal_by(regions, m, at, value, move |p| {
            (p >> shift, (p & mask) as u32)
        })
    } else if let Some(pair) = regions.pair_placer() {
        deal_by(regions, m, at, value, move |p| pair.place(p))
    } else {
        deal_by(regions, m, at, value, move |p| placer.place(p))
    }
}

/// Why a chunk stopped dealing.
enum Stop {
    Outside,
    Full,
}

/// [`deal`], with `place` giving a position's bin and offset.
fn deal_by<T: Plain + Send + Sync>(
    regions: &Regions,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
    place: impl Fn(usize) -> (usize, u32) + Sync + Copy,
) -> Option<Binned<T>> {
    let step = if regions.owners() == 1 { 0 } else { SAMPLE };
    let page = page_len(regions, m);
    let sampled = extents(regions, m, at, page, step);
    let dealt = match deal_into(regions, m, at, value, place, page, &sampled) {
        // The sample misled the extents' sizes: count every position.
        Err(Stop::Full) => {
            let exact = extents(regions, m, at, page, 1);
            deal_into(regions, m, at, value, place, page, &exact)
        }
        dealt => dealt,
    };
    match dealt {
        Ok(dealt) => Some(dealt),
        Err(Stop::Outside) => None,
        Err(Stop::Full) => unreachable!("extents sized by counting"),
    }
}

/// Slots per page for dealing `m` pairs: at most an eighth of a chunk's
/// pairs per bin, so that the bins' last pages, partly empty, add little
/// (short blocks make the bins many; an empty array has none).
fn page_len(regions: &Regions, m: usize) -> usize {
    let per_bin = (kernels::chunk_len(m) / regions.bins().max(1) / 8).clamp(SLOTS, PAGE);
    1 << per_bin.ilog2()
}

/// Slots for each chunk's pairs of each owner (`[chunk][owner]`, whole
/// pages): room for its pairs and a partial page per bin holding any
/// (at most one per pair). The pairs are
/// counted every `step`-th position (with a margin for the sample's
/// error), every one for `step` 1, or taken as the whole chunk for 0.
fn extents(
    regions: &Regions,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    page: usize,
    step: usize,
) -> Vec<Vec<usize>> {
    let owners = regions.owners();
    let n = regions.len();
    kernels::map_ranges(m, |ks| {
        let len = ks.len();
        let mut counts = vec![0usize; owners];
        if step == 0 {
            counts[0] = len;
        } else {
            for k in ks.step_by(step) {
                let p = at(k);
                if p < n {
                    counts[regions.owner_at(p)] += 1;
                }
            }
        }
        // Five standard deviations of the sampled count, and 0.4%.
        let margin = if step > 1 {
            5 * (len * step).isqrt() / 2 + len / 256
        } else {
            0
        };
        (0..owners)
            .map(|r| {
                let pairs = (counts[r] * step.max(1) + margin).min(len);
                (pairs.div_ceil(page) + regions.owner_bins(r).len().min(pairs)) * page
            })
            .collect()
    })
}

/// Deals into extents of `caps` slots (see [`extents`]), laid out owner
/// by owner, chunk by chunk within an owner, so that each owner's pages
/// are one run.
fn deal_into<T: Plain + Send + Sync>(
    regions: &Regions,
    m: usize,
    at: impl Fn(usize) -> usize + Sync + Copy,
    value: impl Fn(usize) -> T + Sync + Copy,
    place: impl Fn(usize) -> (usize, u32) + Sync + Copy,
    page: usize,
    caps: &[Vec<usize>],
) -> Result<Binned<T>, Stop> {
    let owners = regions.owners();
    let mut bases = vec![vec![0; owners]; caps.len()];
    let mut total = 0;
    for r in 0..owners {
        for (base, cap) in bases.iter_mut().zip(caps) {
            base[r] = total;
            total += cap[r];
        }
    }
    let mut offs: Vec<u32> = Vec::with_capacity(total);
    let mut vals: Vec<T> = Vec::with_capacity(total);
    let out = Out {
        offs: offs.as_mut_ptr(),
        vals: vals.as_mut_ptr(),
    };
    let per = kernels::chunk_len(m);
    let filled = kernels::map_ranges(m, |ks| {
        let c = ks.start / per;
        let pager = Pager::new(regions, page, &bases[c], &caps[c]);
        // SAFETY: the chunk's extents are its own, inside `out`'s storage.
        unsafe { deal_chunk(regions.len(), place, ks, at, value, pager, &out) }
    });
    let filled = filled.into_iter().collect::<Result<Vec<Pager>, Stop>>()?;
    // SAFETY: every slot of every extent was written, by a pair or a zero
    // (see `deal_chunk`).
    unsafe {
        offs.set_len(total);
        vals.set_len(total);
    }
    let parts = (0..owners)
        .map(|r| {
            let run = bases[0][r]..filled.last().map_or(0, |p| p.next[r]);
            let pages = filled
                .iter()
                .flat_map(|p| &p.pages[r])
                .map(|&page| Page {
                    start: page.start - run.start as u64,
                    ..page
                })
                .collect();
            Part { run, pages }
        })
        .collect();
    Ok(Binned { offs, vals, parts })
}

/// The bins' storage, written by every chunk at its own slots.
struct Out<T> {
    offs: *mut u32,
    vals: *mut T,
}

// SAFETY: the chunks write disjoint slots (see `deal`).
unsafe impl<T: Send> Sync for Out<T> {}

/// Hands a chunk's bins their pages, from each owner's extent in turn.
struct Pager<'a> {
    /// Slots per page.
    page: usize,
    owner_of: &'a [u32],
    first_bin: &'a [usize],
    /// Per owner: the next free slot of its extent, and the extent's end.
    next: Vec<usize>,
    ends: Vec<usize>,
    /// Per owner, the pages handed out (starts in the whole storage).
    pages: Vec<Vec<Page>>,
    /// Per bin, where its last page is in its owner's `pages`.
    last: Vec<usize>,
}

impl<'a> Pager<'a> {
    fn new(regions: &'a Regions, page: usize, bases: &[usize], caps: &[usize]) -> Pager<'a> {
        Pager {
            page,
            owner_of: &regions.owner_of,
            first_bin: &regions.first_bin,
            next: bases.to_vec(),
            ends: bases.iter().zip(caps).map(|(b, c)| b + c).collect(),
            pages: vec![Vec::new(); bases.len()],
            last: vec![usize::MAX; regions.bins()],
        }
    }

    /// Where bin b's new page starts; `None` when its owner's extent is
    /// used up.
    fn take(&mut self, b: usize) -> Option<usize> {
        let r = self.owner_of[b] as usize;
        let start = self.next[r];
        if start == self.ends[r] {
            return None;
        }
        self.next[r] = start + self.page;
        self.last[b] = self.pages[r].len();
        self.pages[r].push(Page {
            start: start as u64,
            bin: (b - self.first_bin[r]) as u32,
            len: self.page as u32,
        });
        Some(start)
    }

    /// Bin b's last page, if it has one.
    fn last_page(&mut self, b: usize) -> Option<&mut Page> {
        let r = self.owner_of[b] as usize;
        self.pages[r].get_mut(self.last[b])
    }
}

/// A bin's buffer: the next [`SLOTS`] pairs, whose slots `i` hold the pairs
/// bound for `offs[line + i]`, `line` a multiple of [`SLOTS`].
#[repr(C, align(64))]
struct Buffer<T> {
    offs: [MaybeUninit<u32>; SLOTS],
    vals: [MaybeUninit<T>; SLOTS],
}

/// Deals the pairs of `ks` into pages from `pager`; on success every slot
/// of the chunk's extents is written (zeros where no pair went) and the
/// pager tells where its pages are.
///
/// # Safety
/// `out` has room for the pager's extents, and no other chunk writes them.
unsafe fn deal_chunk<'a, T: Plain>(
    n: usize,
    place: impl Fn(usize) -> (usize, u32) + Copy,
    ks: Range<usize>,
    at: impl Fn(usize) -> usize + Copy,
    value: impl Fn(usize) -> T + Copy,
    mut pager: Pager<'a>,
    out: &Out<T>,
) -> Result<Pager<'a>, Stop> {
    let bins = pager.last.len();
    let blank = || Buffer {
        offs: [MaybeUninit::uninit(); SLOTS],
        vals: [MaybeUninit::uninit(); SLOTS],
    };
    let mut buffers: Vec<Buffer<T>> = (0..bins).map(|_| blank()).collect();
    // Bin b's buffer holds slots `line[b]..line[b] + fill[b]`, a line at
    // a page boundary (0 too) meaning that the next flush needs a new page:
    // the loop reads and writes a byte per pair, the lines only when a
    // buffer fills.
    let mut line = vec![0usize; bins];
    let mut fill = vec![0u8; bins];
    let streams = streams_into(out);
    // (A power of two: the test for a page boundary is a mask.)
    let page = pager.page;
    let deal = || {
        for k in ks {
            let p = at(k);
            if p >= n {
                return Err(Stop::Outside);
            }
            let (b, off) = place(p);
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
            let mut l = line[b];
            if l & (page - 1) == 0 {
                l = pager.take(b).ok_or(Stop::Full)?;
            }
            line[b] = l + SLOTS;
            // SAFETY: as the caller guarantees; all the buffer's slots were
            // written above.
            unsafe {
                if streams {
                    stream_line(out, l, buf);
                } else {
                    copy_slots(out, l..l + SLOTS, buf);
                }
            }
        }
        for (b, buf) in buffers.iter().enumerate() {
            let (mut l, f) = (line[b], usize::from(fill[b]));
            if f > 0 {
                if l & (page - 1) == 0 {
                    l = pager.take(b).ok_or(Stop::Full)?;
                }
                // SAFETY: the buffer's first f slots were written.
                unsafe { copy_slots(out, l..l + f, buf) };
                l += f;
            }
            if let Some(last) = pager.last_page(b) {
                let start = last.start as usize;
                last.len = (l - start) as u32;
                // SAFETY: the rest of the page is the chunk's.
                unsafe { zero(out, l..start + page) };
            }
        }
        for (&next, &end) in pager.next.iter().zip(&pager.ends) {
            // SAFETY: the extents' unused ends are the chunk's.
            unsafe { zero(out, next..end) };
        }
        Ok(())
    };
    let dealt = deal();
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline. Non-temporal stores are
    // weakly ordered: they must be visible before the chunk reports done.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
    dealt.map(|()| pager)
}

/// Zeroes `slots` of both outputs.
///
/// # Safety
/// The slots are inside `out`'s storage and no other thread touches them.
unsafe fn zero<T: Plain>(out: &Out<T>, slots: Range<usize>) {
    // SAFETY: as the caller guarantees; zero bytes are a valid `T` (Plain
    // types are numbers and bools).
    unsafe {
        out.offs.add(slots.start).write_bytes(0, slots.len());
        out.vals.add(slots.start).write_bytes(0, slots.len());
    }
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
