//! The symbol table: named arrays shared by every daemon.
//!
//! Entries are immutable `Arc`s: a handler builds a new entry completely, then
//! swaps it in under a short write lock, so a failing or panicking handler can
//! never leave a half-written entry behind. Each entry owns the memory
//! [`Reservation`] for its bytes, so dropping it gives the bytes back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rand::distr::{Alphanumeric, SampleString};

use crate::error::CommandError;
use crate::kernels;
use crate::memory::{MemoryAccount, Reservation};

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
    pub fn size(&self) -> usize {
        self.data.len()
    }
    pub fn nbytes(&self) -> u64 {
        self.reservation.bytes()
    }
    /// `[10]` or `[2,3]`: the shape as the client parses it.
    pub fn shape_text(&self) -> String {
        let dims: Vec<String> = self.shape.iter().map(|d| d.to_string()).collect();
        format!("[{}]", dims.join(","))
    }
    /// The `created ...` reply of commands that make a new array.
    pub fn created_msg(&self, name: &str) -> String {
        format!(
            "created {name} {} {} {} {} {}",
            self.dtype().name(),
            self.size(),
            self.shape.len(),
            self.shape_text(),
            self.dtype().itemsize()
        )
    }
}

pub struct SymbolTable {
    entries: RwLock<HashMap<String, Arc<ArrayEntry>>>,
    /// `id_<7 random characters>_`, the prefix of every generated name and the
    /// default checkpoint name.
    server_id: String,
    counter: AtomicU64,
    count: AtomicUsize,
    memory: Arc<MemoryAccount>,
}

impl SymbolTable {
    pub fn new(memory: Arc<MemoryAccount>) -> Self {
        let mut rng = rand::rng();
        SymbolTable {
            entries: RwLock::new(HashMap::new()),
            server_id: format!("id_{}_", Alphanumeric.sample_string(&mut rng, 7)),
            counter: AtomicU64::new(0),
            count: AtomicUsize::new(0),
            memory,
        }
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

    /// Reserves memory for, then allocates, a new array. Nothing is allocated
    /// when the reservation fails.
    pub fn new_entry(
        &self,
        dtype: DType,
        shape: Vec<usize>,
        fill: impl FnOnce(usize) -> ArrayData,
    ) -> Result<ArrayEntry, CommandError> {
        let len = shape
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(*d))
            .ok_or_else(|| CommandError::value(format!("shape {shape:?} is too large")))?;
        let bytes = (len as u64).saturating_mul(dtype.itemsize() as u64);
        let reservation = self.memory.reserve(bytes)?;
        let data = fill(len);
        debug_assert_eq!(data.len(), len);
        Ok(ArrayEntry {
            data,
            shape,
            reservation,
        })
    }

    /// Stores `entry` under `name`, replacing any entry of that name.
    pub fn insert(&self, name: String, entry: ArrayEntry) {
        let old = self.write().insert(name, Arc::new(entry));
        if old.is_none() {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
        // `old` is dropped here, outside the lock.
    }

    /// Changes an entry's elements in place, without a second allocation when
    /// nobody else holds the entry (a reader that does gets its own copy kept
    /// intact: the change then goes to a fresh copy, reserved like any array).
    pub fn modify(
        &self,
        name: &str,
        change: impl FnOnce(&mut ArrayData) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        let mut map = self.write();
        let slot = map
            .get_mut(name)
            .ok_or_else(|| CommandError::UnknownSymbol(name.into()))?;
        if let Some(entry) = Arc::get_mut(slot) {
            return change(&mut entry.data);
        }
        let mut copy = self.new_entry(slot.dtype(), slot.shape.clone(), |_| slot.data.clone())?;
        change(&mut copy.data)?;
        *slot = Arc::new(copy);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Result<Arc<ArrayEntry>, CommandError> {
        self.read()
            .get(name)
            .cloned()
            .ok_or_else(|| CommandError::UnknownSymbol(name.into()))
    }

    pub fn remove(&self, name: &str) -> Result<(), CommandError> {
        let old = self.write().remove(name);
        match old {
            Some(_) => {
                self.count.fetch_sub(1, Ordering::Relaxed);
                Ok(())
            }
            None => Err(CommandError::UnknownSymbol(name.into())),
        }
    }

    /// Removes every entry.
    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.write());
        self.count.fetch_sub(old.len(), Ordering::Relaxed);
    }

    /// Entry count without taking the lock (for the status daemon).
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A consistent copy of the table's contents, sorted by name.
    pub fn snapshot(&self) -> Vec<(String, Arc<ArrayEntry>)> {
        let mut all: Vec<_> = self
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    // A panicking handler must not lock everyone out: entries are only ever
    // swapped whole, so the map is consistent even after a panic.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Arc<ArrayEntry>>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }
    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Arc<ArrayEntry>>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
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
