//! Selection kernels: gather by position (`take`), compress by a mask
//! (`filter`), scatter to positions, slices or masks (`write_at`), joins
//! (`concat`), NumPy's `where` (`choose`), `reverse` and `splat`, each on
//! all cores for large arrays. The handlers (`commands/indexing`,
//! `concatenate`, `conditional`, `manipulation`) check the arguments and
//! dispatch on dtypes.

use std::borrow::Cow;
use std::mem::MaybeUninit;

use rayon::prelude::*;

use super as kernels;
use super::Plain;
use super::elem::{BLOCK, Elem, Side, load};

pub mod bins;

/// The positions a slice selects: `start + k * stride` for `k < len`.
#[derive(Clone, Copy)]
pub struct Slice {
    pub start: i64,
    pub stride: i64,
    pub len: usize,
}

impl Slice {
    /// Positions `first..first + count`.
    pub fn range(first: usize, count: usize) -> Slice {
        Slice {
            start: first as i64,
            stride: 1,
            len: count,
        }
    }

    /// The positions of terms `ks` of this progression, as a progression.
    pub fn part(self, ks: std::ops::Range<usize>) -> Slice {
        let start = self.start as i128 + ks.start as i128 * self.stride as i128;
        Slice {
            start: start as i64,
            stride: self.stride,
            len: ks.len(),
        }
    }

    pub fn at(self, k: usize) -> usize {
        (self.start as i128 + k as i128 * self.stride as i128) as usize
    }
    /// The `k` whose positions fall in `lo..hi` (positions are monotone in k).
    pub fn ks_within(self, lo: usize, hi: usize) -> std::ops::Range<usize> {
        let (s, d, len) = (self.start as i128, self.stride as i128, self.len as i128);
        let (lo, hi) = (lo as i128, hi as i128);
        let (first, end) = if d > 0 {
            // start + k*d in [lo, hi)
            (div_ceil(lo - s, d), div_ceil(hi - s, d))
        } else {
            // start - k*e in [lo, hi), e = -d
            let e = -d;
            ((s - hi).div_euclid(e) + 1, (s - lo).div_euclid(e) + 1)
        };
        let clamp = |k: i128| k.clamp(0, len) as usize;
        clamp(first)..clamp(end).max(clamp(first))
    }
}

/// Ceiling division for any signs of `a` (with `b > 0`).
fn div_ceil(a: i128, b: i128) -> i128 {
    -((-a).div_euclid(b))
}

/// Where a checked signed index points in an array of `len` elements: a
/// negative one counts from the end, as in NumPy.
#[inline]
pub fn from_end(i: i64, len: usize) -> usize {
    (if i < 0 { i + len as i64 } else { i }) as usize
}

