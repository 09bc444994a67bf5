//! Search and transform (`caseChange`, `checkChars`, `segmentedSearch`,
//! `segmentedStrip`, `segmentedSubstring`, `segmentedPeel`,
//! `segmentedFlatten`, and in [`matcher`] the regex commands of the
//! client's `Matcher`/`Match`, in [`encode`] `encode`/`decode`).
//!
//! Every command works on each rank's block of strings alone: a result
//! with one value per string is already in block layout; strings with
//! another count per string are settled by [`Ctx::store_strings`], and
//! their per-piece arrays rebalanced, so replies are the same at any rank
//! count.

pub mod encode;
pub mod matcher;

use crate::commands::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::string::search::case::{self, Change, Class};
use crate::kernels::string::search::edit::{self, Delim, PeelOpts, StripSet};
use crate::kernels::string::search::{each, map, pattern};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, ArrayEntry};

pub fn register(map: &mut CommandMap) {
    const M: &str = "SegmentedMsg";
    let commands = [
        ("caseChange", handler!(case_change), M),
        ("checkChars", handler!(check_chars), M),
        ("segmentedSearch", handler!(search), M),
        ("segmentedStrip", handler!(strip), M),
        ("segmentedSubstring", handler!(substring), M),
        ("segmentedPeel", handler!(peel), M),
        ("segmentedFlatten", handler!(flatten), "FlattenMsg"),
        ("segmentedSplit", handler!(matcher::split), "FlattenMsg"),
        ("segmentedFindLoc", handler!(matcher::find_locations), M),
        ("segmentedFindAll", handler!(matcher::find_all), M),
        ("segmentedSub", handler!(matcher::sub), M),
        ("encode", handler!(encode::encode), "EncodingMsg"),
        ("decode", handler!(encode::encode), "EncodingMsg"),
    ];
    for (name, h, module) in commands {
        map.add(name, h, Kind::Tracked, module).everywhere();
    }
}

/// The strings named by `key` of a command that knows only `Strings` as
/// its `objType` (when the client sends one).
fn strings_arg(
    args: &Args,
    ctx: &Ctx,
    key: &str,
) -> Result<std::sync::Arc<crate::symbol_table::StringsEntry>, CommandError> {
    for k in ["objType", "objtype"] {
        if let Ok(t) = args.str(k)
            && !t.eq_ignore_ascii_case("strings")
        {
            return Err(CommandError::NotImplemented(format!(
                "{} does not handle objType {t}",
                ctx.cmd
            )));
        }
    }
    ctx.strings(args, key)
}

/// A new array of `v` (this rank's block of `size` elements).
fn array(ctx: &Ctx, size: usize, v: ArrayData) -> Result<ArrayEntry, CommandError> {
    ctx.shared.symbols.new_entry(v.dtype(), vec![size], |_| v)
}

/// `lower`, `upper`, `title`, `capitalize`.
pub fn case_change(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let how = match args.str("subcmd")? {
        "toLower" => Change::Lower,
        "toUpper" => Change::Upper,
        "toTitle" => Change::Title,
        "capitalize" => Change::Capitalize,
        other => {
            return Err(CommandError::NotImplemented(format!(
                "caseChange does not know subcmd {other}"
            )));
        }
    };
    let s = strings_arg(args, ctx, "obj")?;
    let (offsets, bytes) = map(s.view(), |x, out| case::change(x, how, out));
    ctx.created_strings(offsets, bytes)
}

/// The `is*` predicates, as a bool array.
pub fn check_chars(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let class = match args.str("subcmd")? {
        "isLower" => Class::Lower,
        "isUpper" => Class::Upper,
        "isTitle" => Class::Title,
        "isalnum" => Class::Alnum,
        "isalpha" => Class::Alpha,
        "isdigit" => Class::Digit,
        "isDecimal" => Class::Decimal,
        "isNumeric" => Class::Numeric,
        "isempty" => Class::Empty,
        "isspace" => Class::Space,
        other => {
            return Err(CommandError::NotImplemented(format!(
                "checkChars does not know subcmd {other}"
            )));
        }
    };
    let s = strings_arg(args, ctx, "obj")?;
    let v = each(s.view(), |x| case::is(x, class));
    Ok(ctx.created(array(ctx, s.size, ArrayData::Bool(v))?))
}

/// Compiles `pattern` once for the command, or the ERROR quoting it.
pub(super) fn regex(pattern: &str) -> Result<regex::bytes::Regex, CommandError> {
    pattern::compile(pattern).map_err(CommandError::Value)
}

/// Whether each string matches pattern `val` somewhere (`contains`,
/// `startswith`, `endswith`: the client makes a pattern of every form).
pub fn search(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let valtype = args.str("valType")?;
    if valtype != "str" {
        return Err(CommandError::NotImplemented(format!(
            "segmentedSearch does not handle valType {valtype}"
        )));
    }
    let pat = args.str("val")?;
    let re = regex(pat)?;
    let s = strings_arg(args, ctx, "obj")?;
    let v = pattern::search(s.view(), &re, pat);
    Ok(ctx.created(array(ctx, s.size, ArrayData::Bool(v))?))
}

