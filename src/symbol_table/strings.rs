//! Segmented strings held by the table: Arkouda's `Strings`.
//!
//! Rank r holds the strings whose global index is in its block of `size`
//! (the same block distribution as arrays), with all of their bytes: a string
//! never straddles two ranks, so most string kernels run without exchanges.

use crate::kernels::string::Strs;
use crate::memory::Reservation;

#[derive(Debug)]
pub struct StringsEntry {
    /// Where each local string starts in `bytes`.
    pub offsets: Vec<u64>,
    /// The local strings, each followed by a NUL.
    pub bytes: Vec<u8>,
    /// Strings over every rank.
    pub size: usize,
    /// Bytes over every rank, NULs included.
    pub nbytes: u64,
    pub(super) reservation: Reservation,
}

impl StringsEntry {
    pub fn view(&self) -> Strs<'_> {
        Strs::new(&self.offsets, &self.bytes)
    }

    /// Strings of this rank's block.
    pub fn local_len(&self) -> usize {
        self.offsets.len()
    }

    /// Memory held on this rank (offsets and bytes).
    pub fn reserved(&self) -> u64 {
        self.reservation.bytes()
    }

    /// The `created ...` reply of commands that make new strings: the
    /// strings entry, then the size of its bytes (what the client's
    /// `Strings.from_return_msg` reads).
    pub fn created_msg(&self, name: &str) -> String {
        strings_created_msg(name, self.size, self.nbytes)
    }
}

pub fn strings_created_msg(name: &str, size: usize, nbytes: u64) -> String {
    format!("created {name} str {size} 1 [{size}] 8+created bytes.size {nbytes}")
}
