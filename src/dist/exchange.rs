//! Typed exchanges built on the byte collectives of [`Comm`]: what handlers
//! call to combine, move and look up block-distributed elements.
//!
//! Every function is a collective (all ranks call it in the same order).
//! With one rank each is a copy or less.

use std::mem::MaybeUninit;
use std::ops::Range;

use super::block::{Block, Owners};
use super::comm::Comm;
use crate::error::CommandError;
use crate::kernels::Plain;
use crate::kernels::select::{self, Slice};
pub use crate::kernels::starts;

type R<T> = Result<T, CommandError>;

pub fn bytes_of<T: Plain>(v: &[T]) -> &[u8] {
    // SAFETY: `Plain` types have no padding, so every byte is initialised.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast(), std::mem::size_of_val(v)) }
}

/// Only for buffers that will be overwritten with bytes of valid `T`s (sent
/// by another rank from a `&[T]`), or of a `T` any bytes are valid for
/// (`u64` words as an aligned byte buffer).
pub(crate) fn bytes_of_mut<T: Plain>(v: &mut [T]) -> &mut [u8] {
    // SAFETY: as above; callers only write bytes that came from values of T.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast(), std::mem::size_of_val(v)) }
}

/// `n` elements received as bytes by `fill`, which writes every byte of the
/// slice it is given with bytes of valid `T`s (a receive of what another
/// rank sent from a `&[T]`, or a copy of this rank's own). The memory is
/// not cleared first: that would be one more pass over it, and the pass
/// the transfer makes is the bottleneck.
fn received<T: Plain>(n: usize, fill: impl FnOnce(&mut [u8]) -> R<()>) -> R<Vec<T>> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    // SAFETY: the bytes lie within the capacity; nothing reads them before
    // `fill` has written them (only MPI or `copy_from_slice` write them).
    let bytes =
        unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast(), n * size_of::<T>()) };
    fill(bytes)?;
    // SAFETY: `fill` succeeded, so every byte holds part of a valid `T`.
    unsafe { v.set_len(n) };
    Ok(v)
}

fn scale(counts: &[usize], size: usize) -> Vec<usize> {
    counts.iter().map(|c| c * size).collect()
}

/// One value from every rank, in rank order.
pub fn allgather<T: Plain>(comm: &dyn Comm, x: T) -> R<Vec<T>> {
    if comm.size() == 1 {
        return Ok(vec![x]);
    }
    let all = allgather_vec(comm, std::slice::from_ref(&x))?;
    Ok(all.into_iter().map(|v| v[0]).collect())
}

/// Every rank's slice, in rank order.
pub fn allgather_vec<T: Plain>(comm: &dyn Comm, mine: &[T]) -> R<Vec<Vec<T>>> {
    let parts = comm.allgather_bytes(bytes_of(mine))?;
    parts
        .iter()
        .map(|p| {
            received(p.len() / size_of::<T>(), |b| {
                b.copy_from_slice(p);
                Ok(())
            })
        })
        .collect()
}

/// Root's bytes on every rank.
pub fn bcast_bytes(comm: &dyn Comm, root: usize, mine: Vec<u8>) -> R<Vec<u8>> {
    if comm.size() == 1 {
        return Ok(mine);
    }
    let mut len = [mine.len() as u64];
    comm.bcast_into(root, bytes_of_mut(&mut len))?;
    let mut buf = if comm.rank() == root {
        mine
    } else {
        vec![0u8; len[0] as usize]
    };
    comm.bcast_into(root, &mut buf)?;
    Ok(buf)
}

/// The sum of `x` over the ranks before this one, and over all ranks.
pub fn exscan_sum(comm: &dyn Comm, x: u64) -> R<(u64, u64)> {
    let all = allgather(comm, x)?;
    let before = all[..comm.rank()].iter().sum();
    Ok((before, all.iter().sum()))
}

