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

use std::mem::MaybeUninit;

use super::binops::{Scalar, scalar_arg};
use super::cast::convert;
use super::{CommandMap, Ctx, Kind, check_dtype};
use crate::commands::symbols::format_real;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::protocol::args::parse_int;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "IndexingMsg";
    for a in DType::ALL {
        let t = format!("<{},1>", a.name());
        map.add(format!("[int]{t}"), handler!(int_index), Kind::Tracked, M);
        map.add(
            format!("[int]=val{t}"),
            handler!(set_int_index),
            Kind::Tracked,
            M,
        );
        map.add(
            format!("[slice]{t}"),
            handler!(slice_index),
            Kind::Tracked,
            M,
        );
        map.add(
            format!("[slice]=val{t}"),
            handler!(set_slice_value),
            Kind::Tracked,
            M,
        );
        for b in DType::ALL {
            map.add(
                format!("[slice]=pdarray<{},{},1>", a.name(), b.name()),
                handler!(set_slice_pdarray),
                Kind::Tracked,
                M,
            );
        }
    }
    map.add("[pdarray]", handler!(pdarray_index), Kind::Tracked, M);
    map.add(
        "[pdarray]=val",
        handler!(set_pdarray_value),
        Kind::Tracked,
        M,
    );
    map.add(
        "[pdarray]=pdarray",
        handler!(set_pdarray_pdarray),
        Kind::Tracked,
        M,
    );
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

fn out_of_bounds(i: impl std::fmt::Display, n: usize) -> CommandError {
    CommandError::Unclassed(format!(
        "IndexError: index {i} is out of bounds for axis 0 with size {n}"
    ))
}

