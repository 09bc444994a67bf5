//! Indexing of rank-1 arrays, as the client's `__getitem__`/`__setitem__`
//! send it:
//!
//! * `[int]<T,1>` (`array`, `idx`): one element, replied as a scalar
//!   `<dtype> <value>` like the reductions; `[int]=val<T,1>` (`array`, `idx`,
//!   `value`, `max_bits`) sets one element in place.
//! * `[slice]<T,1>` (`array`, `starts`, `stops`, `strides`, `max_bits`): a
//!   new array; `[slice]=val<T,1>` and `[slice]=pdarray<T,U,1>` (`value` an
//!   array name, converted to T as `cast` does) assign in place.
//! * `[pdarray]` (`array`, `idx`): gather by an int64 or uint64 index array,
//!   or compress by a bool mask of the array's length; `[pdarray]=val`
//!   (`array`, `idx`, `dtype`, `value`) and `[pdarray]=pdarray` (`array`,
//!   `idx`, `value`, converted to the array's type) scatter in place (a
//!   repeated index keeps the last value).
//!
//! The client turns negative scalar indices into offsets from the end and
//! slices into `slice.indices(size)` bounds before sending; the server also
//! takes a negative scalar or index-array element `i` as `i + size`, as
//! NumPy does. Anything outside the array is an `IndexError` naming the index;
//! a slice is taken as the range `start, start + stride, ...` short of `stop`
//! (as Python's `range`), and must lie inside the array. Failing requests
//! change nothing.
//!
//! `max_bits` (meaningful only for bigint, which this server lacks) is
//! ignored, and so is `[pdarray]=val`'s `dtype`: the value is read as the
//! array's own type, which is what the client sends. Unlike the original,
//! `[pdarray]` also indexes uint8 arrays, and `[pdarray]=pdarray` converts a
//! value array of another type instead of refusing it (NumPy's assignment).
//!
//! Every command runs on all ranks, each on its block (see [`moves`]): a
//! scalar is read or written by the rank holding it (rank 0 replies with
//! the owner's text); a slice result fetches its blocks as progressions of
//! global positions, and a slice assignment fetches the range of values
//! landing in each block; an index array gathers by global position, a mask
//! compresses each block and rebalances the pieces; integer-index
//! assignments travel to the owners and are applied in index order, so the
//! last write still wins. Every check that one rank alone may fail (an
//! index only it holds) comes before any change, so a failure changes
//! nothing anywhere, with the same message at any rank count (the lowest
//! failing rank's, which holds the first bad index).

pub(crate) mod moves;

