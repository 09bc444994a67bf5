//! `segmentedReduction`: GroupBy's aggregations. Arguments `values` (in
//! grouped order), `segments` (int64 start of each group), `op`,
//! `skip_nan`, `ddof` (var, std) and `n` (head, tail); the reply is
//! `created ...` with one result per segment (head/tail: the kept
//! elements, segment after segment).
//!
//! Ops and the dtypes they take (a result dtype in brackets):
//! - count (int64; float64 counts the values that are not NaN), sum
//!   (int64 and bool give int64, uint64 and uint8 uint64, float64 float64),
//!   mean, median, var, std (float64), argmin, argmax (int64: the position
//!   in grouped order), nunique (int64), min, max, first, mode (the values'
//!   dtype), head, tail: every dtype;
//! - prod (float64): not bool; any, all: bool; or, and, xor: int64, uint64,
//!   uint8.
//!
//! `first` and `mode` are not sent by Arkouda's client (it builds them from
//! `unique`, `sizeReduction` and `argmax`), nor `nunique`, but answer the
//! same; `unique` is a SegArray the client builds, so it is refused here.
//!
//! Empty segments: sum 0, prod 1, count/nunique 0, any false, all true, or
//! and xor 0, and all ones; mean, median, var, std NaN; min/max NaN for
//! float64, else Arkouda's sentinels (the type's largest for min, smallest
//! for max; true/false for bool); argmin/argmax -1; first/mode NaN or 0.
//! With `skip_nan` NaNs are left out (NumPy's `nan*` functions, pandas'
//! `skipna`); without, they propagate (argmin/argmax: the first NaN).
//!
//! Distribution: each rank reduces the segments whose starts lie in its
//! block of `segments`, fetching their values as one range, so every
//! segment is whole on one rank and reduced in one fixed order (float sums:
//! NumPy's pairwise tree over the segment). Results, float ones included,
//! are the same at any number of ranks or threads.

use super::segment_end;
use crate::commands::Ctx;
use crate::commands::sorting::same_kind;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels::aggregate::bytes_of;
use crate::kernels::segmented::{self as seg, BitOp, Starts, Value, per_segment};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Count,
    Sum,
    Prod,
    Mean,
    Median,
    Var,
    Std,
    Min,
    Max,
    ArgMin,
    ArgMax,
    Nunique,
    Any,
    All,
    Bits(BitOp),
    First,
    Mode,
    Head,
    Tail,
}

const OPS: [(&str, Op); 21] = [
    ("count", Op::Count),
    ("sum", Op::Sum),
    ("prod", Op::Prod),
    ("mean", Op::Mean),
    ("median", Op::Median),
    ("var", Op::Var),
    ("std", Op::Std),
    ("min", Op::Min),
    ("max", Op::Max),
    ("argmin", Op::ArgMin),
    ("argmax", Op::ArgMax),
    ("nunique", Op::Nunique),
    ("any", Op::Any),
    ("all", Op::All),
    ("or", Op::Bits(BitOp::Or)),
    ("and", Op::Bits(BitOp::And)),
    ("xor", Op::Bits(BitOp::Xor)),
    ("first", Op::First),
    ("mode", Op::Mode),
    ("head", Op::Head),
    ("tail", Op::Tail),
];

fn parse_op(op: &str) -> Result<Op, CommandError> {
    if let Some((_, o)) = OPS.iter().find(|(name, _)| *name == op) {
        return Ok(*o);
    }
    if op == "unique" {
        return Err(CommandError::NotImplemented(
            "segmentedReduction unique: the unique values of each group are a SegArray, which \
             GroupBy.unique builds from `unique` of (group, value) pairs; no single result per \
             segment"
                .into(),
        ));
    }
    let names: Vec<&str> = OPS.iter().map(|(n, _)| *n).collect();
    Err(CommandError::NotImplemented(format!(
        "segmentedReduction: unknown op {op} (ops: {})",
        names.join(", ")
    )))
}

/// The dtypes an op takes, when not all.
fn takes(op: Op) -> Option<&'static [DType]> {
    use DType::*;
    match op {
        Op::Prod => Some(&[Int64, UInt64, UInt8, Float64]),
        Op::Any | Op::All => Some(&[Bool]),
        Op::Bits(_) => Some(&[Int64, UInt64, UInt8]),
        _ => None,
    }
}

/// Arguments of the reduction besides values and segments.
struct Opts {
    op: Op,
    skip_nan: bool,
    ddof: i64,
}

