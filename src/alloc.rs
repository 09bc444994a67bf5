//! A global allocator that keeps a few large freed blocks for reuse.
//!
//! Every array command writes a fresh result array. The system allocator
//! maps large blocks fresh from the kernel and unmaps them on free, so each
//! new array first pays a page fault and a kernel zeroing per 4 KiB page:
//! on a 2-core VM that made filling a new 800 MB array 3.5x slower than
//! filling one already mapped. Arkouda sessions create and drop arrays of
//! the same few sizes over and over (`c = a + b * x` makes and frees a
//! temporary each time), so a small cache of freed blocks, reused by size,
//! removes nearly all of that cost.
//!
//! Bounds: only blocks of at least [`MIN_BLOCK`] bytes are cached, at most
//! [`SLOTS`] of them, together at most the limit set by [`set_limit`] (zero,
//! the default, turns caching off; the server sets it at start-up), and a
//! block unused for [`MAX_IDLE`] is returned to the system at the next
//! large allocation or free, or at [`trim`]. Sizes are rounded up to 2 MiB
//! so that arrays of one length but different element types can share.
//!
//! Large blocks are mapped here rather than by malloc: 2 MiB aligned and
//! advised `MADV_HUGEPAGE` (THP runs in `madvise` mode on the target VMs;
//! NumPy gives its large arrays the same advice). A fresh array then takes
//! one fault per 2 MiB instead of per 4 KiB (measured on the 2-core VM:
//! filling a fresh 800 MB block went from 0.6 s to 0.15 s), and random
//! access over it (gather, scatter) misses the TLB far less. Where the
//! kernel has no huge page to give, the block is ordinary pages: contents
//! never depend on the advice.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Smaller blocks go straight to the system allocator.
pub const MIN_BLOCK: usize = 16 << 20;
/// How many freed blocks may wait for reuse.
pub const SLOTS: usize = 8;
/// A cached block unused for this long is given back.
pub const MAX_IDLE: Duration = Duration::from_secs(10);
/// The huge page size, and the grain of large blocks' sizes and alignment.
const GRAIN: usize = 2 << 20;

static LIMIT: AtomicUsize = AtomicUsize::new(0);
static CACHE: Mutex<Cache> = Mutex::new(Cache {
    slots: [None; SLOTS],
    bytes: 0,
});

/// Caps the bytes held by freed blocks (0 turns caching off and empties
/// the cache).
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
    trim();
}

/// Gives back blocks unused for [`MAX_IDLE`] or beyond the limit.
pub fn trim() {
    let stale = lock().take_stale(Instant::now());
    release(stale);
}

/// Bytes held by freed blocks right now.
pub fn cached_bytes() -> usize {
    lock().bytes
}

#[derive(Clone, Copy)]
struct Block {
    ptr: *mut u8,
    layout: Layout,
    freed: Instant,
}

// SAFETY: a cached block is memory nobody else refers to; it moves
// between threads only under the cache's mutex.
unsafe impl Send for Block {}

struct Cache {
    slots: [Option<Block>; SLOTS],
    bytes: usize,
}

fn lock() -> std::sync::MutexGuard<'static, Cache> {
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Cache {
    /// The most recently freed cached block of exactly this (rounded)
    /// layout, if any: its pages are the likeliest to be warm.
    fn take(&mut self, layout: Layout) -> Option<*mut u8> {
        let slot = self
            .slots
            .iter_mut()
            .filter(|s| s.is_some_and(|b| b.layout == layout))
            .max_by_key(|s| s.map(|b| b.freed))?;
        let block = slot.take()?;
        self.bytes -= layout.size();
        Some(block.ptr)
    }

    /// Keeps `block`, evicting the oldest blocks if needed; returns what
    /// must be freed (the evicted blocks, or `block` itself if it cannot
    /// be kept).
    fn put(&mut self, block: Block, limit: usize) -> [Option<Block>; SLOTS + 1] {
        let mut out = [None; SLOTS + 1];
        if block.layout.size() > limit {
            out[0] = Some(block);
            return out;
        }
        let mut n = 0;
        while self.bytes + block.layout.size() > limit || self.slots.iter().all(Option::is_some) {
            let oldest = self
                .slots
                .iter_mut()
                .filter(|s| s.is_some())
                .min_by_key(|s| s.map(|b| b.freed))
                .and_then(Option::take)
                .expect("the cache is not empty while over its bounds");
            self.bytes -= oldest.layout.size();
            out[n] = Some(oldest);
            n += 1;
        }
        let free = self.slots.iter_mut().find(|s| s.is_none());
        *free.expect("a slot was freed above") = Some(block);
        self.bytes += block.layout.size();
        out
    }

    fn take_stale(&mut self, now: Instant) -> [Option<Block>; SLOTS + 1] {
        let limit = LIMIT.load(Ordering::Relaxed);
        let mut out = [None; SLOTS + 1];
        for (slot, o) in self.slots.iter_mut().zip(&mut out) {
            let stale = slot.is_some_and(|b| {
                limit == 0 || now.duration_since(b.freed) >= MAX_IDLE || b.layout.size() > limit
            });
            if stale {
                *o = slot.take();
                self.bytes -= o.expect("just taken").layout.size();
            }
        }
        out
    }
}