/// Every rank's `whole` (a vector of the global length `block.n`) added
/// element by element, each rank keeping its block of the sum: each rank
/// sends every other rank only that rank's block (a reduce-scatter).
pub fn sum_blocks(comm: &dyn Comm, block: &Block, whole: Vec<i64>) -> R<Vec<i64>> {
    if comm.size() == 1 {
        return Ok(whole);
    }
    let parts: Vec<usize> = (0..comm.size()).map(|r| block.range(r).len()).collect();
    let (got, _) = alltoallv(comm, &whole, &parts)?;
    drop(whole);
    let mut sum = vec![0i64; parts[comm.rank()]];
    for part in got.chunks(sum.len().max(1)) {
        sum.iter_mut().zip(part).for_each(|(s, c)| *s += c);
    }
    Ok(sum)
}

/// Sends `counts[r]` consecutive elements of `send` to rank r; returns what
/// every rank sent here, in rank order, and how many came from each.
pub fn alltoallv<T: Plain>(
    comm: &dyn Comm,
    send: &[T],
    counts: &[usize],
) -> R<(Vec<T>, Vec<usize>)> {
    if comm.size() == 1 {
        return Ok((send.to_vec(), counts.to_vec()));
    }
    let send_bytes = scale(counts, size_of::<T>());
    receive(comm, &send_bytes, |b, recv_bytes| {
        comm.alltoallv_into(bytes_of(send), &send_bytes, b, recv_bytes)
    })
}

/// The receiving half of every all-to-all: learns how many bytes each rank
/// sends here (this rank sending `send_bytes[r]` to rank r), has `fill`
/// write them into a vector of `T` (given the bytes from each rank), and
/// returns it with how many elements came from each rank.
fn receive<T: Plain>(
    comm: &dyn Comm,
    send_bytes: &[usize],
    fill: impl FnOnce(&mut [u8], &[usize]) -> R<()>,
) -> R<(Vec<T>, Vec<usize>)> {
    let recv_bytes = comm.alltoall_counts(send_bytes)?;
    let recv_counts: Vec<usize> = recv_bytes.iter().map(|b| b / size_of::<T>()).collect();
    let recv = received(recv_counts.iter().sum(), |b| fill(b, &recv_bytes))?;
    Ok((recv, recv_counts))
}

/// As [`alltoallv`], with no send buffer: `pack(r, k, out)` writes every
/// element of `out` with elements `k..k + out.len()` of the `counts[r]`
/// going to rank r. Each rank's part is asked for in order, a window that
/// fits in cache at a time, which then travels (see
/// [`Comm::alltoallv_packed`]).
pub fn alltoallv_packed<T: Plain>(
    comm: &dyn Comm,
    counts: &[usize],
    mut pack: impl FnMut(usize, usize, &mut [MaybeUninit<T>]),
) -> R<(Vec<T>, Vec<usize>)> {
    let size = size_of::<T>();
    let send_bytes = scale(counts, size);
    let mut typed = |r: usize, at: usize, w: &mut [u8]| {
        // SAFETY: viewed as uninitialised elements, any bytes will do.
        let (pre, out, post) = unsafe { w.align_to_mut::<MaybeUninit<T>>() };
        assert!(
            pre.is_empty() && post.is_empty(),
            "a packing window of whole aligned elements"
        );
        pack(r, at / size, out);
    };
    receive(comm, &send_bytes, |b, recv_bytes| {
        comm.alltoallv_packed(size, &send_bytes, &mut typed, b, recv_bytes)
    })
}