use super::operands::scalar_arg;
use super::{CommandMap, Ctx, Kind};
use crate::commands::sorting::same_kind;
use crate::commands::symbols::format_real;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::aggregate::{extreme, extremes};
use crate::kernels::cast::convert;
use crate::kernels::elem::Scalar;
use crate::kernels::select::{self, Index, Mask, Slice, Targets, bins, write_at};
use crate::protocol::args::parse_int;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "IndexingMsg";
    for a in DType::ALL {
        let t = format!("<{},1>", a.name());
        map.add(format!("[int]{t}"), handler!(int_index), Kind::Tracked, M)
            .everywhere();
        map.add(
            format!("[int]=val{t}"),
            handler!(set_int_index),
            Kind::Tracked,
            M,
        )
        .everywhere();
        map.add(
            format!("[slice]{t}"),
            handler!(slice_index),
            Kind::Tracked,
            M,
        )
        .everywhere();
        map.add(
            format!("[slice]=val{t}"),
            handler!(set_slice_value),
            Kind::Tracked,
            M,
        )
        .everywhere();
        for b in DType::ALL {
            map.add(
                format!("[slice]=pdarray<{},{},1>", a.name(), b.name()),
                handler!(set_slice_pdarray),
                Kind::Tracked,
                M,
            )
            .everywhere();
        }
    }
    map.add("[pdarray]", handler!(pdarray_index), Kind::Tracked, M)
        .everywhere();
    map.add(
        "[pdarray]=val",
        handler!(set_pdarray_value),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add(
        "[pdarray]=pdarray",
        handler!(set_pdarray_pdarray),
        Kind::Tracked,
        M,
    )
    .everywhere();
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

/// The element type a typed command was built for, and the second type if any.
fn elem_types(ctx: &Ctx) -> Result<(DType, Option<DType>), CommandError> {
    let params = ctx.type_params();
    let dtype = |i: usize| params.get(i).and_then(|d| DType::from_name(d));
    dtype(0).map(|a| (a, dtype(1))).ok_or_else(|| {
        CommandError::value(format!("cannot read the element type from {}", ctx.cmd))
    })
}

/// One integer: `3`, or `[3]` (the form of rank-n tuples).
fn one_int(args: &Args, key: &str) -> Result<i64, CommandError> {
    let val = args.str(key)?;
    if let Some(i) = parse_int(val) {
        return Ok(i);
    }
    match args.int_list(key)?.as_slice() {
        [i] => Ok(*i),
        _ => Err(CommandError::value(format!(
            "argument '{key}' must hold one integer for a rank-1 array: {val}"
        ))),
    }
}

pub(crate) fn out_of_bounds(i: impl std::fmt::Display, n: usize) -> CommandError {
    CommandError::Unclassed(format!(
        "IndexError: index {i} is out of bounds for axis 0 with size {n}"
    ))
}

/// `i`, or `i + n` when negative, if inside `0..n`.
pub(crate) fn position(i: i64, n: usize) -> Option<usize> {
    let j = if i < 0 {
        i as i128 + n as i128
    } else {
        i as i128
    };
    (0..n as i128).contains(&j).then_some(j as usize)
}

fn checked_position(i: i64, n: usize) -> Result<usize, CommandError> {
    position(i, n).ok_or_else(|| out_of_bounds(i, n))
}

/// `starts`, `stops` and `strides` as `slice.indices(n)` gives them.
fn slice_arg(args: &Args, n: usize) -> Result<Slice, CommandError> {
    let (start, stop, stride) = (
        one_int(args, "starts")?,
        one_int(args, "stops")?,
        one_int(args, "strides")?,
    );
    checked_slice(start, stop, stride, n)
}

/// The slice `start:stop:stride` (as `slice.indices(n)` gives them) of
/// `0..n`: every position it selects must lie inside.
pub(crate) fn checked_slice(
    start: i64,
    stop: i64,
    stride: i64,
    n: usize,
) -> Result<Slice, CommandError> {
    if stride == 0 {
        return Err(CommandError::value("slice step cannot be zero"));
    }
    let (s, e, d) = (start as i128, stop as i128, stride as i128);
    let len = if d > 0 && e > s {
        (e - s - 1) / d + 1
    } else if d < 0 && s > e {
        (s - e - 1) / -d + 1
    } else {
        0
    };
    if len > 0 {
        let last = s + (len - 1) * d;
        if !(0..n as i128).contains(&s) || !(0..n as i128).contains(&last) {
            return Err(CommandError::Unclassed(format!(
                "IndexError: slice {start}:{stop}:{stride} is out of bounds for axis 0 with size {n}"
            )));
        }
    }
    Ok(Slice {
        start,
        stride,
        len: len as usize,
    })
}

// ---------------------------------------------------------------------------
// Element moves
// ---------------------------------------------------------------------------

/// `<dtype> <value>` of element `i`, formatted as the reductions reply.
fn scalar_text(data: &ArrayData, i: usize) -> String {
    match data {
        ArrayData::Int64(v) => format!("int64 {}", v[i]),
        ArrayData::UInt64(v) => format!("uint64 {}", v[i]),
        ArrayData::UInt8(v) => format!("uint8 {}", v[i]),
        ArrayData::Float64(v) => format!("float64 {}", format_real(v[i])),
        ArrayData::Bool(v) => format!("bool {}", if v[i] { "True" } else { "False" }),
    }
}

/// A new array of `n` elements, element k being `data[at(k)]`.
fn take(data: &ArrayData, n: usize, at: impl Fn(usize) -> usize + Sync) -> ArrayData {
    same_kind!(data, v => select::take(v, n, &at))
}

/// The elements where `mask` is true.
fn compress(data: &ArrayData, mask: &Mask) -> ArrayData {
    same_kind!(data, v => select::filter(v, mask))
}

/// Writes `s` (read as `data`'s type) at every target.
fn fill_at(data: &mut ArrayData, s: Scalar, targets: Targets) -> Result<(), CommandError> {
    match (data, s) {
        (ArrayData::Int64(v), Scalar::I(x)) => write_at(v, targets, |_| x),
        (ArrayData::UInt64(v), Scalar::U(x)) => write_at(v, targets, |_| x),
        (ArrayData::UInt8(v), Scalar::U8(x)) => write_at(v, targets, |_| x),
        (ArrayData::Float64(v), Scalar::F(x)) => write_at(v, targets, |_| x),
        (ArrayData::Bool(v), Scalar::B(x)) => write_at(v, targets, |_| x),
        (data, s) => {
            return Err(CommandError::value(format!(
                "cannot store {s:?} in an array of {}",
                data.dtype().name()
            )));
        }
    }
    Ok(())
}

/// Writes `src[k]` at the k-th target (`src` has `data`'s type).
fn scatter(data: &mut ArrayData, src: &ArrayData, targets: Targets) -> Result<(), CommandError> {
    match (data, src) {
        (ArrayData::Int64(v), ArrayData::Int64(s)) => write_at(v, targets, |k| s[k]),
        (ArrayData::UInt64(v), ArrayData::UInt64(s)) => write_at(v, targets, |k| s[k]),
        (ArrayData::UInt8(v), ArrayData::UInt8(s)) => write_at(v, targets, |k| s[k]),
        (ArrayData::Float64(v), ArrayData::Float64(s)) => write_at(v, targets, |k| s[k]),
        (ArrayData::Bool(v), ArrayData::Bool(s)) => write_at(v, targets, |k| s[k]),
        (data, src) => return Err(cannot_store(src, data)),
    }
    Ok(())
}

/// [`scatter`] by integer indices not checked yet, dealt into bins
/// ([`select::write_unchecked`]): false, with nothing stored, if an index
/// lies outside `data`.
fn scatter_unchecked(
    data: &mut ArrayData,
    src: &ArrayData,
    idx: &[u64],
) -> Result<bool, CommandError> {
    use select::write_unchecked as w;
    Ok(match (data, src) {
        (ArrayData::Int64(v), ArrayData::Int64(s)) => w(v, idx, |k| s[k]),
        (ArrayData::UInt64(v), ArrayData::UInt64(s)) => w(v, idx, |k| s[k]),
        (ArrayData::UInt8(v), ArrayData::UInt8(s)) => w(v, idx, |k| s[k]),
        (ArrayData::Float64(v), ArrayData::Float64(s)) => w(v, idx, |k| s[k]),
        (ArrayData::Bool(v), ArrayData::Bool(s)) => w(v, idx, |k| s[k]),
        (data, src) => return Err(cannot_store(src, data)),
    })
}

/// Values of `src`'s type cannot go into `data` as they are.
pub(crate) fn cannot_store(src: &ArrayData, data: &ArrayData) -> CommandError {
    CommandError::value(format!(
        "cannot store {} elements in an array of {}",
        src.dtype().name(),
        data.dtype().name()
    ))
}

// ---------------------------------------------------------------------------
// Scalar indices
// ---------------------------------------------------------------------------

/// The rank holding element `i` formats it; rank 0 replies with its text.
pub fn int_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    let n = entry.size();
    let i = checked_position(one_int(args, "idx")?, n)?;
    if ctx.ranks() == 1 {
        return Ok(Reply::normal(scalar_text(&entry.data, i)));
    }
    let owner = ctx.block(n).owner(i);
    let text = if ctx.comm.rank() == owner {
        scalar_text(&entry.data, i - ctx.local_range(n).start).into_bytes()
    } else {
        Vec::new()
    };
    let text = exchange::bcast_bytes(ctx.comm, owner, text)?;
    Ok(Reply::normal(String::from_utf8_lossy(&text).into_owned()))
}