/// An index argument: integer positions or a bool mask.
pub enum Index<'a> {
    Signed(&'a [i64]),
    Unsigned(&'a [u64]),
    Mask(Mask<'a>),
}

/// A bool mask with its trues counted once, chunk by chunk (the chunks
/// [`kernels::chunk_len`] cuts an array of its length into): the check,
/// the compression and the writes through it all use these counts. Each
/// used to count the mask again, a pass over it each.
pub struct Mask<'a> {
    pub bits: &'a [bool],
    trues: Vec<usize>,
}

impl<'a> Mask<'a> {
    pub fn new(bits: &'a [bool]) -> Mask<'a> {
        Mask {
            bits,
            trues: super::aggregate::trues_by_chunk(bits),
        }
    }

    /// How many elements are true.
    pub fn count(&self) -> usize {
        self.trues.iter().sum()
    }

    /// How many trues come before each chunk.
    fn bases(&self) -> Vec<usize> {
        kernels::starts(&self.trues)
    }
}

impl<'a> Index<'a> {
    /// This rank's (checked) integer indices as global positions in an
    /// array of `n` elements; `None` for a mask. Unsigned indices are their
    /// own positions and are lent, not copied.
    pub fn positions(&self, n: usize) -> Option<Cow<'a, [u64]>> {
        match *self {
            Index::Signed(v) => Some(Cow::Owned(kernels::map(v, |i| from_end(i, n) as u64))),
            Index::Unsigned(v) => Some(Cow::Borrowed(v)),
            Index::Mask(_) => None,
        }
    }

    /// Integer indices, not checked yet, read as unsigned (a negative one
    /// then lies past any array's end); `None` for a mask.
    pub fn unchecked(&self) -> Option<&'a [u64]> {
        match *self {
            Index::Signed(v) => Some(unsigned_view(v)),
            Index::Unsigned(v) => Some(v),
            Index::Mask(_) => None,
        }
    }

    /// Signed indices known to be `>= 0` as the unsigned ones they equal,
    /// so that nothing downstream maps them through [`from_end`] (nor
    /// copies them to get positions).
    pub fn as_unsigned(v: &'a [i64]) -> Index<'a> {
        Index::Unsigned(unsigned_view(v))
    }
}

/// `v`'s bits read as u64: a non-negative i64 reads as the same number, a
/// negative one as one at or above 2^63.
fn unsigned_view(v: &[i64]) -> &[u64] {
    // SAFETY: i64 and u64 have one size and alignment and every bit
    // pattern is valid in both.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast(), v.len()) }
}

/// A new vector of `n` elements, element k being `v[at(k)]`.
pub fn take<T: Copy + Send + Sync>(
    v: &[T],
    n: usize,
    at: impl Fn(usize) -> usize + Sync,
) -> Vec<T> {
    kernels::build(n, |start, chunk: &mut [MaybeUninit<T>]| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let i = start + k;
            if i + kernels::AHEAD < n {
                kernels::prefetch(v.as_ptr().wrapping_add(at(i + kernels::AHEAD)));
            }
            o.write(v[at(i)]);
        }
    })
}

/// The elements of `v` where `mask` is true (a mask of `v`'s length), each
/// chunk of the mask compressed on its own core into its place in the
/// output.
pub fn filter<T: Copy + Send + Sync>(v: &[T], mask: &Mask) -> Vec<T> {
    assert_eq!(v.len(), mask.bits.len(), "a mask of the array's length");
    let per = kernels::chunk_len(v.len());
    let count = mask.count();
    let mut out: Vec<T> = Vec::with_capacity(count);
    let mut rest = &mut out.spare_capacity_mut()[..count];
    let mut parts = Vec::with_capacity(mask.trues.len());
    for c in &mask.trues {
        let (part, tail) = rest.split_at_mut(*c);
        parts.push(part);
        rest = tail;
    }
    kernels::install(|| {
        parts
            .into_par_iter()
            .zip(v.par_chunks(per))
            .zip(mask.bits.par_chunks(per))
            .for_each(|((part, v), m)| {
                // Without a branch on the mask (a random one mispredicts
                // half the time): every element is written at the next
                // free place, which only a true mask bit moves on.
                let mut at = 0;
                for (x, keep) in v.iter().zip(m) {
                    if let Some(o) = part.get_mut(at) {
                        o.write(*x);
                    }
                    at += usize::from(*keep);
                }
            });
    });
    // SAFETY: the parts cover `count` elements and each part received
    // exactly as many elements as its mask chunk has trues (`trues` were
    // counted with the same chunking as the writes).
    unsafe { out.set_len(count) };
    out
}

/// Where an assignment writes: its k-th value goes to the k-th position.
#[derive(Clone, Copy)]
pub enum Targets<'a> {
    One(usize),
    Slice(Slice),
    /// An index array already checked against the target's length.
    Index(&'a Index<'a>),
}

