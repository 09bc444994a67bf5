//! The communicator seam over MPI (feature `mpi`), and how a rank starts:
//! rank 0 becomes the server the client talks to, every other rank waits
//! for rank 0's commands.

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use mpi::collective::SystemOperation;
use mpi::datatype::{Partition, PartitionMut};
use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::*;

use super::comm::{Comm, CommCounts, decode_error, encode_error};
use super::engine::{self, Job};
use super::{Cluster, LocaleInfo, exchange};
use crate::commands::{CommandMap, Ctx};
use crate::config::Config;
use crate::error::CommandError;
use crate::machine::Machine;
use crate::protocol::Args;
use crate::state::Shared;
use crate::symbol_table::SymbolTable;

/// MPI counts are C ints: larger transfers go in pieces of this many bytes.
const PIECE: usize = 1 << 30;

/// Bytes a root copies between two calls that let MPI progress its sends.
const STEP: usize = 4 << 20;

/// Bytes of a part that [`Comm::alltoallv_packed`] packs and sends at a
/// time: small enough to stay in cache between the two.
const WINDOW: usize = 1 << 20;

pub struct MpiComm {
    world: SimpleCommunicator,
    rank: usize,
    size: usize,
    failed: AtomicBool,
    /// The agreed error of the running command, once it failed.
    error: Mutex<Vec<u8>>,
    counts: CommCounts,
    /// How rank 0's commands reach the other ranks (see [`Posts`]).
    posts: Mutex<Option<Posts>>,
}

/// Rank 0's command posts travel over ZeroMQ, not MPI: a rank waiting for
/// the next command then sleeps in a blocking receive (no CPU, woken at
/// once), where MPI's own receive would spin and polling would either spin
/// or add latency. Rank 0 pushes to every other rank's pull socket.
enum Posts {
    Leader(Vec<zmq::Socket>),
    Follower(zmq::Socket),
}

// SAFETY: MPI is initialised with at least MPI_THREAD_SERIALIZED, and all
// calls on this communicator are serialised: rank 0 runs one command at a
// time under `Cluster::lead`, other ranks use it from their main thread only.
unsafe impl Send for MpiComm {}
// SAFETY: as above.
unsafe impl Sync for MpiComm {}

/// An empty Rust slice points at address 1, which OpenMPI reads as
/// MPI_IN_PLACE; an empty buffer handed to MPI points at a real byte instead.
fn real(b: &[u8]) -> &[u8] {
    static BYTE: [u8; 1] = [0];
    if b.is_empty() { &BYTE[..0] } else { b }
}

/// As [`real`], for receive buffers (`spare` lives as long as the call).
fn real_mut<'a>(b: &'a mut [u8], spare: &'a mut [u8; 1]) -> &'a mut [u8] {
    if b.is_empty() { &mut spare[..0] } else { b }
}

/// `buf` cut into consecutive parts of `counts` bytes.
fn parts_of<'a>(mut buf: &'a mut [u8], counts: &[usize]) -> Vec<&'a mut [u8]> {
    let mut parts = Vec::with_capacity(counts.len());
    for &c in counts {
        let (part, rest) = std::mem::take(&mut buf).split_at_mut(c);
        parts.push(part);
        buf = rest;
    }
    parts
}

/// Counts and displacements MPI can take as C ints.
fn small(counts: &[usize]) -> Option<(Vec<i32>, Vec<i32>)> {
    let total: usize = counts.iter().sum();
    (total <= i32::MAX as usize).then(|| {
        (
            counts.iter().map(|&c| c as i32).collect(),
            exchange::starts(counts)
                .into_iter()
                .map(|d| d as i32)
                .collect(),
        )
    })
}

impl MpiComm {
    pub fn new(world: SimpleCommunicator) -> MpiComm {
        MpiComm {
            rank: world.rank() as usize,
            size: world.size() as usize,
            world,
            failed: AtomicBool::new(false),
            error: Mutex::new(Vec::new()),
            counts: CommCounts::default(),
            posts: Mutex::new(None),
        }
    }

