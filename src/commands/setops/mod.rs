//! Uniqueness and set operations on whole arrays.
//!
//! * `unique` (`keynames`, `keytypes`, `nstr`, `returnGroupStr`,
//!   `assumeSortedStr`): what `ak.unique` and `GroupBy` send. The keys are
//!   grouped by sorting their rows; the reply is `created <indices>` (index of
//!   each group's first row, groups in sorted order) or, with groups,
//!   `created <permutation>+created <segments>+created <indices>`.
//! * `transmuteFloat` (`name`): float64 bits as uint64, the grouping key the
//!   client makes of float arrays before `unique`.
//! * `uniqueValues`, `uniqueCounts`, `uniqueInverse`, `uniqueAll`
//!   (`<dtype,1>`, `name`): the array API's `unique_*`; several results come
//!   back as a JSON list of `created ...` texts (`uniqueAll`: values, first
//!   indices, inverse, counts).
//! * `in1d` (`pda1`, `pda2`, `invert`): NumPy's `isin`, comparing values in
//!   NumPy's common type of the two dtypes (int64 with uint64 exactly).
//! * `union1d`, `intersect1d`, `setdiff1d`, `setxor1d` (`arg1`, `arg2`,
//!   `assume_unique`): NumPy's algorithms, for two arrays of one dtype.
//!
//! With several ranks the commands run on every rank (`setops/dist.rs`),
//! giving the one-rank results element for element.
//!
//! Equality is NumPy's: `-0.0 == 0.0`. `unique` keeps one NaN (NumPy's
//! `equal_nan`), while membership and the set operations never match a NaN.

mod dist;

pub(crate) use dist::unique_of_keys;

use super::sorting::{
    Domain, gather, key_arrays, keys_in, new_array, new_block, same_kind, scratch, sort_data,
    sort_keys, sort_scratch, store,
};
use super::{CommandMap, Ctx, Kind};
use crate::commands::concatenate::concat;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::ord::{NAN_KEY, Scatter, coargsort_keys, key_i64, sorted_items};
use crate::kernels::{self, select};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    for dtype in DType::ALL {
        let t = format!("<{},1>", dtype.name());
        map.add(
            format!("uniqueValues{t}"),
            handler!(unique_values),
            Kind::Tracked,
            "SetMsg",
        )
        .everywhere();
        map.add(
            format!("uniqueCounts{t}"),
            handler!(unique_counts),
            Kind::Tracked,
            "SetMsg",
        )
        .everywhere();
        map.add(
            format!("uniqueInverse{t}"),
            handler!(unique_inverse),
            Kind::Tracked,
            "SetMsg",
        )
        .everywhere();
        map.add(
            format!("uniqueAll{t}"),
            handler!(unique_all),
            Kind::Tracked,
            "SetMsg",
        )
        .everywhere();
    }
    map.add("unique", handler!(unique), Kind::Tracked, "UniqueMsg")
        .everywhere();
    map.add(
        "transmuteFloat",
        handler!(transmute_float),
        Kind::Tracked,
        "CastMsg",
    )
    .everywhere();
    map.add("in1d", handler!(in1d), Kind::Tracked, "In1dMsg")
        .everywhere();
    for (name, h) in [
        ("union1d", handler!(union1d)),
        ("intersect1d", handler!(intersect1d)),
        ("setdiff1d", handler!(setdiff1d)),
        ("setxor1d", handler!(setxor1d)),
    ] {
        map.add(name, h, Kind::Tracked, "ArraySetopsMsg")
            .everywhere();
    }
}

// ---------------------------------------------------------------------------
// Kernels
// ---------------------------------------------------------------------------

/// Positions `i` of `0..n` that start a run: `0` and every `i` where
/// `differs(i)` (element `i` differs from element `i - 1`).
fn run_starts(n: usize, differs: impl Fn(usize) -> bool + Sync) -> Vec<usize> {
    kernels::map_ranges(n, |r| {
        r.filter(|&i| i == 0 || differs(i)).collect::<Vec<usize>>()
    })
    .concat()
}

