//! Sorting across ranks, built on the local radix sort of
//! [`crate::kernels::ord`].
//!
//! * [`sort_items`]: sample sort of `(key, global index)` [`Item`]s over the
//!   ranks. Ties are broken by the global index, so the result is a total
//!   order: stable, and the same at any number of ranks. Each rank sorts its
//!   items, sends evenly spaced samples to all, every rank picks the same
//!   `N-1` splitters from them, the items travel to the rank owning their
//!   range, are merged there (one sorted run from each rank) and rebalanced
//!   into the block layout. Splitters are whole items (key and index), so
//!   even keys that are all equal spread evenly over the ranks.
//! * [`argsort`], [`coargsort`]: the stable sorting permutations built on it.
//! * [`route`]: asks, for each query key, the rank whose block of a sorted
//!   distributed array the key falls in (searches and membership).
//! * [`neighbours`]: the keys just before and just after this rank's block
//!   (comparisons of sorted neighbours across block edges).

use super::block::Block;
use super::comm::Comm;
use super::exchange;
use crate::error::CommandError;
use crate::kernels::ord::radix_sort;
use crate::kernels::{self, Plain};

type R<T> = Result<T, CommandError>;

/// A sort key and the global position it came from (its tie-breaker).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    pub key: u64,
    pub idx: u64,
}

// SAFETY: two u64 fields, no padding.
unsafe impl Plain for Item {}

/// Samples each rank contributes for choosing the splitters: with `s` per
/// rank, no rank receives more than about `n/N + n/s` items.
const SAMPLES: usize = 256;

/// Sorts the items of all ranks by `(key, idx)` and returns this rank's block
/// of the result (block layout of the total count).
///
/// Each rank's items must come in increasing `idx`, and all of rank r's
/// indices must be below rank r+1's (block positions are): then a stable
/// sort by key alone gives the `(key, idx)` order, locally and after the
/// exchange. With one rank this is one local radix sort.
pub fn sort_items(comm: &dyn Comm, items: Vec<Item>) -> R<Vec<Item>> {
    if comm.size() == 1 {
        return Ok(radix_sort(items, |x| x.key));
    }
    sample_sort(comm, items, |x| x)
}

/// [`sort_items`] at several ranks, giving `f` of each sorted item: the
/// final merge writes `f(item)` directly, and only those values move in the
/// rebalance (an argsort's indices are half an item's bytes).
fn sample_sort<T: Plain + Send>(
    comm: &dyn Comm,
    items: Vec<Item>,
    f: impl Fn(Item) -> T + Sync,
) -> R<Vec<T>> {
    let local = radix_sort(items, |x| x.key);
    let ranks = comm.size();
    let s = local.len().min(SAMPLES);
    // An exchange of nothing at all is refused by some MPI libraries.
    let (_, total) = exchange::exscan_sum(comm, s as u64)?;
    if total == 0 {
        return Ok(Vec::new());
    }
    let samples: Vec<Item> = (0..s).map(|i| local[i * local.len() / s]).collect();
    let mut all = exchange::allgather_vec(comm, &samples)?.concat();
    all.sort_unstable();
    let m = all.len();
    // bounds[d]..bounds[d+1] of `local` goes to rank d.
    let mut bounds = vec![0usize; ranks + 1];
    bounds[ranks] = local.len();
    for (d, b) in bounds.iter_mut().enumerate().take(ranks).skip(1) {
        let splitter = all[d * m / ranks];
        *b = local.partition_point(|x| *x < splitter);
    }
    let counts: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
    let (got, got_counts) = exchange::alltoallv(comm, &local, &counts)?;
    drop(local);
    // One sorted run from each rank: merged, not sorted again.
    let sorted = merge_runs(got, &got_counts, f);
    exchange::rebalance(comm, sorted)
}