/// Sends `local[ranges[r]]` (contiguous, sent from where it lies) to each
/// rank r; returns what every rank sent here, in rank order and how many
/// came from each, each part reversed when `reverse`.
pub fn alltoallv_ranges<T: Plain>(
    comm: &dyn Comm,
    local: &[T],
    ranges: &[Range<usize>],
    reverse: bool,
) -> R<(Vec<T>, Vec<usize>)> {
    let parts: Vec<&[u8]> = ranges.iter().map(|r| bytes_of(&local[r.clone()])).collect();
    let send_bytes: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let mut arrived = |w: &mut [u8]| {
        if reverse {
            // SAFETY: the window holds whole elements just received.
            let (pre, w, post) = unsafe { w.align_to_mut::<T>() };
            assert!(
                pre.is_empty() && post.is_empty(),
                "a window of whole aligned elements"
            );
            w.reverse();
        }
    };
    receive(comm, &send_bytes, |b, recv_bytes| {
        let unit = size_of::<T>();
        comm.alltoallv_parts(unit, &parts, b, recv_bytes, reverse, &mut arrived)
    })
}

/// Every rank's slice concatenated in rank order, on `root` only.
pub fn gather_to<T: Plain>(comm: &dyn Comm, root: usize, mine: &[T]) -> R<Option<Vec<T>>> {
    if comm.size() == 1 {
        return Ok(Some(mine.to_vec()));
    }
    let lens = allgather(comm, mine.len() as u64)?;
    let size = std::mem::size_of::<T>();
    let counts: Vec<usize> = lens.iter().map(|&l| l as usize * size).collect();
    let is_root = comm.rank() == root;
    let total = if is_root {
        lens.iter().sum::<u64>() as usize
    } else {
        0
    };
    let recv = received(total, |b| {
        comm.gatherv_into(root, bytes_of(mine), b, &counts)
    })?;
    Ok(is_root.then_some(recv))
}

/// Root's `all` cut into `counts` (in elements): rank r gets `counts[r]`.
/// `all` is only read on root.
pub fn scatter_from<T: Plain>(
    comm: &dyn Comm,
    root: usize,
    all: &[T],
    counts: &[usize],
) -> R<Vec<T>> {
    if comm.size() == 1 {
        return Ok(all.to_vec());
    }
    scatter_bytes(comm, root, bytes_of(all), counts)
}

/// As [`scatter_from`], from root's bytes (of any alignment) holding the
/// elements: each rank gets its `counts[r]` elements straight in a vector
/// of `T`, without a copy as bytes first. Any bytes will do for `T` (not
/// `bool`).
pub fn scatter_bytes<T: Plain>(
    comm: &dyn Comm,
    root: usize,
    all: &[u8],
    counts: &[usize],
) -> R<Vec<T>> {
    let size = size_of::<T>();
    received(counts[comm.rank()], |b| {
        comm.scatterv_into(root, all, &scale(counts, size), b)
    })
}

/// Positions `0..to.len()` grouped by `to[i] < groups`, in their order
/// within a group (a counting sort): (the positions, the group sizes).
pub fn group_by(to: &[u64], groups: usize) -> (Vec<usize>, Vec<usize>) {
    let counts = counts_of(to.iter().map(|&t| t as usize), groups);
    let mut order = vec![0usize; to.len()];
    with_cursors(&starts(&counts), |at| {
        for (i, &t) in to.iter().enumerate() {
            let p = at[t as usize];
            order[p] = i;
            at[t as usize] = p + 1;
        }
    });
    (order, counts)
}

/// Runs `f` on a copy of `init` that lives on the stack when it is short
/// (up to 64 parts), for loops of the form `p = at[o]; out[p] = x;
/// at[o] = p + 1`. With the cursors on the heap the compiler must assume
/// each store through `p` may change them, so every element reloads its
/// cursor after the last element's stores: grouping 5*10^7 values for two
/// ranks took 0.45 s that way and 0.2 s with the cursors here.
fn with_cursors<R>(init: &[usize], f: impl FnOnce(&mut [usize]) -> R) -> R {
    const SHORT: usize = 64;
    if init.len() <= SHORT {
        let mut at = [0usize; SHORT];
        at[..init.len()].copy_from_slice(init);
        f(&mut at[..init.len()])
    } else {
        f(&mut init.to_vec())
    }
}

