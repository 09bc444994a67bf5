//! Moving strings to where a combining command puts them: [`place`] pieces
//! of strings at known global positions into block layout (concatenation,
//! reversal), and [`first_occurrences`] finds, across ranks, the first
//! place each distinct string occurs (unique strings of several arrays).

use std::collections::HashMap;

use super::block::Block;
use super::comm::Comm;
use super::exchange::{self, overlap};
use crate::error::CommandError;
use crate::kernels::string::Strs;

type R<T> = Result<T, CommandError>;

/// Collective: this rank's pieces, each a block of strings with the global
/// position of its first string in a result of `total` strings (the pieces
/// of all ranks cover `0..total` once), become this rank's block of that
/// result: (offsets, bytes).
///
/// One exchange: each rank sends every destination the parts of its pieces
/// that fall in its block; every rank knows all pieces' positions
/// (allgathered), so the receiver cuts what it got into those parts and
/// puts them in position order.
pub fn place(comm: &dyn Comm, pieces: &[(usize, Strs)], total: usize) -> R<(Vec<u64>, Vec<u8>)> {
    if comm.size() == 1 {
        return Ok(join_in_order(
            pieces.iter().map(|(s, p)| (*s, *p, 0..p.len())),
        ));
    }
    let ranks = comm.size();
    let block = Block::new(total, ranks);
    let mine: Vec<u64> = pieces
        .iter()
        .flat_map(|(s, p)| [*s as u64, p.len() as u64])
        .collect();
    let all = exchange::allgather_vec(comm, &mine)?;
    let (mut lens, mut send) = (Vec::new(), Vec::new());
    let mut counts = vec![0usize; ranks];
    for (d, count) in counts.iter_mut().enumerate() {
        for (start, p) in pieces {
            let o = overlap(&(*start..start + p.len()), &block.range(d));
            for i in o.start - start..o.end - start {
                let s = p.with_nul(i);
                lens.push(s.len() as u64);
                send.extend_from_slice(s);
            }
            *count += o.len();
        }
    }
    let (offsets, recv) = super::strings::alltoallv_lens(comm, &lens, &send, &counts)?;
    drop((lens, send));
    let got = Strs::new(&offsets, &recv);
    // The parts arrive by source rank, each source's in its piece order.
    let me = block.range(comm.rank());
    let mut parts = Vec::new();
    let mut next = 0usize;
    for theirs in &all {
        for piece in theirs.chunks_exact(2) {
            let (start, len) = (piece[0] as usize, piece[1] as usize);
            let o = overlap(&(start..start + len), &me);
            parts.push((o.start, got, next..next + o.len()));
            next += o.len();
        }
    }
    if next != got.len() {
        return Err(CommandError::value(format!(
            "expected {next} strings from the other ranks, got {}",
            got.len()
        )));
    }
    Ok(join_in_order(parts.into_iter()))
}

/// The strings `range` of each part, the parts sorted by global position.
fn join_in_order<'a>(
    parts: impl Iterator<Item = (usize, Strs<'a>, std::ops::Range<usize>)>,
) -> (Vec<u64>, Vec<u8>) {
    let mut parts: Vec<_> = parts.filter(|(_, _, r)| !r.is_empty()).collect();
    parts.sort_by_key(|(start, _, _)| *start);
    let n = parts.iter().map(|(_, _, r)| r.len()).sum();
    let mut offsets = Vec::with_capacity(n);
    let mut bytes = Vec::new();
    for (_, strs, range) in parts {
        let (o, b) = strs.slice(range);
        let base = bytes.len() as u64;
        offsets.extend(o.iter().map(|x| x + base));
        bytes.extend_from_slice(b);
    }
    (offsets, bytes)
}

/// One input array of a concatenation: its local strings, where its first
/// string sits in the concatenation, and its global size.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub strs: Strs<'a>,
    pub base: usize,
    pub size: usize,
}

