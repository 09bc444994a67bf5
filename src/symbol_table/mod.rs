//! The symbol table: named arrays shared by every daemon.
//!
//! Entries are immutable `Arc`s: a handler builds a new entry completely, then
//! swaps it in under a short write lock, so a failing or panicking handler can
//! never leave a half-written entry behind. Each entry owns the memory
//! [`Reservation`] for its bytes, so dropping it gives the bytes back.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rand::distr::{Alphanumeric, SampleString};

use crate::error::CommandError;
use crate::kernels;
use crate::memory::{MemoryAccount, Reservation};

mod strings;
pub use strings::{StringsEntry, strings_created_msg};

/// Element types held by the table, named as NumPy names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    Int64,
    UInt64,
    UInt8,
    Float64,
    Bool,
}

impl DType {
    pub const ALL: [DType; 5] = [
        DType::Int64,
        DType::UInt64,
        DType::UInt8,
        DType::Float64,
        DType::Bool,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DType::Int64 => "int64",
            DType::UInt64 => "uint64",
            DType::UInt8 => "uint8",
            DType::Float64 => "float64",
            DType::Bool => "bool",
        }
    }

    /// The name used in the registration config (`array.dtype`).
    pub fn registration_name(self) -> &'static str {
        match self {
            DType::Int64 => "int",
            DType::UInt64 => "uint",
            DType::UInt8 => "uint(8)",
            DType::Float64 => "real",
            DType::Bool => "bool",
        }
    }

    pub fn itemsize(self) -> usize {
        match self {
            DType::UInt8 | DType::Bool => 1,
            _ => 8,
        }
    }

    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// The elements of an array, one variant per [`DType`].
#[derive(Clone, Debug, PartialEq)]
pub enum ArrayData {
    Int64(Vec<i64>),
    UInt64(Vec<u64>),
    UInt8(Vec<u8>),
    Float64(Vec<f64>),
    Bool(Vec<bool>),
}

impl ArrayData {
    pub fn zeros(dtype: DType, len: usize) -> ArrayData {
        match dtype {
            DType::Int64 => ArrayData::Int64(vec![0; len]),
            DType::UInt64 => ArrayData::UInt64(vec![0; len]),
            DType::UInt8 => ArrayData::UInt8(vec![0; len]),
            DType::Float64 => ArrayData::Float64(vec![0.0; len]),
            DType::Bool => ArrayData::Bool(vec![false; len]),
        }
    }