pub fn set_int_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let name = args.str("array")?;
    let idx = one_int(args, "idx")?;
    let value = scalar_arg(args, "value", dtype)?;
    // The entry is let go at once, so that the change below needs no copy.
    let n = ctx.typed_array(args, "array", dtype)?.size();
    let i = checked_position(idx, n)?;
    let here = ctx.local_range(n);
    ctx.modify(name, |data| {
        if here.contains(&i) {
            fill_at(data, value, Targets::One(i - here.start))
        } else {
            Ok(())
        }
    })?;
    Ok(Reply::normal(""))
}

// ---------------------------------------------------------------------------
// Slices
// ---------------------------------------------------------------------------

/// The part of `sl` landing in this rank's block `here` of the array, in
/// block-local positions (its k counted from 0), and the range of `sl`'s k
/// it covers.
fn local_slice(sl: Slice, here: std::ops::Range<usize>) -> (Slice, std::ops::Range<usize>) {
    let ks = sl.ks_within(here.start, here.end);
    let part = sl.part(ks.clone());
    let local = Slice {
        start: part.start - here.start as i64,
        ..part
    };
    (local, ks)
}

/// Each rank fetches the elements of its block of the result: a
/// progression of global positions, sent by the ranks holding them.
pub fn slice_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    let n = entry.size();
    let sl = slice_arg(args, n)?;
    let symbols = &ctx.shared.symbols;
    if ctx.ranks() == 1 {
        let out =
            symbols.new_entry(dtype, vec![sl.len], |_| moves::local_steps(&entry.data, sl))?;
        return Ok(ctx.created(out));
    }
    let want = sl.part(ctx.local_range(sl.len));
    let data = moves::fetch_steps(ctx, &entry.data, n, want)?;
    let out = symbols.new_entry(dtype, vec![sl.len], |_| data)?;
    Ok(ctx.created(out))
}

