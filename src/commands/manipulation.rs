//! Copies and shape changes of whole arrays: `deepcopy<T,1>` (the client's
//! `a.copy()`, and `ak.abs`/`ak.round` where the result equals the input),
//! `flatten<T,1>`, `reshape<T,1,1>` and `broadcast<T,1,1>` (the client's
//! `broadcast_to`, which `ak.floor`, `ak.ceil`, `ak.trunc` and `ak.arctan2`
//! call even when the shapes already match), and `flip<T,1>`/`flipAll<T,1>`
//! (the client's `ak.flip`, and `argsort(..., ascending=False)`).
//!
//! Arguments as the client sends them: `deepcopy` takes `x`, `flatten` takes
//! `a`, `reshape` and `broadcast` take `name` and `shape` (a JSON list of
//! dimensions), `flipAll` takes `name`, and `flip` takes `name`, `nAxes` and
//! `axis` (a JSON list of axes). Every command answers `created ...` with a new array; the
//! input is never changed.
//!
//! Arrays are rank 1 only, so a reshape keeps the length (one dimension may
//! be `-1`, meaning "whatever fits"), and a broadcast follows NumPy's rule for
//! one dimension: the same length is a copy, length 1 is repeated, anything
//! else is an error naming both shapes.
//!
//! Every command runs on all ranks. A copy keeps the global length, so each
//! rank copies its own block; a broadcast fetches the one element from the
//! rank holding it, and a flip fetches each rank's block of the result from
//! the ranks holding those positions.

use super::indexing::moves;
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::kernels::cast::convert;
use crate::kernels::select;
use crate::protocol::{Args, Reply, args::parse_int};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        let t = dtype.name();
        map.add(
            format!("deepcopy<{t},1>"),
            handler!(deepcopy),
            Kind::Tracked,
            "GenSymIO",
        )
        .everywhere();
        map.add(
            format!("flatten<{t},1>"),
            handler!(flatten),
            Kind::Tracked,
            "AryUtil",
        )
        .everywhere();
        map.add(
            format!("reshape<{t},1,1>"),
            handler!(reshape),
            Kind::Tracked,
            "ManipulationMsg",
        )
        .everywhere();
        map.add(
            format!("broadcast<{t},1,1>"),
            handler!(broadcast),
            Kind::Tracked,
            "ManipulationMsg",
        )
        .everywhere();
        map.add(
            format!("flip<{t},1>"),
            handler!(flip),
            Kind::Tracked,
            "ManipulationMsg",
        )
        .everywhere();
        map.add(
            format!("flipAll<{t},1>"),
            handler!(flip_all),
            Kind::Tracked,
            "ManipulationMsg",
        )
        .everywhere();
    }
}

/// Element type and ranks from the command name: `broadcast<int64,1,1>`
/// gives `(Int64, [1, 1])`.
fn signature(ctx: &Ctx) -> Result<(DType, Vec<usize>), CommandError> {
    let params = ctx.type_params();
    let dtype = params.first().and_then(|d| DType::from_name(d));
    let ranks: Option<Vec<usize>> = params.iter().skip(1).map(|r| r.parse().ok()).collect();
    match (dtype, ranks) {
        (Some(d), Some(r)) if !r.is_empty() => Ok((d, r)),
        _ => Err(CommandError::value(format!(
            "cannot read element type and rank from {}",
            ctx.cmd
        ))),
    }
}

/// The array named by `key`, which must hold `dtype` and have rank `nd`.
fn input(
    args: &Args,
    ctx: &Ctx,
    key: &str,
    dtype: DType,
    nd: usize,
) -> Result<std::sync::Arc<ArrayEntry>, CommandError> {
    let entry = ctx.typed_array(args, key, dtype)?;
    if entry.shape.len() != nd {
        return Err(CommandError::value(format!(
            "{} has rank {} but {} was called",
            args.str(key)?,
            entry.shape.len(),
            ctx.cmd
        )));
    }
    Ok(entry)
}

/// A shape argument of `nd` dimensions, kept signed so that callers can
/// give negative entries their own meaning (or reject them).
fn shape_arg(args: &Args, nd: usize) -> Result<Vec<i64>, CommandError> {
    let val = args.str("shape")?;
    let dims = match parse_int(val) {
        Some(n) => vec![n],
        None => args.int_list("shape")?,
    };
    if dims.len() != nd {
        return Err(CommandError::value(format!(
            "shape {val} does not have {nd} dimension(s)"
        )));
    }
    Ok(dims)
}