/// Sorted runs of `counts` lengths, one after the other in `runs`, merged
/// into one sorted sequence of `f(item)`: two runs at a time, each round
/// one pass on all cores (each output chunk finds where its inputs start by
/// binary search). Items are distinct, so the order is total.
fn merge_runs<T: Plain + Send>(
    mut runs: Vec<Item>,
    counts: &[usize],
    f: impl Fn(Item) -> T + Sync,
) -> Vec<T> {
    // Where each nonempty run starts, then the end.
    let mut bounds = exchange::starts(counts);
    bounds.push(runs.len());
    bounds.dedup();
    while bounds.len() > 3 {
        runs = merge_pairs(&runs, &bounds, |x| x);
        // Pair p's merge fills exactly the pair's span.
        bounds = bounds.iter().copied().step_by(2).collect();
        if *bounds.last().expect("not empty") != runs.len() {
            bounds.push(runs.len());
        }
    }
    merge_pairs(&runs, &bounds, f)
}

/// Runs `bounds[2p]..bounds[2p+2]` of `runs` (the last maybe alone)
/// merged in place of each pair, as `f(item)`.
fn merge_pairs<T: Plain + Send>(
    runs: &[Item],
    bounds: &[usize],
    f: impl Fn(Item) -> T + Sync,
) -> Vec<T> {
    let last = bounds.len() - 1;
    kernels::build(runs.len(), |at, out| {
        // An output chunk may cross from one pair's span into the next.
        let mut done = 0;
        while done < out.len() {
            let pos = at + done;
            let p = (bounds.partition_point(|&b| b <= pos) - 1) & !1;
            let (lo, mid, hi) = (
                bounds[p],
                bounds[(p + 1).min(last)],
                bounds[(p + 2).min(last)],
            );
            let len = (hi - pos).min(out.len() - done);
            let (a, b) = (&runs[lo..mid], &runs[mid..hi]);
            let (from, to) = (pos - lo, pos - lo + len);
            let (i0, i1) = (co_rank(a, b, from), co_rank(a, b, to));
            let (a, b) = (&a[i0..i1], &b[from - i0..to - i1]);
            let (mut i, mut j) = (0, 0);
            for o in &mut out[done..done + len] {
                if j == b.len() || (i < a.len() && a[i] < b[j]) {
                    o.write(f(a[i]));
                    i += 1;
                } else {
                    o.write(f(b[j]));
                    j += 1;
                }
            }
            done += len;
        }
    })
}

/// How many of the first `k` items of the merge of `a` and `b` come from
/// `a` (the first `i` of `a` and `k - i` of `b` precede all others).
fn co_rank(a: &[Item], b: &[Item], k: usize) -> usize {
    let (mut lo, mut hi) = (k.saturating_sub(b.len()), k.min(a.len()));
    while lo < hi {
        let i = (lo + hi) / 2;
        // a[i] comes before b[k - i - 1]: more of `a` is needed.
        if a[i] < b[k - i - 1] {
            lo = i + 1;
        } else {
            hi = i;
        }
    }
    lo
}

/// The items of `keys`, whose first is at global position `start`.
pub fn items_of(keys: &[u64], start: usize) -> Vec<Item> {
    kernels::build(keys.len(), |at, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let i = at + k;
            o.write(Item {
                key: keys[i],
                idx: (start + i) as u64,
            });
        }
    })
}

/// The stable sorting permutation of a distributed array of keys (this
/// rank's block starts at global `start`): this rank's block of it.
pub fn argsort(comm: &dyn Comm, keys: &[u64], start: usize) -> R<Vec<i64>> {
    let items = items_of(keys, start);
    if comm.size() == 1 {
        let sorted = radix_sort(items, |x| x.key);
        return Ok(kernels::map(&sorted, |x| x.idx as i64));
    }
    sample_sort(comm, items, |x| x.idx as i64)
}

/// The permutation that sorts rows of the distributed columns `keys` (first
/// most significant; all of global length `n`), stably: LSD over the
/// columns, each round a stable sort of the next column taken in the
/// current order.
pub fn coargsort(comm: &dyn Comm, keys: &[Vec<u64>], n: usize) -> R<Vec<i64>> {
    let block = Block::new(n, comm.size());
    let start = block.start(comm.rank());
    let Some((last, rest)) = keys.split_last() else {
        return Ok(Vec::new());
    };
    let mut perm = argsort(comm, last, start)?;
    for k in rest.iter().rev() {
        let at: Vec<u64> = kernels::map(&perm, |p| p as u64);
        let in_order = exchange::fetch(comm, &block, k, &at)?;
        drop(at);
        let sorted = sort_items(comm, items_of(&in_order, start))?;
        let pos: Vec<u64> = kernels::map(&sorted, |x| x.idx);
        perm = exchange::fetch(comm, &block, &perm, &pos)?;
    }
    Ok(perm)
}