    /// Connects rank 0 to every other rank's command socket: each binds a
    /// free port and tells rank 0 where (the loopback address on rank 0's
    /// own host). A collective, before any command.
    fn open_posts(&self, hostname: &str) -> Result<(), String> {
        let zctx = zmq::Context::new();
        let fail = |e: zmq::Error| format!("command channel: {e}");
        let mine = if self.rank == 0 {
            String::new()
        } else {
            let pull = zctx.socket(zmq::PULL).map_err(fail)?;
            pull.bind("tcp://*:0").map_err(fail)?;
            let bound = pull.get_last_endpoint().map_err(fail)?.unwrap_or_default();
            let port = bound.rsplit(':').next().unwrap_or_default().to_string();
            *self.posts.lock().unwrap_or_else(|e| e.into_inner()) = Some(Posts::Follower(pull));
            format!("{hostname} {port}")
        };
        let all = self
            .allgather_bytes(mine.as_bytes())
            .map_err(|e| e.to_string())?;
        if self.rank == 0 {
            let mut pushes = Vec::new();
            for (r, b) in all.iter().enumerate().skip(1) {
                let text = String::from_utf8_lossy(b);
                let (host, port) = text.split_once(' ').unwrap_or(("", ""));
                let host = if host == hostname { "127.0.0.1" } else { host };
                let push = zctx.socket(zmq::PUSH).map_err(fail)?;
                // A rank that died must not hold up rank 0's exit.
                push.set_linger(1000).map_err(fail)?;
                push.connect(&format!("tcp://{host}:{port}"))
                    .map_err(|e| format!("command channel to locale {r} at {host}:{port}: {e}"))?;
                pushes.push(push);
            }
            *self.posts.lock().unwrap_or_else(|e| e.into_inner()) = Some(Posts::Leader(pushes));
        }
        // The sockets keep the context alive.
        std::mem::forget(zctx);
        Ok(())
    }

    /// The first step of every collective: fails at once, on every rank, if
    /// any rank has failed.
    fn check(&self) -> Result<(), CommandError> {
        if self.failed.load(Ordering::Acquire) {
            return Err(decode_error(
                &self.error.lock().unwrap_or_else(|e| e.into_inner()),
            ));
        }
        self.agree(Ok(()))
    }

    fn count(&self, messages: usize, bytes: usize) {
        self.counts.add(messages as u64, bytes as u64);
    }

    /// Sends `buf` to `dest` in C-int pieces (large transfers only).
    fn send_pieces(&self, dest: usize, buf: &[u8]) {
        for piece in buf.chunks(PIECE) {
            self.world.process_at_rank(dest as i32).send(piece);
        }
    }

    fn receive_pieces(&self, src: usize, buf: &mut [u8]) {
        for piece in buf.chunks_mut(PIECE) {
            self.world.process_at_rank(src as i32).receive_into(piece);
        }
    }
}