impl Targets<'_> {
    /// Calls `put(k, position)` for the writes landing in `lo..hi` of an
    /// array of `len` elements, in k order; `base` is the k of the first
    /// write of a mask in that range.
    pub fn each_within(
        self,
        len: usize,
        (lo, hi): (usize, usize),
        base: usize,
        mut put: impl FnMut(usize, usize),
    ) {
        let mut keep = |k: usize, p: usize| {
            if (lo..hi).contains(&p) {
                put(k, p)
            }
        };
        match self {
            Targets::One(p) => keep(0, p),
            Targets::Slice(sl) => {
                for k in sl.ks_within(lo, hi) {
                    put(k, sl.at(k));
                }
            }
            Targets::Index(Index::Signed(v)) => {
                for (k, i) in v.iter().enumerate() {
                    // Checked already.
                    keep(k, from_end(*i, len));
                }
            }
            Targets::Index(Index::Unsigned(v)) => {
                for (k, i) in v.iter().enumerate() {
                    keep(k, *i as usize);
                }
            }
            Targets::Index(Index::Mask(m)) => {
                let trues = m.bits[lo..hi].iter().enumerate().filter(|(_, b)| **b);
                for (k, (p, _)) in (base..).zip(trues) {
                    put(k, lo + p);
                }
            }
        }
    }
}

/// `dst[idx[k]] = value(k)` for indices not checked yet, dealt into bins
/// (the caller decides where that pays: [`bins::worth_binning`]), which
/// check them as they go and so save a pass over them. False, with
/// nothing written, if an index is `>= dst.len()`.
pub fn write_unchecked<T: Plain + Send + Sync>(
    dst: &mut [T],
    idx: &[u64],
    value: impl Fn(usize) -> T + Sync + Copy,
) -> bool {
    bins::write(dst, idx.len(), |k| idx[k] as usize, value)
}

/// Stores `value(k)` at the k-th target of `dst`. Each core owns one range
/// of `dst` and applies, in order, the writes landing there, so repeated
/// indexes end with the last value as in NumPy, without write races. Many
/// indexes into a large array are dealt into bins by region first
/// ([`bins`]), which keeps the same order.
pub fn write_at<T: Plain + Send + Sync>(
    dst: &mut [T],
    targets: Targets,
    value: impl Fn(usize) -> T + Sync + Copy,
) {
    let n = dst.len();
    match targets {
        // Checked already.
        Targets::Index(Index::Signed(v)) if bins::worth_binning::<T>(n, v.len()) => {
            let stored = bins::write(dst, v.len(), |k| from_end(v[k], n), value);
            assert!(stored, "indices checked");
            return;
        }
        Targets::Index(Index::Unsigned(v)) if bins::worth_binning::<T>(n, v.len()) => {
            let stored = bins::write(dst, v.len(), |k| v[k] as usize, value);
            assert!(stored, "indices checked");
            return;
        }
        _ => {}
    }
    let threads = match targets {
        Targets::One(_) => 1,
        Targets::Slice(sl) => kernels::threads_for(sl.len),
        Targets::Index(Index::Mask(m)) => kernels::threads_for(m.bits.len()),
        // Every core reads the whole index array: keep the readers few.
        Targets::Index(Index::Signed(v)) => kernels::threads_for(v.len()).min(8),
        Targets::Index(Index::Unsigned(v)) => kernels::threads_for(v.len()).min(8),
    };
    if threads == 1 {
        targets.each_within(n, (0, n), 0, |k, p| dst[p] = value(k));
        return;
    }
    let per = n.div_ceil(threads).max(1);
    let bases: Vec<usize> = match targets {
        Targets::Index(Index::Mask(m)) => {
            // A mask's length is the target's (checked), so its counted
            // chunks are these.
            assert_eq!(per, kernels::chunk_len(m.bits.len()), "the mask's chunks");
            m.bases()
        }
        _ => vec![0; n.div_ceil(per)],
    };
    kernels::install(|| {
        dst.par_chunks_mut(per)
            .enumerate()
            .zip(bases)
            .for_each(|((c, chunk), base)| {
                let lo = c * per;
                let hi = lo + chunk.len();
                match targets {
                    // Checked already.
                    Targets::Index(Index::Signed(v)) => {
                        store_within(chunk, lo, v, value, |i| from_end(i, n))
                    }
                    Targets::Index(Index::Unsigned(v)) => {
                        store_within(chunk, lo, v, value, |i| i as usize)
                    }
                    _ => targets.each_within(n, (lo, hi), base, |k, p| chunk[p - lo] = value(k)),
                }
            });
    });
}

