//! The command map and the handlers, one file per command family.
//!
//! A handler is a plain function `fn(&Args, &Ctx) -> Result<Reply, CommandError>`;
//! it never sees a socket. The daemon loop owns timing, logging, metrics,
//! activity tracking and turning errors into replies.

pub mod arrays;
pub mod binops;
pub mod cast;
pub mod checkpoint;
pub mod clientlog;
pub mod comm_diagnostics;
pub mod concatenate;
pub mod conditional;
pub mod config;
pub mod creation;
pub mod diff;
pub mod elementwise;
pub mod extrema;
pub mod files;
pub mod groupby;
pub mod histogram;
pub mod indexing;
pub mod manipulation;
pub mod memory;
pub mod metrics;
pub mod operands;
pub mod random;
pub mod reductions;
pub mod scan;
pub mod session;
pub mod setops;
pub mod sorting;
pub mod stats;
pub mod status;
pub mod strings;
pub mod symbols;
pub mod testing;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::dist::{Block, Comm};
use crate::error::CommandError;
use crate::protocol::{Args, Reply};
use crate::state::Shared;
use crate::symbol_table::{ArrayData, ArrayEntry, DType, Deferred, StringsEntry};

pub type Handler = fn(&Args, &Ctx) -> Result<Reply, CommandError>;

/// What a handler may know about its request and the server.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    pub cmd: &'a str,
    pub user: &'a str,
    pub commands: &'a CommandMap,
    /// Port of the daemon handling the request (for `connect` texts).
    pub port: u16,
    /// `server`, `metrics server` or `status server` (for `connect` texts).
    pub server_kind: &'static str,
    /// The other ranks (a no-op with one process). Handlers meet the other
    /// ranks only through it, via [`crate::dist::exchange`].
    pub comm: &'a dyn Comm,
    /// Arrays made by this command, stored only once every rank has
    /// succeeded (see [`crate::dist::engine`]).
    staged: RefCell<Vec<(String, Staged)>>,
}

/// A new array waiting for the command to succeed everywhere.
enum Staged {
    Ready(ArrayEntry),
    Deferred(Deferred),
    Strings(StringsEntry),
}

impl<'a> Ctx<'a> {
    pub fn new(
        shared: &'a Shared,
        cmd: &'a str,
        user: &'a str,
        commands: &'a CommandMap,
        comm: &'a dyn Comm,
    ) -> Self {
        Ctx {
            shared,
            cmd,
            user,
            commands,
            port: shared.config.server_port,
            server_kind: "server",
            comm,
            staged: RefCell::new(Vec::new()),
        }
    }

    /// The same request seen through another communicator.
    pub(crate) fn with_comm<'b>(&'b self, comm: &'b dyn Comm) -> Ctx<'b> {
        let mut ctx = Ctx::new(self.shared, self.cmd, self.user, self.commands, comm);
        ctx.port = self.port;
        ctx.server_kind = self.server_kind;
        ctx
    }

    /// How many ranks hold arrays.
    pub fn ranks(&self) -> usize {
        self.comm.size()
    }

    /// The block distribution of a global length `n`.
    pub fn block(&self, n: usize) -> Block {
        Block::new(n, self.comm.size())
    }

    /// This rank's global index range of a global length `n`.
    pub fn local_range(&self, n: usize) -> std::ops::Range<usize> {
        self.block(n).range(self.comm.rank())
    }

    /// Changes an array in place once every rank has got this far without an
    /// error, so that a failure on one rank cannot leave the others changed.
    /// Checks that may fail on one rank only belong before this call.
    pub fn modify(
        &self,
        name: &str,
        change: impl FnOnce(&mut ArrayData) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        self.comm.agree(Ok(()))?;
        self.shared.symbols.modify(name, change)
    }

    /// Stores what the command made (it succeeded on every rank).
    pub(crate) fn commit(&self) {
        let symbols = &self.shared.symbols;
        for (name, staged) in self.staged.borrow_mut().drain(..) {
            match staged {
                Staged::Ready(e) => symbols.insert(name, e),
                Staged::Deferred(d) => symbols.insert_deferred(name, d),
                Staged::Strings(s) => symbols.insert_strings(name, s),
            }
        }
    }

    /// Drops what the command made (it failed on some rank).
    pub(crate) fn discard(&self) {
        self.staged.borrow_mut().clear();
    }

    /// The array named by argument `key`, which must hold `dtype` (the type
    /// the command's name was built for).
    pub fn typed_array(
        &self,
        args: &Args,
        key: &str,
        dtype: DType,
    ) -> Result<Arc<ArrayEntry>, CommandError> {
        let name = args.str(key)?;
        let entry = self.shared.symbols.get(name)?;
        check_dtype(name, entry.dtype(), dtype, self.cmd)?;
        Ok(entry)
    }