/// `i`, or `i + n` when negative, if inside `0..n`.
fn position(i: i64, n: usize) -> Option<usize> {
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

/// The positions a slice selects: `start + k * stride` for `k < len`.
#[derive(Clone, Copy)]
struct Slice {
    start: i64,
    stride: i64,
    len: usize,
}

impl Slice {
    fn at(self, k: usize) -> usize {
        (self.start as i128 + k as i128 * self.stride as i128) as usize
    }
    fn positions(self) -> impl Iterator<Item = usize> {
        (0..self.len).map(move |k| self.at(k))
    }
}

/// `starts`, `stops` and `strides` as `slice.indices(n)` gives them.
fn slice_arg(args: &Args, n: usize) -> Result<Slice, CommandError> {
    let (start, stop, stride) = (
        one_int(args, "starts")?,
        one_int(args, "stops")?,
        one_int(args, "strides")?,
    );
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
    fn go<T: Copy + Send + Sync>(
        v: &[T],
        n: usize,
        at: &(impl Fn(usize) -> usize + Sync),
    ) -> Vec<T> {
        kernels::build(n, |start, chunk: &mut [MaybeUninit<T>]| {
            for (k, o) in chunk.iter_mut().enumerate() {
                o.write(v[at(start + k)]);
            }
        })
    }
    match data {
        ArrayData::Int64(v) => ArrayData::Int64(go(v, n, &at)),
        ArrayData::UInt64(v) => ArrayData::UInt64(go(v, n, &at)),
        ArrayData::UInt8(v) => ArrayData::UInt8(go(v, n, &at)),
        ArrayData::Float64(v) => ArrayData::Float64(go(v, n, &at)),
        ArrayData::Bool(v) => ArrayData::Bool(go(v, n, &at)),
    }
}

/// The elements where `mask` is true (`count` of them).
fn compress(data: &ArrayData, mask: &[bool], count: usize) -> ArrayData {
    fn go<T: Copy>(v: &[T], mask: &[bool], count: usize) -> Vec<T> {
        let mut out = Vec::with_capacity(count);
        out.extend(v.iter().zip(mask).filter(|(_, m)| **m).map(|(x, _)| *x));
        out
    }
    match data {
        ArrayData::Int64(v) => ArrayData::Int64(go(v, mask, count)),
        ArrayData::UInt64(v) => ArrayData::UInt64(go(v, mask, count)),
        ArrayData::UInt8(v) => ArrayData::UInt8(go(v, mask, count)),
        ArrayData::Float64(v) => ArrayData::Float64(go(v, mask, count)),
        ArrayData::Bool(v) => ArrayData::Bool(go(v, mask, count)),
    }
}

/// Writes `s` (read as `data`'s type) at every position.
fn fill_at(
    data: &mut ArrayData,
    s: Scalar,
    positions: impl Iterator<Item = usize>,
) -> Result<(), CommandError> {
    fn go<T: Copy>(v: &mut [T], x: T, positions: impl Iterator<Item = usize>) {
        for p in positions {
            v[p] = x;
        }
    }
    match (data, s) {
        (ArrayData::Int64(v), Scalar::I(x)) => go(v, x, positions),
        (ArrayData::UInt64(v), Scalar::U(x)) => go(v, x, positions),
        (ArrayData::UInt8(v), Scalar::U8(x)) => go(v, x, positions),
        (ArrayData::Float64(v), Scalar::F(x)) => go(v, x, positions),
        (ArrayData::Bool(v), Scalar::B(x)) => go(v, x, positions),
        (data, s) => {
            return Err(CommandError::value(format!(
                "cannot store {s:?} in an array of {}",
                data.dtype().name()
            )));
        }
    }
    Ok(())
}

/// Writes `src[k]` at the k-th position (`src` has `data`'s type).
fn scatter(
    data: &mut ArrayData,
    src: &ArrayData,
    positions: impl Iterator<Item = usize>,
) -> Result<(), CommandError> {
    fn go<T: Copy>(v: &mut [T], src: &[T], positions: impl Iterator<Item = usize>) {
        for (p, x) in positions.zip(src) {
            v[p] = *x;
        }
    }
    match (data, src) {
        (ArrayData::Int64(v), ArrayData::Int64(s)) => go(v, s, positions),
        (ArrayData::UInt64(v), ArrayData::UInt64(s)) => go(v, s, positions),
        (ArrayData::UInt8(v), ArrayData::UInt8(s)) => go(v, s, positions),
        (ArrayData::Float64(v), ArrayData::Float64(s)) => go(v, s, positions),
        (ArrayData::Bool(v), ArrayData::Bool(s)) => go(v, s, positions),
        (data, src) => {
            return Err(CommandError::value(format!(
                "cannot store {} elements in an array of {}",
                src.dtype().name(),
                data.dtype().name()
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Scalar indices
// ---------------------------------------------------------------------------

pub fn int_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    let i = checked_position(one_int(args, "idx")?, entry.size())?;
    Ok(Reply::normal(scalar_text(&entry.data, i)))
}

pub fn set_int_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let name = args.str("array")?;
    let idx = one_int(args, "idx")?;
    let value = scalar_arg(args, dtype)?;
    ctx.shared.symbols.modify(name, |data| {
        check_dtype(name, data.dtype(), dtype, ctx.cmd)?;
        let i = checked_position(idx, data.len())?;
        fill_at(data, value, std::iter::once(i))
    })?;
    Ok(Reply::normal(""))
}

// ---------------------------------------------------------------------------
// Slices
// ---------------------------------------------------------------------------

pub fn slice_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let entry = ctx.typed_array(args, "array", dtype)?;
    let sl = slice_arg(args, entry.size())?;
    let symbols = &ctx.shared.symbols;
    let out = symbols.new_entry(dtype, vec![sl.len], |n| take(&entry.data, n, |k| sl.at(k)))?;
    Ok(ctx.created(out))
}

pub fn set_slice_value(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, _) = elem_types(ctx)?;
    let name = args.str("array")?;
    let value = scalar_arg(args, dtype)?;
    ctx.shared.symbols.modify(name, |data| {
        check_dtype(name, data.dtype(), dtype, ctx.cmd)?;
        let sl = slice_arg(args, data.len())?;
        fill_at(data, value, sl.positions())
    })?;
    Ok(Reply::normal(""))
}

pub fn set_slice_pdarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (dtype, vtype) = elem_types(ctx)?;
    let vtype = vtype.ok_or_else(|| {
        CommandError::value(format!("cannot read the value type from {}", ctx.cmd))
    })?;
    let name = args.str("array")?;
    let value_name = args.str("value")?;
    let value = ctx.typed_array(args, "value", vtype)?;
    let src = converted(ctx, &value.data, dtype)?;
    ctx.shared.symbols.modify(name, |data| {
        check_dtype(name, data.dtype(), dtype, ctx.cmd)?;
        let sl = slice_arg(args, data.len())?;
        if sl.len != src.data().len() {
            return Err(CommandError::value(format!(
                "size mismatch: the slice has {} elements but {value_name} has {}",
                sl.len,
                src.data().len()
            )));
        }
        scatter(data, src.data(), sl.positions())
    })?;
    Ok(Reply::normal(""))
}

/// Values to store: borrowed when they have the target type, else a
/// converted copy whose memory is reserved while it lives.
enum Source<'a> {
    Same(&'a ArrayData),
    Copy(crate::symbol_table::ArrayEntry),
}

impl Source<'_> {
    fn data(&self) -> &ArrayData {
        match self {
            Source::Same(d) => d,
            Source::Copy(e) => &e.data,
        }
    }
}

fn converted<'a>(ctx: &Ctx, src: &'a ArrayData, to: DType) -> Result<Source<'a>, CommandError> {
    if src.dtype() == to {
        return Ok(Source::Same(src));
    }
    let symbols = &ctx.shared.symbols;
    Ok(Source::Copy(symbols.new_entry(
        to,
        vec![src.len()],
        |_| convert(src, to),
    )?))
}

