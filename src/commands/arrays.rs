//! The first array commands: create, set, array (binary upload) and
//! tondarray (binary download), for every element type at rank 1. They are
//! what the client's `zeros`/`ones`/`full`, `ak.array` and `to_ndarray` send.
//!
//! All run on every rank. Payloads travel through rank 0 (the only one the
//! client talks to): an upload is cut into blocks there and scattered, a
//! download gathered there. Either way the bytes move once: a block's
//! elements are received straight into its typed vector, and a download
//! sends each block's own memory into rank 0's frame (on little-endian
//! machines the elements' bytes are the wire's; bool uploads still go
//! through bytes, as any nonzero byte is true). With one rank an upload is
//! one parallel copy from the request's frame into the array (ZeroMQ owns
//! the frame's memory, so the array cannot adopt it), and a download copies
//! nothing: the reply frame is the array's memory (`Reply::shared`).

use std::sync::Arc;

use super::{CommandMap, Ctx, Kind, check_dtype};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::select::fill_vec;
use crate::protocol::args::{parse_bool, parse_int};
use crate::protocol::{Args, Frame, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

/// Ranks registered (and advertised by getRegistrationConfig).
pub const RANKS: [usize; 1] = [1];

pub fn register(map: &mut CommandMap) {
    const M: &str = "GenSymIO";
    for dtype in DType::ALL {
        for nd in RANKS {
            let t = format!("<{},{nd}>", dtype.name());
            map.add(
                format!("create{t}"),
                handler!(create),
                Kind::Tracked,
                "MsgProcessing",
            )
            .everywhere();
            map.add(
                format!("set{t}"),
                handler!(set),
                Kind::Tracked,
                "MsgProcessing",
            )
            .everywhere();
            map.add(format!("array{t}"), handler!(array), Kind::Tracked, M)
                .everywhere();
            map.add(
                format!("tondarray{t}"),
                handler!(tondarray),
                Kind::Tracked,
                M,
            )
            .binary()
            .everywhere();
        }
    }
}

/// Element type and rank from the command name, e.g. `create<float64,1>`.
fn signature(ctx: &Ctx) -> Result<(DType, usize), CommandError> {
    let params = ctx.type_params();
    let dtype = params.first().and_then(|d| DType::from_name(d));
    let nd = params.get(1).and_then(|n| n.parse().ok());
    match (dtype, nd) {
        (Some(d), Some(n)) => Ok((d, n)),
        _ => Err(CommandError::value(format!(
            "cannot read element type and rank from {}",
            ctx.cmd
        ))),
    }
}

/// A shape argument: a single integer, or a JSON list of `nd` integers.
fn shape(args: &Args, key: &str, nd: usize) -> Result<Vec<usize>, CommandError> {
    let val = args.str(key)?;
    let dims = match parse_int(val) {
        Some(n) => vec![n],
        None => args.int_list(key)?,
    };
    if dims.len() != nd {
        return Err(CommandError::value(format!(
            "shape {val} does not have {nd} dimension(s)"
        )));
    }
    dims.into_iter()
        .map(|d| {
            usize::try_from(d)
                .map_err(|_| CommandError::value(format!("negative dimension in shape {val}")))
        })
        .collect()
}

pub fn create(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, nd) = signature(ctx)?;
    let shape = shape(args, "shape", nd)?;
    let symbols = &ctx.shared.symbols;
    let entry = symbols.new_entry(dtype, shape, |n| ArrayData::zeros(dtype, n))?;
    Ok(ctx.created(entry))
}

/// Sets every element to `val` (how `ones` and `full` fill a new array), in
/// place or in a cached freed block (`select::fill_vec`): filling must not
/// need memory the process does not already hold.
pub fn set(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = signature(ctx)?;
    let name = args.str("array")?;
    let val = args.str("val")?;
    ctx.modify(name, |data| {
        check_dtype(name, data.dtype(), dtype, ctx.cmd)?;
        fill(data, val)
    })?;
    Ok(Reply::normal(""))
}