    /// Stores a new array under a fresh name once the command has succeeded
    /// on every rank; the reply is `created ...`.
    pub fn created(&self, entry: ArrayEntry) -> Reply {
        Reply::normal(self.store(entry))
    }
    /// [`created`](Self::created)'s text, for replies naming several arrays.
    pub fn store(&self, entry: ArrayEntry) -> String {
        let (dtype, shape) = (entry.dtype(), entry.shape.clone());
        crate::symbol_table::created_msg(&self.store_named(entry), dtype, &shape)
    }
    /// As [`store`](Self::store), for replies of another shape: the name.
    pub fn store_named(&self, entry: ArrayEntry) -> String {
        let name = self.shared.symbols.next_name();
        self.staged
            .borrow_mut()
            .push((name.clone(), Staged::Ready(entry)));
        name
    }
    /// The strings named by argument `key`.
    pub fn strings(&self, args: &Args, key: &str) -> Result<Arc<StringsEntry>, CommandError> {
        self.shared.symbols.get_strings(args.str(key)?)
    }

    /// Collective: takes this rank's piece of new strings (pieces in rank
    /// order make the whole), puts it in block layout and stores it once the
    /// command succeeds everywhere; the reply is the strings' `created ...`.
    pub fn created_strings(
        &self,
        offsets: Vec<u64>,
        bytes: Vec<u8>,
    ) -> Result<Reply, CommandError> {
        Ok(Reply::normal(self.store_strings(offsets, bytes)?))
    }
    /// [`created_strings`](Self::created_strings)'s text, for replies naming
    /// several entries.
    pub fn store_strings(&self, offsets: Vec<u64>, bytes: Vec<u8>) -> Result<String, CommandError> {
        let s = crate::dist::strings::settle(self.comm, offsets, bytes)?;
        let entry = self
            .shared
            .symbols
            .new_strings(s.offsets, s.bytes, s.size, s.nbytes)?;
        let name = self.shared.symbols.next_name();
        let msg = entry.created_msg(&name);
        self.staged
            .borrow_mut()
            .push((name, Staged::Strings(entry)));
        Ok(msg)
    }

    /// Stores a deferred array under a fresh name; the reply is the one
    /// [`created`](Self::created) gives for the computed array.
    pub fn created_deferred(&self, deferred: Deferred) -> Reply {
        let name = self.shared.symbols.next_name();
        let msg = deferred.created_msg(&name);
        self.staged
            .borrow_mut()
            .push((name, Staged::Deferred(deferred)));
        Reply::normal(msg)
    }

    /// The element type at template position `i` of the command name
    /// (`binopvv<int64,float64,1>` has float64 at 1).
    pub fn param_type(&self, i: usize) -> Result<DType, CommandError> {
        self.type_params()
            .get(i)
            .and_then(|d| DType::from_name(d))
            .ok_or_else(|| {
                CommandError::value(format!("cannot read the element type from {}", self.cmd))
            })
    }

    /// The template parameters of a typed command name: `create<float64,1>`
    /// gives `["float64", "1"]`.
    pub fn type_params(&self) -> Vec<&str> {
        self.cmd
            .split_once('<')
            .and_then(|(_, rest)| rest.strip_suffix('>'))
            .map(|p| p.split(',').map(str::trim).collect())
            .unwrap_or_default()
    }
}

/// Fails when array `name` holds `actual` but `cmd` was built for `expected`.
pub fn check_dtype(
    name: &str,
    actual: DType,
    expected: DType,
    cmd: &str,
) -> Result<(), CommandError> {
    if actual == expected {
        return Ok(());
    }
    Err(CommandError::value(format!(
        "{name} holds {} but {cmd} was called",
        actual.name()
    )))
}

/// Rank-1 arrays have axis 0 (or -1).
pub fn check_axis(args: &Args) -> Result<(), CommandError> {
    let axis = args.int("axis")?;
    if axis == 0 || axis == -1 {
        Ok(())
    } else {
        Err(CommandError::value(format!(
            "axis {axis} is out of bounds for array of dimension 1"
        )))
    }
}

/// How the daemon treats a command around its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Answered at once: does not end an idle period or take the activity
    /// guard (connect, ruok, sleep, ...).
    Special,
    /// Ends the idle period and runs under the activity guard.
    Tracked,
}

/// Where a command runs when the server has several ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// On rank 0 alone: it is about the server process (connect, getconfig,
    /// memory figures gathered after each command, ...).
    Rank0,
    /// On every rank, each on its own blocks, meeting through `ctx.comm`.
    Everywhere,
    /// Written for one process only: refused with several ranks.
    OneRank,
}

