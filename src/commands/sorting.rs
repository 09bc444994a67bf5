//! Sorting: `argsort<dtype,1>` (arguments `name`, `algoName`, `axis`),
//! `sort<dtype,1>` (`array`, `alg`, `axis`), `coargsort` (`arr_names`,
//! `arr_types`, `nstr`, `algoName`) and `searchSorted<dtype,1,1>` (`x1`, `x2`,
//! `side`, `x2Sorted`), plus the dtype dispatch onto the sorting kernels of
//! [`crate::kernels::ord`] that the set operations, `unique` and
//! `mink`/`maxk` share.
//!
//! The order is NumPy's stable sort: NaNs go last, `-0.0` and `0.0` are equal
//! (their input order is kept), ties keep their input order. Every element is
//! mapped to a `u64` key whose unsigned order is that order, and the keys are
//! sorted by a stable radix sort on all cores (8-bit digits; digits that are
//! the same in every key are skipped, so small ranges, bool and uint8 take one
//! or two passes). Large arrays are split on their highest varying digit
//! first and the buckets sorted by the lower digits inside a core's cache.
//! An argsort whose key bits and index bits fit in 64 sorts one word per
//! element.
//!
//! With several ranks the same keys are sorted by the sample sort of
//! [`crate::dist::sort`] (ties by global position, so the permutation is the
//! one-rank permutation); `sort` moves the values by that permutation and
//! `searchSorted` sends each query to the rank whose block of `x1` holds its
//! place. With one rank every command runs the one-process code.

use super::{CommandMap, Ctx, Kind, check_axis, check_dtype};
use crate::dist::{self, exchange};
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::ord::{argsort_keys, coargsort_keys, key_f64, key_i64, radix_sort};
use crate::memory::Reservation;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        let t = dtype.name();
        map.add(
            format!("argsort<{t},1>"),
            handler!(argsort),
            Kind::Tracked,
            "ArgSortMsg",
        )
        .everywhere();
        map.add(
            format!("sort<{t},1>"),
            handler!(sort),
            Kind::Tracked,
            "SortMsg",
        )
        .everywhere();
        map.add(
            format!("searchSorted<{t},1,1>"),
            handler!(search_sorted),
            Kind::Tracked,
            "SortMsg",
        )
        .everywhere();
    }
    map.add(
        "coargsort",
        handler!(coargsort),
        Kind::Tracked,
        "ArgSortMsg",
    )
    .everywhere();
}

// ---------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------

/// The type values are compared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Domain {
    Int,
    UInt,
    Float,
}

impl Domain {
    pub(crate) fn of(dtype: DType) -> Domain {
        match dtype {
            DType::Int64 => Domain::Int,
            DType::Float64 => Domain::Float,
            DType::UInt64 | DType::UInt8 | DType::Bool => Domain::UInt,
        }
    }

    /// NumPy 2's promotion of two dtypes, as far as comparing values goes:
    /// int64 with uint64 compares as float64, as NumPy does.
    pub(crate) fn common(a: DType, b: DType) -> Domain {
        match (Domain::of(a), Domain::of(b)) {
            (x, y) if x == y => x,
            (Domain::Float, _) | (_, Domain::Float) => Domain::Float,
            (Domain::Int, _) if b == DType::UInt64 => Domain::Float,
            (_, Domain::Int) if a == DType::UInt64 => Domain::Float,
            _ => Domain::Int,
        }
    }
}

/// The keys of `data`'s values converted to `dom` (never asked to put
/// uint64 in the int domain or int64 in the uint domain).
pub(crate) fn keys_in(data: &ArrayData, dom: Domain) -> Vec<u64> {
    match (data, dom) {
        (ArrayData::Int64(v), Domain::Float) => kernels::map(v, |x| key_f64(x as f64)),
        (ArrayData::Int64(v), _) => kernels::map(v, key_i64),
        (ArrayData::UInt64(v), Domain::Float) => kernels::map(v, |x| key_f64(x as f64)),
        (ArrayData::UInt64(v), _) => v.clone(),
        (ArrayData::UInt8(v), Domain::Float) => kernels::map(v, |x| key_f64(x.into())),
        (ArrayData::UInt8(v), Domain::Int) => kernels::map(v, |x| key_i64(x.into())),
        (ArrayData::UInt8(v), Domain::UInt) => kernels::map(v, u64::from),
        (ArrayData::Bool(v), Domain::Float) => kernels::map(v, |x| key_f64(u8::from(x).into())),
        (ArrayData::Bool(v), Domain::Int) => kernels::map(v, |x| key_i64(x.into())),
        (ArrayData::Bool(v), Domain::UInt) => kernels::map(v, u64::from),
        (ArrayData::Float64(v), _) => kernels::map(v, key_f64),
    }
}

