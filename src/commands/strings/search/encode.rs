//! `encode` / `decode` (both sent as `encode` by the client): strings
//! converted between UTF-8, ASCII, Latin-1, UTF-16 and IDNA, one string
//! per string.

use super::strings_arg;
use crate::commands::Ctx;
use crate::error::CommandError;
use crate::kernels::string::search::codec::{self, Encoding};
use crate::kernels::string::search::emit;
use crate::protocol::{Args, Reply};

pub fn encode(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = |key: &str| -> Result<Encoding, CommandError> {
        let n = args.str(key)?;
        Encoding::from_name(n).ok_or_else(|| {
            CommandError::NotImplemented(format!(
                "encoding {n} is not supported (UTF-8, ASCII, Latin-1, UTF-16 and IDNA are)"
            ))
        })
    };
    let (to, from) = (name("toEncoding")?, name("fromEncoding")?);
    if (to == Encoding::Idna && from != Encoding::Utf8)
        || (from == Encoding::Idna && to != Encoding::Utf8)
    {
        return Err(CommandError::value("IDNA converts only from and to UTF-8"));
    }
    let s = strings_arg(args, ctx, "obj")?;
    let e = emit(s.view(), |x, out| {
        let mut ok = true;
        out.push_with(|b| ok = codec::convert(x, from, to, b));
        ok
    });
    if let Some(i) = e.per_string.iter().position(|ok| !ok) {
        return Err(CommandError::value(format!(
            "string {} cannot be converted from {} to {}",
            ctx.local_range(s.size).start + i,
            args.str("fromEncoding")?,
            args.str("toEncoding")?
        )));
    }
    ctx.created_strings(e.offsets, e.bytes)
}