/// How many of `parts` (each `< k`) fall in each part.
pub(super) fn counts_of(parts: impl Iterator<Item = usize>, k: usize) -> Vec<usize> {
    with_cursors(&vec![0; k], |counts| {
        for p in parts {
            counts[p] += 1;
        }
        counts.to_vec()
    })
}

/// Answers that came back grouped by part (`counts` per part), each part
/// in the order its queries left, put back in query order: `parts` gives
/// each query's part, in query order, and `answer(p)` is the answer at
/// place p of the grouped answers.
pub fn in_query_order<T>(
    parts: impl Iterator<Item = usize>,
    counts: &[usize],
    mut answer: impl FnMut(usize) -> T,
) -> Vec<T> {
    with_cursors(&starts(counts), |at| {
        parts
            .map(|o| {
                let p = at[o];
                at[o] = p + 1;
                answer(p)
            })
            .collect()
    })
}

/// `idx` grouped by owner, each index as its owner's block-local position
/// (so the owner uses it as is), in the order of `idx` within a part (the
/// cursors walk every part in step).
fn grouped(place: &Owners, idx: &[u64], counts: &[usize]) -> Vec<u64> {
    grouped_with(place, idx, counts, &vec![(); idx.len()]).0
}

/// As [`grouped`], and `vals` (one per index) grouped alike, so the owners
/// are looked up once.
fn grouped_with<U: Copy>(
    place: &Owners,
    idx: &[u64],
    counts: &[usize],
    vals: &[U],
) -> (Vec<u64>, Vec<U>) {
    let n = idx.len();
    assert_eq!(vals.len(), n, "one value per index");
    let (mut a, mut b) = (Vec::<u64>::with_capacity(n), Vec::<U>::with_capacity(n));
    let (pa, pb) = (
        &mut a.spare_capacity_mut()[..n],
        &mut b.spare_capacity_mut()[..n],
    );
    let filled = if let [first, _] = *counts {
        // Two parts (two ranks on a node): both cursors stay in registers
        // and each element picks one by a select, 2x faster than a cursor
        // array (measured); interleaving more cursor sets in one loop was
        // slower again, as the write streams multiply. The select must
        // be asked for: LLVM made a plain `if` a branch, which random
        // indices mispredict every other element (10^8 int64 at two
        // ranks: scatter 1.7-2.65 -> 2.6-2.9 GiB/s, gather 1.5-1.95 ->
        // 2.2-2.3 GiB/s with it).
        let end = place.start(1) as u64;
        let (mut lo, mut hi) = (0, first);
        for (&x, &v) in idx.iter().zip(vals) {
            let up = x >= end;
            let p = std::hint::select_unpredictable(up, hi, lo);
            pa[p].write(x - std::hint::select_unpredictable(up, end, 0));
            pb[p].write(v);
            lo += usize::from(!up);
            hi += usize::from(up);
        }
        lo == first && hi == n
    } else {
        grouped_into(place, (idx, vals), counts, (pa, pb))
    };
    assert!(filled, "owner counts do not match the indices");
    // SAFETY: every cursor wrote exactly its part's count (asserted) and no
    // write went past n (indexing is checked), so every slot was filled.
    unsafe {
        a.set_len(n);
        b.set_len(n);
    }
    (a, b)
}

/// The general case of [`grouped_with`]: one cursor per part; whether
/// every part got exactly its count.
fn grouped_into<U: Copy>(
    place: &Owners,
    (idx, vals): (&[u64], &[U]),
    counts: &[usize],
    (pa, pb): (&mut [MaybeUninit<u64>], &mut [MaybeUninit<U>]),
) -> bool {
    let base: Vec<u64> = (0..counts.len()).map(|o| place.start(o) as u64).collect();
    let begin = starts(counts);
    with_cursors(&begin, |at| {
        for (&x, &v) in idx.iter().zip(vals) {
            let o = place.of(x as usize);
            let p = at[o];
            pa[p].write(x - base[o]);
            pb[p].write(v);
            at[o] = p + 1;
        }
        at.iter()
            .zip(&begin)
            .zip(counts)
            .all(|((a, b), c)| a - b == *c)
    })
}

