//! The communicator seam: the only way handlers talk to other ranks.
//!
//! Every method is a collective: all ranks call it, in the same order, with
//! the same `root`. Buffers are bytes; [`super::exchange`] gives typed views.
//! With one process ([`Single`]) every call is a copy or nothing at all.
//!
//! All or nothing: a rank whose handler fails calls [`Comm::agree`] with its
//! error instead of its next collective. Every collective starts with the same
//! agreement step, so the other ranks learn of the failure at their next
//! collective (which then returns that error) instead of waiting forever, and
//! the command fails everywhere with the first failing rank's message.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::error::CommandError;

/// Messages and bytes this rank sent while counting was on (the client's
/// comm diagnostics: `startCommDiagnostics` ... `stopCommDiagnostics`).
#[derive(Default)]
pub struct CommCounts {
    pub messages: AtomicU64,
    pub bytes: AtomicU64,
    /// Collective calls made (each may send several messages).
    pub collectives: AtomicU64,
    pub counting: AtomicBool,
}

impl CommCounts {
    pub fn add(&self, messages: u64, bytes: u64) {
        if !self.counting.load(Ordering::Relaxed) {
            return;
        }
        self.messages.fetch_add(messages, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.collectives.fetch_add(1, Ordering::Relaxed);
    }
    pub fn read(&self) -> [u64; 3] {
        [
            self.messages.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
            self.collectives.load(Ordering::Relaxed),
        ]
    }
    pub fn reset(&self) {
        self.messages.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
        self.collectives.store(0, Ordering::Relaxed);
    }
}

pub trait Comm: Sync {
    fn rank(&self) -> usize;
    fn size(&self) -> usize;

    /// Ok on every rank when every rank passes Ok; otherwise the lowest
    /// failing rank's error on every rank. Also the first step of every other
    /// collective, so that a failed rank never leaves the others waiting.
    fn agree(&self, mine: Result<(), &CommandError>) -> Result<(), CommandError>;

    /// Whether an agreement of the running command has failed already (the
    /// error then reached every rank; nothing more is exchanged).
    fn failed(&self) -> bool;

    /// Starts a new command: forgets the last one's failure.
    fn begin(&self);

    /// Every rank's `mine`, in rank order, on every rank.
    fn allgather_bytes(&self, mine: &[u8]) -> Result<Vec<Vec<u8>>, CommandError>;

    /// `counts[r]` is how many bytes this rank sends to rank r; returns how
    /// many bytes each rank sends to this one.
    fn alltoall_counts(&self, counts: &[usize]) -> Result<Vec<usize>, CommandError>;

    /// Sends `send` (rank 0's part first, `send_counts[r]` bytes for rank r)
    /// and fills `recv` with each rank's part in rank order (`recv_counts`
    /// from [`alltoall_counts`](Self::alltoall_counts)).
    fn alltoallv_into(
        &self,
        send: &[u8],
        send_counts: &[usize],
        recv: &mut [u8],
        recv_counts: &[usize],
    ) -> Result<(), CommandError>;

    /// As [`alltoallv_into`](Self::alltoallv_into) without a send buffer:
    /// `pack(r, at, window)` writes bytes `at..at + window.len()` of the part
    /// for rank r. Each part is asked for in order, in windows of whole
    /// `unit`s, and each window is aligned for a `unit`-byte element when
    /// `recv` is. The default packs every part into one buffer first.
    fn alltoallv_packed(
        &self,
        _unit: usize,
        send_counts: &[usize],
        pack: &mut dyn FnMut(usize, usize, &mut [u8]),
        recv: &mut [u8],
        recv_counts: &[usize],
    ) -> Result<(), CommandError> {
        let total: usize = send_counts.iter().sum();
        // u64 words: the parts start at multiples of the unit from an 8-byte
        // aligned address.
        let mut words = vec![0u64; total.div_ceil(8)];
        let send = &mut super::exchange::bytes_of_mut(&mut words)[..total];
        let mut at = 0;
        for (r, &c) in send_counts.iter().enumerate() {
            if c > 0 {
                pack(r, 0, &mut send[at..at + c]);
            }
            at += c;
        }
        self.alltoallv_into(send, send_counts, recv, recv_counts)
    }

