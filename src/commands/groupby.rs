//! GroupBy reductions. So far `sizeReduction` (`GroupBy.size`, and through
//! it `ak.value_counts`): arguments `segments` (the int64 offsets where each
//! group starts in the grouped order, as `unique` returns them) and `size`
//! (the number of grouped elements); replies `created ...` with the int64
//! count of each group. And `gbbroadcast` (`permName`, `segName`, `valName`,
//! `permute`, `size`; `GroupBy.broadcast`, and `ak.Categorical`'s codes):
//! each group's value repeated over its segment, in grouped order or, with
//! `permute`, put back in the original order through the permutation.
//! And `segmentedReduction` (`values` in grouped order, `segments`, `op`,
//! `skip_nan`; `GroupBy.count/sum/min/max/mean`) for ops `count`, `sum`,
//! `min`, `max` and `mean`: each rank reduces the groups starting in its
//! block of `segments` whole (their values fetched as one range), so every
//! result, float sums included, is the same at any number of ranks.

use super::{CommandMap, Ctx, Kind};
use crate::commands::sorting::same_kind;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::Plain;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    map.add(
        "sizeReduction",
        handler!(size_reduction),
        Kind::Tracked,
        "ReductionMsg",
    )
    .everywhere();
    map.add(
        "segmentedReduction",
        handler!(segmented_reduction),
        Kind::Tracked,
        "ReductionMsg",
    )
    .everywhere();
    map.add(
        "gbbroadcast",
        handler!(broadcast),
        Kind::Tracked,
        "BroadcastMsg",
    )
    .everywhere();
}

/// Each rank counts the groups starting in its block of `segments`; the
/// last one ends at the first start held by a later rank (or at `size`).
pub fn size_reduction(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("segments")?;
    let segments = ctx.typed_array(args, "segments", DType::Int64)?;
    let size = args.int("size")?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    let n = segments.size();
    let here = ctx.local_range(n);
    // Offsets must rise from 0 and stay within the grouped elements, or the
    // counts would be negative or exceed the data.
    let invalid = || {
        CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: they must rise from 0 to at most {size}"
        ))
    };
    let bad = (here.start == 0 && starts.first().is_some_and(|s| *s != 0))
        || starts.windows(2).any(|w| w[0] > w[1])
        || starts.last().is_some_and(|s| *s > size);
    if bad || size < 0 {
        return Err(invalid());
    }
    // Where the group starting last in this block ends: the next start
    // held by a later rank, else `size`.
    let end = if ctx.ranks() == 1 {
        size
    } else {
        let firsts = exchange::allgather_vec(ctx.comm, &starts[..starts.len().min(1)])?;
        let later = firsts[ctx.comm.rank() + 1..].iter().flatten().next();
        let end = later.copied().unwrap_or(size);
        if starts.last().is_some_and(|s| *s > end) {
            return Err(invalid());
        }
        end
    };
    let entry = ctx.shared.symbols.new_entry(DType::Int64, vec![n], |len| {
        ArrayData::Int64(kernels::build(len, |first, chunk| {
            for (k, o) in chunk.iter_mut().enumerate() {
                let i = first + k;
                let next = starts.get(i + 1).copied().unwrap_or(end);
                o.write(next - starts[i]);
            }
        }))
    })?;
    Ok(ctx.created(entry))
}

/// Each value of `vals` repeated from its start in `starts` to the next
/// start (the last one to `end`).
fn expand<T: Plain>(vals: &[T], starts: &[i64], end: i64) -> Vec<T> {
    let mut out = Vec::new();
    for (k, v) in vals.iter().enumerate() {
        let next = starts.get(k + 1).copied().unwrap_or(end);
        out.extend(std::iter::repeat_n(*v, (next - starts[k]).max(0) as usize));
    }
    out
}

