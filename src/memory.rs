//! Memory accounting. Every byte held by the symbol table is reserved here
//! before it is allocated and released when its entry is dropped, so the
//! figures of `getmemused`/`getavailmem` and the limit check never drift.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use thiserror::Error;

use crate::config::{Config, MemMgmtType};
use crate::machine;

#[derive(Debug, Error)]
#[error(
    "cmd requiring {required} bytes of memory exceeds {limit} limit with projected pct memory used of {pct}%"
)]
pub struct OverMemoryLimit {
    pub required: u64,
    pub limit: u64,
    pub pct: u64,
}

pub struct MemoryAccount {
    used: AtomicU64,
    limit: u64,
    enforce: bool,
    dynamic: bool,
    available_pct: f64,
}

impl MemoryAccount {
    pub fn new(config: &Config, physical_memory: u64) -> Arc<Self> {
        let limit = if config.mem_max > 0 {
            config.mem_max
        } else {
            (physical_memory as u128 * config.per_locale_mem_limit as u128 / 100) as u64
        };
        Arc::new(MemoryAccount {
            used: AtomicU64::new(0),
            limit,
            enforce: config.mem_track,
            dynamic: config.mem_mgmt_type == MemMgmtType::Dynamic,
            available_pct: config.available_memory_pct,
        })
    }

    /// The per-locale limit (one locale here).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Reserves `bytes`, failing before anything is taken if the limit would be
    /// passed. The reservation is returned when the [`Reservation`] drops.
    pub fn reserve(self: &Arc<Self>, bytes: u64) -> Result<Reservation, OverMemoryLimit> {
        let mut current = self.used.load(Ordering::Relaxed);
        loop {
            let projected = current.saturating_add(bytes);
            if self.enforce && projected > self.limit && !self.dynamic_allows(current, bytes) {
                return Err(OverMemoryLimit {
                    required: projected,
                    limit: self.limit,
                    pct: percent(projected, self.limit),
                });
            }
            match self.used.compare_exchange_weak(
                current,
                projected,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Ok(Reservation {
                        account: Arc::clone(self),
                        bytes,
                    });
                }
                Err(actual) => current = actual,
            }
        }
    }

    /// DYNAMIC mode also admits what the machine really has free.
    fn dynamic_allows(&self, used: u64, bytes: u64) -> bool {
        self.dynamic
            && machine::mem_available().is_some_and(|avail| {
                used.saturating_add(bytes) as f64 <= avail as f64 * self.available_pct / 100.0
            })
    }
}

/// Bytes held on behalf of one symbol-table entry.
#[derive(Debug)]
pub struct Reservation {
    account: Arc<MemoryAccount>,
    bytes: u64,
}

impl Reservation {
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.account.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

impl std::fmt::Debug for MemoryAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemoryAccount(used {} of {})", self.used(), self.limit)
    }
}

/// `round(part / whole * 100)` with ties to even, like Python's `round`, so
/// the client's identity checks hold exactly.
pub fn percent(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    (part as f64 / whole as f64 * 100.0).round_ties_even() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_release_and_limit() {
        let mut config = Config::defaults();
        config.mem_max = 100;
        let account = MemoryAccount::new(&config, 1 << 30);
        let a = account.reserve(60).unwrap();
        assert_eq!(account.used(), 60);
        let err = account.reserve(41).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cmd requiring 101 bytes of memory exceeds 100 limit with projected pct memory used of 101%"
        );
        assert_eq!(account.used(), 60);
        drop(a);
        assert_eq!(account.used(), 0);
    }
}