/// Overwrites every element with the scalar `val`, read as the array's type.
fn fill(data: &mut ArrayData, val: &str) -> Result<(), CommandError> {
    let bad = |ty: &'static str| CommandError::BadScalar {
        val: val.to_string(),
        ty,
    };
    let int = || parse_int(val).or_else(|| parse_bool(val).map(i64::from));
    match data {
        ArrayData::Int64(v) => fill_vec(v, int().ok_or_else(|| bad("int(64)"))?),
        ArrayData::UInt64(v) => {
            let x = val
                .trim()
                .parse::<u64>()
                .ok()
                .or_else(|| int().and_then(|i| u64::try_from(i).ok()));
            fill_vec(v, x.ok_or_else(|| bad("uint(64)"))?)
        }
        ArrayData::UInt8(v) => fill_vec(
            v,
            int()
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(|| bad("uint(8)"))?,
        ),
        ArrayData::Float64(v) => {
            let x = val
                .trim()
                .parse::<f64>()
                .ok()
                .or_else(|| parse_bool(val).map(|b| b as u8 as f64));
            fill_vec(v, x.ok_or_else(|| bad("real(64)"))?)
        }
        ArrayData::Bool(v) => fill_vec(v, parse_bool(val).ok_or_else(|| bad("bool"))?),
    }
    Ok(())
}

/// Binary upload: `shape` and the little-endian elements in frame 2.
///
/// Only rank 0 has the payload: it checks the length (its error reaches the
/// other ranks at the scatter) and sends each rank its block's bytes, then
/// copies its own while they travel.
pub fn array(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, nd) = signature(ctx)?;
    let shape = shape(args, "shape", nd)?;
    let len: usize = shape.iter().product();
    let lead = ctx.comm.rank() == 0;
    let payload = if lead {
        let payload = args
            .payload()
            .ok_or_else(|| CommandError::value("array needs a binary payload"))?;
        let expected = len as u128 * dtype.itemsize() as u128;
        if payload.len() as u128 != expected {
            return Err(CommandError::value(format!(
                "the payload has {} bytes but {} elements of {} need {expected}",
                payload.len(),
                len,
                dtype.name()
            )));
        }
        payload
    } else {
        &[]
    };
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        // Converted straight from the request's frame: no copy of the bytes.
        let entry = symbols.new_entry(dtype, shape, |_| {
            ArrayData::from_le_bytes(dtype, payload).expect("length checked above")
        })?;
        return Ok(ctx.created(entry));
    }
    let lens = ctx.block(len).lens();
    let data = if cfg!(target_endian = "little") && dtype != DType::Bool {
        // Each rank's elements land straight in its typed block: the
        // payload's bytes are the elements' bytes.
        let (comm, p) = (ctx.comm, payload);
        match dtype {
            DType::Int64 => ArrayData::Int64(exchange::scatter_bytes(comm, 0, p, &lens)?),
            DType::UInt64 => ArrayData::UInt64(exchange::scatter_bytes(comm, 0, p, &lens)?),
            DType::Float64 => ArrayData::Float64(exchange::scatter_bytes(comm, 0, p, &lens)?),
            DType::UInt8 => ArrayData::UInt8(exchange::scatter_bytes(comm, 0, p, &lens)?),
            DType::Bool => unreachable!("bool bytes are read as any nonzero"),
        }
    } else {
        let size = dtype.itemsize();
        let counts: Vec<usize> = lens.iter().map(|l| l * size).collect();
        let mine: Vec<u8> = exchange::scatter_bytes(ctx.comm, 0, payload, &counts)?;
        ArrayData::from_le_bytes(dtype, &mine).expect("a whole block of elements")
    };
    let entry = symbols.new_entry(dtype, shape, |_| data)?;
    Ok(ctx.created(entry))
}

/// Binary download: the elements as one raw little-endian frame, gathered
/// on rank 0 (the other ranks' replies are not sent).
pub fn tondarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = signature(ctx)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    if cfg!(target_endian = "big") {
        let mine = entry.data.to_le_bytes();
        if ctx.ranks() == 1 {
            return Ok(Reply::binary(mine));
        }
        let all = exchange::gather_to(ctx.comm, 0, &mine)?;
        return Ok(Reply::binary(all.unwrap_or_default()));
    }
    if ctx.ranks() == 1 {
        // The frame is the array's own memory, held until it is sent.
        return Ok(Reply::shared(Elements(entry)));
    }
    // Each block goes from its memory to rank 0's frame in one copy.
    let all = exchange::gather_to(ctx.comm, 0, Elements(entry).bytes())?;
    Ok(Reply::binary(all.unwrap_or_default()))
}

/// An array's elements as their wire bytes, which on little-endian machines
/// they are in memory (bool: 0 or 1).
struct Elements(Arc<ArrayEntry>);

impl Frame for Elements {
    fn bytes(&self) -> &[u8] {
        match &self.0.data {
            ArrayData::Int64(v) => exchange::bytes_of(v),
            ArrayData::UInt64(v) => exchange::bytes_of(v),
            ArrayData::UInt8(v) => exchange::bytes_of(v),
            ArrayData::Float64(v) => exchange::bytes_of(v),
            ArrayData::Bool(v) => exchange::bytes_of(v),
        }
    }
}
