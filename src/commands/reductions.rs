//! Whole-array reductions: `sumAll`, `prodAll`, `minAll`, `maxAll`,
//! `anyAll`, `allAll` (`<dtype,1>`, arguments `x` and `skipNan`), replying
//! with a scalar `<dtype> <value>`; `argminAll`, `argmaxAll` (argument `x`,
//! reply `int64 <index>`) and `isSortedAll`, `isSortedLocallyAll`
//! (argument `x`, reply `bool ...`).
//!
//! Result types are NumPy's: sum and product of bool or int64 give int64
//! and of uint64 or uint8 give uint64 (wrapping on overflow, as NumPy);
//! min and max keep the type (a NaN wins unless `skipNan`; of an empty
//! array they give the type's largest and smallest values, as the original
//! server does where NumPy refuses; of -0.0 and 0.0 a min gives -0.0 and a
//! max 0.0, where NumPy's pick depends on its SIMD lanes); any and all give
//! bool (NaN counts as true). With `skipNan`, NaNs are left out of float sums,
//! products, minima and maxima. A float product is multiplied in lanes
//! (`kernels::aggregate::float_prod`), not one element after another as
//! NumPy does, so its last bits may differ from NumPy's.
//!
//! argmin and argmax give the first index of the extreme value, as NumPy:
//! the first NaN when there is one, the first false (argmin) or true (argmax)
//! of a bool array; an empty array is an error. "Sorted" means
//! non-decreasing in NumPy's sort order, where NaN sorts after every number,
//! so an array `np.sort` leaves unchanged is sorted. "Sorted locally" means
//! every rank's block is sorted (with one locale, sorted locally is sorted).
//!
//! Every command runs on all ranks: each reduces its own block, and the
//! per-rank results are combined in rank order (see [`reduce`] for what
//! that means for float sums).

use super::{CommandMap, Ctx, Kind};
use crate::commands::symbols::format_real;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::Plain;
use crate::kernels::aggregate::{
    all_nonzero, any_nonzero, arg_extreme, arg_extreme_bool, bytes_of, count_true, extreme,
    extreme_f64, first_byte, float_prod, int_prod, int_sum, np_sum, pick_f64, sorted_by, sum_u8,
    u8_prod,
};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "ReductionMsg";
    for dtype in DType::ALL {
        let t = format!("<{},1>", dtype.name());
        map.add(format!("sumAll{t}"), handler!(sum_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("prodAll{t}"), handler!(prod_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("minAll{t}"), handler!(min_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("maxAll{t}"), handler!(max_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("anyAll{t}"), handler!(any_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("allAll{t}"), handler!(all_all), Kind::Tracked, M)
            .everywhere();
        let index_and_order = [
            ("argminAll", handler!(argmin_all)),
            ("argmaxAll", handler!(argmax_all)),
            ("isSortedAll", handler!(is_sorted_all)),
            ("isSortedLocallyAll", handler!(is_sorted_all)),
        ];
        for (kind, h) in index_and_order {
            map.add(format!("{kind}{t}"), h, Kind::Tracked, M)
                .everywhere();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Red {
    Sum,
    Prod,
    Min,
    Max,
    Any,
    All,
}

pub fn sum_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::Sum)
}
pub fn prod_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::Prod)
}
pub fn min_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::Min)
}
pub fn max_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::Max)
}
pub fn any_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::Any)
}
pub fn all_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    reduce(args, ctx, Red::All)
}

/// Every rank's `x`, combined in rank order by `f` (one rank: `x` itself).
pub(crate) fn over_ranks<T: Plain>(
    ctx: &Ctx,
    x: T,
    f: impl Fn(T, T) -> T,
) -> Result<T, CommandError> {
    let all = exchange::allgather(ctx.comm, x)?;
    Ok(all.into_iter().reduce(f).unwrap_or(x))
}

/// Every rank's `x` that is present, in rank order, combined by `f`.
fn over_ranks_opt<T: Plain>(
    ctx: &Ctx,
    x: Option<T>,
    f: impl Fn(T, T) -> T,
) -> Result<Option<T>, CommandError> {
    let all = exchange::allgather_vec(ctx.comm, x.as_slice())?;
    Ok(all.into_iter().flatten().reduce(f))
}