/// The keys of `data` in its own type.
pub(crate) fn sort_keys(data: &ArrayData) -> Vec<u64> {
    keys_in(data, Domain::of(data.dtype()))
}

/// Applies `$e` to the vector `$v` inside an `ArrayData`, wrapping the
/// result in the same variant.
macro_rules! same_kind {
    ($data:expr, $v:ident => $e:expr) => {
        match $data {
            ArrayData::Int64($v) => ArrayData::Int64($e),
            ArrayData::UInt64($v) => ArrayData::UInt64($e),
            ArrayData::UInt8($v) => ArrayData::UInt8($e),
            ArrayData::Float64($v) => ArrayData::Float64($e),
            ArrayData::Bool($v) => ArrayData::Bool($e),
        }
    };
}
pub(crate) use same_kind;

/// The elements of `data` at `idx` (all in range).
pub(crate) fn gather(data: &ArrayData, idx: &[i64]) -> ArrayData {
    same_kind!(data, v => kernels::select::take(v, idx.len(), |k| idx[k] as usize))
}

/// NumPy's `argsort(kind="stable")`.
pub(crate) fn argsort_data(data: &ArrayData) -> Vec<i64> {
    argsort_keys(&sort_keys(data))
}

/// NumPy's `sort(kind="stable")`: values move, so `-0.0` and NaN payloads
/// keep their bits.
pub(crate) fn sort_data(data: &ArrayData) -> ArrayData {
    match data {
        ArrayData::Int64(v) => ArrayData::Int64(radix_sort(v.clone(), |x| key_i64(*x))),
        ArrayData::UInt64(v) => ArrayData::UInt64(radix_sort(v.clone(), |x| *x)),
        ArrayData::UInt8(v) => ArrayData::UInt8(radix_sort(v.clone(), |x| u64::from(*x))),
        ArrayData::Float64(v) => ArrayData::Float64(radix_sort(v.clone(), |x| key_f64(*x))),
        ArrayData::Bool(v) => ArrayData::Bool(radix_sort(v.clone(), |x| u64::from(*x))),
    }
}

// ---------------------------------------------------------------------------
// Helpers shared by the sorting-family handlers
// ---------------------------------------------------------------------------

/// Bytes of the radix sort's working set for `n` elements: the key and
/// index pairs twice over.
pub(crate) fn sort_scratch(n: usize) -> u64 {
    (n as u64).saturating_mul(32)
}

/// Reserves `bytes` of working memory for the duration of a command.
pub(crate) fn scratch(ctx: &Ctx, bytes: u64) -> Result<Reservation, CommandError> {
    Ok(ctx.shared.symbols.memory().reserve(bytes)?)
}

/// A new rank-1 array holding `data` (reserved before it is kept).
pub(crate) fn new_array(ctx: &Ctx, data: ArrayData) -> Result<ArrayEntry, CommandError> {
    ctx.shared
        .symbols
        .new_entry(data.dtype(), vec![data.len()], |_| data)
}

/// Stores `entry` under a fresh name (once every rank has succeeded) and
/// returns its `created ...` text.
pub(crate) fn store(ctx: &Ctx, entry: ArrayEntry) -> String {
    ctx.store(entry)
}

/// A new rank-1 array of global length `n` whose block on this rank is
/// `data` (reserved before it is kept).
pub(crate) fn new_block(ctx: &Ctx, n: usize, data: ArrayData) -> Result<ArrayEntry, CommandError> {
    ctx.shared
        .symbols
        .new_entry(data.dtype(), vec![n], |_| data)
}

/// The elements at global indices `idx` of the distributed array whose
/// block of global length `n` this rank holds as `data`.
pub(crate) fn fetch_data(
    ctx: &Ctx,
    n: usize,
    data: &ArrayData,
    idx: &[u64],
) -> Result<ArrayData, CommandError> {
    let (comm, block) = (ctx.comm, &ctx.block(n));
    Ok(same_kind!(data, v => exchange::fetch(comm, block, v, idx)?))
}

/// Every rank's piece of one sequence, in rank order, as a new array in the
/// block layout.
pub(crate) fn new_pieces(ctx: &Ctx, piece: ArrayData) -> Result<ArrayEntry, CommandError> {
    let (_, n) = exchange::exscan_sum(ctx.comm, piece.len() as u64)?;
    let comm = ctx.comm;
    let data = same_kind!(piece, v => exchange::rebalance(comm, v)?);
    new_block(ctx, n as usize, data)
}

