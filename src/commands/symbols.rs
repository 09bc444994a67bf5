//! Symbol-table queries and housekeeping: info, str, repr, delete, clear.

use std::fmt::Write;

use super::indexing::moves;
use super::{CommandMap, Ctx, Kind};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::reply::json_string;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, Entry};

pub fn register(map: &mut CommandMap) {
    const M: &str = "MsgProcessing";
    // Every rank runs them: the table must change on all ranks alike, and
    // `str`/`repr` fetch the elements they print from the ranks holding them.
    map.add("info", handler!(info), Kind::Tracked, M)
        .everywhere();
    map.add("str", handler!(str_), Kind::Tracked, M)
        .everywhere();
    map.add("repr", handler!(repr), Kind::Tracked, M)
        .everywhere();
    map.add("delete", handler!(delete), Kind::Tracked, M)
        .everywhere();
    map.add("clear", handler!(clear), Kind::Tracked, M)
        .everywhere();
}

/// `names` is `__AllSymbols__`, `__RegisteredSymbols__` (none are registered
/// on this server) or the JSON text of a list of names.
pub fn info(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let names = args.str("names")?;
    let entries = match names {
        "__AllSymbols__" => ctx.shared.symbols.snapshot_all(),
        "__RegisteredSymbols__" => Vec::new(),
        _ => args
            .str_list("names")?
            .into_iter()
            .map(|n| ctx.shared.symbols.get_any(&n).map(|e| (n, e)))
            .collect::<Result<_, _>>()?,
    };
    let items: Vec<String> = entries.iter().map(|(n, e)| info_entry(n, e)).collect();
    Ok(Reply::normal(format!("[{}]", items.join(","))))
}

fn info_entry(name: &str, e: &Entry) -> String {
    let (dtype, size, ndim, shape, itemsize) = match e {
        Entry::Array(a) => {
            let d = a.dtype();
            (
                d.name(),
                a.size(),
                a.shape.len(),
                a.shape_text(),
                d.itemsize(),
            )
        }
        // Strings are described by their offsets, as the original does.
        Entry::Strings(s) => ("str", s.size, 1, format!("[{}]", s.size), 8),
    };
    format!(
        "{{\"name\":{}, \"dtype\":\"{dtype}\", \"size\":{size}, \"ndim\":{ndim}, \"shape\":{shape}, \"itemsize\":{itemsize}, \"registered\":false}}",
        json_string(name),
    )
}

pub fn str_(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    printed(args, ctx, "[", "]", Style::Str)
}

pub fn repr(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    printed(args, ctx, "array([", "])", Style::Repr)
}

/// The elements `render` prints, fetched from the ranks holding them.
fn printed(
    args: &Args,
    ctx: &Ctx,
    prefix: &str,
    suffix: &str,
    style: Style,
) -> Result<Reply, CommandError> {
    let entry = match ctx.shared.symbols.get_any(args.str("array")?)? {
        Entry::Array(a) => a,
        // The client prints strings itself, element by element.
        Entry::Strings(s) => {
            return Ok(Reply::normal(match style {
                Style::Str => format!("[DType: Strings, itemsize: 8, size: {}]", s.size),
                Style::Repr => "Unhandled type SegStringSymEntry".to_string(),
            }));
        }
    };
    let thresh = args.int("printThresh")?;
    if ctx.ranks() == 1 {
        return Ok(Reply::normal(render(
            &entry.data,
            thresh,
            prefix,
            suffix,
            style,
        )));
    }
    let n = entry.size();
    let picks = picks(n, thresh);
    let wanted: Vec<u64> = picks.iter().flatten().map(|i| *i as u64).collect();
    let few = moves::fetch(ctx, &entry.data, n, &wanted)?;
    Ok(Reply::normal(render_picked(
        &few, &picks, prefix, suffix, style,
    )))
}

pub fn delete(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("name")?;
    ctx.shared.symbols.remove(name)?;
    Ok(Reply::normal(format!("deleted {name}")))
}

pub fn clear(_: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    ctx.shared.symbols.clear();
    Ok(Reply::normal("success"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Floats as Chapel writes them, 6 significant digits (`str`).
    Str,
    /// Floats with 17 decimals (`repr`).
    Repr,
}

/// All elements if there are at most max(`thresh`, 6), else the first three,
/// `...` and the last three.
pub fn render(data: &ArrayData, thresh: i64, prefix: &str, suffix: &str, style: Style) -> String {
    let picks = picks(data.len(), thresh);
    let shown: Vec<usize> = picks.iter().flatten().copied().collect();
    let few = if shown.len() == data.len() {
        std::borrow::Cow::Borrowed(data)
    } else {
        std::borrow::Cow::Owned(
            crate::commands::sorting::same_kind!(data, v => shown.iter().map(|i| v[*i]).collect()),
        )
    };
    render_picked(&few, &picks, prefix, suffix, style)
}

/// The positions [`render`] prints of `n` elements (`None` for `...`).
fn picks(n: usize, thresh: i64) -> Vec<Option<usize>> {
    let all = n as i64 <= thresh.max(6);
    if all {
        (0..n).map(Some).collect()
    } else {
        vec![
            Some(0),
            Some(1),
            Some(2),
            None,
            Some(n - 3),
            Some(n - 2),
            Some(n - 1),
        ]
    }
}

/// Prints `picks`, `few` holding the picked elements in order.
fn render_picked(
    few: &ArrayData,
    picks: &[Option<usize>],
    prefix: &str,
    suffix: &str,
    style: Style,
) -> String {
    let mut out = String::from(prefix);
    let mut next = 0;
    for (k, pick) in picks.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        match pick {
            None => out.push_str("..."),
            Some(_) => {
                element(&mut out, few, next, style);
                next += 1;
            }
        }
    }
    out.push_str(suffix);
    out
}

fn element(out: &mut String, data: &ArrayData, i: usize, style: Style) {
    let _ = match data {
        ArrayData::Int64(v) => write!(out, "{}", v[i]),
        ArrayData::UInt64(v) => write!(out, "{}", v[i]),
        ArrayData::UInt8(v) => write!(out, "{}", v[i]),
        ArrayData::Bool(v) => write!(out, "{}", if v[i] { "True" } else { "False" }),
        ArrayData::Float64(v) => {
            out.push_str(&match style {
                Style::Str => format_real6(v[i]),
                Style::Repr => format_real17(v[i]),
            });
            Ok(())
        }
    };
}

/// Shortest round-trip form with Chapel's spellings: `1.0`, `0.1`, `1e+20`,
/// `nan`, `inf`.
pub fn format_real(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{x:?}");
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{mantissa}{}", exponent(exp)),
        None => s,
    }
}

