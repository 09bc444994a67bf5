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

use std::thread;

use super::{CommandMap, Ctx, Kind};
use crate::commands::symbols::format_real;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::threads_for;
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

/// NumPy's `PW_BLOCKSIZE`: pieces up to this size are summed with eight
/// accumulators instead of being split further.
const PW_BLOCK: usize = 128;
/// NumPy's default ufunc buffer size, in elements.
const BUFSIZE: usize = 8192;

/// NumPy's `pairwise_sum` of `f` over `v`.
fn pairwise<T: Copy>(v: &[T], f: &impl Fn(T) -> f64) -> f64 {
    let n = v.len();
    if n < 8 {
        v.iter().fold(0.0, |acc, x| acc + f(*x))
    } else if n <= PW_BLOCK {
        let mut r = [0.0; 8];
        for (r, x) in r.iter_mut().zip(v) {
            *r = f(*x);
        }
        let whole = n - n % 8;
        for c in v[8..whole].chunks_exact(8) {
            for (r, x) in r.iter_mut().zip(c) {
                *r += f(*x);
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for x in &v[whole..] {
            res += f(*x);
        }
        res
    } else {
        let (a, b) = v.split_at(pairwise_split(n));
        pairwise(a, f) + pairwise(b, f)
    }
}

/// Where NumPy splits `n > PW_BLOCK` elements: half, down to a multiple of 8.
fn pairwise_split(n: usize) -> usize {
    let half = n / 2;
    half - half % 8
}

fn join<R>(h: thread::ScopedJoinHandle<'_, R>) -> R {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// `pairwise` with the top `log2(threads)` splits run on separate threads.
fn pairwise_par<T: Copy + Sync>(v: &[T], f: &(impl Fn(T) -> f64 + Sync), threads: usize) -> f64 {
    if threads < 2 || v.len() <= PW_BLOCK {
        return pairwise(v, f);
    }
    let (a, b) = v.split_at(pairwise_split(v.len()));
    thread::scope(|s| {
        let left = s.spawn(|| pairwise_par(a, f, threads / 2));
        let right = pairwise_par(b, f, threads - threads / 2);
        join(left) + right
    })
}

/// `np.sum` of `f` over `v` with a float64 accumulator: one pairwise tree
/// when `v` is float64 already (`blocked == false`), else the sums of
/// 8192-element blocks added in order, as NumPy's buffered casting loop does.
pub(crate) fn np_sum<T: Copy + Sync>(v: &[T], f: impl Fn(T) -> f64 + Sync, blocked: bool) -> f64 {
    let threads = threads_for(v.len());
    if !blocked {
        // NumPy starts from the identity, which turns a -0.0 sum into 0.0.
        return 0.0 + pairwise_par(v, &f, threads);
    }
    if v.is_empty() {
        return 0.0;
    }
    let per = v.len().div_ceil(threads).next_multiple_of(BUFSIZE);
    let block_sums: Vec<Vec<f64>> = thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = v
            .chunks(per)
            .map(|part| s.spawn(move || part.chunks(BUFSIZE).map(|b| pairwise(b, f)).collect()))
            .collect();
        handles.into_iter().map(join).collect()
    });
    block_sums.into_iter().flatten().fold(0.0, |acc, s| acc + s)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairwise tree must not depend on how many threads share it.
    #[test]
    fn threads_do_not_change_sums() {
        let v: Vec<f64> = (0..100_003)
            .map(|i| ((i * 7919) % 1013) as f64 / 3.0)
            .collect();
        let one = pairwise(&v, &|x| x);
        for t in 2..6 {
            assert_eq!(pairwise_par(&v, &|x| x, t).to_bits(), one.to_bits());
        }
    }
}