/// The stable sorting permutation of a distributed array (this rank's
/// block of it).
pub(crate) fn argsort_dist(
    ctx: &Ctx,
    data: &ArrayData,
    n: usize,
) -> Result<Vec<i64>, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(argsort_data(data));
    }
    dist::sort::argsort(ctx.comm, &sort_keys(data), ctx.local_range(n).start)
}

/// NumPy's stable sort of a distributed array. Integer and bool keys are
/// their values, so the sorted keys are turned back into values; floats move
/// by the sorting permutation, so `-0.0` and NaN payloads keep their bits.
pub(crate) fn sort_dist(ctx: &Ctx, data: &ArrayData, n: usize) -> Result<ArrayData, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(sort_data(data));
    }
    let start = ctx.local_range(n).start;
    let items = dist::sort::items_of(&sort_keys(data), start);
    let sorted = dist::sort::sort_items(ctx.comm, items)?;
    Ok(match data {
        // The inverse of `key_i64`.
        ArrayData::Int64(_) => {
            ArrayData::Int64(kernels::map(&sorted, |x| (x.key ^ (1 << 63)) as i64))
        }
        ArrayData::UInt64(_) => ArrayData::UInt64(kernels::map(&sorted, |x| x.key)),
        ArrayData::UInt8(_) => ArrayData::UInt8(kernels::map(&sorted, |x| x.key as u8)),
        ArrayData::Bool(_) => ArrayData::Bool(kernels::map(&sorted, |x| x.key != 0)),
        ArrayData::Float64(_) => {
            let at = kernels::map(&sorted, |x| x.idx);
            drop(sorted);
            fetch_data(ctx, n, data, &at)?
        }
    })
}

/// The permutation sorting the rows of distributed columns (global length
/// `n`), first most significant.
pub(crate) fn coargsort_dist(
    ctx: &Ctx,
    keys: &[Vec<u64>],
    n: usize,
) -> Result<Vec<i64>, CommandError> {
    if ctx.ranks() == 1 {
        return Ok(coargsort_keys(keys));
    }
    dist::sort::coargsort(ctx.comm, keys, n)
}

/// The names in list argument `names_key` and their object types in
/// `types_key`: as many of each as `nstr` says, and at least one.
pub(crate) fn key_lists(
    args: &Args,
    ctx: &Ctx,
    names_key: &str,
    types_key: &str,
) -> Result<(Vec<String>, Vec<String>), CommandError> {
    let n = args.int("nstr")?;
    let names = args.str_list(names_key)?;
    let types = args.str_list(types_key)?;
    if usize::try_from(n).ok() != Some(names.len()) || types.len() != names.len() {
        return Err(CommandError::value(format!(
            "nstr is {n} but {} names and {} types were given",
            names.len(),
            types.len()
        )));
    }
    if names.is_empty() {
        return Err(CommandError::value(format!(
            "{} needs at least one array",
            ctx.cmd
        )));
    }
    Ok((names, types))
}

/// The arrays named in list argument `key`, which must be pdarrays
/// (`types_key` lists their object types; a Categorical stands for its codes).
pub(crate) fn key_arrays(
    args: &Args,
    ctx: &Ctx,
    names_key: &str,
    types_key: &str,
) -> Result<Vec<std::sync::Arc<ArrayEntry>>, CommandError> {
    let (names, types) = key_lists(args, ctx, names_key, types_key)?;
    if let Some(t) = types
        .iter()
        .find(|t| !t.eq_ignore_ascii_case("pdarray") && !t.eq_ignore_ascii_case("categorical"))
    {
        return Err(CommandError::NotImplemented(format!(
            "{} of {t} objects is not supported",
            ctx.cmd
        )));
    }
    let entries = names
        .iter()
        .map(|n| ctx.shared.symbols.get(n))
        .collect::<Result<Vec<_>, _>>()?;
    let size = entries[0].size();
    if let Some((name, e)) = names.iter().zip(&entries).find(|(_, e)| e.size() != size) {
        return Err(CommandError::value(format!(
            "all arrays must have the same size: {} has {size} elements but {name} has {}",
            names[0],
            e.size()
        )));
    }
    Ok(entries)
}

fn check_algorithm(name: &str) -> Result<(), CommandError> {
    match name {
        "" | "RadixSortLSD" | "TwoArrayRadixSort" => Ok(()),
        other => Err(CommandError::NotImplemented(format!(
            "Unrecognized sorting algorithm: {other}"
        ))),
    }
}

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

