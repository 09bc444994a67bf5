//! Whole-array statistics: `meanAll`, `varAll` and `stdAll` (`<dtype,1>`;
//! arguments `x`, `skipNan` and, for var and std, `ddof`), replying with a
//! scalar `float64 <value>`.
//!
//! The values are NumPy's bit for bit, because the sums are added in NumPy's
//! order: its pairwise summation, with the same split points. A float64
//! array is one pairwise tree; other types are converted to float64 in
//! blocks of 8192 elements (NumPy's buffer size), whose pairwise sums are
//! added in turn. The top of the tree, or the run of blocks, is shared out
//! among threads without changing the order of the additions.
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
use crate::commands::symbols::format_real;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::aggregate::np_sum;
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
    }
}

/// Mean and variance (`ddof` given) or just the mean (`ddof` None).
struct Moments {
    mean: f64,
    var: Option<f64>,
}

/// The sum of every rank's `x`, added in rank order (one rank: `x`).
fn sum_over_ranks(ctx: &Ctx, x: f64) -> Result<f64, CommandError> {
    let all = exchange::allgather(ctx.comm, x)?;
    Ok(all.into_iter().reduce(|a, b| a + b).unwrap_or(x))
}

/// The two passes over the array whose block is `v` (of `n` elements in
/// all), each element read as `f` gives it. Each pass sums the block in
/// NumPy's order, then adds the block sums in rank order.
fn moments<T: Copy + Sync>(
    ctx: &Ctx,
    v: &[T],
    n: usize,
    f: impl Fn(T) -> f64 + Sync,
    blocked: bool,
    ddof: Option<f64>,
) -> Result<Moments, CommandError> {
    let n = n as f64;
    let mean = sum_over_ranks(ctx, np_sum(v, &f, blocked))? / n;
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

/// `np.nanmean` / `np.nanvar` of a float64 array whose block is `v`.
fn nan_moments(ctx: &Ctx, v: &[f64], ddof: Option<f64>) -> Result<Moments, CommandError> {
    let zeroed = |x: f64| if x.is_nan() { 0.0 } else { x };
    let count = crate::kernels::fold_chunks(v, |c| c.iter().filter(|x| !x.is_nan()).count())
        .into_iter()
        .sum::<usize>() as u64;
    let count = exchange::allgather(ctx.comm, count)?
        .into_iter()
        .sum::<u64>() as f64;
    let mean = sum_over_ranks(ctx, np_sum(v, zeroed, false))? / count;
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
        ArrayData::Float64(v) => moments(ctx, v, n, |x| x, false, ddof)?,
        ArrayData::Int64(v) => moments(ctx, v, n, |x| x as f64, true, ddof)?,
        ArrayData::UInt64(v) => moments(ctx, v, n, |x| x as f64, true, ddof)?,
        ArrayData::UInt8(v) => moments(ctx, v, n, f64::from, true, ddof)?,
        ArrayData::Bool(v) => moments(ctx, v, n, |x| f64::from(u8::from(x)), true, ddof)?,
    };
    let x = match (which, m.var) {
        (Stat::Var, Some(var)) => var,
        (Stat::Std, Some(var)) => var.sqrt(),
        _ => m.mean,
    };
    Ok(Reply::normal(format!("float64 {}", format_real(x))))
}