impl Comm for MpiComm {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.size
    }

    fn agree(&self, mine: Result<(), &CommandError>) -> Result<(), CommandError> {
        let flag = if mine.is_err() { self.rank } else { self.size } as i32;
        let mut first = 0i32;
        self.world
            .all_reduce_into(&flag, &mut first, SystemOperation::min());
        self.count(1, 4);
        let first = first as usize;
        if first == self.size {
            return Ok(());
        }
        let mut text = match mine {
            Err(e) if self.rank == first => encode_error(e),
            _ => Vec::new(),
        };
        let mut len = text.len() as u64;
        let root = self.world.process_at_rank(first as i32);
        root.broadcast_into(&mut len);
        text.resize(len as usize, 0);
        root.broadcast_into(&mut text[..]);
        self.failed.store(true, Ordering::Release);
        let e = decode_error(&text);
        *self.error.lock().unwrap_or_else(|e| e.into_inner()) = text;
        Err(e)
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    fn begin(&self) {
        self.failed.store(false, Ordering::Release);
    }

    fn allgather_bytes(&self, mine: &[u8]) -> Result<Vec<Vec<u8>>, CommandError> {
        self.check()?;
        let mut lens = vec![0u64; self.size];
        self.world
            .all_gather_into(&(mine.len() as u64), &mut lens[..]);
        let counts: Vec<usize> = lens.iter().map(|&l| l as usize).collect();
        let (c, d) = small(&counts).ok_or_else(|| {
            CommandError::value("an allgather of more than 2 GiB is not supported")
        })?;
        let mut all = vec![0u8; counts.iter().sum()];
        {
            let mut spare = [0u8];
            let mut part = PartitionMut::new(real_mut(&mut all[..], &mut spare), &c[..], &d[..]);
            self.world.all_gather_varcount_into(real(mine), &mut part);
        }
        self.count(2 * (self.size - 1), (8 + mine.len()) * (self.size - 1));
        let mut out = Vec::with_capacity(self.size);
        let mut at = 0;
        for n in counts {
            out.push(all[at..at + n].to_vec());
            at += n;
        }
        Ok(out)
    }

    fn alltoall_counts(&self, counts: &[usize]) -> Result<Vec<usize>, CommandError> {
        self.check()?;
        let send: Vec<u64> = counts.iter().map(|&c| c as u64).collect();
        let mut recv = vec![0u64; self.size];
        self.world.all_to_all_into(&send[..], &mut recv[..]);
        self.count(self.size - 1, 8 * (self.size - 1));
        Ok(recv.into_iter().map(|c| c as usize).collect())
    }

    fn alltoallv_into(
        &self,
        send: &[u8],
        send_counts: &[usize],
        recv: &mut [u8],
        recv_counts: &[usize],
    ) -> Result<(), CommandError> {
        self.check()?;
        let sent: usize = send_counts.iter().sum::<usize>() - send_counts[self.rank];
        let messages = send_counts.iter().filter(|&&c| c > 0).count();
        if let (Some((mut sc, sd)), Some((mut rc, rd))) = (small(send_counts), small(recv_counts)) {
            // This rank's own part is copied here, not by MPI (benches/
            // alltoall.rs, 400 MiB per rank, half crossing: 111-123% of a
            // bare MPI_Alltoallv's rate, against 98-104% with MPI copying it).
            let me = self.rank;
            let (from, to, n) = (sd[me] as usize, rd[me] as usize, sc[me] as usize);
            recv[to..to + n].copy_from_slice(&send[from..from + n]);
            (sc[me], rc[me]) = (0, 0);
            let mut spare = [0u8];
            let part = Partition::new(real(send), &sc[..], &sd[..]);
            let mut rpart = PartitionMut::new(real_mut(recv, &mut spare), &rc[..], &rd[..]);
            self.world.all_to_all_varcount_into(&part, &mut rpart);
        } else {
            // Past C-int counts: pairwise exchanges in a ring, in pieces.
            let (sd, rd) = (exchange::starts(send_counts), exchange::starts(recv_counts));
            let me = self.rank;
            recv[rd[me]..rd[me] + recv_counts[me]]
                .copy_from_slice(&send[sd[me]..sd[me] + send_counts[me]]);
            for step in 1..self.size {
                let to = (me + step) % self.size;
                let from = (me + self.size - step) % self.size;
                let out = &send[sd[to]..sd[to] + send_counts[to]];
                let inbox = &mut recv[rd[from]..rd[from] + recv_counts[from]];
                // Lower rank sends first, so each pair never waits on itself.
                if me < to {
                    self.send_pieces(to, out);
                    self.receive_pieces(from, inbox);
                } else {
                    self.receive_pieces(from, inbox);
                    self.send_pieces(to, out);
                }
            }
        }
        self.count(messages, sent);
        Ok(())
    }

    /// Each window is packed into one buffer that stays in cache and sent
    /// from there (a blocking send; every receive was posted first), so no
    /// part exists whole on the sending side and its bytes go from the
    /// source through the cache to the receiver: one pass over memory where
    /// packing, then sending took two. This rank's own part is packed
    /// straight into `recv`, a window between two sends. Measured
    /// (benches/alltoall.rs, 2 ranks): 17-34% faster over TCP; level over
    /// shared memory, where CMA's copy rate sets the time either way.
    fn alltoallv_packed(
        &self,
        unit: usize,
        send_counts: &[usize],
        pack: &mut dyn FnMut(usize, usize, &mut [u8]),
        recv: &mut [u8],
        recv_counts: &[usize],
    ) -> Result<(), CommandError> {
        self.check()?;
        let me = self.rank;
        let window = (WINDOW / unit).max(1) * unit;
        let mut parts = parts_of(recv, recv_counts);
        let own = std::mem::take(&mut parts[me]);
        let pieces = parts.iter().map(|p| p.len().div_ceil(window)).sum();
        // u64 words, so that each window is aligned for its elements.
        let mut words = vec![0u64; window.div_ceil(8)];
        let buf = &mut exchange::bytes_of_mut(&mut words)[..window];
        mpi::request::multiple_scope(pieces, |scope, receives| {
            for (src, part) in parts.into_iter().enumerate() {
                let from = self.world.process_at_rank(src as i32);
                for piece in part.chunks_mut(window) {
                    receives.add(from.immediate_receive_into(scope, piece));
                }
            }
            let mut own = own.chunks_mut(window).enumerate();
            for step in 1..self.size {
                let to = (me + step) % self.size;
                let dest = self.world.process_at_rank(to as i32);
                for at in (0..send_counts[to]).step_by(window) {
                    let w = &mut buf[..window.min(send_counts[to] - at)];
                    pack(to, at, w);
                    dest.send(&w[..]);
                    if let Some((i, o)) = own.next() {
                        pack(me, i * window, o);
                    }
                }
            }
            for (i, o) in own {
                pack(me, i * window, o);
            }
            receives.wait_all(&mut Vec::new());
        });
        let sent = send_counts.iter().sum::<usize>() - send_counts[me];
        let messages = (0..self.size)
            .filter(|&r| r != me)
            .map(|r| send_counts[r].div_ceil(window))
            .sum();
        self.count(messages, sent);
        Ok(())
    }

    /// Pairwise in a ring, a window at a time: each step posts the receive
    /// of the next window from one rank, sends the next window straight from
    /// `parts` to another, and hands the received window to `arrived` while
    /// it is in cache (a reversal then costs no second pass over memory:
    /// `a[::-1]` at two ranks, one copy per element where packing and
    /// sending took two).
    fn alltoallv_parts(
        &self,
        unit: usize,
        parts: &[&[u8]],
        recv: &mut [u8],
        recv_counts: &[usize],
        mirror: bool,
        arrived: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(), CommandError> {
        self.check()?;
        let me = self.rank;
        let window = (WINDOW / unit).max(1) * unit;
        let mut inboxes = parts_of(recv, recv_counts);
        // The k-th window of a part of `len` bytes, mirrored or not.
        let slot = |len: usize, k: usize| {
            let (lo, hi) = (k * window, ((k + 1) * window).min(len));
            if mirror { len - hi..len - lo } else { lo..hi }
        };
        let own = std::mem::take(&mut inboxes[me]);
        let len = own.len();
        for k in 0..len.div_ceil(window) {
            let w = &mut own[slot(len, k)];
            w.copy_from_slice(&parts[me][k * window..k * window + w.len()]);
            arrived(w);
        }
        for step in 1..self.size {
            let to = (me + step) % self.size;
            let from = (me + self.size - step) % self.size;
            let (out, inbox) = (parts[to], std::mem::take(&mut inboxes[from]));
            let (source, dest) = (
                self.world.process_at_rank(from as i32),
                self.world.process_at_rank(to as i32),
            );
            let windows = out.len().max(inbox.len()).div_ceil(window);
            for k in 0..windows {
                let w = (k * window < inbox.len()).then(|| slot(inbox.len(), k));
                mpi::request::scope(|scope| {
                    let got = w
                        .clone()
                        .map(|w| source.immediate_receive_into(scope, &mut inbox[w]));
                    if k * window < out.len() {
                        dest.send(&out[k * window..((k + 1) * window).min(out.len())]);
                    }
                    if let Some(got) = got {
                        got.wait();
                    }
                });
                if let Some(w) = w {
                    arrived(&mut inbox[w]);
                }
            }
        }
        let sent = parts.iter().map(|p| p.len()).sum::<usize>() - parts[me].len();
        let messages = (0..self.size)
            .filter(|&r| r != me)
            .map(|r| parts[r].len().div_ceil(window))
            .sum();
        self.count(messages, sent);
        Ok(())
    }

    /// Point to point rather than `MPI_Gatherv`, whose root copies its own
    /// part before it receives anything: here the root posts every receive
    /// first and copies its own part while the others' parts arrive (see
    /// [`Comm::scatterv_into`]).
    fn gatherv_into(
        &self,
        root: usize,
        mine: &[u8],
        recv: &mut [u8],
        counts: &[usize],
    ) -> Result<(), CommandError> {
        self.check()?;
        if self.rank != root {
            self.send_pieces(root, mine);
            self.count(1, mine.len());
            return Ok(());
        }
        let mut parts = parts_of(recv, counts);
        let own = std::mem::take(&mut parts[root]);
        let pieces = counts.iter().map(|c| c.div_ceil(PIECE)).sum();
        mpi::request::multiple_scope(pieces, |scope, receives| {
            for (src, part) in parts.into_iter().enumerate() {
                let from = self.world.process_at_rank(src as i32);
                for piece in part.chunks_mut(PIECE) {
                    receives.add(from.immediate_receive_into(scope, piece));
                }
            }
            let mut done = Vec::new();
            for (o, i) in own.chunks_mut(STEP).zip(mine.chunks(STEP)) {
                o.copy_from_slice(i);
                receives.test_all(&mut done);
            }
            receives.wait_all(&mut done);
        });
        Ok(())
    }

    /// Point to point rather than `MPI_Scatterv`, whose root copies its own
    /// part before it sends anything (Open MPI's, at least): here the root
    /// posts every send first and copies its own part while they travel,
    /// in steps, letting MPI move bytes between steps (over TCP nothing
    /// moves unless MPI is called). Each rank's part goes in C-int pieces.
    fn scatterv_into(
        &self,
        root: usize,
        send: &[u8],
        counts: &[usize],
        recv: &mut [u8],
    ) -> Result<(), CommandError> {
        self.check()?;
        if self.rank != root {
            self.receive_pieces(root, recv);
            return Ok(());
        }
        let d = exchange::starts(counts);
        let part = |r: usize| &send[d[r]..d[r] + counts[r]];
        let pieces = (0..self.size)
            .filter(|&r| r != root)
            .map(|r| counts[r].div_ceil(PIECE))
            .sum();
        mpi::request::multiple_scope(pieces, |scope, sends| {
            for dest in (0..self.size).filter(|&r| r != root) {
                let to = self.world.process_at_rank(dest as i32);
                for piece in part(dest).chunks(PIECE) {
                    sends.add(to.immediate_send(scope, piece));
                }
            }
            let mut done = Vec::new();
            for (o, i) in recv.chunks_mut(STEP).zip(part(root).chunks(STEP)) {
                o.copy_from_slice(i);
                sends.test_all(&mut done);
            }
            sends.wait_all(&mut done);
        });
        self.count(self.size - 1, counts.iter().sum::<usize>() - counts[root]);
        Ok(())
    }

    fn bcast_into(&self, root: usize, buf: &mut [u8]) -> Result<(), CommandError> {
        self.check()?;
        let r = self.world.process_at_rank(root as i32);
        for piece in buf.chunks_mut(PIECE) {
            r.broadcast_into(piece);
        }
        if self.rank == root {
            self.count(self.size - 1, buf.len() * (self.size - 1));
        }
        Ok(())
    }

    fn counts(&self) -> &CommCounts {
        &self.counts
    }

    fn library(&self) -> String {
        mpi::environment::library_version()
            .unwrap_or_else(|_| "MPI".into())
            .lines()
            .next()
            .unwrap_or("MPI")
            .trim_end_matches(['\0', ' ', ','])
            .to_string()
    }

    fn post(&self, job: &[u8]) {
        if let Some(Posts::Leader(pushes)) = &*self.posts.lock().unwrap_or_else(|e| e.into_inner())
        {
            for push in pushes {
                if let Err(e) = push.send(job, 0) {
                    log::error!("cannot post a command to another locale: {e}");
                }
            }
        }
        self.count(self.size - 1, job.len() * (self.size - 1));
    }

    fn next_job(&self) -> Vec<u8> {
        let posts = self.posts.lock().unwrap_or_else(|e| e.into_inner());
        let Some(Posts::Follower(pull)) = &*posts else {
            unreachable!("only ranks other than 0 wait for jobs")
        };
        loop {
            match pull.recv_bytes(0) {
                Ok(job) => return job,
                Err(zmq::Error::EINTR) => continue,
                Err(e) => {
                    log::error!("locale {}: command channel failed: {e}", self.rank);
                    return super::engine::Job::Stop.encode();
                }
            }
        }
    }
}

/// Whether this process was started by an MPI launcher.
pub fn under_launcher() -> bool {
    [
        "OMPI_COMM_WORLD_SIZE",
        "PMI_SIZE",
        "PMIX_RANK",
        "MPI_LOCALNRANKS",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some())
}

/// Runs this process as its rank of the server.
pub fn run(config: Config) -> ExitCode {
    let Some((universe, threading)) = mpi::initialize_with_threading(mpi::Threading::Multiple)
    else {
        eprintln!("arkouda_server: MPI was already initialised");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    let (rank, size) = (world.rank() as usize, world.size() as usize);
    if threading < mpi::Threading::Serialized {
        eprintln!("arkouda_server: the MPI library grants no MPI_THREAD_SERIALIZED");
        world.abort(2);
    }
    if config.num_locales > 1 && config.num_locales != size {
        if rank == 0 {
            eprintln!(
                "arkouda_server: -nl {} but the launcher started {size} ranks",
                config.num_locales
            );
        }
        world.abort(2);
    }
    let comm = MpiComm::new(world.duplicate());
    // Ranks on one node share its cores rather than each taking all.
    let on_node = world.split_shared(rank as i32).size().max(1) as usize;
    let machine = Machine::detect();
    let cores = (machine.max_task_par / on_node).max(1);
    crate::kernels::set_threads(cores);
    if let Err(e) = comm.open_posts(&machine.hostname) {
        eprintln!("arkouda_server: locale {rank}: {e}");
        world.abort(2);
    }
    let id = exchange::bcast_bytes(&comm, 0, SymbolTable::random_id().into_bytes())
        .expect("no command has failed yet");
    let id = String::from_utf8_lossy(&id).into_owned();
    let locales = gather_locales(&comm, &machine, cores, &config);
    let cluster = Cluster::new(Box::new(comm), locales);
    if rank == 0 {
        let Some(code) = crate::server::run_with(config, cluster, &id) else {
            // The other ranks block on the command channel, not in MPI:
            // only an abort ends them (a busy port hung the whole job).
            world.abort(1);
        };
        drop(universe);
        return code;
    }
    follow(config, machine, cluster, &id);
    drop(universe);
    ExitCode::SUCCESS
}

fn gather_locales(
    comm: &MpiComm,
    machine: &Machine,
    cores: usize,
    config: &Config,
) -> Vec<LocaleInfo> {
    let limit = crate::memory::MemoryAccount::new(config, machine.physical_memory).limit();
    let mine = format!(
        "{}\n{cores}\n{}\n{limit}",
        machine.hostname, machine.physical_memory
    );
    let all = comm
        .allgather_bytes(mine.as_bytes())
        .expect("no command has failed yet");
    all.iter()
        .map(|b| {
            let text = String::from_utf8_lossy(b);
            let mut f = text.lines();
            LocaleInfo {
                hostname: f.next().unwrap_or_default().to_string(),
                cores: f.next().and_then(|c| c.parse().ok()).unwrap_or(1),
                physical_memory: f.next().and_then(|c| c.parse().ok()).unwrap_or(0),
                memory_limit: f.next().and_then(|c| c.parse().ok()).unwrap_or(0),
            }
        })
        .collect()
}

/// A rank other than 0: runs rank 0's commands until told to stop. A panic
/// outside a handler ends the whole job rather than leaving it hanging.
fn follow(config: Config, machine: Machine, cluster: Cluster, id: &str) {
    let rank = cluster.comm().rank();
    init_logger(&config, rank);
    // Signals reach every rank from the launcher; only rank 0 decides.
    let _ = ctrlc::set_handler(|| {});
    let shared = Shared::with_cluster(config, machine, None, cluster, id);
    shared.keep_freed_arrays();
    let commands = CommandMap::for_command_daemon(&shared);
    let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        loop {
            let bytes = shared.cluster.comm().next_job();
            match Job::decode(&bytes) {
                Some(Job::Stop) => return,
                Some(Job::Run {
                    cmd,
                    user,
                    args,
                    size,
                }) => {
                    let ctx = Ctx::new(&shared, &cmd, &user, &commands, shared.cluster.comm());
                    let parsed = Args::parse(&args, size, None);
                    let handler = match (commands.get(&cmd), &parsed) {
                        (Some(c), Ok(_)) => c.handler,
                        _ => unusable,
                    };
                    let args = parsed.unwrap_or_default();
                    let _ = engine::run(&ctx, handler, &args);
                }
                None => log::error!("rank {rank}: unreadable command post"),
            }
            crate::alloc::trim();
        }
    }));
    if served.is_err() {
        log::error!("rank {rank}: panic outside a command; ending the job");
        mpi::topology::SimpleCommunicator::world().abort(70);
    }
}

/// Stands for a command this rank cannot run, so that it still takes part
/// in the agreement (rank 0 parsed and found the same command).
fn unusable(_: &Args, ctx: &Ctx) -> Result<crate::protocol::Reply, CommandError> {
    Err(CommandError::value(format!(
        "locale {} cannot run {}",
        ctx.comm.rank(),
        ctx.cmd
    )))
}

static RANK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn rank_line(
    w: &mut dyn std::io::Write,
    _: &mut flexi_logger::DeferredNow,
    r: &log::Record,
) -> std::io::Result<()> {
    let rank = RANK.load(Ordering::Relaxed);
    write!(w, "[locale {rank}] {} {}", r.level(), r.args())
}

fn init_logger(config: &Config, rank: usize) {
    let level = match config.log_level {
        crate::config::LogLevel::Debug => "debug",
        crate::config::LogLevel::Info | crate::config::LogLevel::Warn => "warn",
        _ => "error",
    };
    RANK.store(rank, Ordering::Relaxed);
    let started = flexi_logger::Logger::try_with_str(level)
        .map(|l| l.log_to_stderr().format(rank_line).start());
    if let Ok(Ok(handle)) = started {
        // Lives as long as the process.
        std::mem::forget(handle);
    }
}
