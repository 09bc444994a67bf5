//! Strings in and out: upload (`arraySegString`), download by component
//! (`segStr-tondarray`), assembling from two arrays (`segStr-assemble`), the
//! components as arrays (`getSegStringProperty`) and `segmentLengths`.

use crate::commands::Ctx;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels::string::{Strs, Unterminated, copy_with_offsets, offsets_of};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType, StringsEntry};

/// Binary upload of `size` bytes: the strings, each followed by a NUL.
///
/// Rank 0 finds where every string starts, then sends each rank the bytes
/// of its block of strings; each rank reads its own offsets from them.
pub fn array_seg_string(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let size = args.int("size")?;
    let lead = ctx.comm.rank() == 0;
    let (payload, offsets) = if lead {
        let payload = args
            .payload()
            .ok_or_else(|| CommandError::value("arraySegString needs a binary payload"))?;
        if usize::try_from(size).ok() != Some(payload.len()) {
            return Err(CommandError::value(format!(
                "the payload has {} bytes but size is {size}",
                payload.len()
            )));
        }
        let unterminated = |e: Unterminated| {
            CommandError::value(format!(
                "the string ending at byte {} has no NUL terminator",
                e.position
            ))
        };
        if ctx.ranks() == 1 {
            let (offsets, bytes) = copy_with_offsets(payload).map_err(unterminated)?;
            return ctx.created_strings(offsets, bytes);
        }
        (payload, offsets_of(payload).map_err(unterminated)?)
    } else {
        (&[][..], Vec::new())
    };
    // Rank 0 cuts at the first string of each rank's block.
    let block = ctx.block(offsets.len());
    let cuts: Vec<u64> = (0..=ctx.ranks())
        .map(|r| match offsets.get(block.start(r)) {
            Some(&o) if r < ctx.ranks() => o,
            _ => payload.len() as u64,
        })
        .collect();
    let cuts = exchange::bcast_bytes(ctx.comm, 0, exchange::bytes_of(&cuts).to_vec())?;
    let counts: Vec<usize> = cuts
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")) as usize)
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    let bytes = exchange::scatter_from(ctx.comm, 0, payload, &counts)?;
    let offsets = if lead {
        offsets[..block.len(0)].to_vec()
    } else {
        offsets_of(&bytes).expect("cut after a NUL")
    };
    ctx.created_strings(offsets, bytes)
}

/// One component as a raw little-endian frame: `offsets` (int64, from the
/// start of all bytes) or `values` (the bytes).
pub fn tondarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let s = ctx.strings(args, "obj")?;
    let comp = args.str("comp")?;
    let mine: Vec<u8> = match comp {
        "values" if ctx.ranks() == 1 => return Ok(Reply::binary(s.bytes.clone())),
        "values" => s.bytes.clone(),
        "offsets" => {
            // Straight into the reply's bytes: one pass, on every core.
            let (before, _) = exchange::exscan_sum(ctx.comm, s.bytes.len() as u64)?;
            crate::kernels::convert(&s.offsets, 1, 8, |src, out| {
                for (o, b) in src.iter().zip(out.chunks_exact_mut(8)) {
                    for (d, x) in b.iter_mut().zip((o + before).to_le_bytes()) {
                        d.write(x);
                    }
                }
            })
        }
        _ => {
            return Err(CommandError::value(format!(
                "Unrecognized component: {comp}"
            )));
        }
    };
    if ctx.ranks() == 1 {
        return Ok(Reply::binary(mine));
    }
    let all = exchange::gather_to(ctx.comm, 0, &mine)?;
    Ok(Reply::binary(all.unwrap_or_default()))
}

/// Where each local string starts in the bytes of all ranks.
fn global_offsets(ctx: &Ctx, s: &StringsEntry) -> Result<Vec<i64>, CommandError> {
    let (before, _) = exchange::exscan_sum(ctx.comm, s.bytes.len() as u64)?;
    Ok(s.offsets.iter().map(|&o| (o + before) as i64).collect())
}

