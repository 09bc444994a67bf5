//! Checkpoints (spec §8): `save_checkpoint`, `load_checkpoint` and the
//! automatic checkpoint thread, in the original server's on-disk layout so that
//! checkpoints move between it and us in both directions.
//!
//! Unlike the original, a save is crash-safe (built in a temporary directory,
//! fsynced, then renamed into place; see [`fsops`]) and a load is all or
//! nothing (every file is checked and read before the symbol table changes).
//!
//! With several locales (ranks) every locale runs the save and the load on
//! its own blocks: each writes or reads its own part, they agree, and only
//! then does rank 0 move the checkpoint into place or every locale store the
//! loaded arrays. A checkpoint saved at N locales loads at any M (each locale
//! reads the parts of the N chunk files that overlap its block).

pub mod auto;
mod data;
mod format;
mod fsops;
mod hash;
mod load;
mod save;
mod text;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

pub use load::load;
pub use save::{SaveReport, save};

use crate::dist::Comm;
use crate::dist::comm::relay;
use crate::error::CommandError;
use crate::memory::OverMemoryLimit;
use crate::symbol_table::{Entry, WeakEntry};

/// What to do when the checkpoint already exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Overwrite,
    Error,
    PreservePrevious,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "overwrite" => Some(Mode::Overwrite),
            "error" => Some(Mode::Error),
            "preserve_previous" => Some(Mode::PreservePrevious),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Overwrite => "overwrite",
            Mode::Error => "error",
            Mode::PreservePrevious => "preserve_previous",
        }
    }
}

/// Why a save or load failed, classified by how the reply shows it.
#[derive(Debug)]
pub enum CkptError {
    /// Sent as is, without `Error executing command ...` (the original
    /// returns these rather than throwing them).
    Bare(String),
    /// The original's LoadCheckpointError/SaveCheckpointError: the prefix and
    /// the message, no error class.
    Checkpoint(String),
    NotImplemented(String),
    Io(String),
    Value(String),
    Memory(OverMemoryLimit),
    /// Another locale's failure, as it reached this one.
    Other(CommandError),
}

impl CkptError {
    pub fn checkpoint(msg: impl Into<String>) -> Self {
        CkptError::Checkpoint(msg.into())
    }

    /// The error a command handler returns for this failure.
    pub fn into_command_error(self) -> CommandError {
        match self {
            CkptError::Bare(m) => CommandError::Plain(m),
            CkptError::Checkpoint(m) => CommandError::Unclassed(m),
            CkptError::NotImplemented(m) => CommandError::NotImplemented(m),
            CkptError::Io(m) => CommandError::Io(m),
            CkptError::Value(m) => CommandError::Value(m),
            CkptError::Memory(e) => CommandError::OverMemoryLimit(e),
            CkptError::Other(e) => e,
        }
    }

    /// This error as the other locales are told it (the text the reply
    /// would show, and whether it is about memory).
    fn relayed(&self) -> CommandError {
        match self {
            CkptError::Bare(m) => CommandError::Plain(m.clone()),
            CkptError::Other(e) => relay(e),
            e => CommandError::Relayed {
                text: e.to_string(),
                over_memory: matches!(e, CkptError::Memory(_)),
            },
        }
    }
}

/// Every locale's outcome of one step: `mine` where every locale succeeded
/// or this one failed, else the first failing locale's error. A collective:
/// every locale calls it at the same step. With one locale, `mine` as it is.
fn agree<T>(comm: &dyn Comm, mine: Result<T, CkptError>) -> Result<T, CkptError> {
    if comm.size() == 1 {
        return mine;
    }
    match mine {
        Ok(v) => comm.agree(Ok(())).map(|()| v).map_err(CkptError::Other),
        Err(e) => {
            // The others learn of it; this locale keeps its own error.
            let _ = comm.agree(Err(&e.relayed()));
            Err(e)
        }
    }
}

impl std::fmt::Display for CkptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CkptError::Bare(m) | CkptError::Checkpoint(m) => f.write_str(m),
            CkptError::NotImplemented(m) => write!(f, "NotImplementedError: {m}"),
            CkptError::Io(m) => write!(f, "IOError: {m}"),
            CkptError::Value(m) => write!(f, "ValueError: {m}"),
            CkptError::Memory(e) => write!(f, "OverMemoryLimitError: {e}"),
            CkptError::Other(e) => write!(f, "{e}"),
        }
    }
}

/// The last save, client or automatic, for `serverstatus`.
#[derive(Clone, Debug)]
pub struct LastCheckpoint {
    pub name: String,
    /// `<path>/<name>` as given.
    pub path: String,
    /// Local time the save ended, `YYYY-MM-DDThh:mm:ss.ffffff`.
    pub time: String,
    pub duration_seconds: f64,
    /// Bytes written (data and metadata files).
    pub bytes: u64,
    /// `ok`, or `failed: <message>`.
    pub outcome: String,
}

impl LastCheckpoint {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "path": self.path,
            "time": self.time,
            "duration_seconds": self.duration_seconds,
            "bytes": self.bytes,
            "outcome": self.outcome,
        })
    }
}

/// Checkpoint state shared by the command handlers, the automatic thread and
/// the shutdown path.
#[derive(Default)]
pub struct CheckpointState {
    last: Mutex<Option<LastCheckpoint>>,
    /// The table as of the last successful save: names and entry identities.
    /// Entries are immutable `Arc`s that are replaced on every change, so
    /// pointer identity tells whether anything changed; `Weak` keeps the
    /// allocation (not the data) so an address is never reused meanwhile.
    saved: Mutex<Vec<(String, WeakEntry)>>,
    /// An automatic save is running (shutdown waits for it).
    auto_saving: AtomicBool,
}

impl CheckpointState {
    pub fn last(&self) -> Option<LastCheckpoint> {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_last(&self, last: LastCheckpoint) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(last);
    }

    fn set_saved(&self, table: &[(String, Entry)]) {
        *self.saved.lock().unwrap_or_else(PoisonError::into_inner) = table
            .iter()
            .map(|(n, e)| (n.clone(), e.downgrade()))
            .collect();
    }

    /// Whether `table` (sorted by name) differs from the last saved one.
    pub fn changed_since_save(&self, table: &[(String, Entry)]) -> bool {
        let saved = self.saved.lock().unwrap_or_else(PoisonError::into_inner);
        saved.len() != table.len()
            || saved
                .iter()
                .zip(table)
                .any(|((sn, se), (n, e))| sn != n || !se.is(e))
    }

    pub fn auto_saving(&self) -> bool {
        self.auto_saving.load(Ordering::Acquire)
    }

    fn set_auto_saving(&self, on: bool) {
        self.auto_saving.store(on, Ordering::Release);
    }
}