/// A shape as Python prints a tuple: `(5,)`, `(2, 3)`.
fn tuple_text<T: ToString>(dims: &[T]) -> String {
    match dims {
        [one] => format!("({},)", one.to_string()),
        _ => {
            let parts: Vec<String> = dims.iter().map(ToString::to_string).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// A new entry holding a copy of `entry`'s elements under `shape`.
fn copy_of(ctx: &Ctx, entry: &ArrayEntry, shape: Vec<usize>) -> Result<Reply, CommandError> {
    let dtype = entry.dtype();
    let out = ctx
        .shared
        .symbols
        .new_entry(dtype, shape, |_| convert(&entry.data, dtype))?;
    Ok(ctx.created(out))
}

pub fn deepcopy(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "x", dtype, ranks[0])?;
    copy_of(ctx, &entry, entry.shape.clone())
}

pub fn flatten(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "a", dtype, ranks[0])?;
    copy_of(ctx, &entry, vec![entry.size()])
}

pub fn reshape(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "name", dtype, ranks[0])?;
    let nd_out = ranks.get(1).copied().unwrap_or(1);
    let requested = shape_arg(args, nd_out)?;
    let shape = resolve_reshape(&requested, entry.size()).ok_or_else(|| {
        CommandError::value(format!(
            "Cannot reshape array of shape {} into shape {}. The total number of elements must match",
            tuple_text(&entry.shape),
            tuple_text(&requested)
        ))
    })?;
    copy_of(ctx, &entry, shape)
}

/// The dimensions of `requested` for `size` elements: at most one dimension
/// may be negative and is then computed; otherwise the product must be `size`.
fn resolve_reshape(requested: &[i64], size: usize) -> Option<Vec<usize>> {
    let mut unknown = None;
    let mut known = 1usize;
    for (i, d) in requested.iter().enumerate() {
        if *d < 0 {
            if unknown.replace(i).is_some() {
                return None;
            }
        } else {
            known = known.checked_mul(usize::try_from(*d).ok()?)?;
        }
    }
    let mut dims: Vec<usize> = requested.iter().map(|d| (*d).max(0) as usize).collect();
    match unknown {
        Some(i) => {
            if known == 0 || !size.is_multiple_of(known) {
                return None;
            }
            dims[i] = size / known;
        }
        None if known != size => return None,
        None => {}
    }
    Some(dims)
}

pub fn broadcast(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "name", dtype, ranks[0])?;
    let nd_out = ranks.get(1).copied().unwrap_or(1);
    let requested = shape_arg(args, nd_out)?;
    let invalid = || {
        CommandError::value(format!(
            "Invalid broadcast: {} -> {}",
            tuple_text(&entry.shape),
            tuple_text(&requested)
        ))
    };
    let target: Vec<usize> = requested
        .iter()
        .map(|d| usize::try_from(*d).map_err(|_| invalid()))
        .collect::<Result<_, _>>()?;
    // Dimensions are matched from the right; a source of lower rank is
    // padded with leading 1s, and only source dimensions of 1 may stretch.
    if entry.shape.len() > target.len() {
        return Err(invalid());
    }
    let offset = target.len() - entry.shape.len();
    let valid = entry
        .shape
        .iter()
        .zip(&target[offset..])
        .all(|(from, to)| from == to || *from == 1);
    if !valid {
        return Err(invalid());
    }
    if entry.size() == target.iter().product::<usize>() {
        return copy_of(ctx, &entry, target);
    }
    // Every stretched source dimension is 1 and the arrays are rank 1 at most
    // here, so the source holds one element that fills the result.
    if entry.size() != 1 || target.len() != 1 {
        return Err(CommandError::NotImplemented(format!(
            "broadcast from {} to {} (only rank 1 arrays are supported)",
            tuple_text(&entry.shape),
            tuple_text(&requested)
        )));
    }
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        let out = symbols.new_entry(dtype, target, |n| repeat_first(&entry.data, n))?;
        return Ok(ctx.created(out));
    }
    // The one element lives on one rank: every rank fetches it.
    let one = moves::fetch(ctx, &entry.data, 1, &[0])?;
    let out = symbols.new_entry(dtype, target, |n| repeat_first(&one, n))?;
    Ok(ctx.created(out))
}