// ---------------------------------------------------------------------------
// Index arrays
// ---------------------------------------------------------------------------

/// An index argument: integer positions or a bool mask.
enum Index<'a> {
    Signed(&'a [i64]),
    Unsigned(&'a [u64]),
    Mask(&'a [bool]),
}

impl<'a> Index<'a> {
    fn new(name: &str, data: &'a ArrayData) -> Result<Index<'a>, CommandError> {
        match data {
            ArrayData::Int64(v) => Ok(Index::Signed(v)),
            ArrayData::UInt64(v) => Ok(Index::Unsigned(v)),
            ArrayData::Bool(v) => Ok(Index::Mask(v)),
            other => Err(CommandError::Unclassed(format!(
                "TypeError: index array {name} holds {}; arrays used as indices must be of integer (int64, uint64) or boolean type",
                other.dtype().name()
            ))),
        }
    }

    /// Checks every index against an array of `n` elements and returns how
    /// many elements the index selects.
    fn check(&self, n: usize) -> Result<usize, CommandError> {
        match self {
            Index::Signed(v) => {
                let bad = kernels::fold_chunks(v, |c| {
                    c.iter().find(|i| position(**i, n).is_none()).copied()
                });
                match bad.into_iter().flatten().next() {
                    Some(i) => Err(out_of_bounds(i, n)),
                    None => Ok(v.len()),
                }
            }
            Index::Unsigned(v) => {
                let bad = kernels::fold_chunks(v, |c| c.iter().find(|i| **i >= n as u64).copied());
                match bad.into_iter().flatten().next() {
                    Some(i) => Err(out_of_bounds(i, n)),
                    None => Ok(v.len()),
                }
            }
            Index::Mask(m) => {
                if m.len() != n {
                    return Err(CommandError::Unclassed(format!(
                        "IndexError: boolean index did not match indexed array along axis 0; size of axis is {n} but size of corresponding boolean axis is {}",
                        m.len()
                    )));
                }
                Ok(
                    kernels::fold_chunks(m, |c| c.iter().filter(|b| **b).count())
                        .into_iter()
                        .sum(),
                )
            }
        }
    }

    /// The positions selected, in order (after `check`).
    fn positions(&self, n: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        match self {
            Index::Signed(v) => Box::new(v.iter().map(move |i| position(*i, n).unwrap_or(0))),
            Index::Unsigned(v) => Box::new(v.iter().map(|i| *i as usize)),
            Index::Mask(m) => Box::new(m.iter().enumerate().filter(|(_, b)| **b).map(|(p, _)| p)),
        }
    }
}

pub fn pdarray_index(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let entry = symbols.get(args.str("array")?)?;
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let idx = Index::new(idx_name, &idx_entry.data)?;
    let n = entry.size();
    let count = idx.check(n)?;
    let out = symbols.new_entry(entry.dtype(), vec![count], |len| match &idx {
        Index::Signed(v) => take(&entry.data, len, |k| position(v[k], n).unwrap_or(0)),
        Index::Unsigned(v) => take(&entry.data, len, |k| v[k] as usize),
        Index::Mask(m) => compress(&entry.data, m, len),
    })?;
    Ok(ctx.created(out))
}

pub fn set_pdarray_value(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let name = args.str("array")?;
    let dtype = symbols.get(name)?.dtype();
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let idx = Index::new(idx_name, &idx_entry.data)?;
    let value = scalar_arg(args, dtype)?;
    symbols.modify(name, |data| {
        let n = data.len();
        idx.check(n)?;
        fill_at(data, value, idx.positions(n))
    })?;
    Ok(Reply::normal("setPdarrayIndexToValueMsg success"))
}

pub fn set_pdarray_pdarray(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let symbols = &ctx.shared.symbols;
    let name = args.str("array")?;
    let dtype = symbols.get(name)?.dtype();
    let idx_name = args.str("idx")?;
    let idx_entry = symbols.get(idx_name)?;
    let idx = Index::new(idx_name, &idx_entry.data)?;
    let value_name = args.str("value")?;
    let value = symbols.get(value_name)?;
    let src = converted(ctx, &value.data, dtype)?;
    symbols.modify(name, |data| {
        let n = data.len();
        let count = idx.check(n)?;
        if count != src.data().len() {
            return Err(CommandError::value(format!(
                "size mismatch: {idx_name} selects {count} elements but {value_name} has {}",
                src.data().len()
            )));
        }
        scatter(data, src.data(), idx.positions(n))
    })?;
    Ok(Reply::normal("setPdarrayIndexToPdarrayMsg success"))
}