/// The original's `%?` of a real (what `str`, and so `print(a)`, shows):
/// C's `%g`, 6 significant digits, exponent form below 1e-4 and from 1e6,
/// and `.0` after a whole number in fixed form (`0.526316`, `10.0`,
/// `1.23457e+06`).
pub fn format_real6(x: f64) -> String {
    if !x.is_finite() {
        return format_real(x);
    }
    // The exponent after rounding to 6 digits decides the form, as in C.
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp's exponent is an integer");
    let trim = |t: &str| t.trim_end_matches('0').trim_end_matches('.').to_string();
    if !(-4..6).contains(&exp) {
        return format!("{}{}", trim(mantissa), exponent(&exp.to_string()));
    }
    let fixed = trim(&format!("{x:.*}", (5 - exp) as usize));
    if fixed.contains('.') {
        fixed
    } else {
        fixed + ".0"
    }
}

/// The original's `%.17r` (what `repr` prints, as Arkouda's docstrings show
/// it): whole numbers with 17 zeros after the point (`16.00000000000000000`),
/// other values with 17 significant digits less trailing zeros (`0.5`,
/// `0.33333333333333331`, `5.196152422706632`), in exponent form outside
/// `1e-4..1e17` like C's `%g`.
pub fn format_real17(x: f64) -> String {
    if !x.is_finite() {
        return format_real(x);
    }
    let sci = format!("{x:.16e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let e: i32 = exp.parse().expect("decimal exponent");
    let whole = x.fract() == 0.0;
    if whole && e < 17 {
        return format!("{x:.17}");
    }
    if whole {
        return format!("{x:.17e}").replace(&format!("e{e}"), &exponent(exp));
    }
    let trim = |s: &str| s.trim_end_matches('0').trim_end_matches('.').to_string();
    if (-4..17).contains(&e) {
        trim(&format!("{x:.*}", (16 - e) as usize))
    } else {
        format!("{}{}", trim(mantissa), exponent(exp))
    }
}

/// `e20` → `e+20`, `e-7` → `e-07`.
fn exponent(exp: &str) -> String {
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("e{sign}{digits:0>2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering() {
        let d = ArrayData::Int64((0..100).collect());
        assert_eq!(render(&d, 100, "[", "]", Style::Str).len(), 291);
        assert_eq!(render(&d, 10, "[", "]", Style::Str), "[0 1 2 ... 97 98 99]");
        let b = ArrayData::Bool(vec![true, false]);
        assert_eq!(
            render(&b, 100, "array([", "])", Style::Repr),
            "array([True False])"
        );
        let f = ArrayData::Float64(vec![1.0, 0.5]);
        assert_eq!(render(&f, 100, "[", "]", Style::Str), "[1.0 0.5]");
        // Arkouda's test_str_repr (np.linspace(0, 10, 20)) and C's %g.
        for (x, text) in [
            (10.0 / 19.0, "0.526316"),
            (20.0 / 19.0, "1.05263"),
            (170.0 / 19.0, "8.94737"),
            (10.0, "10.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.1, "1.1"),
            (123456.0, "123456.0"),
            (999999.5, "1e+06"),
            (1234567.0, "1.23457e+06"),
            (1e20, "1e+20"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (-2.5e-300, "-2.5e-300"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(format_real6(x), text, "{x:e}");
        }
        assert_eq!(
            render(&f, 100, "array([", "])", Style::Repr),
            "array([1.00000000000000000 0.5])"
        );
        assert_eq!(format_real(1e20), "1e+20");
        assert_eq!(format_real(1.5e-7), "1.5e-07");
        assert_eq!(format_real(f64::NAN), "nan");
        assert_eq!(format_real17(1e20), "1.00000000000000000e+20");
        // Values from Arkouda's docstrings.
        for (x, text) in [
            (16.0, "16.00000000000000000"),
            (0.0, "0.00000000000000000"),
            (-1.0, "-1.00000000000000000"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.33333333333333331"),
            (2.0 / 3.0, "0.66666666666666663"),
            (27f64.sqrt(), "5.196152422706632"),
            (7.0 * std::f64::consts::PI, "21.991148575128552"),
            (std::f64::consts::PI, "3.1415926535897931"),
            (10f64.powf(1.0 / 3.0), "2.1544346900318838"),
        ] {
            assert_eq!(format_real17(x), text, "{x:e}");
        }
        assert_eq!(format_real17(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(format_real17(-0.0), "-0.00000000000000000");
    }
}