/// The request half of a gather by global index ([`ask`]): the positions
/// this rank is asked for, and how to put the answers that come back in
/// the order of the queries.
pub struct Asked {
    /// Block-local positions asked of this rank, grouped by asking rank.
    wanted: Vec<u64>,
    /// How many positions each rank asked of this one.
    pub counts: Vec<usize>,
    place: Owners,
    /// How many queries this rank sent to each owner.
    sent: Vec<usize>,
}

impl Asked {
    /// How many positions this rank must answer for.
    pub fn len(&self) -> usize {
        self.wanted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// The block-local position of the k-th position asked of this rank.
    #[inline]
    pub fn local(&self, k: usize) -> usize {
        self.wanted[k] as usize
    }

    /// For each query of `idx` (the indices given to [`ask`]), in order,
    /// `answer(p)` for the place p of its answer among the answers that
    /// came back (grouped by owner, each owner's in the order asked).
    pub fn in_query_order<T>(&self, idx: &[u64], answer: impl FnMut(usize) -> T) -> Vec<T> {
        let owners = idx.iter().map(|&g| self.place.of(g as usize));
        in_query_order(owners, &self.sent, answer)
    }
}

/// Collective: sends each global index of `idx` (each `< block.n`) to the
/// rank owning it, as a position in its block, grouped by owner in the
/// order of `idx` (the cursors walk every part in step; no permutation
/// vector), and returns what this rank was asked. Answers sent back with
/// `Asked::counts` arrive grouped as the queries left.
pub fn ask(comm: &dyn Comm, block: &Block, idx: &[u64]) -> R<Asked> {
    let place = Owners::new(block);
    let sent = place.counts(idx);
    let asks = grouped(&place, idx, &sent);
    let (wanted, counts) = alltoallv(comm, &asks, &sent)?;
    Ok(Asked {
        wanted,
        counts,
        place,
        sent,
    })
}

/// The elements at global indices `idx` (each `< block.n`) of the array whose
/// block this rank holds as `local`: a distributed gather. The requests go
/// out grouped by owner ([`ask`]) and the answers come back in the same
/// order, so walking `idx` again with one cursor per owner puts each answer
/// in place: three sequential passes over `idx`, and one gather on the
/// owner.
pub fn fetch<T: Plain + Send + Sync>(
    comm: &dyn Comm,
    block: &Block,
    local: &[T],
    idx: &[u64],
) -> R<Vec<T>> {
    if comm.size() == 1 {
        return Ok(select::take(local, idx.len(), |k| idx[k] as usize));
    }
    let asked = ask(comm, block, idx)?;
    let answers = select::take(local, asked.len(), |k| asked.local(k));
    let (got, _) = alltoallv(comm, &answers, &asked.counts)?;
    drop(answers);
    Ok(asked.in_query_order(idx, |p| got[p]))
}

/// What [`deliver`] brought to this rank: block-local positions and the
/// values for them, side by side.
pub struct Delivered<T> {
    pub local: Vec<u64>,
    pub vals: Vec<T>,
}

impl<T: Copy> Delivered<T> {
    /// (local position, value) pairs in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (usize, T)> + '_ {
        self.local
            .iter()
            .map(|&p| p as usize)
            .zip(self.vals.iter().copied())
    }
}

