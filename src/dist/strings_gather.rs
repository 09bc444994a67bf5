//! Gathering whole strings by global index across ranks: the string form of
//! [`exchange::fetch`](super::exchange::fetch), for every command whose
//! output strings come from anywhere (`s[idx]`, reversed slices, sorts,
//! permutations).

use super::block::Block;
use super::comm::Comm;
use super::exchange;
use crate::error::CommandError;
use crate::kernels::string::Strs;
use crate::kernels::string::index::take;

/// Collective: the strings at global indices `idx` (each `< block.n`) of
/// the strings whose block this rank holds as `view`, in the order of
/// `idx`, as a new block (offsets, bytes).
///
/// The requests go to their owners grouped by rank ([`exchange::ask`]);
/// each owner answers with the whole strings, NULs included, in the order
/// asked; the answers are then taken in the order of `idx`, found with one
/// cursor per owner. Three all-to-alls (indices, lengths, bytes); with one
/// rank, a local gather.
pub fn fetch_strings(
    comm: &dyn Comm,
    block: &Block,
    view: Strs,
    idx: &[u64],
) -> Result<(Vec<u64>, Vec<u8>), CommandError> {
    if comm.size() == 1 {
        return Ok(take(view, idx.len(), |k| idx[k] as usize));
    }
    let asked = exchange::ask(comm, block, idx)?;
    let (answer_offsets, answer_bytes) = take(view, asked.len(), |k| asked.local(k));
    let (got_offsets, got) = super::strings::alltoallv_strs(
        comm,
        Strs::new(&answer_offsets, &answer_bytes),
        &asked.counts,
    )?;
    drop((answer_offsets, answer_bytes));
    if got_offsets.len() != idx.len() {
        return Err(CommandError::value(format!(
            "asked other ranks for {} strings but {} arrived",
            idx.len(),
            got_offsets.len()
        )));
    }
    let from = asked.in_query_order(idx, |p| p);
    drop(asked);
    Ok(take(Strs::new(&got_offsets, &got), idx.len(), |k| from[k]))
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