/// Frees blocks outside the cache's lock.
fn release(blocks: [Option<Block>; SLOTS + 1]) {
    for b in blocks.into_iter().flatten() {
        // SAFETY: every cached block came from `map` with this layout and
        // is referenced by nothing else.
        unsafe { unmap(b.ptr, b.layout) };
    }
}

/// The layout large blocks are really allocated with (`None`: a block for
/// the system allocator).
fn rounded(layout: Layout) -> Option<Layout> {
    if layout.size() < MIN_BLOCK || layout.align() > GRAIN {
        return None;
    }
    let size = layout.size().checked_next_multiple_of(GRAIN)?;
    Layout::from_size_align(size, layout.align()).ok()
}

/// Whether an allocation of `layout` would now be served from the cache
/// (already mapped, so writing it takes no page faults).
pub fn is_cached(layout: Layout) -> bool {
    rounded(layout).is_some_and(|big| {
        lock()
            .slots
            .iter()
            .any(|s| s.is_some_and(|b| b.layout == big))
    })
}

/// A fresh zeroed mapping of `layout` (a multiple of [`GRAIN`]), aligned
/// to [`GRAIN`] and advised to use huge pages; null when out of memory.
fn map(layout: Layout) -> *mut u8 {
    let size = layout.size();
    let Some(len) = size.checked_add(GRAIN) else {
        return std::ptr::null_mut();
    };
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choosing touches no existing memory.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    // Map one grain more and give back the ends, so that the block starts
    // on a huge page boundary (mmap only aligns to 4 KiB).
    let p = p.cast::<u8>();
    let head = p.align_offset(GRAIN);
    let tail = len - head - size;
    // SAFETY: `p + head .. p + head + size` lies inside the mapping; the
    // unmapped ends are the rest of it, referenced by nothing.
    unsafe {
        if head > 0 {
            libc::munmap(p.cast(), head);
        }
        if tail > 0 {
            libc::munmap(p.add(head + size).cast(), tail);
        }
        let start = p.add(head);
        // Advice only: a refusal (THP off) leaves ordinary pages.
        libc::madvise(start.cast(), size, libc::MADV_HUGEPAGE);
        start
    }
}

/// Gives a block from [`map`] back to the system.
///
/// # Safety
/// `ptr` came from `map(layout)` and nothing refers to it any more.
unsafe fn unmap(ptr: *mut u8, layout: Layout) {
    // SAFETY: as the caller guarantees, the whole mapping is ours to drop.
    unsafe { libc::munmap(ptr.cast(), layout.size()) };
}

/// The system allocator, with large freed blocks kept for reuse.
pub struct CachingAlloc;