/// Strings from an int64 `offsets` array and a uint8 `values` array (the
/// client's `Strings.from_parts`): the offsets must start at 0, never fall,
/// and each string must end with a NUL right before the next one starts.
pub fn assemble(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let offsets = ctx.typed_array(args, "offsets", DType::Int64)?;
    let values = ctx.typed_array(args, "values", DType::UInt8)?;
    let (ArrayData::Int64(offs), ArrayData::UInt8(vals)) = (&offsets.data, &values.data) else {
        unreachable!("types checked above");
    };
    let (n, nbytes) = (offsets.size(), values.size());
    if n > 0 && nbytes == 0 {
        return Err(CommandError::value(format!(
            "{n} offsets but no bytes to assemble strings from"
        )));
    }
    // This rank's strings span from its first offset to the next rank's.
    let range = ctx.local_range(n);
    let firsts = exchange::allgather(ctx.comm, offs.first().copied().unwrap_or(-1))?;
    let next = firsts[ctx.comm.rank() + 1..]
        .iter()
        .find(|&&o| o >= 0)
        .copied()
        .unwrap_or(nbytes as i64);
    check_offsets(offs, range.start, next, nbytes)?;
    let lo = offs.first().map_or(next, |&o| o) as usize;
    let bytes = exchange::fetch_range(ctx.comm, &ctx.block(nbytes), vals, lo..next as usize)?;
    let local: Vec<u64> = offs.iter().map(|&o| o as u64 - lo as u64).collect();
    // Each string ends with a NUL, and only there.
    let last = range.start + local.len();
    let found = offsets_of(&bytes)
        .map_err(|_| CommandError::value(format!("string {} does not end with a NUL", last - 1)))?;
    if let Some(bad) = (0..local.len().max(found.len())).find(|&i| local.get(i) != found.get(i)) {
        // Offsets i-1 and i disagree: string i-1 ends elsewhere.
        return Err(CommandError::value(format!(
            "the bytes of string {} do not end with its only NUL",
            range.start + bad.max(1) - 1
        )));
    }
    ctx.created_strings(local, bytes)
}

/// Offsets (global, this rank's from string `first`) start at 0, never fall
/// and stay below `end` (the next rank's first offset) and `nbytes`.
fn check_offsets(offs: &[i64], first: usize, end: i64, nbytes: usize) -> Result<(), CommandError> {
    if first == 0
        && let Some(&o) = offs.first()
        && o != 0
    {
        return Err(CommandError::value(format!(
            "the first offset is {o}, not 0"
        )));
    }
    let mut prev = offs.first().copied().unwrap_or(0);
    for (i, &o) in offs.iter().enumerate() {
        if o < prev || o >= end.min(nbytes as i64) {
            return Err(CommandError::value(format!(
                "offset {o} of string {} is out of order or past the {nbytes} bytes",
                first + i
            )));
        }
        prev = o;
    }
    Ok(())
}

/// `get_bytes` (uint8, every byte) or `get_offsets` (int64) as a new array.
pub fn property(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let s = ctx.strings(args, "obj")?;
    let symbols = &ctx.shared.symbols;
    match args.str("property")? {
        "get_bytes" => {
            let bytes = exchange::rebalance(ctx.comm, s.bytes.clone())?;
            let entry = symbols.new_entry(DType::UInt8, vec![s.nbytes as usize], |_| {
                ArrayData::UInt8(bytes)
            })?;
            Ok(ctx.created(entry))
        }
        "get_offsets" => {
            let offsets = global_offsets(ctx, &s)?;
            let entry =
                symbols.new_entry(DType::Int64, vec![s.size], |_| ArrayData::Int64(offsets))?;
            Ok(ctx.created(entry))
        }
        other => Err(CommandError::NotImplemented(format!(
            "getSegStringProperty does not know property {other}"
        ))),
    }
}

/// The byte length of every string (NUL not counted), as int64.
pub fn lengths(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let s = ctx.strings(args, "obj")?;
    let lengths = Strs::new(&s.offsets, &s.bytes).lengths();
    let entry = ctx
        .shared
        .symbols
        .new_entry(DType::Int64, vec![s.size], |_| ArrayData::Int64(lengths))?;
    Ok(ctx.created(entry))
}