/// Sends value `vals[i]` to the owner of global index `idx[i]`; returns, on
/// each rank, the local positions and values in global order of the
/// senders' positions, so applying them in order keeps the last write of
/// NumPy.
pub fn deliver<T: Plain>(
    comm: &dyn Comm,
    block: &Block,
    idx: &[u64],
    vals: &[T],
) -> R<Delivered<T>> {
    if comm.size() == 1 {
        return Ok(Delivered {
            local: idx.to_vec(),
            vals: vals.to_vec(),
        });
    }
    let place = Owners::new(block);
    let counts = place.counts(idx);
    let (g, v) = grouped_with(&place, idx, &counts, vals);
    let (local, _) = alltoallv(comm, &g, &counts)?;
    drop(g);
    let (vals, _) = alltoallv(comm, &v, &counts)?;
    Ok(Delivered { local, vals })
}

/// Each rank holds the next piece of one sequence (rank order, any lengths);
/// returns this rank's block of that sequence in the block distribution.
pub fn rebalance<T: Plain>(comm: &dyn Comm, piece: Vec<T>) -> R<Vec<T>> {
    if comm.size() == 1 {
        return Ok(piece);
    }
    let (before, total) = exscan_sum(comm, piece.len() as u64)?;
    let block = Block::new(total as usize, comm.size());
    let mine = before as usize..before as usize + piece.len();
    let counts: Vec<usize> = (0..comm.size())
        .map(|r| overlap(&mine, &block.range(r)).len())
        .collect();
    Ok(alltoallv(comm, &piece, &counts)?.0)
}

/// Elements `want` (a global range, any per rank) of the array whose block
/// this rank holds as `local`.
pub fn fetch_range<T: Plain + Send + Sync>(
    comm: &dyn Comm,
    block: &Block,
    local: &[T],
    want: Range<usize>,
) -> R<Vec<T>> {
    fetch_steps(comm, block, local, Slice::range(want.start, want.len()))
}

/// The elements at the positions `want` (a progression, any per rank) of
/// the array whose block this rank holds as `local`, in progression order.
/// Only the progressions travel, not the positions: each rank sends every
/// other rank the elements of its block that the other's progression meets,
/// in progression order. Its own piece (for most slices and GroupBy's
/// ranges nearly all of the result: `a[:-1]`, `a[::2]`) is copied straight
/// from its block into place, rather than packed, exchanged and unpacked.
pub fn fetch_steps<T: Plain + Send + Sync>(
    comm: &dyn Comm,
    block: &Block,
    local: &[T],
    want: Slice,
) -> R<Vec<T>> {
    let me = comm.rank();
    let lo = block.start(me);
    let hi = lo + local.len();
    // How many of `w`'s terms fall in this block, and the block-local
    // position of the first of them.
    let span = |w: &Slice| match w.ks_within(lo, hi) {
        ks if ks.is_empty() => (0, 0),
        ks => (ks.len(), w.at(ks.start) - lo),
    };
    let piece = |w: &Slice, out: &mut Vec<T>| {
        let (count, at) = span(w);
        select::extend_steps(out, local, at, w.stride as isize, count);
    };
    if comm.size() == 1 {
        let mut out = Vec::new();
        piece(&want, &mut out);
        return Ok(out);
    }
    let wants = allgather_vec(comm, &[want.start, want.stride, want.len as i64])?;
    let wants: Vec<Slice> = wants
        .iter()
        .map(|w| Slice {
            start: w[0],
            stride: w[1],
            len: w[2] as usize,
        })
        .collect();
    // The other ranks' spans, packed window by window as they go.
    let (counts, firsts): (Vec<usize>, Vec<usize>) = (wants.iter().enumerate())
        .map(|(r, w)| if r == me { (0, 0) } else { span(w) })
        .unzip();
    // Unit steps meet contiguous runs, which travel from where they lie (a
    // falling one reversed on arrival, window by window in cache); other
    // steps are packed a window at a time. Every rank sees every
    // progression, so all take the same way.
    let (got, from) = if wants.iter().all(|w| w.len == 0 || w.stride.abs() == 1) {
        let runs: Vec<Range<usize>> = (wants.iter().zip(&counts).zip(&firsts))
            .map(|((w, &c), &f)| match c {
                0 => 0..0,
                _ if w.stride > 0 => f..f + c,
                _ => f + 1 - c..f + 1,
            })
            .collect();
        alltoallv_ranges(comm, local, &runs, want.stride < 0)?
    } else {
        alltoallv_packed(comm, &counts, |r, k, out| {
            let step = wants[r].stride as isize;
            let first = firsts[r].wrapping_add_signed(step * k as isize);
            select::steps_into(local, first, step, out);
        })?
    };
    let (own, _) = span(&want);
    if own == 0 && (want.stride > 0 || from.iter().filter(|&&c| c > 0).count() <= 1) {
        // `got` is already in progression order (`a[::-1]` at two ranks).
        return Ok(got);
    }
    // Where each rank's piece starts in `got`.
    let at = starts(&from);
    let mut out = Vec::with_capacity(want.len);
    // A falling progression meets the later ranks first: the pieces go in
    // reverse rank order (each already in progression order).
    let order: Vec<usize> = if want.stride > 0 {
        (0..wants.len()).collect()
    } else {
        (0..wants.len()).rev().collect()
    };
    for r in order {
        if r == me {
            piece(&want, &mut out);
        } else {
            out.extend_from_slice(&got[at[r]..at[r] + from[r]]);
        }
    }
    Ok(out)
}