/// The writes of index array `idx` (position `at(idx[k])`, value
/// `value(k)`) that land in `chunk`, which starts at position `lo`, in k
/// order. Each core keeps about 1/threads of random indexes, so a branch
/// per index would mispredict often: every value is stored instead, in
/// place or into a scratch slot.
fn store_within<T: Copy, I: Copy>(
    chunk: &mut [T],
    lo: usize,
    idx: &[I],
    value: impl Fn(usize) -> T,
    at: impl Fn(I) -> usize,
) {
    let len = chunk.len();
    let base = chunk.as_mut_ptr();
    let mut junk = MaybeUninit::<T>::uninit();
    let junk = junk.as_mut_ptr();
    for (k, &i) in idx.iter().enumerate() {
        let p = at(i).wrapping_sub(lo);
        let dst = std::hint::select_unpredictable(p < len, base.wrapping_add(p), junk);
        // SAFETY: `dst` is element p of `chunk` (p < len) or the scratch
        // slot; T is Copy, so the overwritten value needs no drop.
        unsafe { dst.write(value(k)) };
    }
}

/// `parts` one after the other, copied in parallel for large results.
pub fn concat<T: Copy + Send + Sync>(parts: &[&[T]]) -> Vec<T> {
    let ends: Vec<usize> = parts
        .iter()
        .scan(0, |end, p| {
            *end += p.len();
            Some(*end)
        })
        .collect();
    let total = ends.last().copied().unwrap_or(0);
    kernels::build(total, |start, chunk| {
        let mut part = ends.partition_point(|e| *e <= start);
        let mut pos = start;
        let mut filled = 0;
        while filled < chunk.len() {
            let part_start = if part == 0 { 0 } else { ends[part - 1] };
            let src = &parts[part][pos - part_start..];
            let take = src.len().min(chunk.len() - filled);
            for (o, x) in chunk[filled..filled + take].iter_mut().zip(src) {
                o.write(*x);
            }
            filled += take;
            pos += take;
            part += 1;
        }
    })
}

/// NumPy's `where`: `a[i]` where `cond[i]`, else `b[i]`, both converted
/// to `C`.
pub fn choose<C: Elem>(cond: &[bool], a: &Side, b: &Side) -> Vec<C> {
    kernels::build(cond.len(), |start, out: &mut [MaybeUninit<C>]| {
        let mut xa = [C::default(); BLOCK];
        let mut xb = [C::default(); BLOCK];
        for (k, block) in out.chunks_mut(BLOCK).enumerate() {
            let (s, m) = (start + k * BLOCK, block.len());
            load(a, s, &mut xa[..m]);
            load(b, s, &mut xb[..m]);
            let picks = cond[s..s + m].iter().zip(&xa[..m]).zip(&xb[..m]);
            for (o, ((c, x), y)) in block.iter_mut().zip(picks) {
                o.write(if *c { *x } else { *y });
            }
        }
    })
}

/// `v` in reverse order.
pub fn reverse<T: Plain + Send + Sync>(v: &[T]) -> Vec<T> {
    steps(v, v.len().saturating_sub(1), -1, v.len())
}

/// The `n` elements of `v` at `first`, `first + step`, `first + 2 * step`
/// and so on (a slice's positions, all inside `v`), on every core for
/// large `n`.
pub fn steps<T: Plain + Send + Sync>(v: &[T], first: usize, step: isize, n: usize) -> Vec<T> {
    let mut out = Vec::new();
    extend_steps(&mut out, v, first, step, n);
    out
}

/// Appends the `n` elements of `v` at `first`, `first + step` and so on to
/// `out`, as [`steps`] gives them.
pub fn extend_steps<T: Plain + Send + Sync>(
    out: &mut Vec<T>,
    v: &[T],
    first: usize,
    step: isize,
    n: usize,
) {
    let len = out.len();
    out.reserve(n);
    let stream = kernels::streams::<T>(n);
    kernels::for_chunks(&mut out.spare_capacity_mut()[..n], |start, chunk| {
        let at = first.wrapping_add_signed(step * start as isize);
        steps_run(v, at, step, chunk, stream);
    });
    // SAFETY: `for_chunks` handed every one of the `n` reserved elements to
    // `steps_run`, which writes each element of its chunk.
    unsafe { out.set_len(len + n) };
}

