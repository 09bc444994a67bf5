//! Segmented strings (Arkouda's `Strings`): one module per family of the
//! client's string commands. Every command runs on every rank; a rank holds
//! whole strings (see [`crate::symbol_table::StringsEntry`]), so the
//! per-string kernels need no exchange, and the commands whose output has
//! another count per rank end with [`Ctx::created_strings`], which moves
//! whole strings into block layout.

pub mod combine;
pub mod index;
pub mod search;
pub mod transfer;

use super::{CommandMap, Kind};
use crate::handler;

pub fn register(map: &mut CommandMap) {
    const M: &str = "SegmentedMsg";
    map.add(
        "arraySegString<uint8>",
        handler!(transfer::array_seg_string),
        Kind::Tracked,
        "GenSymIO",
    )
    .everywhere();
    map.add(
        "segStr-tondarray",
        handler!(transfer::tondarray),
        Kind::Tracked,
        M,
    )
    .binary()
    .everywhere();
    map.add(
        "segStr-assemble",
        handler!(transfer::assemble),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add(
        "getSegStringProperty",
        handler!(transfer::property),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add(
        "segmentLengths",
        handler!(transfer::lengths),
        Kind::Tracked,
        M,
    )
    .everywhere();
    combine::register(map);
    index::register(map);
    search::register(map);
}