/// `strip(chars)`: leading and trailing characters of `chars` (whitespace
/// when empty) removed.
pub fn strip(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let set = StripSet::new(args.str("chars")?);
    let s = strings_arg(args, ctx, "name")?;
    let (offsets, bytes) = map(s.view(), |x, out| out.extend_from_slice(set.strip(x)));
    ctx.created_strings(offsets, bytes)
}

/// `get_prefixes` / `get_suffixes`: the first or last `nChars` characters
/// of the strings long enough, and (`returnOrigins`) which strings were.
pub fn substring(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = args.int("nChars")?;
    let suffix = match args.str("kind")? {
        "prefixes" => false,
        "suffixes" => true,
        other => {
            return Err(CommandError::value(format!(
                "segmentedSubstring kind must be prefixes or suffixes, not {other}"
            )));
        }
    };
    let n = usize::try_from(n)
        .map_err(|_| CommandError::value(format!("nChars must not be negative, not {n}")))?;
    let proper = args.bool("proper")?;
    let origins = args.bool("returnOrigins")?;
    let s = strings_arg(args, ctx, "name")?;
    let e = edit::fixes(s.view(), n, suffix, proper);
    let msg = ctx.store_strings(e.offsets, e.bytes)?;
    if !origins {
        return Ok(Reply::normal(msg));
    }
    let long = ctx.store(array(ctx, s.size, ArrayData::Bool(e.per_string))?);
    Ok(Reply::normal(format!("{msg}+{long}")))
}

/// `peel` / `rpeel`: each string cut in two at its `times`th delimiter.
pub fn peel(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let subcmd = args.str("subcmd")?;
    let valtype = args.str("valType")?;
    if subcmd != "peel" || valtype != "str" {
        return Err(CommandError::NotImplemented(format!(
            "segmentedPeel does not handle subcmd {subcmd} with valType {valtype}"
        )));
    }
    let times = args.int("times")?;
    let times = usize::try_from(times)
        .ok()
        .filter(|&t| t >= 1)
        .ok_or_else(|| CommandError::value(format!("times must be >= 1, not {times}")))?;
    let opts = PeelOpts {
        times,
        include_delimiter: args.bool("id")?,
        keep_partial: args.bool("keepPartial")?,
        from_left: args.bool("lStr")?,
    };
    let delim = args.str("delim")?;
    let re = if args.bool("regex")? {
        let re = regex(delim)?;
        if re.is_match(b"") {
            return Err(CommandError::value(format!(
                "cannot peel with pattern '{delim}', which matches the empty string"
            )));
        }
        Some(re)
    } else {
        None
    };
    let s = strings_arg(args, ctx, "obj")?;
    let d = match &re {
        Some(re) => Delim::Regex(re),
        None => Delim::Literal(delim.as_bytes()),
    };
    let ((lo, lb), (ro, rb)) = edit::peel(s.view(), &d, opts);
    let left = ctx.store_strings(lo, lb)?;
    let right = ctx.store_strings(ro, rb)?;
    Ok(Reply::normal(format!("{left}+{right}")))
}

/// `split(delimiter)` without `regex`: every string cut at each
/// (non-overlapping) occurrence of `delim`, the pieces as strings, and
/// (`return_segs`) where each string's pieces start. With `regex` the
/// pattern splits as `segmentedSplit` does.
pub fn flatten(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let delim = args.str("delim")?;
    let segs = args.bool("return_segs")?;
    let re = if args.bool("regex")? {
        Some(regex(delim)?)
    } else {
        None
    };
    if delim.is_empty() {
        return Err(CommandError::value("Cannot flatten with empty delimiter"));
    }
    let s = strings_arg(args, ctx, "values")?;
    let d = match &re {
        Some(re) => Delim::Regex(re),
        None => Delim::Literal(delim.as_bytes()),
    };
    let e = edit::split(s.view(), &d, 0);
    pieces_reply(ctx, s.size, e, segs)
}

/// The reply of a split: the pieces, then (`segs`) for each string the
/// global index of its first piece.
pub(super) fn pieces_reply(
    ctx: &Ctx,
    size: usize,
    e: crate::kernels::string::search::Emitted<i64>,
    segs: bool,
) -> Result<Reply, CommandError> {
    let local: i64 = e.per_string.iter().sum();
    let msg = ctx.store_strings(e.offsets, e.bytes)?;
    if !segs {
        return Ok(Reply::normal(msg));
    }
    let (before, _) = exchange::exscan_sum(ctx.comm, local as u64)?;
    let starts = running_starts(&e.per_string, before as i64);
    let seg = ctx.store(array(ctx, size, ArrayData::Int64(starts))?);
    Ok(Reply::normal(format!("{msg}+{seg}")))
}

/// Exclusive running sums of `counts`, from `first`.
pub(super) fn running_starts(counts: &[i64], first: i64) -> Vec<i64> {
    let mut at = first;
    counts
        .iter()
        .map(|&c| {
            let s = at;
            at += c;
            s
        })
        .collect()
}
