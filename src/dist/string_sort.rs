//! Sorting and deduplicating strings over the ranks.
//!
//! * [`sort`]: sample sort of whole strings by `(bytes, global index)`.
//!   Each rank sorts its block ([`order::argsort`]), all ranks pick the same
//!   `N-1` splitters from evenly spaced samples (whole `(string, index)`
//!   pairs, so even one repeated string spreads over the ranks), strings
//!   travel with their global index to the rank owning their range, and each
//!   rank sorts what it received. The result is a piece of the sorted
//!   sequence per rank (lengths vary), identical in concatenation at any
//!   number of ranks.
//! * [`ranks`]: for each string, the number of distinct strings below it (an
//!   order-preserving `u64` key, so strings can join numeric sort keys).
//! * [`member`]: string membership, each string routed by its hash to one
//!   owner rank where both sides meet.

use super::block::Block;
use super::comm::Comm;
use super::exchange;
use crate::error::CommandError;
use crate::kernels::string::Strs;
use crate::kernels::string::index::take;
use crate::kernels::string::order::{self, cmp_item};

type R<T> = Result<T, CommandError>;

/// Samples each rank sends for choosing the splitters.
const SAMPLES: usize = 256;

/// This rank's piece of the sorted strings.
pub struct Sorted {
    pub offsets: Vec<u64>,
    pub bytes: Vec<u8>,
    /// The global index each string came from.
    pub idx: Vec<u64>,
}

impl Sorted {
    pub fn view(&self) -> Strs<'_> {
        Strs::new(&self.offsets, &self.bytes)
    }
}

/// Strings `order` of `s` in that order, as a new block.
fn gather(s: Strs, order: &[u64]) -> (Vec<u64>, Vec<u8>) {
    take(s, order.len(), |k| order[k] as usize)
}

/// Collective: the strings of every rank sorted by `(bytes, global index)`;
/// this rank's block of them starts at global index `start`.
pub fn sort(comm: &dyn Comm, s: Strs, start: usize) -> R<Sorted> {
    let local = order::argsort(s);
    let ranks = comm.size();
    let with_idx = |local: Vec<u64>| {
        let (offsets, bytes) = gather(s, &local);
        let idx = local.iter().map(|&i| start as u64 + i).collect();
        Sorted {
            offsets,
            bytes,
            idx,
        }
    };
    if ranks == 1 {
        return Ok(with_idx(local));
    }
    let k = local.len().min(SAMPLES);
    let (_, total) = exchange::exscan_sum(comm, k as u64)?;
    if total == 0 {
        return Ok(with_idx(local));
    }
    let picks: Vec<u64> = (0..k).map(|j| local[j * local.len() / k]).collect();
    let (sample_offsets, sample_bytes) = gather(s, &picks);
    let sample_idx: Vec<u64> = picks.iter().map(|&i| start as u64 + i).collect();
    let (all_offsets, all_bytes) =
        super::strings::allgather_strs(comm, Strs::new(&sample_offsets, &sample_bytes))?;
    let all_idx = exchange::allgather_vec(comm, &sample_idx)?.concat();
    let samples = Strs::new(&all_offsets, &all_bytes);
    let mut pairs: Vec<(&[u8], u64)> = (0..samples.len())
        .map(|j| (samples.get(j), all_idx[j]))
        .collect();
    pairs.sort_unstable_by(|a, b| cmp_item(*a, *b));
    let m = pairs.len();
    // bounds[d]..bounds[d+1] of `local` goes to rank d.
    let mut bounds = vec![0usize; ranks + 1];
    bounds[ranks] = local.len();
    for (d, b) in bounds.iter_mut().enumerate().take(ranks).skip(1) {
        let splitter = pairs[d * m / ranks];
        *b = local.partition_point(|&i| {
            cmp_item((s.get(i as usize), start as u64 + i), splitter).is_lt()
        });
    }
    let counts: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
    let (offsets, bytes) = gather(s, &local);
    let idx: Vec<u64> = local.iter().map(|&i| start as u64 + i).collect();
    drop(local);
    let (got_offsets, got_bytes) =
        super::strings::alltoallv_strs(comm, Strs::new(&offsets, &bytes), &counts)?;
    drop((offsets, bytes));
    let (got_idx, _) = exchange::alltoallv(comm, &idx, &counts)?;
    drop(idx);
    let got = Strs::new(&got_offsets, &got_bytes);
    // Equal strings arrive in source-rank order, each source's in index
    // order: a stable sort by bytes alone is the (bytes, index) order.
    let again = order::argsort(got);
    let (offsets, bytes) = gather(got, &again);
    let idx = again.iter().map(|&i| got_idx[i as usize]).collect();
    Ok(Sorted {
        offsets,
        bytes,
        idx,
    })
}