pub fn set_slice_value(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let name = args.str("array")?;
    let value = scalar_arg(args, "value", dtype)?;
    let n = ctx.typed_array(args, "array", dtype)?.size();
    let sl = slice_arg(args, n)?;
    let (local, _) = local_slice(sl, ctx.local_range(n));
    ctx.modify(name, |data| fill_at(data, value, Targets::Slice(local)))?;
    Ok(Reply::normal(""))
}

/// Each rank fetches the values for the slice positions in its block (a
/// range of the value array) and writes them there.
pub fn set_slice_pdarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, vtype) = elem_types(ctx)?;
    let vtype = vtype.ok_or_else(|| {
        CommandError::value(format!("cannot read the value type from {}", ctx.cmd))
    })?;
    let name = args.str("array")?;
    let value_name = args.str("value")?;
    let value = ctx.typed_array(args, "value", vtype)?;
    let n = ctx.typed_array(args, "array", dtype)?.size();
    let sl = slice_arg(args, n)?;
    if sl.len != value.size() {
        return Err(CommandError::value(format!(
            "size mismatch: the slice has {} elements but {value_name} has {}",
            sl.len,
            value.size()
        )));
    }
    let (local, ks) = local_slice(sl, ctx.local_range(n));
    let fetched;
    let vals = if ctx.ranks() == 1 {
        &value.data
    } else {
        let want = Slice::range(ks.start, ks.len());
        fetched = moves::fetch_steps(ctx, &value.data, value.size(), want)?;
        &fetched
    };
    let src = converted(ctx, vals, dtype)?;
    ctx.modify(name, |data| {
        scatter(data, src.data(), Targets::Slice(local))
    })?;
    Ok(Reply::normal(""))
}

/// Values to store: borrowed when they have the target type, else a
/// converted copy whose memory is reserved while it lives.
enum Source<'a> {
    Same(&'a ArrayData),
    Copy {
        data: ArrayData,
        _held: crate::memory::Reservation,
    },
}

impl Source<'_> {
    fn data(&self) -> &ArrayData {
        match self {
            Source::Same(d) => d,
            Source::Copy { data, .. } => data,
        }
    }
}

/// `src` (this rank's values) as type `to`.
fn converted<'a>(ctx: &Ctx, src: &'a ArrayData, to: DType) -> Result<Source<'a>, CommandError> {
    if src.dtype() == to {
        return Ok(Source::Same(src));
    }
    let bytes = (src.len() as u64).saturating_mul(to.itemsize() as u64);
    let held = ctx.shared.symbols.memory().reserve(bytes)?;
    Ok(Source::Copy {
        data: convert(src, to),
        _held: held,
    })
}