    pub fn dtype(&self) -> DType {
        match self {
            ArrayData::Int64(_) => DType::Int64,
            ArrayData::UInt64(_) => DType::UInt64,
            ArrayData::UInt8(_) => DType::UInt8,
            ArrayData::Float64(_) => DType::Float64,
            ArrayData::Bool(_) => DType::Bool,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ArrayData::Int64(v) => v.len(),
            ArrayData::UInt64(v) => v.len(),
            ArrayData::UInt8(v) => v.len(),
            ArrayData::Float64(v) => v.len(),
            ArrayData::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Native little-endian bytes, as the client's `to_ndarray` expects them
    /// (one copy, made on every core for large arrays).
    pub fn to_le_bytes(&self) -> Vec<u8> {
        fn words<const N: usize, T: Copy + Sync>(
            v: &[T],
            f: impl Fn(T) -> [u8; N] + Sync,
        ) -> Vec<u8> {
            kernels::convert(v, 1, N, |src, out| {
                for (x, o) in src.iter().zip(out.chunks_exact_mut(N)) {
                    for (b, o) in f(*x).into_iter().zip(o) {
                        o.write(b);
                    }
                }
            })
        }
        match self {
            ArrayData::Int64(v) => words(v, i64::to_le_bytes),
            ArrayData::UInt64(v) => words(v, u64::to_le_bytes),
            ArrayData::UInt8(v) => words(v, |x| [x]),
            ArrayData::Float64(v) => words(v, f64::to_le_bytes),
            ArrayData::Bool(v) => words(v, |b| [b as u8]),
        }
    }

    /// Builds an array from little-endian bytes; `None` if the length is not a
    /// whole number of elements. Any nonzero byte is a true bool.
    pub fn from_le_bytes(dtype: DType, bytes: &[u8]) -> Option<ArrayData> {
        fn words<const N: usize, T: Send>(
            b: &[u8],
            f: impl Fn([u8; N]) -> T + Sync,
        ) -> Option<Vec<T>> {
            b.len().is_multiple_of(N).then(|| {
                kernels::convert(b, N, 1, |src, out| {
                    for (c, o) in src.chunks_exact(N).zip(out) {
                        o.write(f(c.try_into().expect("exact chunk")));
                    }
                })
            })
        }
        Some(match dtype {
            DType::Int64 => ArrayData::Int64(words(bytes, i64::from_le_bytes)?),
            DType::UInt64 => ArrayData::UInt64(words(bytes, u64::from_le_bytes)?),
            DType::UInt8 => ArrayData::UInt8(words(bytes, |[b]| b)?),
            DType::Float64 => ArrayData::Float64(words(bytes, f64::from_le_bytes)?),
            DType::Bool => ArrayData::Bool(words(bytes, |[b]| b != 0)?),
        })
    }
}

/// One named array and the memory reserved for it.
#[derive(Debug)]
pub struct ArrayEntry {
    pub data: ArrayData,
    pub shape: Vec<usize>,
    reservation: Reservation,
}

impl ArrayEntry {
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    /// Elements in the whole array, over every rank.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
    /// Elements of this rank's block.
    pub fn local_len(&self) -> usize {
        self.data.len()
    }
    pub fn nbytes(&self) -> u64 {
        self.reservation.bytes()
    }
    /// `[10]` or `[2,3]`: the shape as the client parses it.
    pub fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }
    /// The `created ...` reply of commands that make a new array.
    pub fn created_msg(&self, name: &str) -> String {
        created_msg(name, self.dtype(), &self.shape)
    }
}

fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(","))
}

/// The `created ...` reply of a new array named `name`.
pub fn created_msg(name: &str, dtype: DType, shape: &[usize]) -> String {
    format!(
        "created {name} {} {} {} {} {}",
        dtype.name(),
        shape.iter().product::<usize>(),
        shape.len(),
        shape_text(shape),
        dtype.itemsize()
    )
}

/// How a deferred array is computed from its source array.
pub trait Recipe: Any + Send + Sync {
    /// All elements, exactly as the eager command would have computed them.
    fn compute(&self, source: &ArrayData) -> ArrayData;
}

/// An array whose elements are not computed yet: a recipe and the source it
/// reads. Its memory is reserved when it is created, as for any array, so
/// the accounting is the same as if it had been computed at once.
///
/// A command that can read the recipe directly (`binopvv` fuses `a + b*alpha`
/// into one pass) does so; any other reader computes the elements first.
pub struct Deferred {
    dtype: DType,
    shape: Vec<usize>,
    recipe: Box<dyn Recipe>,
    state: Mutex<State>,
}

enum State {
    Pending {
        source: Arc<ArrayEntry>,
        reservation: Reservation,
    },
    Done(Arc<ArrayEntry>),
    /// Only while `materialize` moves the reservation into the new entry.
    Moving,
}

impl Deferred {
    pub fn dtype(&self) -> DType {
        self.dtype
    }
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn recipe(&self) -> &dyn Recipe {
        &*self.recipe
    }
    /// The `created ...` reply, the same as for the computed array.
    pub fn created_msg(&self, name: &str) -> String {
        created_msg(name, self.dtype, &self.shape)
    }

    /// The source array while the elements are still uncomputed.
    pub fn source(&self) -> Option<Arc<ArrayEntry>> {
        match &*self.lock() {
            State::Pending { source, .. } => Some(Arc::clone(source)),
            _ => None,
        }
    }