/// Each rank reduces its block; the per-rank results are then combined in
/// rank order. Integer and bool results are exact at any rank count. A
/// float64 sum is NumPy's pairwise sum of each block, the block sums then
/// added in rank order: with several ranks the additions are grouped
/// differently from one NumPy call, so the last bits may differ from the
/// one-rank result (as may a float product, multiplied block by block).
fn reduce(args: &Args, ctx: &Ctx, red: Red) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let skip_nan = if args.contains("skipNan") {
        args.bool("skipNan")?
    } else {
        false
    };
    let entry = ctx.typed_array(args, "x", dtype)?;
    // An empty array's min is the type's largest value and its max the
    // smallest, as in the original server (its reductions start from those
    // identities; the client relies on it, e.g. copying an empty
    // Categorical checks `codes.min() < 0`). NumPy refuses instead.
    // Decided on the global size, so every rank answers alike.
    let global_empty = entry.size() == 0;
    let max = red == Red::Max;
    let int = |x: i64| format!("int64 {x}");
    let uint = |x: u64| format!("uint64 {x}");
    let boolean = |b: bool| format!("bool {}", if b { "True" } else { "False" });
    let real = |x: f64| format!("float64 {}", format_real(x));
    let or = |a: bool, b: bool| a | b;
    let and = |a: bool, b: bool| a & b;
    fn ext<T: Plain + Ord + Send + Sync>(
        ctx: &Ctx,
        v: &[T],
        max: bool,
    ) -> Result<Option<T>, CommandError> {
        let best = move |a: T, b: T| if max { a.max(b) } else { a.min(b) };
        over_ranks_opt(ctx, extreme(v, max), best)
    }
    // any: some element non-zero; all: none zero (NaN counts as non-zero).
    fn any_all<T: Copy + Sync>(v: &[T], any: bool, nz: impl Fn(T) -> bool + Sync) -> bool {
        if any {
            any_nonzero(v, nz)
        } else {
            all_nonzero(v, nz)
        }
    }
    let bool_any = |v: &[bool]| first_byte(bytes_of(v), 1).is_some();
    let bool_all = |v: &[bool]| first_byte(bytes_of(v), 0).is_none();
    let msg = match (&entry.data, red) {
        (_, Red::Any) | (_, Red::All) => {
            let is_any = red == Red::Any;
            let found = match &entry.data {
                ArrayData::Bool(v) if is_any => bool_any(v),
                ArrayData::Bool(v) => bool_all(v),
                ArrayData::Int64(v) => any_all(v, is_any, |x| x != 0),
                ArrayData::UInt64(v) => any_all(v, is_any, |x| x != 0),
                ArrayData::UInt8(v) => any_all(v, is_any, |x| x != 0),
                ArrayData::Float64(v) => any_all(v, is_any, |x| x != 0.0),
            };
            let found = if is_any {
                over_ranks(ctx, found, or)?
            } else {
                over_ranks(ctx, found, and)?
            };
            boolean(found)
        }
        (ArrayData::Int64(v), Red::Sum) => int(over_ranks(ctx, int_sum(v), i64::wrapping_add)?),
        (ArrayData::Int64(v), Red::Prod) => int(over_ranks(ctx, int_prod(v), i64::wrapping_mul)?),
        (ArrayData::Int64(v), _) => {
            int(ext(ctx, v, max)?.unwrap_or(if max { i64::MIN } else { i64::MAX }))
        }
        (ArrayData::UInt64(v), Red::Sum) => uint(over_ranks(ctx, int_sum(v), u64::wrapping_add)?),
        (ArrayData::UInt64(v), Red::Prod) => uint(over_ranks(ctx, int_prod(v), u64::wrapping_mul)?),
        (ArrayData::UInt64(v), _) => {
            uint(ext(ctx, v, max)?.unwrap_or(if max { 0 } else { u64::MAX }))
        }
        (ArrayData::UInt8(v), Red::Sum) => uint(over_ranks(ctx, sum_u8(v), u64::wrapping_add)?),
        (ArrayData::UInt8(v), Red::Prod) => uint(over_ranks(ctx, u8_prod(v), u64::wrapping_mul)?),
        (ArrayData::UInt8(v), _) => {
            let x = ext(ctx, v, max)?.unwrap_or(if max { 0 } else { u8::MAX });
            format!("uint8 {x}")
        }
        (ArrayData::Bool(v), Red::Sum) => {
            int(over_ranks(ctx, count_true(v) as i64, i64::wrapping_add)?)
        }
        (ArrayData::Bool(v), Red::Prod) => int(over_ranks(ctx, bool_all(v), and)? as i64),
        // Empty: all() is True (min) and any() False (max), the identities.
        (ArrayData::Bool(v), _) => boolean(if max {
            over_ranks(ctx, bool_any(v), or)?
        } else {
            over_ranks(ctx, bool_all(v), and)?
        }),
        // NumPy's pairwise order, so `a.sum()` equals `np.sum` (and
        // `np.nansum`, which sums with NaNs replaced by 0) bit for bit.
        (ArrayData::Float64(v), Red::Sum) => {
            let local = if skip_nan {
                np_sum(v, |x| if x.is_nan() { 0.0 } else { x }, false)
            } else {
                np_sum(v, |x| x, false)
            };
            real(over_ranks(ctx, local, |a, b| a + b)?)
        }
        (ArrayData::Float64(v), Red::Prod) => {
            real(over_ranks(ctx, float_prod(v, skip_nan), |a, b| a * b)?)
        }
        (ArrayData::Float64(v), _) => {
            let local = extreme_f64(v, max, skip_nan);
            match over_ranks_opt(ctx, local, move |x, y| pick_f64(max, x, y))? {
                Some(x) => real(x),
                None if global_empty => real(if max { -f64::MAX } else { f64::MAX }),
                None => real(f64::NAN),
            }
        }
    };
    Ok(Reply::normal(msg))
}