pub fn argsort(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "name", dtype)?;
    check_algorithm(args.str("algoName")?)?;
    check_axis(args)?;
    let n = entry.size();
    let _scratch = scratch(ctx, sort_scratch(entry.local_len()))?;
    let out = if ctx.ranks() == 1 {
        ctx.shared.symbols.new_entry(DType::Int64, vec![n], |_| {
            ArrayData::Int64(argsort_data(&entry.data))
        })?
    } else {
        new_block(ctx, n, ArrayData::Int64(argsort_dist(ctx, &entry.data, n)?))?
    };
    Ok(ctx.created(out))
}

pub fn sort(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    check_algorithm(args.str("alg")?)?;
    check_axis(args)?;
    let n = entry.size();
    let out = if ctx.ranks() == 1 {
        let _scratch = scratch(ctx, (n * dtype.itemsize()) as u64)?;
        ctx.shared
            .symbols
            .new_entry(dtype, vec![n], |_| sort_data(&entry.data))?
    } else {
        let _scratch = scratch(ctx, sort_scratch(entry.local_len()))?;
        new_block(ctx, n, sort_dist(ctx, &entry.data, n)?)?
    };
    Ok(ctx.created(out))
}

pub fn coargsort(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    if super::strings::order::names_strings(args, "arr_types") {
        return super::strings::order::coargsort(args, ctx);
    }
    check_algorithm(args.str("algoName")?)?;
    let entries = key_arrays(args, ctx, "arr_names", "arr_types")?;
    let n = entries[0].size();
    let local = entries[0].local_len();
    let _scratch = scratch(
        ctx,
        sort_scratch(local).saturating_add((local * 8 * entries.len()) as u64),
    )?;
    let keys: Vec<Vec<u64>> = entries.iter().map(|e| sort_keys(&e.data)).collect();
    let out = if ctx.ranks() == 1 {
        ctx.shared.symbols.new_entry(DType::Int64, vec![n], |_| {
            ArrayData::Int64(coargsort_keys(&keys))
        })?
    } else {
        new_block(ctx, n, ArrayData::Int64(coargsort_dist(ctx, &keys, n)?))?
    };
    Ok(ctx.created(out))
}

/// With several ranks, each query goes to the rank whose block of `x1` its
/// place falls in (found from the blocks' first elements), so `x1` must be
/// sorted, as NumPy requires; an unsorted `x1` gives answers that depend on
/// the number of ranks.
pub fn search_sorted(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let x1 = ctx.typed_array(args, "x1", dtype)?;
    let x2_name = args.str("x2")?;
    let x2 = ctx.shared.symbols.get(x2_name)?;
    check_dtype(x2_name, x2.dtype(), dtype, ctx.cmd)?;
    let right = match args.str("side")? {
        "left" => false,
        "right" => true,
        other => {
            return Err(CommandError::value(format!(
                "searchSorted side must be a string with value 'left' or 'right', not '{other}'"
            )));
        }
    };
    // Optional, as in the original; binary search does not need it.
    if args.contains("x2Sorted") {
        args.bool("x2Sorted")?;
    }
    let _scratch = scratch(ctx, ((x1.local_len() + x2.local_len()) * 8) as u64)?;
    let sorted = sort_keys(&x1.data);
    let place = |v: u64| {
        if right {
            sorted.partition_point(|a| *a <= v)
        } else {
            sorted.partition_point(|a| *a < v)
        }
    };
    let out = if ctx.ranks() == 1 {
        ctx.shared
            .symbols
            .new_entry(DType::Int64, vec![x2.size()], |_| {
                let wanted = sort_keys(&x2.data);
                ArrayData::Int64(kernels::map(&wanted, |v| place(v) as i64))
            })?
    } else {
        let start = ctx.local_range(x1.size()).start;
        let wanted = sort_keys(&x2.data);
        let at = dist::sort::route(ctx.comm, &sorted, &wanted, !right, 0i64, |v| {
            (start + place(v)) as i64
        })?;
        new_block(ctx, x2.size(), ArrayData::Int64(at))?
    };
    Ok(ctx.created(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_domains() {
        use DType::*;
        assert_eq!(Domain::common(Int64, UInt64), Domain::Float);
        assert_eq!(Domain::common(UInt8, Int64), Domain::Int);
        assert_eq!(Domain::common(Bool, UInt64), Domain::UInt);
        assert_eq!(Domain::common(Bool, Float64), Domain::Float);
        assert_eq!(Domain::common(UInt64, UInt8), Domain::UInt);
    }
}