pub fn flip_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "name", dtype, ranks[0])?;
    reversed(ctx, &entry)
}

/// Reverses along the listed axes. As in NumPy, an axis may be negative
/// (counted from the end) but not out of range or repeated; at rank 1 every
/// valid list is `[0]` or empty, and an empty list leaves the order alone.
pub fn flip(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, ranks) = signature(ctx)?;
    let entry = input(args, ctx, "name", dtype, ranks[0])?;
    let n_axes = args.int("nAxes")?;
    let raw = args.int_list("axis")?;
    if usize::try_from(n_axes).ok() != Some(raw.len()) {
        return Err(CommandError::value(format!(
            "nAxes is {n_axes} but axis lists {} axes",
            raw.len()
        )));
    }
    let nd = entry.shape.len() as i64;
    let mut axes = Vec::with_capacity(raw.len());
    for a in &raw {
        let axis = if *a < 0 { a + nd } else { *a };
        if !(0..nd).contains(&axis) || axes.contains(&axis) {
            return Err(CommandError::value(format!(
                "Unable to flip array with shape {} along axes {raw:?}",
                tuple_text(&entry.shape)
            )));
        }
        axes.push(axis);
    }
    if axes.is_empty() {
        copy_of(ctx, &entry, entry.shape.clone())
    } else {
        reversed(ctx, &entry)
    }
}

/// A new rank-1 array holding `entry`'s elements in reverse order.
fn reversed(ctx: &Ctx, entry: &ArrayEntry) -> Result<Reply, CommandError> {
    if entry.shape.len() != 1 {
        return Err(CommandError::NotImplemented(format!(
            "flip of shape {} (only rank 1 arrays are supported)",
            tuple_text(&entry.shape)
        )));
    }
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        let out = symbols.new_entry(
            entry.dtype(),
            entry.shape.clone(),
            |_| crate::commands::sorting::same_kind!(&entry.data, v => select::reverse(v)),
        )?;
        return Ok(ctx.created(out));
    }
    // This rank's block of the result is a falling run of the input's
    // global positions, fetched from the ranks holding them.
    let n = entry.size();
    let whole = select::Slice {
        start: n as i64 - 1,
        stride: -1,
        len: n,
    };
    let want = whole.part(ctx.local_range(n));
    let data = moves::fetch_steps(ctx, &entry.data, n, want)?;
    let out = symbols.new_entry(entry.dtype(), entry.shape.clone(), |_| data)?;
    Ok(ctx.created(out))
}

/// `n` copies of the first element of `data`.
fn repeat_first(data: &ArrayData, n: usize) -> ArrayData {
    match data {
        ArrayData::Int64(v) => ArrayData::Int64(select::splat(v[0], n)),
        ArrayData::UInt64(v) => ArrayData::UInt64(select::splat(v[0], n)),
        ArrayData::UInt8(v) => ArrayData::UInt8(select::splat(v[0], n)),
        ArrayData::Float64(v) => ArrayData::Float64(select::splat(v[0], n)),
        ArrayData::Bool(v) => ArrayData::Bool(select::splat(v[0], n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshape_sizes_follow_numpy() {
        assert_eq!(resolve_reshape(&[6], 6), Some(vec![6]));
        assert_eq!(resolve_reshape(&[-1], 6), Some(vec![6]));
        assert_eq!(resolve_reshape(&[-1], 0), Some(vec![0]));
        assert_eq!(resolve_reshape(&[0, -1], 0), None);
        assert_eq!(resolve_reshape(&[0], 0), Some(vec![0]));
        assert_eq!(resolve_reshape(&[5], 6), None);
        assert_eq!(resolve_reshape(&[-1, -1], 6), None);
        assert_eq!(resolve_reshape(&[2, -1], 6), Some(vec![2, 3]));
        assert_eq!(resolve_reshape(&[4, -1], 6), None);
    }

    #[test]
    fn shapes_print_as_python_tuples() {
        assert_eq!(tuple_text(&[5usize]), "(5,)");
        assert_eq!(tuple_text(&[2i64, 3]), "(2, 3)");
        assert_eq!(tuple_text::<usize>(&[]), "()");
    }
}