pub fn segmented_reduction(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let op_name = args.str("op")?;
    let skip_nan = args.bool("skip_nan")?;
    let values = ctx.shared.symbols.get(args.str("values")?)?;
    let seg_name = args.str("segments")?;
    let segments = ctx.typed_array(args, "segments", DType::Int64)?;
    let ArrayData::Int64(starts) = &segments.data else {
        unreachable!("checked to be int64 above");
    };
    let op = parse_op(op_name)?;
    let dtype = values.dtype();
    if let Some(ok) = takes(op)
        && !ok.contains(&dtype)
    {
        let names: Vec<&str> = ok.iter().map(|d| d.name()).collect();
        return Err(CommandError::NotImplemented(format!(
            "segmentedReduction {op_name} {} not implemented ({op_name} takes {})",
            dtype.name(),
            names.join(", ")
        )));
    }
    let ddof = match op {
        Op::Var | Op::Std => args.int("ddof")?,
        _ => 0,
    };
    let n = match op {
        Op::Head | Op::Tail => {
            let n = args.int("n")?;
            usize::try_from(n)
                .map_err(|_| CommandError::value(format!("{op_name} needs n >= 0, not {n}")))?
        }
        _ => 0,
    };
    let opts = Opts { op, skip_nan, ddof };
    let size = values.size() as i64;
    let end = segment_end(ctx, seg_name, starts, segments.size(), size, true)?;
    // This rank's segments cover values first..end: fetch them whole.
    let first = starts.first().map_or(end, |s| *s) as usize;
    let want = first..end as usize;
    let block = ctx.block(values.size());
    let comm = ctx.comm;
    // A count of values that cannot be NaN needs only the segments.
    let lengths_only = op == Op::Count && dtype != DType::Float64;
    let fetched = if ctx.ranks() == 1 || lengths_only {
        None
    } else {
        Some(same_kind!(&values.data, v => exchange::fetch_range(comm, &block, v, want.clone())?))
    };
    let (vals, base) = match &fetched {
        Some(m) => (m, first),
        None => (&values.data, 0),
    };
    // Segment k is vals[bounds.at(k)..bounds.at(k + 1)].
    let bounds = Starts {
        starts,
        base,
        end: end as usize,
    };
    let data = if matches!(op, Op::Head | Op::Tail) {
        // Variable-length pieces, one after the other in rank order.
        let piece = head_tail(vals, &bounds, n, op == Op::Tail);
        same_kind!(piece, p => exchange::rebalance(comm, p)?)
    } else {
        reduce(vals, &bounds, first, &opts)
    };
    let len = if matches!(op, Op::Head | Op::Tail) {
        exchange::allgather(comm, data.len() as u64)?
            .iter()
            .sum::<u64>() as usize
    } else {
        segments.size()
    };
    let entry = ctx
        .shared
        .symbols
        .new_entry(data.dtype(), vec![len], |_| data)?;
    Ok(ctx.created(entry))
}

/// The first (last) `n` elements of every segment, in segment order.
fn head_tail(vals: &ArrayData, bounds: &Starts, n: usize, tail: bool) -> ArrayData {
    let ranges = per_segment(bounds, |_, r| seg::head_tail(r, n, tail));
    same_kind!(vals, v => {
        let mut out = Vec::with_capacity(ranges.iter().map(|r| r.len()).sum());
        for r in ranges {
            out.extend_from_slice(&v[r]);
        }
        out
    })
}

/// Every dtype's arm of a match on `ArrayData`, with `$x` the slice.
macro_rules! each {
    ($data:expr, $x:ident => $e:expr) => {
        match $data {
            ArrayData::Int64($x) => $e,
            ArrayData::UInt64($x) => $e,
            ArrayData::UInt8($x) => $e,
            ArrayData::Float64($x) => $e,
            ArrayData::Bool($x) => $e,
        }
    };
}

