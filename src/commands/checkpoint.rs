//! `save_checkpoint` and `load_checkpoint` (spec §8.1, §8.3); the work is in
//! [`crate::checkpoint`].

use super::{CommandMap, Ctx, Kind};
use crate::checkpoint::{self, CkptError, Mode};
use crate::error::CommandError;
use crate::handler;
use crate::protocol::{Args, Reply};

pub fn register(map: &mut CommandMap) {
    const M: &str = "CheckpointMsg";
    map.add(
        "save_checkpoint",
        handler!(save_checkpoint),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add(
        "load_checkpoint",
        handler!(load_checkpoint),
        Kind::Tracked,
        M,
    )
    .everywhere();
}

/// An argument the client always sends, with the client's default otherwise.
fn arg_or<'a>(args: &'a Args, key: &str, default: &'a str) -> Result<&'a str, CommandError> {
    if args.contains(key) {
        args.str(key)
    } else {
        Ok(default)
    }
}

/// Args `path` (default `.akdata`), `name` (default: the server id), `mode`
/// (default `overwrite`); replies with the checkpoint's name. Every locale
/// writes its blocks; the checkpoint appears once all have.
pub fn save_checkpoint(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let path = arg_or(args, "path", ".akdata")?;
    let name = arg_or(args, "name", "")?;
    let mode_text = arg_or(args, "mode", "overwrite")?;
    // The original treats unknown modes as overwrite; refusing is safer.
    let mode = Mode::parse(mode_text).ok_or_else(|| {
        CommandError::value(format!(
            "invalid checkpointing mode \"{mode_text}\"; allowed modes are: \"overwrite\", \"error\", \"preserve_previous\""
        ))
    })?;
    checkpoint::save(ctx.shared, ctx.comm, path, name, mode)
        .map(|report| Reply::normal(report.name))
        .map_err(CkptError::into_command_error)
}

/// Args `name`, `path` (default `.akdata`); replies with the name. Every
/// locale reads its blocks, whatever the locale count of the save.
pub fn load_checkpoint(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("name")?;
    let path = arg_or(args, "path", ".akdata")?;
    checkpoint::load(ctx.shared, ctx.comm, path, name)
        .map(Reply::normal)
        .map_err(CkptError::into_command_error)
}