pub fn argmin_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    arg_extreme_all(args, ctx, false)
}
pub fn argmax_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    arg_extreme_all(args, ctx, true)
}

/// The first global index of the best element of the whole array, `v`
/// being this rank's block, which starts at global index `offset`, and
/// `found` the first index of its best element. Each rank's first best and
/// its value are gathered, then the ranks are searched in order with
/// `better`, so a tie keeps the earlier rank's index, exactly as one pass
/// over the whole array would.
fn arg_over_ranks<T: Plain + Send + Sync>(
    ctx: &Ctx,
    v: &[T],
    offset: usize,
    found: Option<usize>,
    better: impl Fn(T, T) -> bool,
) -> Result<Option<usize>, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(found);
    }
    let value = found.map(|i| v[i]);
    let index = found.map(|i| (offset + i) as u64);
    let values = exchange::allgather_vec(ctx.comm, value.as_slice())?;
    let indices = exchange::allgather_vec(ctx.comm, index.as_slice())?;
    let mut best: Option<(u64, T)> = None;
    let pairs = values
        .into_iter()
        .flatten()
        .zip(indices.into_iter().flatten());
    for (x, i) in pairs {
        if best.is_none_or(|(_, b)| better(x, b)) {
            best = Some((i, x));
        }
    }
    Ok(best.map(|(i, _)| i as usize))
}

fn arg_extreme_all(args: &Args, ctx: &Ctx, max: bool) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "x", dtype)?;
    let offset = ctx.local_range(entry.size()).start;
    fn ord<T: Plain + Ord + Send + Sync>(
        ctx: &Ctx,
        v: &[T],
        offset: usize,
        max: bool,
    ) -> Result<Option<usize>, CommandError> {
        let found = arg_extreme(v, max);
        if max {
            arg_over_ranks(ctx, v, offset, found, |a, b| a > b)
        } else {
            arg_over_ranks(ctx, v, offset, found, |a, b| a < b)
        }
    }
    let found = match &entry.data {
        ArrayData::Int64(v) => ord(ctx, v, offset, max)?,
        ArrayData::UInt64(v) => ord(ctx, v, offset, max)?,
        ArrayData::UInt8(v) => ord(ctx, v, offset, max)?,
        ArrayData::Bool(v) => {
            let found = arg_extreme_bool(v, max);
            arg_over_ranks(ctx, v, offset, found, move |a, b| a != b && a == max)?
        }
        // A NaN beats every number, and nothing beats it.
        ArrayData::Float64(v) => {
            let found = arg_extreme(v, max);
            let better = move |a: f64, b: f64| {
                (if max { a > b } else { a < b }) || (a.is_nan() && !b.is_nan())
            };
            arg_over_ranks(ctx, v, offset, found, better)?
        }
    };
    let what = if max { "argmax" } else { "argmin" };
    let i = found.ok_or_else(|| {
        CommandError::value(format!("attempt to get {what} of an empty sequence"))
    })?;
    Ok(Reply::normal(format!("int64 {i}")))
}

/// Whether every rank's block is sorted (`seams == false`), or the whole
/// array (`seams`: also each block's last element against the first of the
/// next non-empty block).
fn sorted_over_ranks<T: Plain + Send + Sync>(
    ctx: &Ctx,
    v: &[T],
    seams: bool,
    le: impl Fn(T, T) -> bool + Sync,
) -> Result<bool, CommandError> {
    let local = sorted_by(v, &le);
    if ctx.ranks() == 1 {
        return Ok(local);
    }
    let all = over_ranks(ctx, local, |a, b| a & b)?;
    if !seams || !all {
        return Ok(all);
    }
    let ends: Vec<T> = match (v.first(), v.last()) {
        (Some(a), Some(b)) => vec![*a, *b],
        _ => Vec::new(),
    };
    let ends: Vec<T> = exchange::allgather_vec(ctx.comm, &ends)?.concat();
    // Pairs (first, last) in rank order: each last must not exceed the
    // next first.
    Ok(ends
        .chunks(2)
        .collect::<Vec<_>>()
        .windows(2)
        .all(|w| le(w[0][1], w[1][0])))
}

pub fn is_sorted_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "x", dtype)?;
    let seams = !ctx.cmd.starts_with("isSortedLocally");
    let sorted = match &entry.data {
        ArrayData::Int64(v) => sorted_over_ranks(ctx, v, seams, |a, b| a <= b)?,
        ArrayData::UInt64(v) => sorted_over_ranks(ctx, v, seams, |a, b| a <= b)?,
        ArrayData::UInt8(v) => sorted_over_ranks(ctx, v, seams, |a, b| a <= b)?,
        ArrayData::Bool(v) => sorted_over_ranks(ctx, v, seams, |a, b| a <= b)?,
        ArrayData::Float64(v) => sorted_over_ranks(ctx, v, seams, |a, b| a <= b || b.is_nan())?,
    };
    let text = if sorted { "True" } else { "False" };
    Ok(Reply::normal(format!("bool {text}")))
}
