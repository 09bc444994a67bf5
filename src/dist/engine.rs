//! Running one command on every rank, all or nothing.
//!
//! Rank 0 receives the request, posts it to the other ranks as a [`Job`]
//! and runs the handler on its own blocks; every other rank runs the same
//! handler on its blocks. Handlers meet only through `ctx.comm`. At the end
//! all ranks agree: the new arrays a handler made are stored on every rank
//! when it succeeded on every rank, and dropped everywhere (name counter
//! put back) when it failed on any, so the ranks' tables never drift apart.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Single, exchange};
use crate::commands::{Command, Ctx, Handler, Scope};
use crate::error::CommandError;
use crate::protocol::{Args, Reply};

/// A command as rank 0 posts it to the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Run {
        cmd: String,
        user: String,
        /// The request's `args` text and parameter count, parsed again there.
        args: String,
        size: i64,
    },
    /// Leave the loop and finalize.
    Stop,
}

impl Job {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Job::Stop => out.push(0),
            Job::Run {
                cmd,
                user,
                args,
                size,
            } => {
                out.push(1);
                out.extend_from_slice(&size.to_le_bytes());
                for s in [cmd, user, args] {
                    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
                    out.extend_from_slice(s.as_bytes());
                }
            }
        }
        out
    }

    pub fn decode(b: &[u8]) -> Option<Job> {
        match b.first()? {
            0 => Some(Job::Stop),
            1 => {
                let size = i64::from_le_bytes(b.get(1..9)?.try_into().ok()?);
                let mut at = 9;
                let mut text = || -> Option<String> {
                    let n = u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?) as usize;
                    let s = std::str::from_utf8(b.get(at + 8..at + 8 + n)?).ok()?;
                    at += 8 + n;
                    Some(s.to_string())
                };
                let (cmd, user, args) = (text()?, text()?, text()?);
                Some(Job::Run {
                    cmd,
                    user,
                    args,
                    size,
                })
            }
            _ => None,
        }
    }
}

/// Rank 0: runs `command` as its scope says. `job` is only built when other
/// ranks need it.
pub fn lead(
    ctx: &Ctx,
    command: &Command,
    args: &Args,
    job: impl FnOnce() -> Job,
) -> Result<Reply, CommandError> {
    let cluster = &ctx.shared.cluster;
    match command.scope {
        // Alone: a collective here would wait for ranks that never come.
        Scope::Rank0 => guarded(command.handler, args, &ctx.with_comm(&Single::default())),
        Scope::OneRank if cluster.ranks() > 1 => Err(CommandError::NotImplemented(format!(
            "{} does not run on {} locales yet",
            ctx.cmd,
            cluster.ranks()
        ))),
        _ => {
            let _lead = cluster.lead();
            if cluster.ranks() > 1 {
                cluster.comm().post(&job().encode());
            }
            run(ctx, command.handler, args)
        }
    }
}

/// Every rank: the handler, then the agreement, then store or drop what it
/// made. Returns the agreed outcome (rank 0's reply on success).
pub fn run(ctx: &Ctx, handler: Handler, args: &Args) -> Result<Reply, CommandError> {
    let comm = ctx.comm;
    let symbols = &ctx.shared.symbols;
    comm.begin();
    let counter = symbols.counter();
    let outcome = guarded(handler, args, ctx);
    let outcome = match outcome {
        // A handler that swallowed a failed collective still failed.
        Ok(reply) if !comm.failed() => comm.agree(Ok(())).map(|()| reply),
        Ok(_) => Err(CommandError::Value(
            "a collective failed on another locale".into(),
        )),
        Err(e) if comm.failed() => Err(e),
        Err(e) => comm.agree(Err(&e)).and(Err(e)),
    };
    match &outcome {
        Ok(_) => ctx.commit(),
        Err(_) => {
            ctx.discard();
            symbols.reset_counter(counter);
        }
    }
    if comm.size() > 1 {
        // Every rank is past the agreement, so this exchange always runs.
        comm.begin();
        if let Ok(m) = exchange::allgather(comm, ctx.shared.memory_used()) {
            ctx.shared.cluster.set_memory(m);
        }
    }
    outcome
}

/// The handler, with a panic turned into an error.
fn guarded(handler: Handler, args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    match catch_unwind(AssertUnwindSafe(|| handler(args, ctx))) {
        Ok(r) => r,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            Err(CommandError::Panicked(why))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip() {
        let j = Job::Run {
            cmd: "create<int64,1>".into(),
            user: "ü".into(),
            args: "[\"{}\"]".into(),
            size: 2,
        };
        assert_eq!(Job::decode(&j.encode()), Some(j));
        assert_eq!(Job::decode(&Job::Stop.encode()), Some(Job::Stop));
        assert_eq!(Job::decode(&[7]), None);
        assert_eq!(Job::decode(&[1, 0]), None);
    }
}