/// Positions of `sorted` (this rank's piece) that start a run of equal
/// strings, the first compared with the last string of the nearest
/// non-empty earlier rank.
fn run_starts(comm: &dyn Comm, sorted: Strs) -> R<Vec<usize>> {
    let last: &[u8] = match sorted.len() {
        0 => &[],
        n => sorted.with_nul(n - 1),
    };
    let lasts = if comm.size() == 1 {
        vec![]
    } else {
        exchange::allgather_vec(comm, last)?
    };
    // The last string of an earlier rank, without its NUL (empty vectors
    // are ranks without strings).
    let prev = lasts[..lasts.len().min(comm.rank())]
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .map(|l| &l[..l.len() - 1]);
    Ok((0..sorted.len())
        .filter(|&i| match i {
            0 => prev != Some(sorted.get(0)),
            _ => sorted.get(i) != sorted.get(i - 1),
        })
        .collect())
}

/// For each string of this rank's block (global length `n`), the number of
/// distinct strings of the whole array below it.
pub fn ranks(comm: &dyn Comm, s: Strs, n: usize) -> R<Vec<u64>> {
    let block = Block::new(n, comm.size());
    let start = block.start(comm.rank());
    if comm.size() == 1 {
        let perm = order::argsort(s);
        let mut out = vec![0u64; s.len()];
        let mut g = 0u64;
        for (k, &p) in perm.iter().enumerate() {
            if k > 0 && s.get(p as usize) != s.get(perm[k - 1] as usize) {
                g += 1;
            }
            out[p as usize] = g;
        }
        return Ok(out);
    }
    let sorted = sort(comm, s, start)?;
    let starts = run_starts(comm, sorted.view())?;
    let (before, _) = exchange::exscan_sum(comm, starts.len() as u64)?;
    let mut group = before.wrapping_sub(1);
    let mut next = starts.iter().peekable();
    let groups: Vec<u64> = (0..sorted.idx.len())
        .map(|i| {
            if next.next_if(|&&st| st == i).is_some() {
                group = group.wrapping_add(1);
            }
            group
        })
        .collect();
    let sent = exchange::deliver(comm, &block, &sorted.idx, &groups)?;
    let mut out = vec![0u64; s.len()];
    for (i, g) in sent.iter() {
        out[i] = g;
    }
    Ok(out)
}

/// Whether each string of this rank's block of `a` is in the distributed
/// `b` (not, with `invert`). Every string goes to the rank its hash names;
/// that rank answers for the queries it received.
pub fn member(comm: &dyn Comm, a: Strs, b: Strs, invert: bool) -> R<Vec<bool>> {
    let ranks = comm.size();
    if ranks == 1 {
        return Ok(order::member(a, b, invert));
    }
    // Each string's owner, the strings grouped by owner, and how many went
    // to each owner and came from each rank.
    let route = |s: Strs| -> R<Routed> {
        let to: Vec<u64> = order::hash64(s)
            .iter()
            .map(|h| (h >> 32) % ranks as u64)
            .collect();
        let (perm, counts) = exchange::group_by(&to, ranks);
        let perm: Vec<u64> = perm.into_iter().map(|p| p as u64).collect();
        let (offsets, bytes) = gather(s, &perm);
        let (offsets, got) =
            super::strings::alltoallv_strs(comm, Strs::new(&offsets, &bytes), &counts)?;
        let sent: Vec<u64> = counts.iter().map(|&c| c as u64).collect();
        let (came, _) = exchange::alltoallv(comm, &sent, &vec![1; ranks])?;
        Ok(Routed {
            to,
            counts,
            came: came.into_iter().map(|c| c as usize).collect(),
            offsets,
            bytes: got,
        })
    };
    let qa = route(a)?;
    let qb = route(b)?;
    let found = order::member(
        Strs::new(&qa.offsets, &qa.bytes),
        Strs::new(&qb.offsets, &qb.bytes),
        invert,
    );
    let (answers, _) = exchange::alltoallv(comm, &found, &qa.came)?;
    // Answers come back grouped by owner, in the order the queries left.
    let owners = qa.to.iter().map(|&t| t as usize);
    Ok(exchange::in_query_order(owners, &qa.counts, |p| answers[p]))
}