// ---------------------------------------------------------------------------
// Index arrays
// ---------------------------------------------------------------------------

impl<'a> Index<'a> {
    fn new(name: &str, data: &'a ArrayData) -> Result<Index<'a>, CommandError> {
        match data {
            ArrayData::Int64(v) => Ok(Index::Signed(v)),
            ArrayData::UInt64(v) => Ok(Index::Unsigned(v)),
            ArrayData::Bool(v) => Ok(Index::Mask(Mask::new(v))),
            other => Err(CommandError::Unclassed(format!(
                "TypeError: index array {name} holds {}; arrays used as indices must be of integer (int64, uint64) or boolean type",
                other.dtype().name()
            ))),
        }
    }

    /// Checks this rank's indices against an array of `n` elements (a mask
    /// by its global length `mask_len`) and returns how many elements this
    /// rank's part of the index selects. Signed indices that are all
    /// non-negative (as `randint` and `arange` make them) become unsigned
    /// ones, so that no pass maps or copies them into positions. The bounds
    /// come from one SIMD pass (minimum and maximum); the first bad index,
    /// for the message, is looked for only when there is one.
    fn check(&mut self, n: usize, mask_len: usize) -> Result<usize, CommandError> {
        match *self {
            Index::Signed(v) => {
                let inside = |i: i64| position(i, n).is_some();
                if let Some((lo, hi)) = extremes(v) {
                    if !inside(lo) || !inside(hi) {
                        return Err(first_outside(v, n, inside));
                    }
                    if lo >= 0 {
                        *self = Index::as_unsigned(v);
                    }
                }
                Ok(v.len())
            }
            Index::Unsigned(v) => {
                let inside = |i: u64| i < n as u64;
                if extreme(v, true).is_some_and(|i| !inside(i)) {
                    return Err(first_outside(v, n, inside));
                }
                Ok(v.len())
            }
            Index::Mask(ref m) => {
                if mask_len != n {
                    return Err(CommandError::Unclassed(format!(
                        "IndexError: boolean index did not match indexed array along axis 0; size of axis is {n} but size of corresponding boolean axis is {mask_len}"
                    )));
                }
                Ok(m.count())
            }
        }
    }
}

/// The out-of-bounds error for the first of `v` that `inside` rejects (one
/// is known to be outside).
fn first_outside<T: Copy + std::fmt::Display>(
    v: &[T],
    n: usize,
    inside: impl Fn(T) -> bool,
) -> CommandError {
    let bad = v.iter().copied().find(|&i| !inside(i));
    out_of_bounds(bad.expect("an index is outside"), n)
}

/// How many elements an index selects in all: the sum of the ranks' counts.
fn total(ctx: &Ctx, local: usize) -> Result<usize, CommandError> {
    Ok(exchange::exscan_sum(ctx.comm, local as u64)?.1 as usize)
}

/// Gathers by global position ([`moves::fetch`]), or compresses each block
/// by its part of the mask and rebalances the pieces.
pub fn pdarray_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let entry = symbols.get(args.str("array")?)?;
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let mut idx = Index::new(idx_name, &idx_entry.data)?;
    let n = entry.size();
    let count = idx.check(n, idx_entry.size())?;
    if ctx.ranks() == 1 {
        let out = symbols.new_entry(entry.dtype(), vec![count], |len| match &idx {
            // Checked already.
            Index::Signed(v) => take(&entry.data, len, |k| select::from_end(v[k], n)),
            Index::Unsigned(v) => take(&entry.data, len, |k| v[k] as usize),
            Index::Mask(m) => compress(&entry.data, m),
        })?;
        return Ok(ctx.created(out));
    }
    let (data, count) = match (&idx, idx.positions(n)) {
        (_, Some(pos)) => (moves::fetch(ctx, &entry.data, n, &pos)?, idx_entry.size()),
        (Index::Mask(m), None) => {
            let piece = compress(&entry.data, m);
            (moves::rebalance(ctx, piece)?, total(ctx, count)?)
        }
        _ => unreachable!("only masks have no positions"),
    };
    let out = symbols.new_entry(entry.dtype(), vec![count], |_| data)?;
    Ok(ctx.created(out))
}