/// Writes `v[at + k * step]` into `out[k]` for every k, in plain stores:
/// for a window that is read again while it is still in cache.
pub fn steps_into<T: Plain>(v: &[T], at: usize, step: isize, out: &mut [MaybeUninit<T>]) {
    steps_run(v, at, step, out, false);
}

/// Writes `v[at + k * step]` into `out[k]` for every k (each position
/// inside `v`), in non-temporal stores with `stream`. The positions advance
/// by pointer steps, checked against `v` once, rather than as a product per
/// element (with the stores, a reverse copy of 10^8 int64 went from 0.14 s
/// to 0.095 s on two cores, `a[1::3]` from 0.080 s to 0.067 s).
fn steps_run<T: Plain>(v: &[T], at: usize, step: isize, out: &mut [MaybeUninit<T>], stream: bool) {
    let Some(span) = out.len().checked_sub(1) else {
        return;
    };
    // The positions run from `lo` up to `lo + reach`.
    let reach = span.checked_mul(step.unsigned_abs());
    let lo = if step < 0 {
        reach.and_then(|d| at.checked_sub(d))
    } else {
        Some(at)
    };
    let hi = lo.and_then(|lo| lo.checked_add(reach?));
    assert!(
        hi.is_some_and(|hi| hi < v.len()),
        "steps: positions outside the slice"
    );
    match step {
        1 => {
            let src = &v[at..=at + span];
            kernels::write_each(out, stream, |k| src[k]);
        }
        -1 => {
            let src = &v[at - span..=at];
            kernels::write_each(out, stream, |k| src[span - k]);
        }
        _ => {
            let mut p = v.as_ptr().wrapping_add(at);
            kernels::write_each(out, stream, |_| {
                // SAFETY: `write_each` calls this once per k in increasing
                // order, so `p` is `v`'s element `at + k * step`, which the
                // check above put inside `v` for every k < n.
                let x = unsafe { *p };
                p = p.wrapping_offset(step);
                x
            });
        }
    }
}

/// `n` copies of `x`.
pub fn splat<T: Plain + Send + Sync>(x: T, n: usize) -> Vec<T> {
    let stream = kernels::streams::<T>(n);
    kernels::build(n, |_, chunk| kernels::write_each(chunk, stream, |_| x))
}

/// Sets every element of `v` to `x`, on every core for large slices.
pub fn fill<T: Plain + Send + Sync>(v: &mut [T], x: T) {
    let stream = kernels::streams::<T>(v.len());
    kernels::for_chunks(v, |_, chunk| {
        // SAFETY: `T` is `Copy` (no drop to skip) and every element is
        // written again below, so viewing the chunk as uninitialised
        // loses nothing.
        let out = unsafe { &mut *(chunk as *mut [T] as *mut [MaybeUninit<T>]) };
        kernels::write_each(out, stream, |_| x);
    });
}

