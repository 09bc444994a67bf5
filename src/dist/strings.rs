//! Moving whole strings between ranks. A block of strings is kept in the
//! block distribution of its string count (rank r holds strings
//! `Block::new(size, N).range(r)`, bytes and all), so a kernel whose output
//! has another count per rank (a filter, a gather) ends with [`settle`].

use super::block::Block;
use super::comm::Comm;
use super::exchange::{self, overlap};
use crate::error::CommandError;
use crate::kernels::string::{Strs, offsets_of};

/// A block of strings as it sits on every rank once [`settle`]d.
pub struct Settled {
    pub offsets: Vec<u64>,
    pub bytes: Vec<u8>,
    /// Strings over every rank.
    pub size: usize,
    /// Bytes over every rank, NULs included.
    pub nbytes: u64,
}

/// Collective: puts this rank's `offsets`/`bytes` (its piece, in rank order
/// of the whole) into the block distribution, and reads the totals. Nothing
/// moves when the pieces already have their block's counts.
pub fn settle(comm: &dyn Comm, offsets: Vec<u64>, bytes: Vec<u8>) -> Result<Settled, CommandError> {
    if comm.size() == 1 {
        let (size, nbytes) = (offsets.len(), bytes.len() as u64);
        return Ok(Settled {
            offsets,
            bytes,
            size,
            nbytes,
        });
    }
    let all = exchange::allgather_vec(comm, &[offsets.len() as u64, bytes.len() as u64])?;
    let counts: Vec<usize> = all.iter().map(|v| v[0] as usize).collect();
    let size: usize = counts.iter().sum();
    let nbytes: u64 = all.iter().map(|v| v[1]).sum();
    let block = Block::new(size, comm.size());
    if (0..comm.size()).all(|r| block.len(r) == counts[r]) {
        return Ok(Settled {
            offsets,
            bytes,
            size,
            nbytes,
        });
    }
    let before: usize = counts[..comm.rank()].iter().sum();
    let mine = before..before + offsets.len();
    let strs = Strs::new(&offsets, &bytes);
    let byte_counts: Vec<usize> = (0..comm.size())
        .map(|r| {
            let o = overlap(&mine, &block.range(r));
            let local = o.start - before..o.end - before;
            strs.slice(local).1.len()
        })
        .collect();
    let (bytes, _) = exchange::alltoallv(comm, &bytes, &byte_counts)?;
    let offsets = offsets_of(&bytes)
        .map_err(|_| CommandError::value("a string arrived from another rank without its NUL"))?;
    Ok(Settled {
        offsets,
        bytes,
        size,
        nbytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;
    use crate::kernels::string::StrsBuilder;

    /// Uneven pieces end in block layout, strings whole and in order.
    #[test]
    fn settle_moves_whole_strings_in_order() {
        let words: Vec<String> = (0..23).map(|i| "x".repeat(i % 5)).collect();
        for ranks in 1..=4 {
            // Rank r starts with a piece of r*3 strings (the rest on the last).
            let cut = |r: usize| (r * 3).min(words.len());
            let got = on_ranks(ranks, |c| {
                let end = if c.rank() + 1 == ranks {
                    words.len()
                } else {
                    cut(c.rank() + 1)
                };
                let mut b = StrsBuilder::default();
                for w in &words[cut(c.rank())..end] {
                    b.push(w.as_bytes());
                }
                let (o, by) = b.finish();
                let s = settle(c, o, by).unwrap();
                let v = Strs::new(&s.offsets, &s.bytes);
                let local: Vec<String> = v
                    .iter()
                    .map(|x| String::from_utf8(x.to_vec()).unwrap())
                    .collect();
                vec![(local, s.size)]
            });
            let block = Block::new(words.len(), ranks);
            for (r, (local, size)) in got.into_iter().enumerate() {
                assert_eq!(size, words.len());
                assert_eq!(local, words[block.range(r)].to_vec(), "rank {r} of {ranks}");
            }
        }
    }
}