/// Integer indices go to the ranks holding them ([`moves::deliver`]), each
/// rank applying what it receives in index order; a mask is applied by each
/// rank to its own block.
pub fn set_pdarray_value(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let name = args.str("array")?;
    let (dtype, n) = {
        let target = symbols.get(name)?;
        (target.dtype(), target.size())
    };
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let mut idx = Index::new(idx_name, &idx_entry.data)?;
    let value = scalar_arg(args, "value", dtype)?;
    idx.check(n, idx_entry.size())?;
    let local;
    let targets = match idx.positions(n) {
        Some(pos) if ctx.ranks() > 1 => {
            let marks = ArrayData::Bool(vec![true; pos.len()]);
            local = moves::deliver(ctx, n, &pos, &marks)?.0;
            Index::Unsigned(&local)
        }
        _ => idx,
    };
    ctx.modify(name, |data| fill_at(data, value, Targets::Index(&targets)))?;
    Ok(Reply::normal("setPdarrayIndexToValueMsg success"))
}

/// As [`set_pdarray_value`], the values travelling with integer indices;
/// with a mask each rank fetches the range of values its trues take.
pub fn set_pdarray_pdarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let name = args.str("array")?;
    let (dtype, n) = {
        let target = symbols.get(name)?;
        (target.dtype(), target.size())
    };
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let mut idx = Index::new(idx_name, &idx_entry.data)?;
    let value_name = args.str("value")?;
    let value = symbols.get(value_name)?;
    let done = Reply::normal("setPdarrayIndexToPdarrayMsg success");
    let m = idx_entry.size();
    if let Some(raw) = idx.unchecked()
        && m == value.size()
        && (ctx.ranks() > 1 || bins::worth_binning_of(dtype.itemsize(), n, m))
    {
        // The usual case: every index non-negative and inside. Dealing the
        // pairs checks them on the way (one pass over them fewer); if one
        // is not, nothing was stored, and the checked way below reports it
        // or maps the negative ones.
        let src = converted(ctx, &value.data, dtype)?;
        if ctx.ranks() == 1 {
            let mut stored = false;
            ctx.modify(name, |data| {
                stored = scatter_unchecked(data, src.data(), raw)?;
                Ok(())
            })?;
            if stored {
                return Ok(done);
            }
        } else if let Some(got) = moves::deliver_binned(ctx, n, raw, src.data())? {
            drop(src);
            ctx.modify(name, |data| moves::store_landed(data, &got))?;
            return Ok(done);
        }
    }
    let local_count = idx.check(n, idx_entry.size())?;
    let count = match idx {
        Index::Mask(_) if ctx.ranks() > 1 => total(ctx, local_count)?,
        Index::Mask(_) => local_count,
        _ => idx_entry.size(),
    };
    if count != value.size() {
        return Err(CommandError::value(format!(
            "size mismatch: {idx_name} selects {count} elements but {value_name} has {}",
            value.size()
        )));
    }
    if ctx.ranks() == 1 {
        let src = converted(ctx, &value.data, dtype)?;
        ctx.modify(name, |data| scatter(data, src.data(), Targets::Index(&idx)))?;
        return Ok(done);
    }
    if let Some(pos) = idx.positions(n) {
        let src = converted(ctx, &value.data, dtype)?;
        let got = moves::deliver_binned(ctx, n, &pos, src.data())?
            .ok_or_else(|| CommandError::value("checked indices found outside the array"))?;
        drop(src);
        ctx.modify(name, |data| moves::store_landed(data, &got))?;
    } else {
        let (before, _) = exchange::exscan_sum(ctx.comm, local_count as u64)?;
        let want = Slice::range(before as usize, local_count);
        let vals = moves::fetch_steps(ctx, &value.data, value.size(), want)?;
        let vals = convert(&vals, dtype);
        ctx.modify(name, |data| scatter(data, &vals, Targets::Index(&idx)))?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests;