// SAFETY: every block handed out is either fresh (from `System`, or from
// `map` for large layouts) or a cached block of the same rounded layout
// that was freed and is referenced by nothing else; blocks go back to where
// they came from with the layout they came with.
unsafe impl GlobalAlloc for CachingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(big) = rounded(layout) else {
            // SAFETY: forwarded unchanged.
            return unsafe { System.alloc(layout) };
        };
        let (hit, stale) = {
            let mut cache = lock();
            (cache.take(big), cache.take_stale(Instant::now()))
        };
        release(stale);
        hit.unwrap_or_else(|| map(big))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(big) = rounded(layout) else {
            // SAFETY: forwarded unchanged.
            return unsafe { System.dealloc(ptr, layout) };
        };
        let limit = LIMIT.load(Ordering::Relaxed);
        let block = Block {
            ptr,
            layout: big,
            freed: Instant::now(),
        };
        let (out, stale) = {
            let mut cache = lock();
            (cache.put(block, limit), cache.take_stale(block.freed))
        };
        release(stale);
        release(out);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match rounded(layout) {
            // Fresh mappings are zero already, and cheaper than clearing a
            // cached block when only part of the array gets written (NumPy's
            // `zeros` is as lazy: calloc).
            Some(big) => map(big),
            // SAFETY: forwarded unchanged.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, layout.align());
        match (rounded(layout), new.ok().and_then(rounded)) {
            // SAFETY: forwarded unchanged; neither block is a cached size.
            (None, None) => unsafe { System.realloc(ptr, layout, new_size) },
            // Same rounded block: the bytes already fit.
            (Some(a), Some(b)) if a == b => ptr,
            _ => {
                // SAFETY: the caller guarantees `new_size` makes a valid
                // layout with this alignment.
                let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                // SAFETY: `new` is non-zero sized (it is at least one of the
                // two layouts above, one of which is large, or both small).
                let fresh = unsafe { self.alloc(new) };
                if !fresh.is_null() {
                    // SAFETY: both blocks are valid for the smaller size and
                    // distinct; the old one is freed after the copy.
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, fresh, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                fresh
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test: the cache and its limit are process-wide.
    #[test]
    fn freed_blocks_are_reused_within_bounds() {
        const MB: usize = 1 << 20;
        let a = CachingAlloc;
        let big = Layout::from_size_align(20 * MB + 3, 8).unwrap();
        set_limit(100 * MB);
        // SAFETY: valid layouts; every block is freed with its layout.
        unsafe {
            let p = a.alloc(big);
            assert!(!p.is_null());
            p.write_bytes(7, big.size());
            a.dealloc(p, big);
            assert_eq!(cached_bytes(), 22 * MB, "rounded to 2 MiB and kept");
            // Same rounded size, another requested size: the same block.
            let same = Layout::from_size_align(21 * MB, 8).unwrap();
            assert_eq!(a.alloc(same), p);
            assert_eq!(cached_bytes(), 0);
            // Growing within the rounded size keeps the block in place.
            assert_eq!(a.realloc(p, same, 22 * MB), p);
            a.dealloc(p, Layout::from_size_align(22 * MB, 8).unwrap());

            // Over the limit the oldest blocks go back to the system.
            let l40 = Layout::from_size_align(40 * MB, 8).unwrap();
            let blocks: Vec<_> = (0..3).map(|_| a.alloc(l40)).collect();
            for b in &blocks {
                a.dealloc(*b, l40);
            }
            assert!(cached_bytes() <= 100 * MB, "{}", cached_bytes());
            assert_eq!(a.alloc(l40), blocks[2], "the newest block stays");
            a.dealloc(blocks[2], l40);

            // Small blocks never enter the cache.
            let small = Layout::from_size_align(MB, 8).unwrap();
            let before = cached_bytes();
            let s = a.alloc(small);
            a.dealloc(s, small);
            assert_eq!(cached_bytes(), before);
        }
        set_limit(0);
        assert_eq!(cached_bytes(), 0, "a zero limit empties the cache");

        // Large blocks: huge page aligned, zeroed when asked, their bytes
        // kept across a move (the advice changes no contents).
        // SAFETY: valid layouts; every block is freed with its layout.
        unsafe {
            let l = Layout::from_size_align(MIN_BLOCK + 24, 8).unwrap();
            let z = a.alloc_zeroed(l);
            assert_eq!(z as usize % GRAIN, 0);
            let words = std::slice::from_raw_parts_mut(z.cast::<u64>(), l.size() / 8);
            assert!(words.iter().all(|w| *w == 0));
            for (i, w) in words.iter_mut().enumerate() {
                *w = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            }
            let grown = a.realloc(z, l, 3 * MIN_BLOCK);
            let words = std::slice::from_raw_parts(grown.cast::<u64>(), l.size() / 8);
            let mut kept = words.iter().enumerate();
            assert!(kept.all(|(i, w)| *w == (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
            let big = Layout::from_size_align(3 * MIN_BLOCK, 8).unwrap();
            let small = a.realloc(grown, big, 64);
            let first = std::slice::from_raw_parts(small.cast::<u64>(), 8);
            assert_eq!(first[7], 7u64.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            a.dealloc(small, Layout::from_size_align(64, 8).unwrap());
            assert!(!is_cached(l));
        }
    }
}
