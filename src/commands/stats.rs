//! Whole-array statistics: `meanAll`, `varAll` and `stdAll` (`<dtype,1>`;
//! arguments `x`, `skipNan` and, for var and std, `ddof`), replying with a
//! scalar `float64 <value>`; and `allclose<ta,1,tb,1>` (arguments `a`, `b`,
//! `rtol`, `atol`, `equal_nan`), replying `bool True` or `bool False`.
//!
//! The values are NumPy's bit for bit, because the sums are added in NumPy's
//! order: its pairwise summation, with the same split points. A float64
//! array is one pairwise tree; other types are converted to float64 in
//! blocks of 8192 elements (NumPy's buffer size), whose pairwise sums are
//! added in turn. The top of the tree, or the run of blocks, is shared out
//! among threads without changing the order of the additions.
//!
//! The mean of a bool, uint8, or int64/uint64 array whose values are small
//! enough (`n * max|x| < 2^53`) is its exact integer sum over `n`, found in
//! one integer pass: every partial sum NumPy forms is then an integer a
//! float64 holds exactly, so NumPy's result is that one, in any order.
//!
//! var is two-pass, as NumPy's: the mean first, then the sum of squared
//! deviations from it, divided by `max(n - ddof, 0)` (so `ddof >= n` gives
//! inf or NaN, as NumPy does with a warning). An empty array gives NaN.
//! With `skipNan` a float64 array is treated as `np.nanmean`/`np.nanvar`
//! do: NaNs count as zero in the sums and are left out of `n`, and
//! `n - ddof <= 0` gives NaN.
//!
//! With several ranks each rank sums its own block in NumPy's order and the
//! block sums are added in rank order (the mean is known everywhere before
//! the second pass). That groups the additions differently from one NumPy
//! call, so results at more than one rank may differ from NumPy's (and from
//! one another at different rank counts) in the last bits.

use super::{CommandMap, Ctx, Kind};
use crate::commands::reductions::over_ranks;
use crate::commands::symbols::format_real;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::aggregate::{
    Tolerance, all_close, bytes_of, count_true, nan_sum_count, np_sum, sum_bound_i64,
    sum_bound_u64, sum_u8,
};
use crate::kernels::elem::Side;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "StatsMsg";
    for dtype in DType::ALL {
        let t = format!("<{},1>", dtype.name());
        map.add(format!("meanAll{t}"), handler!(mean_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("varAll{t}"), handler!(var_all), Kind::Tracked, M)
            .everywhere();
        map.add(format!("stdAll{t}"), handler!(std_all), Kind::Tracked, M)
            .everywhere();
        for other in DType::ALL {
            let cmd = format!("allclose<{},1,{},1>", dtype.name(), other.name());
            map.add(cmd, handler!(allclose), Kind::Tracked, M)
                .everywhere();
        }
    }
}

/// `np.allclose(a, b, rtol, atol, equal_nan)` of two arrays of one size
/// and any dtypes (bool read as 0 and 1), each rank judging its block.
pub fn allclose(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let (ta, tb) = (ctx.param_type(0)?, ctx.param_type(2)?);
    let a = ctx.typed_array(args, "a", ta)?;
    let b = ctx.typed_array(args, "b", tb)?;
    if a.shape != b.shape {
        return Err(CommandError::value("a and b must have the same shape"));
    }
    let tol = Tolerance {
        rtol: args.real("rtol")?,
        atol: args.real("atol")?,
        equal_nan: args.bool("equal_nan")?,
    };
    let (sa, sb) = (Side::Arr(&a.data), Side::Arr(&b.data));
    let mine = all_close(a.local_len(), &sa, &sb, tol);
    let all = over_ranks(ctx, u8::from(mine), |x, y| x & y)? == 1;
    let text = if all { "True" } else { "False" };
    Ok(Reply::normal(format!("bool {text}")))
}

/// Mean and variance (`ddof` given) or just the mean (`ddof` None).
struct Moments {
    mean: f64,
    var: Option<f64>,
}

/// The sum of every rank's `x`, added in rank order (one rank: `x`).
fn sum_over_ranks(ctx: &Ctx, x: f64) -> Result<f64, CommandError> {
    over_ranks(ctx, x, |a, b| a + b)
}

/// The two passes over the array whose block is `v` (of `n` elements in
/// all), each element read as `f` gives it. The mean is `exact` when the
/// caller knows it (see [`exact_int_sum`]), else each rank sums its block
/// in NumPy's order and the block sums are added in rank order. The second
/// pass sums squared deviations in NumPy's order likewise.
fn moments<T: Copy + Sync>(
    ctx: &Ctx,
    v: &[T],
    n: usize,
    f: impl Fn(T) -> f64 + Sync,
    exact: Option<f64>,
    ddof: Option<f64>,
) -> Result<Moments, CommandError> {
    let n = n as f64;
    let sum = match exact {
        Some(s) => s,
        None => sum_over_ranks(ctx, np_sum(v, &f, true))?,
    };
    let mean = sum / n;
    // The deviations are a float64 array in NumPy, summed as one tree.
    let var = match ddof {
        None => None,
        Some(ddof) => {
            let sq = np_sum(
                v,
                |x| {
                    let d = f(x) - mean;
                    d * d
                },
                false,
            );
            Some(sum_over_ranks(ctx, sq)? / (n - ddof).max(0.0))
        }
    };
    Ok(Moments { mean, var })
}

