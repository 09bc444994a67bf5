//! The distribution layer: how one server runs as several ranks (MPI
//! processes), each holding one block of every array.
//!
//! * [`comm`]: the communicator seam handlers use (one process: [`Single`]);
//! * [`block`]: the block distribution of a global length over the ranks;
//! * [`exchange`]: typed collectives (gather, all-to-all, lookups by global
//!   index, rebalancing) built on the seam;
//! * [`engine`]: rank 0 hands each command to every rank and all ranks agree
//!   on its outcome before anything is stored;
//! * [`strings`]: moving whole strings into the block layout;
//! * [`strings_combine`]: placing pieces of strings by global position, and
//!   the first occurrence of each distinct string across ranks;
//! * [`strings_gather`]: gathering whole strings by global index;
//! * [`string_sort`]: sample sort of whole strings, their dense ranks, and
//!   membership with strings routed by hash;
//! * [`launch`]: `-nl N` starts the ranks through a launcher (mpirun);
//! * `mpi` (feature `mpi`): the seam over MPI and how each rank starts.

pub mod binned;
pub mod block;
pub mod comm;
pub mod engine;
pub mod exchange;
pub mod launch;
#[cfg(feature = "mpi")]
pub mod mpi;
pub mod sort;
pub mod string_sort;
pub mod strings;
pub mod strings_combine;
pub mod strings_gather;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use block::Block;
pub use comm::{Comm, Single};

/// This process's place in the server: its communicator, and on rank 0 what
/// it knows of the other ranks.
pub struct Cluster {
    comm: Box<dyn Comm + Send>,
    /// Held while rank 0 leads a command, so the command daemon and the
    /// checkpoint thread never interleave their collectives.
    lead: Mutex<()>,
    /// Bytes each rank's arrays use, as of the end of the last command.
    memory: Mutex<Vec<u64>>,
    /// Facts about each rank's machine (gathered at start-up).
    pub locales: Vec<LocaleInfo>,
}

/// One rank's machine, as `getconfig` reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocaleInfo {
    pub hostname: String,
    pub cores: usize,
    pub physical_memory: u64,
    pub memory_limit: u64,
}

impl Cluster {
    /// One process.
    pub fn single() -> Cluster {
        Cluster::new(Box::new(Single::default()), Vec::new())
    }

    pub fn new(comm: Box<dyn Comm + Send>, locales: Vec<LocaleInfo>) -> Cluster {
        Cluster {
            memory: Mutex::new(vec![0; comm.size()]),
            comm,
            lead: Mutex::new(()),
            locales,
        }
    }

    pub fn comm(&self) -> &dyn Comm {
        &*self.comm
    }

    pub fn ranks(&self) -> usize {
        self.comm.size()
    }

    pub(crate) fn lead(&self) -> MutexGuard<'_, ()> {
        self.lead.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every rank's array bytes; `local` stands for this rank's own (always
    /// current).
    pub fn memory_by_rank(&self, local: u64) -> Vec<u64> {
        let mut m = self
            .memory
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(first) = m.get_mut(self.comm.rank()) {
            *first = local;
        }
        m
    }

    /// Rank 0 at shutdown: tells the other ranks to finish.
    pub fn stop(&self) {
        if self.ranks() > 1 {
            let _lead = self.lead();
            self.comm.post(&engine::Job::Stop.encode());
        }
    }

    pub(crate) fn set_memory(&self, m: Vec<u64>) {
        *self.memory.lock().unwrap_or_else(PoisonError::into_inner) = m;
    }
}