    /// As [`alltoallv_into`](Self::alltoallv_into) where each rank's part
    /// already lies whole in memory (`parts[r]`, sent as it is: nothing is
    /// packed), and `arrived(window)` runs on each received window of whole
    /// `unit`s once it is in place, while it is still in cache. With
    /// `mirror`, the k-th window of a part lands where its mirror image
    /// goes, counted from the part's end, so that an `arrived` that reverses
    /// a window's elements leaves the whole part reversed. The default moves
    /// the parts whole: one window per part, which mirroring leaves in place.
    fn alltoallv_parts(
        &self,
        _unit: usize,
        parts: &[&[u8]],
        recv: &mut [u8],
        recv_counts: &[usize],
        _mirror: bool,
        arrived: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(), CommandError> {
        let send: Vec<u8> = parts.concat();
        let counts: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        self.alltoallv_into(&send, &counts, recv, recv_counts)?;
        let mut rest = recv;
        for &c in recv_counts {
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(c);
            arrived(part);
            rest = tail;
        }
        Ok(())
    }

    /// Root receives every rank's `mine` into `recv` (rank order, `counts[r]`
    /// bytes from rank r; both only read on root).
    fn gatherv_into(
        &self,
        root: usize,
        mine: &[u8],
        recv: &mut [u8],
        counts: &[usize],
    ) -> Result<(), CommandError>;

    /// Root sends `counts[r]` bytes of `send` to rank r (both only read on
    /// root); every rank receives into `recv`, which has its count's length.
    fn scatterv_into(
        &self,
        root: usize,
        send: &[u8],
        counts: &[usize],
        recv: &mut [u8],
    ) -> Result<(), CommandError>;

    /// Root's `buf` on every rank (lengths must already agree).
    fn bcast_into(&self, root: usize, buf: &mut [u8]) -> Result<(), CommandError>;

    /// What this rank has sent since start-up or the last reset.
    fn counts(&self) -> &CommCounts;

    /// The MPI library, for `--about` (`none` with one process).
    fn library(&self) -> String;

    /// Rank 0: hands the next command to every other rank.
    fn post(&self, _job: &[u8]) {}

    /// Other ranks: waits (asleep, not spinning) for rank 0's next command.
    fn next_job(&self) -> Vec<u8> {
        unreachable!("only ranks other than 0 wait for jobs")
    }
}

/// One process: every collective is local.
#[derive(Default)]
pub struct Single {
    counts: CommCounts,
}

impl Comm for Single {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn agree(&self, mine: Result<(), &CommandError>) -> Result<(), CommandError> {
        mine.map_err(relay)
    }
    fn failed(&self) -> bool {
        false
    }
    fn begin(&self) {}
    fn allgather_bytes(&self, mine: &[u8]) -> Result<Vec<Vec<u8>>, CommandError> {
        Ok(vec![mine.to_vec()])
    }
    fn alltoall_counts(&self, counts: &[usize]) -> Result<Vec<usize>, CommandError> {
        Ok(counts.to_vec())
    }
    fn alltoallv_into(
        &self,
        send: &[u8],
        _: &[usize],
        recv: &mut [u8],
        _: &[usize],
    ) -> Result<(), CommandError> {
        recv.copy_from_slice(send);
        Ok(())
    }
    fn gatherv_into(
        &self,
        _: usize,
        mine: &[u8],
        recv: &mut [u8],
        _: &[usize],
    ) -> Result<(), CommandError> {
        recv.copy_from_slice(mine);
        Ok(())
    }
    fn scatterv_into(
        &self,
        _: usize,
        send: &[u8],
        _: &[usize],
        recv: &mut [u8],
    ) -> Result<(), CommandError> {
        recv.copy_from_slice(send);
        Ok(())
    }
    fn bcast_into(&self, _: usize, _: &mut [u8]) -> Result<(), CommandError> {
        Ok(())
    }
    fn counts(&self) -> &CommCounts {
        &self.counts
    }
    fn library(&self) -> String {
        "none".into()
    }
}

/// The same error, as it travels between ranks: class and text kept, so the
/// reply reads as if the failing rank had answered.
pub fn relay(e: &CommandError) -> CommandError {
    match e {
        CommandError::Plain(m) => CommandError::Plain(m.clone()),
        CommandError::Relayed { text, over_memory } => CommandError::Relayed {
            text: text.clone(),
            over_memory: *over_memory,
        },
        other => CommandError::Relayed {
            text: other.to_string(),
            over_memory: matches!(other, CommandError::OverMemoryLimit(_)),
        },
    }
}

/// An error as bytes: a kind byte, then the text.
pub fn encode_error(e: &CommandError) -> Vec<u8> {
    let (kind, text) = match relay(e) {
        CommandError::Plain(m) => (0u8, m),
        CommandError::Relayed { text, over_memory } => (1 + over_memory as u8, text),
        _ => unreachable!("relay gives Plain or Relayed"),
    };
    let mut out = vec![kind];
    out.extend_from_slice(text.as_bytes());
    out
}

pub fn decode_error(bytes: &[u8]) -> CommandError {
    let text = String::from_utf8_lossy(bytes.get(1..).unwrap_or_default()).into_owned();
    match bytes.first() {
        Some(0) => CommandError::Plain(text),
        kind => CommandError::Relayed {
            text,
            over_memory: kind == Some(&2),
        },
    }
}
