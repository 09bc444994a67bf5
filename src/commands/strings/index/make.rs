//! New strings from nothing: `randomStrings` (`ak.random_strings_uniform`,
//! `ak.random_strings_lognormal`) and `segmentedFull` (`ak.full` with a
//! string). Each rank makes its own block; nothing moves.

use crate::commands::Ctx;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels::string::build;
use crate::kernels::string::index::random::{self, Charset, Lengths};
use crate::memory::Reservation;
use crate::protocol::args::parse_int;
use crate::protocol::{Args, Reply};

/// A count: an integer, or a JSON list of one integer (a rank-1 shape).
fn count(args: &Args, key: &str) -> Result<usize, CommandError> {
    let val = args.str(key)?;
    let n = match parse_int(val) {
        Some(n) => n,
        None => match args.int_list(key)?[..] {
            [n] => n,
            _ => {
                return Err(CommandError::value(format!(
                    "{key} {val} is not one length"
                )));
            }
        },
    };
    usize::try_from(n).map_err(|_| CommandError::value(format!("{key} {n} is negative")))
}

/// Holds `bytes` of the memory limit while a block is built, so that an
/// impossible size fails with the limit's error instead of an abort; the
/// stored strings take their own reservation afterwards.
fn hold(ctx: &Ctx, bytes: u64) -> Result<Reservation, CommandError> {
    Ok(ctx.shared.symbols.memory().reserve(bytes)?)
}

/// The stream key: from the seed, or rank 0's draw sent to every rank.
fn key(args: &Args, ctx: &Ctx) -> Result<u64, CommandError> {
    let seed = args.str("seed")?;
    if seed.trim() != "None" {
        return Ok(random::key_of_seed(args.int("seed")?));
    }
    let mine: u64 = if ctx.comm.rank() == 0 {
        rand::random()
    } else {
        0
    };
    let got = exchange::bcast_bytes(ctx.comm, 0, mine.to_le_bytes().to_vec())?;
    let got: [u8; 8] = got
        .try_into()
        .map_err(|_| CommandError::value("a stream key is 8 bytes"))?;
    Ok(u64::from_le_bytes(got))
}

/// `size` strings whose lengths follow `dist` (`uniform`: `arg1 <= len <
/// arg2`; `lognormal`: `arg1`, `arg2` the mean and deviation of the log)
/// and whose characters are drawn from `chars`.
pub fn random_strings(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = count(args, "size")?;
    let dist = match args.str("dist")?.to_ascii_lowercase().as_str() {
        "uniform" => {
            let (min, max) = (args.int("arg1")?, args.int("arg2")?);
            if min < 0 || max <= min {
                return Err(CommandError::value(format!(
                    "Incompatible arguments: minlen {min} must be at least 0 and below maxlen {max}"
                )));
            }
            Lengths::Uniform {
                min: min as u64,
                max: max as u64,
            }
        }
        "lognormal" => {
            let (mean, std) = (args.real("arg1")?, args.real("arg2")?);
            if !(mean.is_finite() && std > 0.0 && std.is_finite()) {
                return Err(CommandError::value(format!(
                    "Incompatible arguments: logmean {mean} must be finite and logstd {std} finite and above 0"
                )));
            }
            Lengths::LogNormal { mean, std }
        }
        other => {
            return Err(CommandError::NotImplemented(format!(
                "randomStrings does not know distribution {other}"
            )));
        }
    };
    let chars = Charset::named(args.str("chars")?);
    let key = key(args, ctx)?;
    let here = ctx.local_range(n);
    let held = hold(ctx, (here.len() as u64).saturating_mul(16))?;
    let lens = random::lengths(key, dist, here.start, here.len());
    let held_bytes = hold(ctx, lens.iter().fold(0u64, |a, &l| a.saturating_add(l)))?;
    let (offsets, bytes) = random::strings(key, chars, here.start, lens);
    // The new entry takes its own reservation.
    drop((held, held_bytes));
    ctx.created_strings(offsets, bytes)
}

/// `size` copies of `fill_value`.
pub fn full(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = count(args, "size")?;
    let value = args.str("fill_value")?.as_bytes();
    if let Some(at) = value.iter().position(|&b| b == 0) {
        return Err(CommandError::value(format!(
            "the fill value has a NUL at byte {at}; strings end at their NUL"
        )));
    }
    let here = ctx.local_range(n);
    let each = value.len() as u64 + 1;
    let held = hold(
        ctx,
        (here.len() as u64).saturating_mul(each.saturating_add(8)),
    )?;
    let (offsets, bytes) = build(vec![each; here.len()], |_, dst| dst.copy_from_slice(value));
    drop(held);
    ctx.created_strings(offsets, bytes)
}