/// Sets every element of `v` to `x`. When a freed block of the same size
/// is cached (mapped and warm), `v` moves into it instead: `ak.ones` and
/// `ak.full` send `create` (zeros, lazily mapped like NumPy's) then this,
/// and writing a fresh mapping in place costs a page fault per page
/// (measured: 3x the time of the write itself). The process already holds
/// the cached block, so the move needs no memory it does not have; `v`'s
/// old block is freed (into the cache).
pub fn fill_vec<T: Plain + Send + Sync>(v: &mut Vec<T>, x: T) {
    let warm = std::alloc::Layout::array::<T>(v.len()).is_ok_and(crate::alloc::is_cached);
    if warm {
        *v = splat(x, v.len());
    } else {
        fill(v, x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Masks of every density, on one thread and on several, with the final
    /// element kept or not: the loop offers every element to the next free
    /// place of its part, and must stop at the part's end.
    #[test]
    fn filter_keeps_the_true_elements_in_order() {
        for n in [0, 1, 2, 63, 3 * kernels::PAR_THRESHOLD + 11] {
            let v: Vec<u64> = (0..n as u64).map(|x| x * 7 + 1).collect();
            for every in [1, 2, 3, 1000, usize::MAX] {
                for last in [false, true] {
                    let mask: Vec<bool> = (0..n)
                        .map(|i| if i + 1 == n { last } else { i % every == 0 })
                        .collect();
                    let want: Vec<u64> =
                        v.iter().zip(&mask).filter(|p| *p.1).map(|p| *p.0).collect();
                    let mask = Mask::new(&mask);
                    assert_eq!(mask.count(), want.len(), "n {n}, every {every}");
                    assert_eq!(filter(&v, &mask), want, "n {n}, every {every}");
                }
            }
        }
    }

    /// Every step, either sign, from any start, with chunks split among
    /// threads (large n) or not, appended after what `out` held.
    #[test]
    fn steps_match_positions() {
        let len = 2 * kernels::PAR_THRESHOLD + 5;
        let v: Vec<i64> = (0..len as i64).map(|x| x * 3 - 7).collect();
        let bytes: Vec<u8> = (0..len).map(|x| x as u8).collect();
        for step in [1isize, -1, 2, -2, 3, -3, 7, -64, 65] {
            for n in [0usize, 1, 2, 17, kernels::PAR_THRESHOLD + 3] {
                let span = n.saturating_sub(1) * step.unsigned_abs();
                if span >= len {
                    continue;
                }
                // The lowest position, then where the progression starts.
                for low in [0, 5.min(len - 1 - span), len - 1 - span] {
                    let first = if step < 0 { low + span } else { low };
                    let at = |k: usize| first.wrapping_add_signed(step * k as isize);
                    let want: Vec<i64> = (0..n).map(|k| v[at(k)]).collect();
                    assert_eq!(steps(&v, first, step, n), want, "{first} {step} {n}");
                    let mut out = vec![1u8, 2];
                    extend_steps(&mut out, &bytes, first, step, n);
                    let want: Vec<u8> = [1, 2]
                        .into_iter()
                        .chain((0..n).map(|k| bytes[at(k)]))
                        .collect();
                    assert_eq!(out, want, "bytes {first} {step} {n}");
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "positions outside the slice")]
    fn steps_outside_panic() {
        steps(&[1i64, 2, 3], 1, -2, 2);
    }

    /// Parallel index stores keep NumPy's last write for repeated indexes,
    /// with negative indexes counting from the end.
    #[test]
    fn index_stores_keep_the_last_write() {
        // Stored directly, then dealt into bins by region first.
        for (n, binned) in [
            (3 * kernels::PAR_THRESHOLD + 7, false),
            (2 * bins::REGION_BYTES + 7, true),
        ] {
            assert_eq!(bins::worth_binning::<u64>(n, 2 * n), binned);
            let signed: Vec<i64> = (0..2 * n as i64)
                .map(|k| (k * 7919) % n as i64 - (n / 2) as i64)
                .collect();
            let unsigned: Vec<u64> = signed
                .iter()
                .map(|i| i.rem_euclid(n as i64) as u64)
                .collect();
            let mut want = vec![u64::MAX; n];
            for (k, p) in unsigned.iter().enumerate() {
                want[*p as usize] = k as u64;
            }
            for idx in [Index::Signed(&signed), Index::Unsigned(&unsigned)] {
                let mut got = vec![u64::MAX; n];
                write_at(&mut got, Targets::Index(&idx), |k| k as u64);
                assert_eq!(got, want, "n={n}");
            }
        }
    }

    #[test]
    fn concat_across_chunk_and_part_boundaries() {
        let n = kernels::PAR_THRESHOLD + 5;
        let a: Vec<u64> = (0..n as u64).collect();
        let b: Vec<u64> = Vec::new();
        let c: Vec<u64> = (n as u64..3 * n as u64).collect();
        let joined = concat(&[&a, &b, &c, &b]);
        assert_eq!(joined, (0..3 * n as u64).collect::<Vec<_>>());
        assert!(concat::<u8>(&[]).is_empty());
    }
}
