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
pub mod concatenate;
pub mod conditional;
pub mod config;
pub mod creation;
pub mod elementwise;
pub mod extrema;
pub mod files;
pub mod groupby;
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
pub mod symbols;
pub mod testing;

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::CommandError;
use crate::protocol::{Args, Reply};
use crate::state::Shared;
use crate::symbol_table::{ArrayEntry, DType, Deferred};

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
}

impl Ctx<'_> {
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

    /// Stores a new array under a fresh name; the reply is `created ...`.
    pub fn created(&self, entry: ArrayEntry) -> Reply {
        let symbols = &self.shared.symbols;
        let name = symbols.next_name();
        let msg = entry.created_msg(&name);
        symbols.insert(name, entry);
        Reply::normal(msg)
    }
    /// Stores a deferred array under a fresh name; the reply is the one
    /// [`created`](Self::created) gives for the computed array.
    pub fn created_deferred(&self, deferred: Deferred) -> Reply {
        let symbols = &self.shared.symbols;
        let name = symbols.next_name();
        let msg = deferred.created_msg(&name);
        symbols.insert_deferred(name, deferred);
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

/// How the daemon treats a command around its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Answered at once: does not end an idle period or take the activity
    /// guard (connect, ruok, sleep, ...).
    Special,
    /// Ends the idle period and runs under the activity guard.
    Tracked,
}

pub struct Command {
    pub handler: Handler,
    pub kind: Kind,
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
        self.map.entry(name).or_insert(Command {
            handler,
            kind,
            listed: true,
            binary_reply: false,
            module,
            signature,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Command> {
        self.map.get(name)
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
        scan::register(&mut map);
        indexing::register(&mut map);
        cast::register(&mut map);
        checkpoint::register(&mut map);
        sorting::register(&mut map);
        setops::register(&mut map);
        concatenate::register(&mut map);
        extrema::register(&mut map);
        groupby::register(&mut map);
        random::register(&mut map);
        elementwise::register(&mut map);
        conditional::register(&mut map);
        manipulation::register(&mut map);
        if shared.config.test_commands {
            testing::register(&mut map);
        }
        map
    }
}