pub struct Command {
    pub handler: Handler,
    pub kind: Kind,
    pub scope: Scope,
    /// Shown by `getCmdMap` (`sleep` and `note` are not, as in the original).
    pub listed: bool,
    /// Success is a raw binary frame, so errors must be `Error: ...` frames.
    pub binary_reply: bool,
    /// Module name for `--saveUsedModules`.
    pub module: &'static str,
    /// The handler's path, shown as the value in `getCmdMap`.
    pub signature: &'static str,
}

impl Command {
    pub fn hidden(&mut self) -> &mut Self {
        self.listed = false;
        self
    }
    pub fn binary(&mut self) -> &mut Self {
        self.binary_reply = true;
        self
    }
    /// Runs on every rank (the handler is written for blocks).
    pub fn everywhere(&mut self) -> &mut Self {
        self.scope = Scope::Everywhere;
        self
    }
}

#[derive(Default)]
pub struct CommandMap {
    map: HashMap<String, Command>,
}

/// `handler!(session::connect)` pairs a handler with its printable path.
#[macro_export]
macro_rules! handler {
    ($f:path) => {
        ($f as $crate::commands::Handler, stringify!($f))
    };
}

impl CommandMap {
    /// Registers `name`; a second registration of a name keeps the first.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        (handler, signature): (Handler, &'static str),
        kind: Kind,
        module: &'static str,
    ) -> &mut Command {
        let name = name.into();
        if self.map.contains_key(&name) {
            log::warn!("Command '{name}' already registered. Ignoring registration from {module}");
        }
        // Special commands never touch arrays; the rest are for one process
        // until marked otherwise.
        let scope = match kind {
            Kind::Special => Scope::Rank0,
            Kind::Tracked => Scope::OneRank,
        };
        self.map.entry(name).or_insert(Command {
            handler,
            kind,
            scope,
            listed: true,
            binary_reply: false,
            module,
            signature,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Command> {
        self.map.get(name)
    }

    /// Marks every registered name whose prefix (before `<`) is in `names`.
    pub fn set_scope(&mut self, names: &[&str], scope: Scope) {
        for (k, c) in self.map.iter_mut() {
            let base = k.split('<').next().unwrap_or(k);
            if names.contains(&base) {
                c.scope = scope;
            }
        }
    }

    /// Listed names, sorted, with their signatures.
    pub fn listed(&self) -> Vec<(&str, &'static str)> {
        let mut v: Vec<_> = self
            .map
            .iter()
            .filter(|(_, c)| c.listed)
            .map(|(k, c)| (k.as_str(), c.signature))
            .collect();
        v.sort();
        v
    }

    /// The command daemon's map: every daemon-layer command and the arrays.
    pub fn for_command_daemon(shared: &Shared) -> CommandMap {
        let mut map = CommandMap::default();
        session::register(&mut map);
        config::register(&mut map);
        memory::register(&mut map);
        symbols::register(&mut map);
        files::register(&mut map);
        clientlog::register(&mut map);
        metrics::register(&mut map);
        status::register(&mut map);
        arrays::register(&mut map);
        creation::register(&mut map);
        binops::register(&mut map);
        reductions::register(&mut map);
        stats::register(&mut map);
        strings::register(&mut map);
        scan::register(&mut map);
        diff::register(&mut map);
        indexing::register(&mut map);
        cast::register(&mut map);
        checkpoint::register(&mut map);
        sorting::register(&mut map);
        setops::register(&mut map);
        concatenate::register(&mut map);
        extrema::register(&mut map);
        groupby::register(&mut map);
        histogram::register(&mut map);
        random::register(&mut map);
        elementwise::register(&mut map);
        conditional::register(&mut map);
        manipulation::register(&mut map);
        comm_diagnostics::register(&mut map);
        if shared.config.test_commands {
            testing::register(&mut map);
        }
        // About the server process: answered by rank 0 from what it knows of
        // every rank.
        map.set_scope(
            &[
                "getconfig",
                "getRegistrationConfig",
                "getCmdMap",
                "getmemused",
                "getavailmem",
                "lsany",
                "getfiletype",
                "deleteMatchingFilenames",
                "globExpansion",
                "clientlog",
                "metrics",
            ],
            Scope::Rank0,
        );
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::machine::Machine;

    /// Every command either runs on every rank or is about rank 0's process:
    /// none is left that a multi-locale server would have to refuse.
    #[test]
    fn every_command_has_a_multi_locale_scope() {
        let mut config = Config::defaults();
        config.test_commands = true;
        let shared = Shared::new(config, Machine::detect(), None);
        let map = CommandMap::for_command_daemon(&shared);
        let mut one_rank: Vec<&str> = map
            .map
            .iter()
            .filter(|(_, c)| c.scope == Scope::OneRank)
            .map(|(k, _)| k.as_str())
            .collect();
        one_rank.sort_unstable();
        assert_eq!(one_rank, Vec::<&str>::new());
    }
}