/// Collective: for every local string of each input, whether it is the
/// first occurrence of its value in the concatenation of `inputs` (global
/// positions, so the answer is the same at any number of ranks).
///
/// Each string goes, with its position, to the rank its hash picks; that
/// rank keeps the smallest position per value and tells the holder of that
/// position.
pub fn first_occurrences(comm: &dyn Comm, inputs: &[Input]) -> R<Vec<Vec<bool>>> {
    let ranks = comm.size();
    if ranks == 1 {
        // Positions rise in input order: the first one seen is the first.
        let mut seen = std::collections::HashSet::new();
        return Ok(inputs
            .iter()
            .map(|x| x.strs.iter().map(|s| seen.insert(s)).collect())
            .collect());
    }
    let me = comm.rank();
    let blocks: Vec<Block> = inputs.iter().map(|x| Block::new(x.size, ranks)).collect();
    // Strings to their hash owner: bytes (with NULs) and positions.
    let owner = |s: &[u8]| (xxhash_rust::xxh64::xxh64(s, 0) % ranks as u64) as usize;
    // Per owner: the strings' bytes, their lengths and their positions.
    type Sends = (Vec<u8>, Vec<u64>, Vec<u64>);
    let mut by_owner: Vec<Sends> = vec![Default::default(); ranks];
    for (x, b) in inputs.iter().zip(&blocks) {
        let first = x.base + b.start(me);
        for i in 0..x.strs.len() {
            let s = x.strs.with_nul(i);
            let (bytes, lens, pos) = &mut by_owner[owner(s)];
            bytes.extend_from_slice(s);
            lens.push(s.len() as u64);
            pos.push((first + i) as u64);
        }
    }
    let counts: Vec<usize> = by_owner.iter().map(|o| o.2.len()).collect();
    let send_bytes: Vec<u8> = by_owner.iter().flat_map(|o| o.0.iter().copied()).collect();
    let send_lens: Vec<u64> = by_owner.iter().flat_map(|o| o.1.iter().copied()).collect();
    let send_pos: Vec<u64> = by_owner.iter().flat_map(|o| o.2.iter().copied()).collect();
    drop(by_owner);
    let (offsets, bytes) = super::strings::alltoallv_lens(comm, &send_lens, &send_bytes, &counts)?;
    let (pos, _) = exchange::alltoallv(comm, &send_pos, &counts)?;
    drop((send_bytes, send_lens, send_pos));
    let got = Strs::new(&offsets, &bytes);
    if got.len() != pos.len() {
        return Err(CommandError::value("strings and positions disagree"));
    }
    let mut first: HashMap<&[u8], u64> = HashMap::with_capacity(got.len());
    for (s, &p) in got.iter().zip(&pos) {
        first.entry(s).and_modify(|q| *q = (*q).min(p)).or_insert(p);
    }
    // Each first position back to the rank holding it.
    let holder = |p: usize| {
        let k = inputs.partition_point(|x| x.base + x.size <= p);
        (k, blocks[k].owner(p - inputs[k].base))
    };
    let mut back: Vec<Vec<u64>> = vec![Vec::new(); ranks];
    for &p in first.values() {
        back[holder(p as usize).1].push(p);
    }
    drop(first);
    let back_counts: Vec<usize> = back.iter().map(Vec::len).collect();
    let back: Vec<u64> = back.into_iter().flatten().collect();
    let (kept, _) = exchange::alltoallv(comm, &back, &back_counts)?;
    let mut keep: Vec<Vec<bool>> = inputs.iter().map(|x| vec![false; x.strs.len()]).collect();
    for p in kept {
        let (k, _) = holder(p as usize);
        keep[k][p as usize - inputs[k].base - blocks[k].start(me)] = true;
    }
    Ok(keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sort::threads::on_ranks;
    use crate::kernels::string::testing::{block, texts};

    /// Two arrays of 11 and 6 words, joined and uniqued at 1 to 4 ranks.
    #[test]
    fn place_and_first_occurrences_agree_at_any_rank_count() {
        let a: Vec<String> = (0..11).map(|i| format!("w{}", i % 4)).collect();
        let b: Vec<String> = (0..6).map(|i| format!("w{}", i + 2)).collect();
        let joined: Vec<String> = a.iter().chain(&b).cloned().collect();
        for ranks in 1..=4 {
            let got = on_ranks(ranks, |c| {
                let (ba, bb) = (Block::new(11, ranks), Block::new(6, ranks));
                let (ao, ab) = block(&a[ba.range(c.rank())]);
                let (bo, bbytes) = block(&b[bb.range(c.rank())]);
                let (sa, sb) = (Strs::new(&ao, &ab), Strs::new(&bo, &bbytes));
                let pieces = [(ba.start(c.rank()), sa), (11 + bb.start(c.rank()), sb)];
                let (o, by) = place(c, &pieces, 17).unwrap();
                let inputs = [
                    Input {
                        strs: sa,
                        base: 0,
                        size: 11,
                    },
                    Input {
                        strs: sb,
                        base: 11,
                        size: 6,
                    },
                ];
                let keep = first_occurrences(c, &inputs).unwrap();
                vec![(texts(&o, &by), keep)]
            });
            let block = Block::new(17, ranks);
            let mut keeps = (Vec::new(), Vec::new());
            for (r, (local, keep)) in got.into_iter().enumerate() {
                assert_eq!(local, joined[block.range(r)].to_vec(), "{ranks} ranks");
                keeps.0.extend(keep[0].clone());
                keeps.1.extend(keep[1].clone());
            }
            let want_a: Vec<bool> = (0..11).map(|i| i < 4).collect();
            let want_b: Vec<bool> = (0..6).map(|i| i >= 2).collect();
            assert_eq!(keeps, (want_a, want_b), "{ranks} ranks");
        }
    }
}