/// First and last key of one rank's block.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Edge {
    has: u64,
    first: u64,
    last: u64,
}

// SAFETY: three u64 fields, no padding.
unsafe impl Plain for Edge {}

fn edges(comm: &dyn Comm, ends: Option<(u64, u64)>) -> R<Vec<Edge>> {
    let mine = match ends {
        Some((first, last)) => Edge {
            has: 1,
            first,
            last,
        },
        None => Edge::default(),
    };
    exchange::allgather(comm, mine)
}

/// The first and last of `local`, if any.
pub fn ends(local: &[u64]) -> Option<(u64, u64)> {
    Some((*local.first()?, *local.last()?))
}

/// The key just before this rank's block (the last key of the nearest
/// non-empty rank before it) and the key just after it, of a distributed
/// sequence whose block's first and last keys are `ends` on this rank.
pub fn neighbours(comm: &dyn Comm, ends: Option<(u64, u64)>) -> R<(Option<u64>, Option<u64>)> {
    let all = edges(comm, ends)?;
    let me = comm.rank();
    let before = all[..me].iter().rev().find(|e| e.has == 1).map(|e| e.last);
    let after = all[me + 1..].iter().find(|e| e.has == 1).map(|e| e.first);
    Ok((before, after))
}

/// For each query key, `answer(q)` computed on the rank whose block of the
/// sorted distributed array (this rank's block: `sorted`) it falls in: the
/// last non-empty rank whose first key is below `q` (`strict`) or at most
/// `q`. Queries before every block get `none`. Answers come back in query
/// order.
pub fn route<A: Plain + Send>(
    comm: &dyn Comm,
    sorted: &[u64],
    queries: &[u64],
    strict: bool,
    none: A,
    answer: impl Fn(u64) -> A + Sync,
) -> R<Vec<A>> {
    let ranks = comm.size();
    let firsts: Vec<(usize, u64)> = edges(comm, ends(sorted))?
        .iter()
        .enumerate()
        .filter(|(_, e)| e.has == 1)
        .map(|(r, e)| (r, e.first))
        .collect();
    // The target rank of each query, or `ranks` for none.
    let target: Vec<u64> = kernels::map(queries, |q| {
        let k = firsts.partition_point(|&(_, f)| if strict { f < q } else { f <= q });
        if k == 0 {
            ranks as u64
        } else {
            firsts[k - 1].0 as u64
        }
    });
    // Group `ranks` holds the queries that go nowhere; they sort last.
    let (order, counts) = exchange::group_by(&target, ranks + 1);
    drop(target);
    let asks: Vec<u64> = order.iter().map(|&i| queries[i]).collect();
    let (wanted, wanted_counts) = exchange::alltoallv(comm, &asks, &counts[..ranks])?;
    drop(asks);
    let answers = kernels::map(&wanted, &answer);
    let (got, _) = exchange::alltoallv(comm, &answers, &wanted_counts)?;
    let mut out = vec![none; queries.len()];
    for (k, &i) in order.iter().take(got.len()).enumerate() {
        out[i] = got[k];
    }
    Ok(out)
}

/// Ranks as threads of one process, for unit tests of distributed code.
#[cfg(test)]
pub(crate) mod threads {
    use std::sync::{Arc, Barrier, Mutex};
    use std::thread;

    use crate::dist::comm::{Comm, CommCounts};
    use crate::error::CommandError;

    type R<T> = Result<T, CommandError>;

    /// Ranks as threads of one process: each collective is one all-to-all
    /// of byte buffers through shared slots.
    struct Mesh {
        barrier: Barrier,
        /// `slots[from][to]`.
        slots: Mutex<Vec<Vec<Vec<u8>>>>,
    }

    struct Threads {
        rank: usize,
        size: usize,
        mesh: Arc<Mesh>,
        counts: CommCounts,
    }

    impl Threads {
        fn swap(&self, out: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
            self.mesh.barrier.wait();
            self.mesh.slots.lock().unwrap()[self.rank] = out;
            self.mesh.barrier.wait();
            let slots = self.mesh.slots.lock().unwrap();
            (0..self.size)
                .map(|f| slots[f][self.rank].clone())
                .collect()
        }
    }

