//! Activity tracking (spec §8.4): the idle clock, "notable activity seen", and
//! the activity guard that command-map handlers and the auto-checkpoint thread
//! take in turn.
//!
//! The guard is a flag under a mutex with a condvar rather than a held
//! `MutexGuard`, so that observers (the status daemon) can read who holds it
//! without ever blocking behind a long command.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Default)]
pub struct Activity {
    held: Mutex<bool>,
    released: Condvar,
    /// Milliseconds since the epoch when the current idle period began; 0 = busy.
    idle_start_ms: AtomicU64,
    notable: AtomicBool,
    /// Milliseconds since the epoch of the last completed checkpoint save or load.
    last_checkpoint_ms: AtomicU64,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(1)
        .max(1)
}

impl Activity {
    /// Starts an idle period unless one is already running (its start is kept).
    pub fn mark_idle(&self) {
        let _ =
            self.idle_start_ms
                .compare_exchange(0, now_ms(), Ordering::AcqRel, Ordering::Relaxed);
    }

    /// Ends the idle period: a non-special command arrived.
    pub fn mark_busy(&self) {
        self.idle_start_ms.store(0, Ordering::Release);
    }

    /// Start of the current idle period (ms since the epoch), if idle.
    pub fn idle_start_ms(&self) -> Option<u64> {
        Some(self.idle_start_ms.load(Ordering::Acquire)).filter(|t| *t != 0)
    }

    pub fn idle_seconds(&self) -> f64 {
        self.idle_start_ms()
            .map(|t| now_ms().saturating_sub(t) as f64 / 1000.0)
            .unwrap_or(0.0)
    }

    pub fn set_notable(&self) {
        self.notable.store(true, Ordering::Release);
    }

    pub fn notable(&self) -> bool {
        self.notable.load(Ordering::Acquire)
    }

    pub fn record_checkpoint(&self) {
        self.last_checkpoint_ms.store(now_ms(), Ordering::Release);
    }

    pub fn last_checkpoint_ms(&self) -> Option<u64> {
        Some(self.last_checkpoint_ms.load(Ordering::Acquire)).filter(|t| *t != 0)
    }

    /// Waits until nobody holds the activity guard, then holds it.
    pub fn guard(&self) -> ActivityGuard<'_> {
        let mut held = self.lock();
        while *held {
            held = self
                .released
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *held = true;
        ActivityGuard(self)
    }

    /// Whether someone (a command or a checkpoint) holds the guard now.
    pub fn is_held(&self) -> bool {
        *self.lock()
    }

    /// Returns once any activity in progress (e.g. an auto checkpoint) is over.
    pub fn wait_for_async_activity(&self) {
        drop(self.guard());
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Releases the activity guard on drop, also when a handler panics.
pub struct ActivityGuard<'a>(&'a Activity);

impl Drop for ActivityGuard<'_> {
    fn drop(&mut self) {
        *self.0.lock() = false;
        self.0.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn idle_clock_keeps_its_start() {
        let a = Activity::default();
        assert!(a.idle_start_ms().is_none());
        a.mark_idle();
        let first = a.idle_start_ms().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        a.mark_idle();
        assert_eq!(a.idle_start_ms(), Some(first));
        a.mark_busy();
        assert!(a.idle_start_ms().is_none());
    }

    #[test]
    fn guard_excludes() {
        let a = Arc::new(Activity::default());
        let g = a.guard();
        let a2 = Arc::clone(&a);
        let waiter = std::thread::spawn(move || a2.wait_for_async_activity());
        std::thread::sleep(Duration::from_millis(20));
        assert!(!waiter.is_finished());
        drop(g);
        waiter.join().unwrap();
        assert!(!a.is_held());
    }
}
