//! `castToStrings<T>` (`ak.cast(pda, str)`, `pda.astype(str)`) and
//! `castStringsTo<T>` (`ak.cast(strings, T, errors)`); the texts are those
//! of [`crate::kernels::string::index::cast`].

use crate::commands::Ctx;
use crate::dist::exchange;
use crate::error::CommandError;
use crate::kernels;
use crate::kernels::string::index::cast::{self as k, first_bad, parse_all, print_all};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

/// The text of every number, as the client's `Strings.from_parts` wants
/// it: `created <offsets>+created <bytes>`, an int64 array of where each
/// string starts and a uint8 array of all the bytes (each string
/// NUL-terminated), both block-distributed like any array.
pub fn to_strings(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let entry = ctx.typed_array(args, "name", dtype)?;
    if entry.shape.len() != 1 {
        return Err(CommandError::value(format!(
            "cannot cast a {}-dimensional array to strings",
            entry.shape.len()
        )));
    }
    let (offsets, bytes) = match &entry.data {
        ArrayData::Int64(v) => print_all(v, |x, out, _| k::push_i64(x, out)),
        ArrayData::UInt64(v) => print_all(v, |x, out, _| k::push_u64(x, out)),
        ArrayData::UInt8(v) => print_all(v, |x, out, _| k::push_u64(x.into(), out)),
        ArrayData::Float64(v) => print_all(v, k::push_f64),
        ArrayData::Bool(v) => print_all(v, |x, out, _| k::push_bool(x, out)),
    };
    let (before, nbytes) = exchange::exscan_sum(ctx.comm, bytes.len() as u64)?;
    let offsets: Vec<i64> = kernels::map(&offsets, |o| (o + before) as i64);
    let bytes = exchange::rebalance(ctx.comm, bytes)?;
    let symbols = &ctx.shared.symbols;
    let n = entry.size();
    let offsets = symbols.new_entry(DType::Int64, vec![n], |_| ArrayData::Int64(offsets))?;
    let bytes = symbols.new_entry(DType::UInt8, vec![nbytes as usize], |_| {
        ArrayData::UInt8(bytes)
    })?;
    Ok(Reply::normal(format!(
        "{}+{}",
        ctx.store(offsets),
        ctx.store(bytes)
    )))
}

/// What to do with a string that does not read as a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Errors {
    /// Fail, naming the first such string.
    Strict,
    /// Put the type's stand-in (NaN, -2**63, 0, False).
    Ignore,
    /// As `Ignore`, and return a bool array of which strings read.
    ReturnValidity,
}

/// Every string read as a number of the command's type; `opt` is the
/// client's `errors` mode (`strict`, `ignore`, `return_validity`).
pub fn strings_to(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let opt = args.str("opt")?;
    let errors = match opt.to_ascii_lowercase().as_str() {
        "strict" => Errors::Strict,
        "ignore" => Errors::Ignore,
        "return_validity" => Errors::ReturnValidity,
        _ => {
            return Err(CommandError::value(format!(
                "unknown errors mode {opt}: strict, ignore or return_validity"
            )));
        }
    };
    let s = ctx.strings(args, "name")?;
    let view = s.view();
    let (data, valid) = match dtype {
        DType::Int64 => read(view, k::parse_i64, i64::MIN, errors, ArrayData::Int64),
        DType::UInt64 => read(view, k::parse_u64, 0, errors, ArrayData::UInt64),
        DType::UInt8 => read(view, k::parse_u8, 0, errors, ArrayData::UInt8),
        DType::Float64 => read(view, k::parse_f64, f64::NAN, errors, ArrayData::Float64),
        DType::Bool => read(view, k::parse_bool, false, errors, ArrayData::Bool),
    }
    .map_err(|bad| {
        let start = ctx.local_range(s.size).start;
        CommandError::value(format!(
            "could not convert string {} ({}) to {}",
            start + bad,
            kernels::string::index::quoted(view.get(bad)),
            dtype.name()
        ))
    })?;
    let symbols = &ctx.shared.symbols;
    let values = ctx.store(symbols.new_entry(dtype, vec![s.size], |_| data)?);
    let reply = match valid {
        Some(v) => {
            let valid = symbols.new_entry(DType::Bool, vec![s.size], |_| ArrayData::Bool(v))?;
            format!("{values}+{}", ctx.store(valid))
        }
        None => values,
    };
    Ok(Reply::normal(reply))
}

/// The values (and, for `ReturnValidity`, which strings read); with
/// `Strict`, the local index of the first string that does not read.
fn read<T: kernels::Plain + Send + Sync>(
    view: kernels::string::Strs,
    parse: impl Fn(&[u8]) -> Option<T> + Sync,
    fallback: T,
    errors: Errors,
    wrap: fn(Vec<T>) -> ArrayData,
) -> Result<(ArrayData, Option<Vec<bool>>), usize> {
    if errors == Errors::Strict
        && let Some(bad) = first_bad(view, &parse)
    {
        return Err(bad);
    }
    let (vals, ok) = parse_all(view, parse, fallback);
    let ok = (errors == Errors::ReturnValidity).then_some(ok);
    Ok((wrap(vals), ok))
}