/// Where two index ranges meet (empty when they do not).
pub fn overlap(a: &Range<usize>, b: &Range<usize>) -> Range<usize> {
    let s = a.start.max(b.start);
    s..a.end.min(b.end).max(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;

    /// A stable counting sort whether the cursors fit on the stack or not.
    #[test]
    fn group_by_is_a_stable_sort_for_any_group_count() {
        for groups in [1usize, 2, 3, 64, 65, 300] {
            let to: Vec<u64> = (0..5000u64).map(|i| (i * 7919) % groups as u64).collect();
            let (order, counts) = group_by(&to, groups);
            let mut want: Vec<usize> = (0..to.len()).collect();
            want.sort_by_key(|&i| to[i]);
            assert_eq!(order, want, "groups={groups}");
            assert_eq!(counts.iter().sum::<usize>(), to.len());
            assert!(
                counts
                    .iter()
                    .enumerate()
                    .all(|(g, &c)| c == to.iter().filter(|&&t| t == g as u64).count())
            );
        }
    }

    /// Every exchange at 1 to 4 ranks (threads) against the one-array answer.
    #[test]
    fn sum_blocks_adds_every_ranks_whole() {
        for ranks in 1..=4 {
            for n in [0usize, 1, 3, 37] {
                let block = Block::new(n, ranks);
                let got = on_ranks(ranks, |c| {
                    let k = c.rank() as i64 + 1;
                    let whole: Vec<i64> = (0..n as i64).map(|i| i * k).collect();
                    sum_blocks(c, &block, whole).unwrap()
                });
                let k = (ranks * (ranks + 1) / 2) as i64;
                let want: Vec<i64> = (0..n as i64).map(|i| i * k).collect();
                assert_eq!(got, want, "n={n} ranks={ranks}");
            }
        }
    }

    #[test]
    fn exchanges_agree_with_one_array() {
        for ranks in 1..=4 {
            for n in [0usize, 1, 2, 5, 37] {
                let all: Vec<u64> = (0..n as u64).map(|i| i * 3 + 1).collect();
                let block = Block::new(n, ranks);
                let local = |c: &dyn Comm| &all[block.range(c.rank())];
                let idx: Vec<u64> = (0..(2 * n) as u64)
                    .map(|i| (i * 7) % n.max(1) as u64)
                    .collect();
                let idx = if n == 0 { Vec::new() } else { idx };
                let asks = Block::new(idx.len(), ranks);
                let want: Vec<u64> = idx.iter().map(|&i| all[i as usize]).collect();
                let got = on_ranks(ranks, |c| {
                    fetch(c, &block, local(c), &idx[asks.range(c.rank())]).unwrap()
                });
                assert_eq!(got, want, "fetch n={n} ranks={ranks}");
                // Ranges reaching into the neighbours' blocks, empty ones,
                // and the whole array.
                for shape in 0..3 {
                    let range = |r: usize| match shape {
                        0 => {
                            (n * r / (ranks + 1)).saturating_sub(1)
                                ..(n * (r + 2) / (ranks + 1) + 1).min(n)
                        }
                        1 if r % 2 == 1 => n / 2..n / 2,
                        1 => n - n * r / (ranks + 1)..n,
                        _ => 0..n,
                    };
                    let got = on_ranks(ranks, |c| {
                        fetch_range(c, &block, local(c), range(c.rank())).unwrap()
                    });
                    let want: Vec<u64> = (0..ranks).flat_map(|r| all[range(r)].to_vec()).collect();
                    assert_eq!(got, want, "fetch_range {shape} n={n} ranks={ranks}");
                }
                // Unit steps both ways at once (runs sent whole, the falling
                // ones reversed on arrival), and a step of 2.
                for steps in [[1i64, -1], [-1, -1], [2, -2]] {
                    let want_of = |r: usize| {
                        let stride = steps[r % 2];
                        let len = n.saturating_sub(r) / stride.unsigned_abs() as usize;
                        let start = match len {
                            0 => 0,
                            _ if stride > 0 => r,
                            _ => n - 1 - r,
                        };
                        Slice {
                            start: start as i64,
                            stride,
                            len,
                        }
                    };
                    let got = on_ranks(ranks, |c| {
                        fetch_steps(c, &block, local(c), want_of(c.rank())).unwrap()
                    });
                    let want: Vec<u64> = (0..ranks)
                        .flat_map(|r| {
                            let w = want_of(r);
                            (0..w.len).map(move |k| w.at(k))
                        })
                        .map(|p| all[p])
                        .collect();
                    assert_eq!(got, want, "fetch_steps {steps:?} n={n} ranks={ranks}");
                }
                // Applied in the order received, the last write wins.
                let writes = on_ranks(ranks, |c| {
                    let r = asks.range(c.rank());
                    let vals: Vec<u64> = r.clone().map(|k| k as u64).collect();
                    let start = block.start(c.rank());
                    deliver(c, &block, &idx[r], &vals)
                        .unwrap()
                        .iter()
                        .map(|(li, v)| (start + li, v))
                        .collect()
                });
                let mut expect = vec![u64::MAX; n];
                for (k, &i) in idx.iter().enumerate() {
                    expect[i as usize] = k as u64;
                }
                let mut seen = vec![u64::MAX; n];
                for (g, v) in writes {
                    seen[g] = v;
                }
                assert_eq!(seen, expect, "deliver n={n} ranks={ranks}");
                // Uneven pieces come back in the block layout.
                let pieces = Block::new(n, ranks + 1);
                let re = on_ranks(ranks, |c| {
                    let r = c.rank();
                    let end = if r + 1 == ranks {
                        n
                    } else {
                        pieces.start(r + 1)
                    };
                    rebalance(c, all[pieces.start(r)..end].to_vec()).unwrap()
                });
                assert_eq!(re, all, "rebalance n={n} ranks={ranks}");
                let gathered = on_ranks(ranks, |c| {
                    gather_to(c, 0, local(c)).unwrap().unwrap_or_default()
                });
                assert_eq!(gathered, all, "gather_to n={n} ranks={ranks}");
                let scattered =
                    on_ranks(ranks, |c| scatter_from(c, 0, &all, &block.lens()).unwrap());
                assert_eq!(scattered, all, "scatter_from n={n} ranks={ranks}");
            }
        }
    }
}