/// The sorted groups of equal values of one array.
struct Groups {
    /// `(key, index)` stably sorted.
    items: Vec<(u64, i64)>,
    /// Where each group starts in `items`.
    starts: Vec<usize>,
}

impl Groups {
    fn of(data: &ArrayData) -> Groups {
        let items = sorted_items(&sort_keys(data));
        let starts = run_starts(items.len(), |i| items[i].0 != items[i - 1].0);
        Groups { items, starts }
    }
    /// Index of the first occurrence of each value, in sorted order.
    fn first_indices(&self) -> Vec<i64> {
        self.starts.iter().map(|s| self.items[*s].1).collect()
    }
    fn counts(&self) -> Vec<i64> {
        let n = self.items.len();
        let ends = self.starts.iter().skip(1).copied().chain([n]);
        self.starts
            .iter()
            .zip(ends)
            .map(|(s, e)| (e - s) as i64)
            .collect()
    }
    /// For each element, the number of its group.
    fn inverse(&self) -> Vec<i64> {
        let n = self.items.len();
        let mut inv: Vec<i64> = Vec::with_capacity(n);
        let out = Scatter::new(&mut inv);
        kernels::map_ranges(n, |r| {
            let mut group = self.starts.partition_point(|s| *s <= r.start) as i64 - 1;
            for i in r {
                if self.starts.get((group + 1) as usize) == Some(&i) {
                    group += 1;
                }
                // SAFETY: items' indices are a permutation of 0..n, so every
                // position is written exactly once, within capacity n.
                unsafe { out.write(self.items[i].1 as usize, group) };
            }
        });
        // SAFETY: all n positions were written above.
        unsafe { inv.set_len(n) };
        inv
    }
}

/// NumPy's `unique`: sorted values, each once (the first occurrence).
fn unique_sorted(data: &ArrayData) -> ArrayData {
    gather(data, &Groups::of(data).first_indices())
}

/// Whether each element of `a` is in `b` (not, with `invert`), comparing
/// values in NumPy's common type, except that int64 and uint64 compare as
/// exact integers (as NumPy's `isin` does) rather than as float64.
fn member(a: &ArrayData, b: &ArrayData, invert: bool) -> Vec<bool> {
    let (probes, space, nan) = member_keys(a, b);
    kernels::member::member(&probes, &space, nan.then_some(NAN_KEY), invert)
}

/// The keys `member` compares: `a`'s (the probes), `b`'s (the space), and
/// whether NaN keys stand for NaN (never found).
fn member_keys(a: &ArrayData, b: &ArrayData) -> (Vec<u64>, Vec<u64>, bool) {
    match (a, b) {
        (ArrayData::Int64(_), ArrayData::UInt64(v)) => {
            let fits = v.iter().filter(|x| i64::try_from(**x).is_ok());
            let space = fits.map(|x| key_i64(*x as i64)).collect();
            (keys_in(a, Domain::Int), space, false)
        }
        (ArrayData::UInt64(_), ArrayData::Int64(v)) => {
            let space = v.iter().filter(|x| **x >= 0).map(|x| *x as u64).collect();
            (keys_in(a, Domain::UInt), space, false)
        }
        _ => {
            let dom = Domain::common(a.dtype(), b.dtype());
            (keys_in(a, dom), keys_in(b, dom), dom == Domain::Float)
        }
    }
}

/// The elements of `data` where `mask` is true, over the shorter of the
/// two (the masks of equal neighbours are one shorter than the data).
fn filter(data: &ArrayData, mask: &[bool]) -> ArrayData {
    let n = mask.len().min(data.len());
    let mask = select::Mask::new(&mask[..n]);
    same_kind!(data, v => select::filter(&v[..n], &mask))
}

/// Whether sorted neighbours `i` and `i + 1` are equal values (never for NaN).
fn equal_neighbours(sorted: &ArrayData) -> Vec<bool> {
    let keys = sort_keys(sorted);
    let nan = sorted.dtype() == DType::Float64;
    (1..keys.len())
        .map(|i| keys[i] == keys[i - 1] && !(nan && keys[i] == NAN_KEY))
        .collect()
}

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