/// Each rank expands the groups whose segments it holds (values and
/// segments have one block layout) into its piece of the grouped order;
/// the pieces are rebalanced into blocks and, with `permute`, each element
/// is sent to the position the permutation names.
pub fn broadcast(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let size = args.int("size")?;
    let permute = args.bool("permute")?;
    let seg_name = args.str("segName")?;
    let segments = ctx.typed_array(args, "segName", DType::Int64)?;
    let values = ctx.shared.symbols.get(args.str("valName")?)?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    if values.size() != segments.size() {
        return Err(CommandError::value(format!(
            "there must be one value per segment: {} values for {} segments",
            values.size(),
            segments.size()
        )));
    }
    if size < 0 || (size > 0 && segments.size() == 0) {
        return Err(CommandError::value(format!(
            "cannot broadcast {} segments to {size} elements",
            segments.size()
        )));
    }
    let perm = if permute {
        let p = ctx.typed_array(args, "permName", DType::Int64)?;
        if p.size() as i64 != size {
            return Err(CommandError::value(format!(
                "the permutation has {} elements but size is {size}",
                p.size()
            )));
        }
        Some(p)
    } else {
        None
    };
    let end = segment_end(ctx, seg_name, starts, segments.size(), size)?;
    if let Some(p) = &perm {
        let ArrayData::Int64(pv) = &p.data else {
            unreachable!("checked to be int64 above");
        };
        if let Some(i) = pv.iter().find(|&&i| i < 0 || i >= size) {
            return Err(CommandError::value(format!(
                "the permutation holds {i}, outside 0..{size}"
            )));
        }
    }
    let n = size as usize;
    let block = ctx.block(n);
    let comm = ctx.comm;
    let grouped = same_kind!(&values.data, v => exchange::rebalance(comm, expand(v, starts, end))?);
    let out = match &perm {
        None => grouped,
        Some(p) => {
            let ArrayData::Int64(pv) = &p.data else {
                unreachable!("checked to be int64 above");
            };
            let at: Vec<u64> = kernels::map(pv, |i| i as u64);
            same_kind!(&grouped, g => {
                let mut out = vec![Default::default(); block.len(comm.rank())];
                for (i, x) in exchange::deliver(comm, &block, &at, g)? {
                    out[i] = x;
                }
                out
            })
        }
    };
    let entry = ctx
        .shared
        .symbols
        .new_entry(out.dtype(), vec![n], |_| out)?;
    Ok(ctx.created(entry))
}

/// Checks `starts` (this rank's block of segment offsets over `size`
/// elements) and returns where this rank's last group ends.
fn segment_end(
    ctx: &Ctx,
    name: &str,
    starts: &[i64],
    n_segments: usize,
    size: i64,
) -> Result<i64, CommandError> {
    let here = ctx.local_range(n_segments);
    let mut bad = (here.start == 0 && starts.first().is_some_and(|s| *s != 0))
        || starts.windows(2).any(|w| w[0] > w[1])
        || starts.last().is_some_and(|s| *s > size);
    let end = if ctx.ranks() == 1 {
        size
    } else {
        let firsts = exchange::allgather_vec(ctx.comm, &starts[..starts.len().min(1)])?;
        let later = firsts[ctx.comm.rank() + 1..].iter().flatten().next();
        later.copied().unwrap_or(size)
    };
    bad |= starts.last().is_some_and(|s| *s > end);
    if bad {
        return Err(CommandError::value(format!(
            "{name} are not segment offsets of {size} elements: they must rise from 0 to at most {size}"
        )));
    }
    Ok(end)
}

