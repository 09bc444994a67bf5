//! State shared by every daemon thread: the symbol table, memory accounting,
//! activity tracker, metrics, request statistics and the shutdown signal.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::activity::Activity;
use crate::config::{Config, DaemonType};
use crate::machine::Machine;
use crate::memory::MemoryAccount;
use crate::metrics::Metrics;
use crate::symbol_table::SymbolTable;

pub struct Shared {
    pub config: Config,
    pub machine: Machine,
    pub symbols: SymbolTable,
    pub activity: Activity,
    pub metrics: Metrics,
    pub stats: Stats,
    pub shutdown: ShutdownSignal,
    /// Last checkpoint save and what it saved (`serverstatus`, shutdown save).
    pub checkpoint: crate::checkpoint::CheckpointState,
    /// What `/readyz` of the HTTP daemon reports.
    pub readiness: Readiness,
    /// The server token under `--authenticate`.
    pub token: Option<String>,
    /// The `getconfig` reply, built once at start-up as in the original.
    pub config_json: String,
    pub started: Instant,
    /// Command modules used so far (`--saveUsedModules`).
    pub used_modules: Mutex<BTreeSet<&'static str>>,
    /// Random-number Generators of `ak.random.default_rng`, by name.
    pub generators: crate::commands::random::Generators,
    /// This process's rank and communicator (one process: a no-op).
    pub cluster: crate::dist::Cluster,
}

impl Shared {
    pub fn new(config: Config, machine: Machine, token: Option<String>) -> Shared {
        let id = SymbolTable::random_id();
        Shared::with_cluster(config, machine, token, crate::dist::Cluster::single(), &id)
    }

    /// The state of one rank of `cluster`; `server_id` must be rank 0's.
    pub fn with_cluster(
        config: Config,
        machine: Machine,
        token: Option<String>,
        cluster: crate::dist::Cluster,
        server_id: &str,
    ) -> Shared {
        let memory = MemoryAccount::new(&config, machine.physical_memory);
        let config_json = crate::commands::config::config_json(&config, &machine, &cluster);
        let (rank, ranks) = (cluster.comm().rank(), cluster.ranks());
        Shared {
            symbols: SymbolTable::distributed(memory, rank, ranks, server_id),
            cluster,
            activity: Activity::default(),
            metrics: Metrics::default(),
            stats: Stats::default(),
            shutdown: ShutdownSignal::default(),
            checkpoint: Default::default(),
            readiness: Readiness::default(),
            token,
            config_json,
            started: Instant::now(),
            used_modules: Mutex::new(BTreeSet::new()),
            generators: Default::default(),
            config,
            machine,
        }
    }

    pub fn memory_used(&self) -> u64 {
        self.symbols.memory().used()
    }

    pub fn memory_limit(&self) -> u64 {
        self.symbols.memory().limit()
    }

    /// Sets how many bytes of freed arrays this process keeps for reuse
    /// (see `alloc`): by default a quarter of what arrays may use, within an
    /// eighth of the machine. Every rank keeps its own.
    pub fn keep_freed_arrays(&self) {
        let cache = self
            .config
            .freed_memory_cache
            .unwrap_or_else(|| (self.memory_limit() / 4).min(self.machine.physical_memory / 8));
        crate::alloc::set_limit(usize::try_from(cache).unwrap_or(usize::MAX));
    }

    /// Array bytes over every locale (rank 0's view: the others' as of the
    /// end of the last command, which is exact between commands).
    pub fn total_memory_used(&self) -> u64 {
        self.cluster.memory_by_rank(self.memory_used()).iter().sum()
    }

    /// The memory limit of every locale added up.
    pub fn total_memory_limit(&self) -> u64 {
        match self.cluster.locales.as_slice() {
            [] | [_] => self.memory_limit(),
            all => all.iter().map(|l| l.memory_limit).sum(),
        }
    }
}

/// Request statistics of the command daemon, readable without blocking it.
#[derive(Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub replies: AtomicU64,
    pub errors: AtomicU64,
    /// The command daemon holds a request it has not answered yet.
    pub in_flight: AtomicBool,
    running: Mutex<RunningSlot>,
}

/// The command running now; `since` is `None` between commands.
#[derive(Default)]
struct RunningSlot {
    cmd: String,
    user: String,
    since: Option<Instant>,
}

#[derive(Clone, Debug)]
pub struct Running {
    pub cmd: String,
    pub user: String,
    pub since: Instant,
}

impl Stats {
    /// Records the command now running; reuses the slot's strings, since this
    /// runs on every request.
    pub fn set_running(&self, cmd: &str, user: &str) {
        let mut slot = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        slot.cmd.clear();
        slot.cmd.push_str(cmd);
        slot.user.clear();
        slot.user.push_str(user);
        slot.since = Some(Instant::now());
    }

    pub fn clear_running(&self) {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .since = None;
    }

    pub fn running(&self) -> Option<Running> {
        let slot = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        slot.since.map(|since| Running {
            cmd: slot.cmd.clone(),
            user: slot.user.clone(),
            since,
        })
    }

    pub fn count(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Which daemons have entered their loops, and whether a checkpoint is being
/// loaded (the symbol table is then incomplete).
#[derive(Default)]
pub struct Readiness {
    serving: Mutex<Vec<DaemonType>>,
    loading_checkpoint: AtomicBool,
}

impl Readiness {
    pub fn mark_serving(&self, t: DaemonType) {
        let mut serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        if !serving.contains(&t) {
            serving.push(t);
        }
    }

    /// The daemons of `configured` that are not serving yet.
    pub fn not_serving(&self, configured: &[DaemonType]) -> Vec<DaemonType> {
        let serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        configured
            .iter()
            .copied()
            .filter(|t| !serving.contains(t))
            .collect()
    }

    /// Marks a checkpoint load in progress until the guard is dropped.
    pub fn loading_checkpoint(&self) -> LoadingGuard<'_> {
        self.loading_checkpoint.store(true, Ordering::Release);
        LoadingGuard(self)
    }

    pub fn is_loading_checkpoint(&self) -> bool {
        self.loading_checkpoint.load(Ordering::Acquire)
    }
}

/// Clears the loading mark on drop, also when the load fails or panics.
pub struct LoadingGuard<'a>(&'a Readiness);

impl Drop for LoadingGuard<'_> {
    fn drop(&mut self) {
        self.0.loading_checkpoint.store(false, Ordering::Release);
    }
}

/// The explicit shutdown signal: a flag for cheap checks plus a condvar so that
/// sleepers (the `sleep` command, the checkpoint thread, `main`) wake at once.
#[derive(Default)]
pub struct ShutdownSignal {
    flag: AtomicBool,
    lock: Mutex<()>,
    cond: Condvar,
}

impl ShutdownSignal {
    pub fn request(&self) {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.flag.store(true, Ordering::Release);
        self.cond.notify_all();
    }

    pub fn is_requested(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Sleeps up to `timeout`; returns true if shutdown was requested.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        while !self.is_requested() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            guard = self
                .cond
                .wait_timeout(guard, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    pub fn wait(&self) {
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        while !self.is_requested() {
            guard = self
                .cond
                .wait(guard)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}