/// Strings routed to their owners (see [`member`]).
struct Routed {
    /// The owner of each local string.
    to: Vec<u64>,
    /// Strings sent to each rank.
    counts: Vec<usize>,
    /// Strings received from each rank.
    came: Vec<usize>,
    /// The received strings.
    offsets: Vec<u64>,
    bytes: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;
    use crate::kernels::string::StrsBuilder;

    fn words(n: usize, seed: u64) -> Vec<Vec<u8>> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = (x % 13) as usize;
                let mut w = if x.is_multiple_of(4) {
                    b"sharedprefix".to_vec()
                } else {
                    vec![]
                };
                w.extend((0..len).map(|k| b"xy\xc3\xa9"[((x >> (9 + k)) % 4) as usize]));
                w
            })
            .collect()
    }

    fn mine(w: &[Vec<u8>], comm: &dyn Comm) -> (Vec<u64>, Vec<u8>, usize) {
        let r = Block::new(w.len(), comm.size()).range(comm.rank());
        let mut b = StrsBuilder::default();
        for s in &w[r.clone()] {
            b.push(s);
        }
        let (o, by) = b.finish();
        (o, by, r.start)
    }

    #[test]
    fn sort_ranks_and_member_agree_with_one_process() {
        for n in [0, 1, 2, 7, 3000] {
            let w = words(n, n as u64 + 11);
            let probes = words(n / 2 + 3, 77);
            let mut want: Vec<u64> = (0..n as u64).collect();
            want.sort_by(|&a, &b| w[a as usize].cmp(&w[b as usize]));
            let mut distinct = w.clone();
            distinct.sort();
            distinct.dedup();
            let want_ranks: Vec<u64> = w
                .iter()
                .map(|s| distinct.partition_point(|d| d < s) as u64)
                .collect();
            let want_in: Vec<bool> = probes.iter().map(|p| w.contains(p)).collect();
            for ranks in 1..=4 {
                let got = on_ranks(ranks, |comm| {
                    let (o, b, start) = mine(&w, comm);
                    let s = Strs::new(&o, &b);
                    let sorted = sort(comm, s, start).unwrap();
                    let idx = exchange::rebalance(comm, sorted.idx.clone()).unwrap();
                    vec![(idx, ranks_block(comm, s, n))]
                });
                let idx: Vec<u64> = got.iter().flat_map(|g| g.0.clone()).collect();
                let rk: Vec<u64> = got.iter().flat_map(|g| g.1.clone()).collect();
                assert_eq!(idx, want, "n={n} ranks={ranks}");
                assert_eq!(rk, want_ranks, "n={n} ranks={ranks}");
                let found = on_ranks(ranks, |comm| {
                    let (o, b, _) = mine(&probes, comm);
                    let (wo, wb, _) = mine(&w, comm);
                    member(comm, Strs::new(&o, &b), Strs::new(&wo, &wb), false).unwrap()
                });
                assert_eq!(found, want_in, "n={n} ranks={ranks}");
            }
        }
    }

    fn ranks_block(comm: &dyn Comm, s: Strs, n: usize) -> Vec<u64> {
        ranks(comm, s, n).unwrap()
    }
}