pub fn unique(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    if super::strings::order::names_strings(args, "keytypes") {
        return super::strings::order::unique(args, ctx);
    }
    let return_groups = args.bool("returnGroupStr")?;
    let assume_sorted = args.bool("assumeSortedStr")?;
    let entries = key_arrays(args, ctx, "keynames", "keytypes")?;
    let n = entries[0].size();
    let local = entries[0].local_len();
    let _scratch = scratch(
        ctx,
        sort_scratch(local).saturating_add((local * 8 * entries.len()) as u64),
    )?;
    if ctx.ranks() > 1 {
        return dist::unique(ctx, &entries, return_groups, assume_sorted);
    }
    let keys: Vec<Vec<u64>> = entries.iter().map(|e| sort_keys(&e.data)).collect();
    let perm: Vec<i64> = if assume_sorted {
        (0..n as i64).collect()
    } else {
        coargsort_keys(&keys)
    };
    let starts = run_starts(n, |i| {
        let (p, q) = (perm[i] as usize, perm[i - 1] as usize);
        keys.iter().any(|k| k[p] != k[q])
    });
    drop(keys);
    let firsts: Vec<i64> = starts.iter().map(|s| perm[*s]).collect();
    let firsts = new_array(ctx, ArrayData::Int64(firsts))?;
    if !return_groups {
        return Ok(Reply::normal(store(ctx, firsts)));
    }
    let segments: Vec<i64> = starts.iter().map(|s| *s as i64).collect();
    let perm = new_array(ctx, ArrayData::Int64(perm))?;
    let segments = new_array(ctx, ArrayData::Int64(segments))?;
    let msg = [perm, segments, firsts]
        .into_iter()
        .map(|e| store(ctx, e))
        .collect::<Vec<_>>()
        .join("+");
    Ok(Reply::normal(msg))
}

pub fn transmute_float(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("name")?;
    let entry = ctx.typed_array(args, "name", DType::Float64)?;
    let ArrayData::Float64(v) = &entry.data else {
        return Err(CommandError::value(format!("{name} does not hold float64")));
    };
    let out = ctx
        .shared
        .symbols
        .new_entry(DType::UInt64, entry.shape.clone(), |_| {
            ArrayData::UInt64(kernels::map(v, f64::to_bits))
        })?;
    Ok(ctx.created(out))
}

/// What the `unique*` commands return, in their reply order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Values,
    Indices,
    Inverse,
    Counts,
}

fn unique_parts(args: &Args, ctx: &Ctx, parts: &[Part]) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "name", dtype)?;
    let _scratch = scratch(ctx, sort_scratch(entry.local_len()))?;
    let msgs = if ctx.ranks() > 1 {
        dist::unique_parts(ctx, &entry, parts)?
    } else {
        unique_parts_here(ctx, &entry.data, parts)?
    };
    if msgs.len() == 1 {
        return Ok(Reply::normal(msgs.concat()));
    }
    let list = serde_json::to_string(&msgs)
        .map_err(|e| CommandError::value(format!("cannot encode the reply: {e}")))?;
    Ok(Reply::normal(list))
}

