//! Gathering whole strings by global index across ranks: the string form of
//! [`exchange::fetch`](super::exchange::fetch), for every command whose
//! output strings come from anywhere (`s[idx]`, reversed slices, sorts,
//! permutations).

use super::block::{Block, Owners};
use super::comm::Comm;
use super::exchange;
use crate::error::CommandError;
use crate::kernels::string::index::take;
use crate::kernels::string::{Strs, offsets_of};

/// Collective: the strings at global indices `idx` (each `< block.n`) of
/// the strings whose block this rank holds as `view`, in the order of
/// `idx`, as a new block (offsets, bytes).
///
/// The requests go to their owners grouped by rank (a counting sort of
/// `idx` by owner); each owner answers with the whole strings, NULs
/// included, in the order asked; the answers, read back by their NULs, are
/// then put in the order of `idx`. Two all-to-alls and three passes over
/// `idx`; with one rank, a local gather.
pub fn fetch_strings(
    comm: &dyn Comm,
    block: &Block,
    view: Strs,
    idx: &[u64],
) -> Result<(Vec<u64>, Vec<u8>), CommandError> {
    if comm.size() == 1 {
        return Ok(take(view, idx.len(), |k| idx[k] as usize));
    }
    let place = Owners::new(block);
    let owners: Vec<u64> = idx.iter().map(|&g| place.of(g as usize) as u64).collect();
    let (order, counts) = exchange::group_by(&owners, comm.size());
    drop(owners);
    let asks: Vec<u64> = order.iter().map(|&k| idx[k]).collect();
    let (wanted, wanted_counts) = exchange::alltoallv(comm, &asks, &counts)?;
    drop(asks);
    let start = block.start(comm.rank());
    let (answer_offsets, answer_bytes) = take(view, wanted.len(), |k| wanted[k] as usize - start);
    drop(wanted);
    // The bytes of the answers to each rank, which lie one after the other.
    let mut byte_counts = Vec::with_capacity(comm.size());
    let mut at = 0usize;
    for &c in &wanted_counts {
        let end = answer_offsets
            .get(at + c)
            .map_or(answer_bytes.len(), |&o| o as usize);
        let begin = answer_offsets.get(at).map_or(end, |&o| o as usize);
        byte_counts.push(end - begin);
        at += c;
    }
    drop(answer_offsets);
    let (got, _) = exchange::alltoallv(comm, &answer_bytes, &byte_counts)?;
    drop(answer_bytes);
    let got_offsets = offsets_of(&got)
        .map_err(|_| CommandError::value("a string arrived from another rank without its NUL"))?;
    if got_offsets.len() != idx.len() {
        return Err(CommandError::value(format!(
            "asked other ranks for {} strings but {} arrived",
            idx.len(),
            got_offsets.len()
        )));
    }
    // Answer j is the string for position order[j] of idx.
    let mut from = vec![0usize; idx.len()];
    for (j, &k) in order.iter().enumerate() {
        from[k] = j;
    }
    drop(order);
    let got_view = Strs::new(&got_offsets, &got);
    Ok(take(got_view, idx.len(), |k| from[k]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;
    use crate::kernels::string::StrsBuilder;

    /// Every rank asks for its block of an index list; the pieces in rank
    /// order are the strings at those indices.
    #[test]
    fn fetched_strings_match_one_array() {
        for n in [0usize, 1, 2, 7, 40] {
            let words: Vec<String> = (0..n).map(|i| "é".repeat(i % 4) + &i.to_string()).collect();
            let idx: Vec<u64> = if n == 0 {
                Vec::new()
            } else {
                (0..3 * n as u64).map(|k| (k * 11 + 5) % n as u64).collect()
            };
            for ranks in 1..=4 {
                let block = Block::new(n, ranks);
                let asks = Block::new(idx.len(), ranks);
                let got = on_ranks(ranks, |c| {
                    let mut b = StrsBuilder::default();
                    for w in &words[block.range(c.rank())] {
                        b.push(w.as_bytes());
                    }
                    let (o, by) = b.finish();
                    let mine = &idx[asks.range(c.rank())];
                    let (fo, fb) = fetch_strings(c, &block, Strs::new(&o, &by), mine).unwrap();
                    Strs::new(&fo, &fb)
                        .iter()
                        .map(|s| String::from_utf8(s.to_vec()).unwrap())
                        .collect::<Vec<_>>()
                });
                let want: Vec<String> = idx.iter().map(|&i| words[i as usize].clone()).collect();
                assert_eq!(got, want, "n={n} ranks={ranks}");
            }
        }
    }
}
