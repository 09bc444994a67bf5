//! What the server does for `ak.Categorical` beyond Strings and GroupBy
//! (which build it): `categoricalHash`, each element's 128-bit hash as the
//! hash of its category, so that a Categorical hashes as its strings do.

use crate::commands::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels::string::order;
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    map.add(
        "categoricalHash",
        handler!(categorical_hash),
        Kind::Tracked,
        "HashMsg",
    )
    .everywhere();
}

/// Args `objType` (Categorical), `categories` (Strings), `codes` (int64,
/// each a category's position). Reply: JSON `{"upperHash": "created ...",
/// "lowerHash": "created ..."}`, two uint64 arrays of the codes' size.
pub fn categorical_hash(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let obj_type = args.str("objType")?;
    if !obj_type.eq_ignore_ascii_case("categorical") {
        return Err(CommandError::NotImplemented(format!(
            "categoricalHash of {obj_type} objects is not supported"
        )));
    }
    let categories = ctx.strings(args, "categories")?;
    let codes = ctx.typed_array(args, "codes", DType::Int64)?;
    let ArrayData::Int64(c) = &codes.data else {
        unreachable!("type checked above");
    };
    let n = categories.size;
    if let Some(bad) = c.iter().find(|&&k| k < 0 || k as u64 >= n as u64) {
        return Err(CommandError::value(format!(
            "code {bad} is not the position of one of the {n} categories"
        )));
    }
    let (hi, lo) = order::hash128(categories.view());
    let idx: Vec<u64> = c.iter().map(|&k| k as u64).collect();
    let block = ctx.block(n);
    let (hi, lo) = (
        exchange::fetch(ctx.comm, &block, &hi, &idx)?,
        exchange::fetch(ctx.comm, &block, &lo, &idx)?,
    );
    let symbols = &ctx.shared.symbols;
    let new = |v| symbols.new_entry(DType::UInt64, codes.shape.clone(), |_| ArrayData::UInt64(v));
    let (hi, lo) = (new(hi)?, new(lo)?);
    let (hi, lo) = (ctx.store(hi), ctx.store(lo));
    Ok(Reply::normal(format!(
        "{{\"upperHash\":{}, \"lowerHash\":{}}}",
        crate::protocol::reply::json_string(&hi),
        crate::protocol::reply::json_string(&lo)
    )))
}