/// One reduction of a group's values.
fn reduce_group(op: &str, v: Group, skip_nan: bool) -> Option<Reduced> {
    use Group::*;
    Some(match (op, v) {
        ("count", Float64(x)) => Reduced::I(x.iter().filter(|f| !f.is_nan()).count() as i64),
        ("count", _) => Reduced::I(v.len() as i64),
        ("sum", Int64(x)) => Reduced::I(x.iter().fold(0i64, |a, b| a.wrapping_add(*b))),
        ("sum", UInt64(x)) => Reduced::U(x.iter().fold(0u64, |a, b| a.wrapping_add(*b))),
        ("sum", UInt8(x)) => Reduced::U(x.iter().map(|b| u64::from(*b)).sum()),
        ("sum", Bool(x)) => Reduced::I(x.iter().filter(|b| **b).count() as i64),
        ("sum", Float64(x)) => Reduced::F(x.iter().filter(|f| !(skip_nan && f.is_nan())).sum()),
        ("mean", _) => {
            let (sum, count) = float_sum(v, skip_nan);
            Reduced::F(sum / count as f64)
        }
        ("min" | "max", Float64(x)) => {
            let max = op == "max";
            let mut acc = if max {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            for &f in x {
                if f.is_nan() {
                    if skip_nan {
                        continue;
                    }
                    acc = f64::NAN;
                    break;
                }
                acc = if max { acc.max(f) } else { acc.min(f) };
            }
            Reduced::F(acc)
        }
        ("min", Int64(x)) => Reduced::I(x.iter().copied().min().unwrap_or(i64::MAX)),
        ("max", Int64(x)) => Reduced::I(x.iter().copied().max().unwrap_or(i64::MIN)),
        ("min", UInt64(x)) => Reduced::U(x.iter().copied().min().unwrap_or(u64::MAX)),
        ("max", UInt64(x)) => Reduced::U(x.iter().copied().max().unwrap_or(0)),
        ("min", UInt8(x)) => Reduced::U8(x.iter().copied().min().unwrap_or(u8::MAX)),
        ("max", UInt8(x)) => Reduced::U8(x.iter().copied().max().unwrap_or(0)),
        ("min", Bool(x)) => Reduced::B(x.iter().all(|b| *b)),
        ("max", Bool(x)) => Reduced::B(x.iter().any(|b| *b)),
        _ => return None,
    })
}

/// One group's values, borrowed.
#[derive(Clone, Copy)]
enum Group<'a> {
    Int64(&'a [i64]),
    UInt64(&'a [u64]),
    UInt8(&'a [u8]),
    Float64(&'a [f64]),
    Bool(&'a [bool]),
}

impl Group<'_> {
    fn len(&self) -> usize {
        match self {
            Group::Int64(x) => x.len(),
            Group::UInt64(x) => x.len(),
            Group::UInt8(x) => x.len(),
            Group::Float64(x) => x.len(),
            Group::Bool(x) => x.len(),
        }
    }
}

/// Elements `r` of `v`.
fn group_of(v: &ArrayData, r: std::ops::Range<usize>) -> Group<'_> {
    match v {
        ArrayData::Int64(x) => Group::Int64(&x[r]),
        ArrayData::UInt64(x) => Group::UInt64(&x[r]),
        ArrayData::UInt8(x) => Group::UInt8(&x[r]),
        ArrayData::Float64(x) => Group::Float64(&x[r]),
        ArrayData::Bool(x) => Group::Bool(&x[r]),
    }
}

/// The values as floats (skipping NaNs when asked): (sum, count).
fn float_sum(v: Group, skip_nan: bool) -> (f64, usize) {
    match v {
        Group::Int64(x) => (x.iter().map(|i| *i as f64).sum(), x.len()),
        Group::UInt64(x) => (x.iter().map(|i| *i as f64).sum(), x.len()),
        Group::UInt8(x) => (x.iter().map(|i| f64::from(*i)).sum(), x.len()),
        Group::Bool(x) => (x.iter().filter(|b| **b).count() as f64, x.len()),
        Group::Float64(x) => x
            .iter()
            .filter(|f| !(skip_nan && f.is_nan()))
            .fold((0.0, 0), |(s, c), f| (s + f, c + 1)),
    }
}

#[derive(Clone, Copy)]
enum Reduced {
    I(i64),
    U(u64),
    U8(u8),
    F(f64),
    B(bool),
}

pub fn segmented_reduction(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let op = args.str("op")?;
    let skip_nan = args.bool("skip_nan")?;
    let values = ctx.shared.symbols.get(args.str("values")?)?;
    let seg_name = args.str("segments")?;
    let segments = ctx.typed_array(args, "segments", DType::Int64)?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    if !["count", "sum", "min", "max", "mean"].contains(&op) {
        return Err(CommandError::NotImplemented(format!(
            "segmentedReduction {op} is not supported (count, sum, min, max, mean are)"
        )));
    }
    let size = values.size() as i64;
    let end = segment_end(ctx, seg_name, starts, segments.size(), size)?;
    // This rank's groups cover values first..end.
    let first = starts.first().map_or(end, |s| *s) as usize;
    let want = first..end as usize;
    let block = ctx.block(values.size());
    let comm = ctx.comm;
    let mine = if ctx.ranks() == 1 {
        None
    } else {
        Some(same_kind!(&values.data, v => exchange::fetch_range(comm, &block, v, want.clone())?))
    };
    let (vals, base) = match &mine {
        Some(m) => (m, first),
        None => (&values.data, 0),
    };
    let out: Vec<Reduced> = (0..starts.len())
        .map(|k| {
            let s = starts[k] as usize - base;
            let e = starts.get(k + 1).copied().unwrap_or(end) as usize - base;
            reduce_group(op, group_of(vals, s..e), skip_nan).expect("op checked above")
        })
        .collect();
    let data = match reduce_group(op, group_of(&values.data, 0..0), skip_nan).expect("op checked") {
        Reduced::I(_) => ArrayData::Int64(
            out.iter()
                .map(|r| if let Reduced::I(x) = r { *x } else { 0 })
                .collect(),
        ),
        Reduced::U(_) => ArrayData::UInt64(
            out.iter()
                .map(|r| if let Reduced::U(x) = r { *x } else { 0 })
                .collect(),
        ),
        Reduced::U8(_) => ArrayData::UInt8(
            out.iter()
                .map(|r| if let Reduced::U8(x) = r { *x } else { 0 })
                .collect(),
        ),
        Reduced::F(_) => ArrayData::Float64(
            out.iter()
                .map(|r| if let Reduced::F(x) = r { *x } else { 0.0 })
                .collect(),
        ),
        Reduced::B(_) => ArrayData::Bool(
            out.iter()
                .map(|r| if let Reduced::B(x) = r { *x } else { false })
                .collect(),
        ),
    };
    let entry = ctx
        .shared
        .symbols
        .new_entry(data.dtype(), vec![segments.size()], |_| data)?;
    Ok(ctx.created(entry))
}