    fn reads(&self, entry: &Arc<ArrayEntry>) -> bool {
        matches!(&*self.lock(), State::Pending { source, .. } if Arc::ptr_eq(source, entry))
    }

    /// The computed array (computed now if nobody has yet).
    fn materialize(&self) -> Arc<ArrayEntry> {
        let mut state = self.lock();
        // Computed before the state changes, so a panicking recipe leaves the
        // entry pending and its reservation held.
        let data = match &*state {
            State::Done(entry) => return Arc::clone(entry),
            State::Pending { source, .. } => self.recipe.compute(&source.data),
            State::Moving => unreachable!("the state is restored before the lock is released"),
        };
        let State::Pending { reservation, .. } = std::mem::replace(&mut *state, State::Moving)
        else {
            unreachable!("checked above")
        };
        let entry = Arc::new(ArrayEntry {
            data,
            shape: self.shape.clone(),
            reservation,
        });
        *state = State::Done(Arc::clone(&entry));
        entry
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A name's contents: a computed array, a deferred one, or strings.
#[derive(Clone)]
enum Slot {
    Ready(Arc<ArrayEntry>),
    Deferred(Arc<Deferred>),
    Strings(Arc<StringsEntry>),
}

/// Any entry of the table, for the commands that take both kinds.
#[derive(Clone)]
pub enum Entry {
    Array(Arc<ArrayEntry>),
    Strings(Arc<StringsEntry>),
}

impl Entry {
    /// A handle that tells whether a later entry is this very one.
    pub fn downgrade(&self) -> WeakEntry {
        match self {
            Entry::Array(a) => WeakEntry::Array(Arc::downgrade(a)),
            Entry::Strings(s) => WeakEntry::Strings(Arc::downgrade(s)),
        }
    }
}

/// An entry held without keeping it alive (its memory cannot be reused for
/// another entry while this exists, so identity checks stay sound).
pub enum WeakEntry {
    Array(std::sync::Weak<ArrayEntry>),
    Strings(std::sync::Weak<StringsEntry>),
}

impl WeakEntry {
    pub fn is(&self, e: &Entry) -> bool {
        match (self, e) {
            (WeakEntry::Array(w), Entry::Array(a)) => std::ptr::eq(w.as_ptr(), Arc::as_ptr(a)),
            (WeakEntry::Strings(w), Entry::Strings(s)) => std::ptr::eq(w.as_ptr(), Arc::as_ptr(s)),
            _ => false,
        }
    }
}

#[derive(Default)]
struct Table {
    map: HashMap<String, Slot>,
    /// How many slots are deferred; none, and no write needs to look for
    /// readers of the array it changes.
    deferred: usize,
}

impl Table {
    /// Takes `name` out of the map, keeping the deferred count right.
    fn take(&mut self, name: &str) -> Option<Slot> {
        let old = self.map.remove(name);
        if let Some(Slot::Deferred(_)) = old {
            self.deferred -= 1;
        }
        old
    }
    fn put(&mut self, name: String, slot: Slot) -> Option<Slot> {
        if let Slot::Deferred(_) = slot {
            self.deferred += 1;
        }
        let old = self.map.insert(name, slot);
        if let Some(Slot::Deferred(_)) = old {
            self.deferred -= 1;
        }
        old
    }
}

/// At most this many arrays wait uncomputed; more are computed at once. Fused
/// expressions need one or two; the bound keeps the search for the readers of
/// a changing array short.
const MAX_DEFERRED: usize = 4;

pub struct SymbolTable {
    entries: RwLock<Table>,
    /// `id_<7 random characters>_`, the prefix of every generated name and the
    /// default checkpoint name.
    server_id: String,
    counter: AtomicU64,
    count: AtomicUsize,
    memory: Arc<MemoryAccount>,
    /// This process's rank and the rank count: an entry holds this rank's
    /// block of its global shape (see [`crate::dist::Block`]).
    rank: usize,
    ranks: usize,
}

impl SymbolTable {
    pub fn new(memory: Arc<MemoryAccount>) -> Self {
        Self::distributed(memory, 0, 1, &Self::random_id())
    }

    /// `id_<7 random characters>_`; every rank must use rank 0's.
    pub fn random_id() -> String {
        format!("id_{}_", Alphanumeric.sample_string(&mut rand::rng(), 7))
    }

    /// The table of rank `rank` of `ranks`, naming entries `<server_id><n>`.
    pub fn distributed(
        memory: Arc<MemoryAccount>,
        rank: usize,
        ranks: usize,
        server_id: &str,
    ) -> Self {
        SymbolTable {
            entries: RwLock::new(Table::default()),
            server_id: server_id.to_string(),
            counter: AtomicU64::new(0),
            count: AtomicUsize::new(0),
            memory,
            rank,
            ranks,
        }
    }

    /// How many elements of a global length `n` this rank holds.
    pub fn local_len(&self, n: usize) -> usize {
        crate::dist::Block::new(n, self.ranks).len(self.rank)
    }

    /// The name counter, to be put back with [`reset_counter`](Self::reset_counter)
    /// when a command fails (every rank must stay at the same count).
    pub fn counter(&self) -> u64 {
        self.counter.load(Ordering::Relaxed)
    }
    pub fn reset_counter(&self, n: u64) {
        self.counter.store(n, Ordering::Relaxed);
    }

    pub fn server_id(&self) -> &str {
        &self.server_id
    }

    pub fn memory(&self) -> &Arc<MemoryAccount> {
        &self.memory
    }

    /// A fresh name, `id_XXXXXXX_<n>`.
    pub fn next_name(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}{n}", self.server_id)
    }

    /// Reserves memory for, then allocates, this rank's block of a new array
    /// of global `shape`: `fill` gets the block's length. Nothing is
    /// allocated when the reservation fails.
    pub fn new_entry(
        &self,
        dtype: DType,
        shape: Vec<usize>,
        fill: impl FnOnce(usize) -> ArrayData,
    ) -> Result<ArrayEntry, CommandError> {
        let len = self.local_len(shape_len(&shape)?);
        let reservation = self.reserve(dtype, len)?;
        let data = fill(len);
        debug_assert_eq!(data.len(), len);
        Ok(ArrayEntry {
            data,
            shape,
            reservation,
        })
    }

    /// Reserves memory for an array of `dtype` and `source`'s shape whose
    /// elements `recipe` computes from `source` when first needed.
    pub fn new_deferred(
        &self,
        dtype: DType,
        source: Arc<ArrayEntry>,
        recipe: Box<dyn Recipe>,
    ) -> Result<Deferred, CommandError> {
        let reservation = self.reserve(dtype, source.local_len())?;
        Ok(Deferred {
            dtype,
            shape: source.shape.clone(),
            recipe,
            state: Mutex::new(State::Pending {
                source,
                reservation,
            }),
        })
    }

    fn reserve(&self, dtype: DType, len: usize) -> Result<Reservation, CommandError> {
        let bytes = (len as u64).saturating_mul(dtype.itemsize() as u64);
        Ok(self.memory.reserve(bytes)?)
    }

    /// Stores `entry` under `name`, replacing any entry of that name.
    pub fn insert(&self, name: String, entry: ArrayEntry) {
        self.put(name, Slot::Ready(Arc::new(entry)));
    }

    /// Stores a deferred array under `name`; computed at once when enough
    /// others wait already.
    pub fn insert_deferred(&self, name: String, deferred: Deferred) {
        let full = self.read().deferred >= MAX_DEFERRED;
        let slot = if full {
            Slot::Ready(deferred.materialize())
        } else {
            Slot::Deferred(Arc::new(deferred))
        };
        self.put(name, slot);
    }

    /// Stores strings under `name`, replacing any entry of that name.
    pub fn insert_strings(&self, name: String, entry: StringsEntry) {
        self.put(name, Slot::Strings(Arc::new(entry)));
    }

    /// Takes charge of a block of strings built by a kernel: reserves its
    /// memory (after the fact: a kernel cannot know its output's size before
    /// it runs), failing with nothing kept when over the limit.
    pub fn new_strings(
        &self,
        offsets: Vec<u64>,
        bytes: Vec<u8>,
        size: usize,
        nbytes: u64,
    ) -> Result<StringsEntry, CommandError> {
        let held = (offsets.len() as u64) * 8 + bytes.len() as u64;
        let reservation = self.memory.reserve(held)?;
        Ok(StringsEntry {
            offsets,
            bytes,
            size,
            nbytes,
            reservation,
        })
    }

    fn put(&self, name: String, slot: Slot) {
        let old = self.write().put(name, slot);
        match old {
            None => {
                self.count.fetch_add(1, Ordering::Relaxed);
            }
            Some(old) => self.release(old),
        }
    }

    /// Lets go of a slot that left the table. Deferred arrays still reading
    /// it are computed first, so its memory is freed now, as it would be
    /// had they been computed when made.
    fn release(&self, old: Slot) {
        if let Slot::Ready(entry) = old {
            self.settle_readers(&entry);
        }
        // `old` is dropped here, outside the lock.
    }

    /// Computes every deferred array whose source is `entry`.
    fn settle_readers(&self, entry: &Arc<ArrayEntry>) {
        let readers: Vec<(String, Arc<Deferred>)> = {
            let table = self.read();
            if table.deferred == 0 {
                return;
            }
            table
                .map
                .iter()
                .filter_map(|(n, s)| match s {
                    Slot::Deferred(d) if d.reads(entry) => Some((n.clone(), Arc::clone(d))),
                    _ => None,
                })
                .collect()
        };
        for (name, d) in readers {
            self.settle(&name, &d);
        }
    }

    /// Computes deferred array `d`, stored under `name`, and stores the result
    /// in its place (unless the name has moved on meanwhile).
    fn settle(&self, name: &str, d: &Arc<Deferred>) -> Arc<ArrayEntry> {
        let entry = d.materialize();
        let mut table = self.write();
        if matches!(table.map.get(name), Some(Slot::Deferred(x)) if Arc::ptr_eq(x, d)) {
            table.put(name.to_string(), Slot::Ready(Arc::clone(&entry)));
        }
        entry
    }

    /// Changes an entry's elements in place, without a second allocation when
    /// nobody else holds the entry (a reader that does gets its own copy kept
    /// intact: the change then goes to a fresh copy, reserved like any array).
    pub fn modify(
        &self,
        name: &str,
        change: impl FnOnce(&mut ArrayData) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        // Deferred readers of the old elements compute them before they go.
        self.settle_readers(&self.get(name)?);
        let mut table = self.write();
        let Some(Slot::Ready(slot)) = table.map.get_mut(name) else {
            return Err(CommandError::UnknownSymbol(name.into()));
        };
        if let Some(entry) = Arc::get_mut(slot) {
            return change(&mut entry.data);
        }
        let mut copy = self.new_entry(slot.dtype(), slot.shape.clone(), |_| slot.data.clone())?;
        change(&mut copy.data)?;
        *slot = Arc::new(copy);
        Ok(())
    }

    /// The array named `name`, computed if it was deferred.
    pub fn get(&self, name: &str) -> Result<Arc<ArrayEntry>, CommandError> {
        match self.slot(name)? {
            Slot::Ready(entry) => Ok(entry),
            Slot::Deferred(d) => Ok(self.settle(name, &d)),
            Slot::Strings(_) => Err(CommandError::value(format!(
                "{name} is Strings, where a pdarray is needed"
            ))),
        }
    }

    /// The strings named `name`.
    pub fn get_strings(&self, name: &str) -> Result<Arc<StringsEntry>, CommandError> {
        match self.slot(name)? {
            Slot::Strings(s) => Ok(s),
            Slot::Ready(_) | Slot::Deferred(_) => Err(CommandError::value(format!(
                "{name} is a pdarray, where Strings are needed"
            ))),
        }
    }

    /// The entry named `name`, of either kind (arrays computed if deferred).
    pub fn get_any(&self, name: &str) -> Result<Entry, CommandError> {
        match self.slot(name)? {
            Slot::Strings(s) => Ok(Entry::Strings(s)),
            _ => self.get(name).map(Entry::Array),
        }
    }

    /// The deferred array named `name` and its source, if `name` is one that
    /// is still uncomputed; for commands that read recipes directly.
    pub fn get_deferred(&self, name: &str) -> Option<(Arc<Deferred>, Arc<ArrayEntry>)> {
        match self.slot(name).ok()? {
            Slot::Deferred(d) => d.source().map(|s| (d, s)),
            Slot::Ready(_) | Slot::Strings(_) => None,
        }
    }

    fn slot(&self, name: &str) -> Result<Slot, CommandError> {
        self.read()
            .map
            .get(name)
            .cloned()
            .ok_or_else(|| CommandError::UnknownSymbol(name.into()))
    }

    pub fn remove(&self, name: &str) -> Result<(), CommandError> {
        let old = self.write().take(name);
        match old {
            Some(old) => {
                self.count.fetch_sub(1, Ordering::Relaxed);
                self.release(old);
                Ok(())
            }
            None => Err(CommandError::UnknownSymbol(name.into())),
        }
    }

    /// Removes every entry.
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.write());
        self.count.fetch_sub(old.map.len(), Ordering::Relaxed);
    }

    /// Entry count without taking the lock (for the status daemon).
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// How many arrays wait uncomputed (for `serverstatus`).
    pub fn deferred(&self) -> usize {
        self.read().deferred
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A consistent copy of the table's contents, sorted by name, every
    /// deferred array computed.
    pub fn snapshot(&self) -> Vec<(String, Arc<ArrayEntry>)> {
        self.snapshot_all()
            .into_iter()
            .filter_map(|(name, e)| match e {
                Entry::Array(a) => Some((name, a)),
                Entry::Strings(_) => None,
            })
            .collect()
    }

    /// Every entry of either kind, sorted by name, deferred arrays computed.
    pub fn snapshot_all(&self) -> Vec<(String, Entry)> {
        let slots: Vec<(String, Slot)> = self
            .read()
            .map
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut all: Vec<_> = slots
            .into_iter()
            .map(|(name, slot)| {
                let entry = match slot {
                    Slot::Ready(entry) => Entry::Array(entry),
                    Slot::Deferred(d) => Entry::Array(self.settle(&name, &d)),
                    Slot::Strings(s) => Entry::Strings(s),
                };
                (name, entry)
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    // A panicking handler must not lock everyone out: entries are only ever
    // swapped whole, so the map is consistent even after a panic.
    fn read(&self) -> RwLockReadGuard<'_, Table> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }
    fn write(&self) -> RwLockWriteGuard<'_, Table> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
}

fn shape_len(shape: &[usize]) -> Result<usize, CommandError> {
    shape
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(*d))
        .ok_or_else(|| CommandError::value(format!("shape {shape:?} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn accounting_follows_entries() {
        let table = SymbolTable::new(MemoryAccount::new(&Config::defaults(), 1 << 30));
        let name = table.next_name();
        assert!(name.starts_with("id_") && name.ends_with("_1") && name.len() == 12);
        let e = table
            .new_entry(DType::Float64, vec![10], |n| {
                ArrayData::zeros(DType::Float64, n)
            })
            .unwrap();
        assert_eq!(
            e.created_msg(&name),
            format!("created {name} float64 10 1 [10] 8")
        );
        table.insert(name.clone(), e);
        assert_eq!((table.len(), table.memory().used()), (1, 80));
        table.remove(&name).unwrap();
        assert_eq!((table.len(), table.memory().used()), (0, 0));
        assert!(table.remove(&name).is_err());
    }
}