    impl Comm for Threads {
        fn rank(&self) -> usize {
            self.rank
        }
        fn size(&self) -> usize {
            self.size
        }
        fn agree(&self, mine: Result<(), &CommandError>) -> Result<(), CommandError> {
            mine.map_err(crate::dist::comm::relay)
        }
        fn failed(&self) -> bool {
            false
        }
        fn begin(&self) {}
        fn allgather_bytes(&self, mine: &[u8]) -> R<Vec<Vec<u8>>> {
            Ok(self.swap(vec![mine.to_vec(); self.size]))
        }
        fn alltoall_counts(&self, counts: &[usize]) -> R<Vec<usize>> {
            let out = counts.iter().map(|c| c.to_le_bytes().to_vec()).collect();
            let got = self.swap(out);
            Ok(got
                .iter()
                .map(|b| usize::from_le_bytes(b[..].try_into().unwrap()))
                .collect())
        }
        fn alltoallv_into(
            &self,
            send: &[u8],
            send_counts: &[usize],
            recv: &mut [u8],
            _: &[usize],
        ) -> R<()> {
            let mut at = 0;
            let out = send_counts
                .iter()
                .map(|c| {
                    at += c;
                    send[at - c..at].to_vec()
                })
                .collect();
            recv.copy_from_slice(&self.swap(out).concat());
            Ok(())
        }
        fn gatherv_into(&self, root: usize, mine: &[u8], recv: &mut [u8], _: &[usize]) -> R<()> {
            let mut out = vec![Vec::new(); self.size];
            out[root] = mine.to_vec();
            let got = self.swap(out);
            if self.rank == root {
                recv.copy_from_slice(&got.concat());
            }
            Ok(())
        }
        fn scatterv_into(
            &self,
            root: usize,
            send: &[u8],
            counts: &[usize],
            recv: &mut [u8],
        ) -> R<()> {
            let mut out = vec![Vec::new(); self.size];
            if self.rank == root {
                let mut at = 0;
                for (o, c) in out.iter_mut().zip(counts) {
                    *o = send[at..at + c].to_vec();
                    at += c;
                }
            }
            recv.copy_from_slice(&self.swap(out)[root]);
            Ok(())
        }
        fn bcast_into(&self, root: usize, buf: &mut [u8]) -> R<()> {
            let out = if self.rank == root {
                vec![buf.to_vec(); self.size]
            } else {
                vec![Vec::new(); self.size]
            };
            buf.copy_from_slice(&self.swap(out)[root]);
            Ok(())
        }
        fn counts(&self) -> &CommCounts {
            &self.counts
        }
        fn library(&self) -> String {
            "threads".into()
        }
    }