/// The sum of an integer array as NumPy's float64 mean computes it, when
/// that is the exact sum: the array's `n` elements are all at most `bound`
/// in magnitude and `n * bound < 2^53`, so every element and every partial
/// sum NumPy forms (in any order) is an integer a float64 holds exactly.
/// `sum` is the exact sum (it cannot wrap under that bound). `None` when
/// the bound does not hold: the caller then sums in NumPy's order.
fn exact_int_sum(sum: i128, bound: u64, n: usize) -> Option<f64> {
    // Every |x| is below the next power of two above the OR of them all.
    let below = if bound == 0 {
        0
    } else {
        u128::MAX >> (128 - (64 - bound.leading_zeros()))
    };
    (below * (n as u128) < 1 << 53).then_some(sum as f64)
}

/// The global exact sum of an int64 array whose block is `v`, if
/// [`exact_int_sum`] applies (decided on gathered values, so alike on
/// every rank).
fn exact_i64(ctx: &Ctx, v: &[i64], n: usize) -> Result<Option<f64>, CommandError> {
    let (sum, bound) = sum_bound_i64(v);
    let all = exchange::allgather_vec(ctx.comm, &[sum as u64, bound])?;
    let sum = all.iter().fold(0i64, |a, p| a.wrapping_add(p[0] as i64));
    let bound = all.iter().fold(0, |a, p| a | p[1]);
    Ok(exact_int_sum(sum.into(), bound, n))
}

/// As [`exact_i64`] for uint64.
fn exact_u64(ctx: &Ctx, v: &[u64], n: usize) -> Result<Option<f64>, CommandError> {
    let (sum, bound) = sum_bound_u64(v);
    let all = exchange::allgather_vec(ctx.comm, &[sum, bound])?;
    let sum = all.iter().fold(0u64, |a, p| a.wrapping_add(p[0]));
    let bound = all.iter().fold(0, |a, p| a | p[1]);
    Ok(exact_int_sum(sum.into(), bound, n))
}

/// The global sum of bytes (uint8 or bool) `local` summed on each rank:
/// exact as NumPy's float sum while `255 * n < 2^53`.
fn exact_bytes(ctx: &Ctx, local: u64, n: usize) -> Result<Option<f64>, CommandError> {
    let sum: u64 = exchange::allgather(ctx.comm, local)?.into_iter().sum();
    Ok(exact_int_sum(sum.into(), 255, n))
}

/// `np.nanmean` / `np.nanvar` of a float64 array whose block is `v`.
fn nan_moments(ctx: &Ctx, v: &[f64], ddof: Option<f64>) -> Result<Moments, CommandError> {
    // The sum and the count in one pass; then both added in rank order.
    let (sum, count) = nan_sum_count(v);
    let all = exchange::allgather_vec(ctx.comm, &[sum.to_bits(), count as u64])?;
    let sum = all
        .iter()
        .map(|p| f64::from_bits(p[0]))
        .reduce(|a, b| a + b);
    let count = all.iter().map(|p| p[1]).sum::<u64>() as f64;
    let mean = sum.unwrap_or(0.0) / count;
    let var = match ddof {
        None => None,
        Some(ddof) => {
            let sq = np_sum(
                v,
                |x| {
                    if x.is_nan() {
                        0.0
                    } else {
                        let d = x - mean;
                        d * d
                    }
                },
                false,
            );
            let sq = sum_over_ranks(ctx, sq)?;
            let dof = count - ddof;
            Some(if dof <= 0.0 { f64::NAN } else { sq / dof })
        }
    };
    Ok(Moments { mean, var })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stat {
    Mean,
    Var,
    Std,
}

pub fn mean_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    stat(args, ctx, Stat::Mean)
}
pub fn var_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    stat(args, ctx, Stat::Var)
}
pub fn std_all(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    stat(args, ctx, Stat::Std)
}

fn stat(args: &Args, ctx: &Ctx, which: Stat) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let skip_nan = if args.contains("skipNan") {
        args.bool("skipNan")?
    } else {
        false
    };
    let ddof = match which {
        Stat::Mean => None,
        Stat::Var | Stat::Std => Some(args.real("ddof")?),
    };
    let entry = ctx.typed_array(args, "x", dtype)?;
    let n = entry.size();
    let m = match &entry.data {
        ArrayData::Float64(v) if skip_nan => nan_moments(ctx, v, ddof)?,
        ArrayData::Float64(v) => {
            // One pairwise tree, as NumPy sums a float64 array.
            let sum = sum_over_ranks(ctx, np_sum(v, |x| x, false))?;
            moments(ctx, v, n, |x| x, Some(sum), ddof)?
        }
        ArrayData::Int64(v) => {
            let exact = exact_i64(ctx, v, n)?;
            moments(ctx, v, n, |x| x as f64, exact, ddof)?
        }
        ArrayData::UInt64(v) => {
            let exact = exact_u64(ctx, v, n)?;
            moments(ctx, v, n, |x| x as f64, exact, ddof)?
        }
        ArrayData::UInt8(v) => {
            let exact = exact_bytes(ctx, sum_u8(v), n)?;
            moments(ctx, v, n, f64::from, exact, ddof)?
        }
        ArrayData::Bool(v) => {
            let exact = exact_bytes(ctx, count_true(v), n)?;
            // As bytes: the uint8 loops, which vectorise.
            moments(ctx, bytes_of(v), n, f64::from, exact, ddof)?
        }
    };
    let x = match (which, m.var) {
        (Stat::Var, Some(var)) => var,
        (Stat::Std, Some(var)) => var.sqrt(),
        _ => m.mean,
    };
    Ok(Reply::normal(format!("float64 {}", format_real(x))))
}