/// The `unique*` results with one rank, stored; their `created` texts.
fn unique_parts_here(
    ctx: &Ctx,
    data: &ArrayData,
    parts: &[Part],
) -> Result<Vec<String>, CommandError> {
    let groups = Groups::of(data);
    let entries = parts
        .iter()
        .map(|part| {
            let data = match part {
                Part::Values => gather(data, &groups.first_indices()),
                Part::Indices => ArrayData::Int64(groups.first_indices()),
                Part::Inverse => ArrayData::Int64(groups.inverse()),
                Part::Counts => ArrayData::Int64(groups.counts()),
            };
            new_array(ctx, data)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(entries.into_iter().map(|e| store(ctx, e)).collect())
}

pub fn unique_values(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    unique_parts(args, ctx, &[Part::Values])
}
pub fn unique_counts(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    unique_parts(args, ctx, &[Part::Values, Part::Counts])
}
pub fn unique_inverse(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    unique_parts(args, ctx, &[Part::Values, Part::Inverse])
}
pub fn unique_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    unique_parts(
        args,
        ctx,
        &[Part::Values, Part::Indices, Part::Inverse, Part::Counts],
    )
}

pub fn in1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let a = ctx.shared.symbols.get(args.str("pda1")?)?;
    let b = ctx.shared.symbols.get(args.str("pda2")?)?;
    let invert = args.bool("invert")?;
    // Keys of both, then a bitset (at most a byte per key of both, over all
    // ranks, and its 128 KiB floor) or a hash set (up to 32 bytes a key of b).
    let keys = (a.local_len() + b.local_len()) * 8;
    let table = a.size() + b.size() + (kernels::member::TABLE_FLOOR / 8) as usize;
    let hash = b.local_len() * 32;
    let _scratch = scratch(ctx, (keys + table.max(hash)) as u64)?;
    if ctx.ranks() > 1 {
        let found = dist::member(ctx, &a.data, &b.data, invert)?;
        return Ok(ctx.created(new_block(ctx, a.size(), ArrayData::Bool(found))?));
    }
    let out = ctx
        .shared
        .symbols
        .new_entry(DType::Bool, vec![a.size()], |_| {
            ArrayData::Bool(member(&a.data, &b.data, invert))
        })?;
    Ok(ctx.created(out))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Intersect,
    Diff,
    Xor,
}

fn setop(args: &Args, ctx: &Ctx, op: SetOp) -> Result<Reply, CommandError> {
    let a = ctx.shared.symbols.get(args.str("arg1")?)?;
    let b = ctx.shared.symbols.get(args.str("arg2")?)?;
    if a.dtype() != b.dtype() {
        return Err(CommandError::value(format!(
            "{} needs two arrays of one dtype, not {} and {}",
            ctx.cmd,
            a.dtype().name(),
            b.dtype().name()
        )));
    }
    // union1d takes no such argument.
    let assume_unique = op != SetOp::Union && args.bool("assume_unique")?;
    let n = a.local_len() + b.local_len();
    let _scratch = scratch(
        ctx,
        sort_scratch(n).saturating_add((2 * n * a.dtype().itemsize()) as u64),
    )?;
    if ctx.ranks() > 1 {
        return dist::setop(ctx, &a, &b, op, assume_unique);
    }
    let uniq = |d: &ArrayData| {
        if assume_unique {
            d.clone()
        } else {
            unique_sorted(d)
        }
    };
    let result = match op {
        SetOp::Union => unique_sorted(&concat(&[&a.data, &b.data])?),
        SetOp::Intersect => {
            let aux = sort_data(&concat(&[&uniq(&a.data), &uniq(&b.data)])?);
            let mask = equal_neighbours(&aux);
            filter(&aux, &mask)
        }
        SetOp::Diff => {
            let a1 = uniq(&a.data);
            let keep = member(&a1, &uniq(&b.data), true);
            filter(&a1, &keep)
        }
        SetOp::Xor => {
            let aux = sort_data(&concat(&[&uniq(&a.data), &uniq(&b.data)])?);
            // An element stays when it equals neither neighbour.
            let eq = equal_neighbours(&aux);
            let mask: Vec<bool> = (0..aux.len())
                .map(|i| {
                    let like_previous = i > 0 && eq[i - 1];
                    let like_next = eq.get(i).copied().unwrap_or(false);
                    !(like_previous || like_next)
                })
                .collect();
            filter(&aux, &mask)
        }
    };
    let out = new_array(ctx, result)?;
    Ok(ctx.created(out))
}

pub fn union1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    setop(args, ctx, SetOp::Union)
}
pub fn intersect1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    setop(args, ctx, SetOp::Intersect)
}
pub fn setdiff1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    setop(args, ctx, SetOp::Diff)
}
pub fn setxor1d(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    setop(args, ctx, SetOp::Xor)
}