/// One result per segment of `vals`: segment k spans `bounds.at(k)` to
/// `bounds.at(k + 1)`, and its values start at global grouped position
/// `first` plus `bounds.at(k)`.
/// The op was checked to take the dtype.
fn reduce(vals: &ArrayData, bounds: &Starts, first: usize, o: &Opts) -> ArrayData {
    use ArrayData as D;
    let skip = o.skip_nan;
    match (o.op, vals) {
        (Op::Count, D::Float64(x)) => D::Int64(per_segment(bounds, |_, r| seg::count(&x[r]))),
        (Op::Count, _) => D::Int64(seg::lengths(bounds)),
        (Op::Sum, D::Int64(x)) => D::Int64(per_segment(bounds, |_, r| {
            seg::sum_wrapping(&x[r], 0i64, |a, b| a.wrapping_add(b))
        })),
        (Op::Sum, D::UInt64(x)) => D::UInt64(per_segment(bounds, |_, r| {
            seg::sum_wrapping(&x[r], 0u64, |a, b| a.wrapping_add(b))
        })),
        (Op::Sum, D::UInt8(x)) => D::UInt64(per_segment(bounds, |_, r| {
            seg::sum_wrapping(&x[r], 0u64, |a, b| a + u64::from(b))
        })),
        (Op::Sum, D::Bool(x)) => D::Int64(per_segment(bounds, |_, r| {
            seg::sum_wrapping(&x[r], 0i64, |a, b| a + i64::from(b))
        })),
        (Op::Sum, D::Float64(x)) => {
            D::Float64(per_segment(bounds, |_, r| seg::sum_f64(&x[r], skip)))
        }
        (Op::Prod, _) => {
            D::Float64(each!(vals, x => per_segment(bounds, |_, r| seg::prod(&x[r], skip))))
        }
        (Op::Mean, _) => {
            D::Float64(each!(vals, x => per_segment(bounds, |_, r| seg::mean(&x[r], skip))))
        }
        (Op::Median, _) => {
            D::Float64(each!(vals, x => per_segment(bounds, |_, r| seg::median(&x[r], skip))))
        }
        (Op::Var, _) => {
            D::Float64(each!(vals, x => per_segment(bounds, |_, r| seg::var(&x[r], skip, o.ddof))))
        }
        (Op::Std, _) => D::Float64(
            each!(vals, x => per_segment(bounds, |_, r| seg::var(&x[r], skip, o.ddof).sqrt())),
        ),
        (Op::Min | Op::Max, _) => {
            let max = o.op == Op::Max;
            same_kind!(vals, x => extremes(x, bounds, max, skip))
        }
        (Op::ArgMin | Op::ArgMax, _) => {
            let max = o.op == Op::ArgMax;
            D::Int64(each!(vals, x => per_segment(bounds, |_, r| {
                let at = r.start;
                seg::arg_extreme(&x[r], max, skip).map_or(-1, |i| (first + at + i) as i64)
            })))
        }
        (Op::Nunique, _) => {
            D::Int64(each!(vals, x => per_segment(bounds, |_, r| seg::nunique(&x[r], skip))))
        }
        // As bytes folded whole: no early exit, whose branch costs more
        // than it saves on the short segments GroupBy mostly makes.
        (Op::Any, D::Bool(x)) => D::Bool(per_segment(bounds, |_, r| {
            bytes_of(&x[r]).iter().fold(0, |a, b| a | b) != 0
        })),
        (Op::All, D::Bool(x)) => D::Bool(per_segment(bounds, |_, r| {
            bytes_of(&x[r]).iter().fold(1, |a, b| a & b) != 0
        })),
        (Op::Bits(b), D::Int64(x)) => D::Int64(per_segment(bounds, |_, r| seg::bits(&x[r], b))),
        (Op::Bits(b), D::UInt64(x)) => D::UInt64(per_segment(bounds, |_, r| seg::bits(&x[r], b))),
        (Op::Bits(b), D::UInt8(x)) => D::UInt8(per_segment(bounds, |_, r| seg::bits(&x[r], b))),
        (Op::First, _) => same_kind!(vals, x => per_segment(bounds, |_, r| {
            or_none(seg::first(&x[r], skip))
        })),
        (Op::Mode, _) => same_kind!(vals, x => per_segment(bounds, |_, r| {
            or_none(seg::mode(&x[r], skip))
        })),
        (Op::Any | Op::All | Op::Bits(_) | Op::Head | Op::Tail, _) => {
            unreachable!("dtype checked by `takes`; head and tail handled apart")
        }
    }
}

/// Minimum or maximum of every segment; the type's empty result when a
/// segment has no values (or only skipped NaNs).
fn extremes<T: Value>(x: &[T], bounds: &Starts, max: bool, skip: bool) -> Vec<T> {
    let none = if max { T::EMPTY_MAX } else { T::EMPTY_MIN };
    per_segment(bounds, |_, r| {
        seg::extreme(&x[r], max, skip).unwrap_or(none)
    })
}

/// The type's result for a segment with nothing to pick from.
fn or_none<T: Value>(x: Option<T>) -> T {
    x.unwrap_or(T::NONE)
}