    /// `f(comm, block of rank)` on `ranks` threads; the blocks' results
    /// joined in rank order.
    pub(crate) fn on_ranks<T: Send>(
        ranks: usize,
        f: impl Fn(&dyn Comm) -> Vec<T> + Sync,
    ) -> Vec<T> {
        let mesh = Arc::new(Mesh {
            barrier: Barrier::new(ranks),
            slots: Mutex::new(vec![Vec::new(); ranks]),
        });
        thread::scope(|s| {
            let hs: Vec<_> = (0..ranks)
                .map(|rank| {
                    let comm = Threads {
                        rank,
                        size: ranks,
                        mesh: mesh.clone(),
                        counts: CommCounts::default(),
                    };
                    let f = &f;
                    s.spawn(move || f(&comm))
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::threads::on_ranks;
    use super::*;

    fn keys(n: usize, modulo: u64) -> Vec<u64> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % modulo
            })
            .collect()
    }

    fn block_of<T: Clone>(v: &[T], comm: &dyn Comm) -> (Vec<T>, usize) {
        let r = Block::new(v.len(), comm.size()).range(comm.rank());
        (v[r.clone()].to_vec(), r.start)
    }

    #[test]
    fn argsort_is_the_same_at_any_rank_count() {
        for (n, m) in [
            (0, 5),
            (1, 5),
            (2, 1),
            (3, 2),
            (1000, 7),
            (1000, 1),
            (70_001, 1 << 40),
        ] {
            let k = keys(n, m);
            let mut want: Vec<i64> = (0..n as i64).collect();
            want.sort_by_key(|&i| k[i as usize]);
            for ranks in 1..=4 {
                let got = on_ranks(ranks, |comm| {
                    let (mine, start) = block_of(&k, comm);
                    let out = argsort(comm, &mine, start).unwrap();
                    assert_eq!(out.len(), Block::new(n, ranks).len(comm.rank()));
                    out
                });
                assert_eq!(got, want, "n={n} m={m} ranks={ranks}");
            }
        }
    }

    /// Any number of sorted runs, some empty, small and past the size
    /// where output chunks run on several threads and cross runs.
    #[test]
    fn merges_runs_of_any_count() {
        for n in [0usize, 1, 9, 3 * kernels::PAR_THRESHOLD + 5] {
            let k = keys(n, 50);
            for runs in 1..=7 {
                // Uneven runs: run r takes positions whose hash is r, and
                // run 1 nothing.
                let mut parts = vec![Vec::new(); runs];
                for (i, &key) in k.iter().enumerate() {
                    let r = (key as usize * 7 + i) % runs;
                    let r = if r == 1 && runs > 2 { 0 } else { r };
                    parts[r].push(Item { key, idx: i as u64 });
                }
                let counts: Vec<usize> = parts.iter().map(Vec::len).collect();
                for p in &mut parts {
                    p.sort_unstable();
                }
                let mut want = parts.concat();
                want.sort_unstable();
                let got = merge_runs(parts.concat(), &counts, |x| x);
                assert_eq!(got, want, "n={n} runs={runs}");
                let idx = merge_runs(parts.concat(), &counts, |x| x.idx as i64);
                assert!(idx.iter().zip(&want).all(|(&i, w)| i == w.idx as i64));
            }
        }
    }

    #[test]
    fn coargsort_orders_rows_on_any_rank_count() {
        let n = 5000;
        let (a, b) = (keys(n, 3), keys(n + 7, 5)[7..].to_vec());
        let mut want: Vec<i64> = (0..n as i64).collect();
        want.sort_by_key(|&i| (a[i as usize], b[i as usize]));
        for ranks in 1..=3 {
            let got = on_ranks(ranks, |comm| {
                let cols = [block_of(&a, comm).0, block_of(&b, comm).0];
                coargsort(comm, &cols, n).unwrap()
            });
            assert_eq!(got, want, "ranks={ranks}");
        }
    }

    #[test]
    fn routes_and_neighbours() {
        let sorted: Vec<u64> = vec![1, 1, 3, 3, 3, 5, 8, 8, 9];
        let queries: Vec<u64> = (0..11).collect();
        let left: Vec<u64> = queries
            .iter()
            .map(|q| sorted.partition_point(|a| a < q) as u64)
            .collect();
        let right: Vec<u64> = queries
            .iter()
            .map(|q| sorted.partition_point(|a| a <= q) as u64)
            .collect();
        for ranks in 1..=4 {
            for (strict, want) in [(true, &left), (false, &right)] {
                let got = on_ranks(ranks, |comm| {
                    let (mine, start) = block_of(&sorted, comm);
                    let (q, _) = block_of(&queries, comm);
                    route(comm, &mine, &q, strict, 0u64, |v| {
                        let at = if strict {
                            mine.partition_point(|a| *a < v)
                        } else {
                            mine.partition_point(|a| *a <= v)
                        };
                        (start + at) as u64
                    })
                    .unwrap()
                });
                assert_eq!(&got, want, "ranks={ranks} strict={strict}");
            }
            let got = on_ranks(ranks, |comm| {
                let (mine, _) = block_of(&sorted[..2], comm);
                vec![neighbours(comm, ends(&mine)).unwrap()]
            });
            let want: Vec<_> = (0..ranks)
                .map(|r| {
                    let b = Block::new(2, ranks);
                    let range = b.range(r);
                    let before = range.start.checked_sub(1).map(|i| sorted[i]);
                    let after = (range.end < 2).then(|| sorted[range.end]);
                    (before, after)
                })
                .collect();
            assert_eq!(got, want, "ranks={ranks}");
        }
    }
}
