//! Ordering kernels: the stable local radix sort every sort is built on
//! (one rank's sort, the buckets of the distributed sample sort, the set
//! operations), the keys that map each dtype's values to `u64`s whose
//! unsigned order is NumPy's order, and the k smallest or largest keys.

use rayon::prelude::*;

use crate::kernels;

/// A destination written at disjoint positions by several threads.
pub struct Scatter<T>(*mut T);

// SAFETY: threads only write through the pointer, each to positions no
// other thread writes, and the owner waits for all of them.
unsafe impl<T: Send> Sync for Scatter<T> {}
unsafe impl<T: Send> Send for Scatter<T> {}

impl<T> Scatter<T> {
    pub fn new(v: &mut Vec<T>) -> Self {
        Scatter(v.as_mut_ptr())
    }
    /// # Safety
    /// `i` must be within the capacity of the vector and no other thread may
    /// write position `i` at the same time.
    pub unsafe fn write(&self, i: usize, x: T) {
        // SAFETY: guaranteed by the caller.
        unsafe { self.0.add(i).write(x) }
    }
}

/// Bits per radix digit.
const DIGIT_BITS: u32 = 8;
const BUCKETS: usize = 1 << DIGIT_BITS;

/// One stable pass on all cores: `src` scattered into `dst` (capacity
/// `src.len()`) by `digit`. Returns where each digit's elements start, plus
/// the end.
fn parallel_pass<T, D>(src: &[T], dst: &mut Vec<T>, digit: D) -> Vec<usize>
where
    T: Copy + Send + Sync,
    D: Fn(&T) -> usize + Sync,
{
    let n = src.len();
    let counts = kernels::map_ranges(n, |r| {
        let mut h = vec![0usize; BUCKETS];
        for x in &src[r] {
            h[digit(x)] += 1;
        }
        h
    });
    // Chunk t's elements of digit b start after every element of a smaller
    // digit and after chunk t-1's elements of digit b.
    let mut starts = counts;
    let mut bounds = Vec::with_capacity(BUCKETS + 1);
    let mut run = 0;
    for b in 0..BUCKETS {
        bounds.push(run);
        for h in starts.iter_mut() {
            let c = h[b];
            h[b] = run;
            run += c;
        }
    }
    bounds.push(run);
    let out = Scatter::new(dst);
    let scatter = |chunk: &[T], mut at: Vec<usize>| {
        for x in chunk {
            let b = digit(x);
            // SAFETY: the positions of all chunks and digits are disjoint
            // ranges covering 0..n, within dst's capacity n.
            unsafe { out.write(at[b], *x) };
            at[b] += 1;
        }
    };
    if starts.len() == 1 {
        scatter(src, starts.swap_remove(0));
    } else {
        kernels::install(|| {
            src.par_chunks(kernels::chunk_len(n))
                .zip(starts)
                .for_each(|(chunk, at)| scatter(chunk, at));
        });
    }
    // SAFETY: the pass wrote every position 0..n (a permutation of src) and
    // T is Copy, so there is nothing to drop.
    unsafe { dst.set_len(n) };
    bounds
}

/// Stable LSD sort of `data` by the digits at `shifts` on this thread,
/// using `scratch` (same length) as the other buffer.
fn sort_slice<T, K>(data: &mut [T], scratch: &mut [T], shifts: &[u32], key: &K)
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    let mut in_data = true;
    for &shift in shifts {
        let (from, to): (&[T], &mut [T]) = if in_data {
            (data, scratch)
        } else {
            (scratch, data)
        };
        let digit = |x: &T| ((key(x) >> shift) as usize) & (BUCKETS - 1);
        let mut at = [0usize; BUCKETS];
        for x in from.iter() {
            at[digit(x)] += 1;
        }
        if at.contains(&from.len()) {
            // One digit value throughout: the pass would not move anything.
            continue;
        }
        let mut run = 0;
        for a in at.iter_mut() {
            let c = *a;
            *a = run;
            run += c;
        }
        for x in from.iter() {
            let b = digit(x);
            to[at[b]] = *x;
            at[b] += 1;
        }
        in_data = !in_data;
    }
    if !in_data {
        data.copy_from_slice(scratch);
    }
}

/// Stable sort of `v` by `key`.
///
/// Large arrays are first split on their highest varying digit (one
/// parallel pass); each of the resulting buckets, small enough to stay in a
/// core's cache, is then sorted by the lower digits on one thread, the
/// buckets spread over all cores. Small arrays take LSD passes directly.
pub fn radix_sort<T, K>(mut src: Vec<T>, key: K) -> Vec<T>
where
    T: Copy + Send + Sync,
    K: Fn(&T) -> u64 + Sync,
{
    let n = src.len();
    if n < 2 {
        return src;
    }
    let first = key(&src[0]);
    // Bits in which some key differs from the first: digits without any
    // need no pass.
    let varying = kernels::map_ranges(n, |r| {
        src[r].iter().fold(0u64, |acc, x| acc | (key(x) ^ first))
    })
    .into_iter()
    .fold(0, |a, b| a | b);
    let shifts: Vec<u32> = (0..64)
        .step_by(DIGIT_BITS as usize)
        .filter(|s| (varying >> s) & (BUCKETS as u64 - 1) != 0)
        .collect();
    let Some((&top, lower)) = shifts.split_last() else {
        return src;
    };
    let key = &key;
    let digit = |shift: u32| move |x: &T| ((key(x) >> shift) as usize) & (BUCKETS - 1);
    let mut dst: Vec<T> = Vec::with_capacity(n);
    if n < kernels::PAR_THRESHOLD || lower.is_empty() {
        for &shift in &shifts {
            parallel_pass(&src, &mut dst, digit(shift));
            std::mem::swap(&mut src, &mut dst);
        }
        return src;
    }
    let bounds = parallel_pass(&src, &mut dst, digit(top));
    // Bucket b is bounds[b]..bounds[b + 1] of dst; src serves as its scratch.
    let mut pieces = Vec::with_capacity(BUCKETS);
    let (mut rest_dst, mut rest_src) = (dst.as_mut_slice(), src.as_mut_slice());
    for w in bounds.windows(2) {
        let len = w[1] - w[0];
        let (d, dr) = rest_dst.split_at_mut(len);
        let (s, sr) = rest_src.split_at_mut(len);
        (rest_dst, rest_src) = (dr, sr);
        if len > 1 {
            pieces.push((d, s));
        }
    }
    // Largest last, so that they are taken first.
    pieces.sort_by_key(|(d, _)| d.len());
    let queue = std::sync::Mutex::new(pieces);
    let work = || {
        loop {
            let next = queue
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            let Some((d, s)) = next else { break };
            sort_slice(d, s, lower, key);
        }
    };
    let threads = kernels::threads_for(n);
    kernels::install(|| {
        rayon::scope(|s| {
            for _ in 1..threads {
                s.spawn(|_| work());
            }
            work();
        })
    });
    dst
}

// ---------------------------------------------------------------------------
// Keys and permutations
// ---------------------------------------------------------------------------

/// The key of every NaN: above the key of +inf.
pub const NAN_KEY: u64 = u64::MAX;

pub fn key_i64(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// NaN last, `-0.0` equal to `0.0`, otherwise the IEEE order.
pub fn key_f64(x: f64) -> u64 {
    if x.is_nan() {
        NAN_KEY
    } else if x == 0.0 {
        1 << 63
    } else {
        let b = x.to_bits();
        if b >> 63 == 1 { !b } else { b | (1 << 63) }
    }
}

/// `(key, index)` pairs of `keys`, stably sorted by key.
pub fn sorted_items(keys: &[u64]) -> Vec<(u64, i64)> {
    let items = kernels::build(keys.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            o.write((keys[start + k], (start + k) as i64));
        }
    });
    radix_sort(items, |x| x.0)
}

/// The stable sorting permutation of `keys`.
///
/// When the bits in which keys differ and the bits of an index fit in one
/// word together, each element is sorted as one `u64` (key bits above the
/// index), which halves the memory the passes move.
pub fn argsort_keys(keys: &[u64]) -> Vec<i64> {
    let n = keys.len();
    let Some(first) = keys.first() else {
        return Vec::new();
    };
    let varying = kernels::map_ranges(n, |r| keys[r].iter().fold(0u64, |acc, k| acc | (k ^ first)))
        .into_iter()
        .fold(0, |a, b| a | b);
    // Bits above the highest varying bit and below the lowest are the same
    // in every key, so dropping them keeps the order.
    let (low, width) = if varying == 0 {
        (0, 0)
    } else {
        let low = varying.trailing_zeros();
        (low, 64 - varying.leading_zeros() - low)
    };
    let index_bits = usize::BITS - (n - 1).leading_zeros();
    if width + index_bits > 64 {
        let items = sorted_items(keys);
        return kernels::map(&items, |x| x.1);
    }
    let key_mask = if width == 0 {
        0
    } else {
        u64::MAX >> (64 - width)
    };
    let packed = kernels::build(n, |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let i = start + k;
            let short = (keys[i] >> low) & key_mask;
            o.write((short << index_bits) | i as u64);
        }
    });
    let sorted = radix_sort(packed, |x| x >> index_bits);
    let index_mask = (1u64 << index_bits) - 1;
    kernels::map(&sorted, |x| (x & index_mask) as i64)
}

/// The permutation that sorts rows of `keys` (columns, first most
/// significant), stably.
pub fn coargsort_keys(keys: &[Vec<u64>]) -> Vec<i64> {
    let Some((last, rest)) = keys.split_last() else {
        return Vec::new();
    };
    let mut perm = argsort_keys(last);
    for k in rest.iter().rev() {
        let items: Vec<(u64, i64)> = kernels::build(perm.len(), |start, out| {
            for (o, i) in out.iter_mut().zip(&perm[start..]) {
                o.write((k[*i as usize], *i));
            }
        });
        perm = kernels::map(&radix_sort(items, |x| x.0), |x| x.1);
    }
    perm
}

/// Keeps the `k` smallest (or largest) of `items`, in no particular order.
fn keep_best(items: &mut Vec<(u64, i64)>, k: usize, largest: bool) {
    if items.len() <= k {
        return;
    }
    if largest {
        let cut = items.len() - k;
        items.select_nth_unstable(cut);
        items.drain(..cut);
    } else {
        items.select_nth_unstable(k);
        items.truncate(k);
    }
}

/// Indices of the `k` smallest (largest) keys, ordered by (key, index).
pub fn best_k(keys: &[u64], k: usize, largest: bool) -> Vec<i64> {
    // Each chunk keeps its own best k; the best k overall are among them.
    let mut all = kernels::map_ranges(keys.len(), |r| {
        let mut items: Vec<(u64, i64)> = r.map(|i| (keys[i], i as i64)).collect();
        keep_best(&mut items, k, largest);
        items
    })
    .concat();
    keep_best(&mut all, k, largest);
    all.sort_unstable();
    all.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_stable_on_every_path() {
        // Large enough for several threads; keys spread over all 8 digits
        // and over only one.
        let n = kernels::PAR_THRESHOLD * 3 + 11;
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let wide: Vec<(u64, usize)> = (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> (i % 3 * 20), i)
            })
            .collect();
        let narrow: Vec<(u64, usize)> = wide.iter().map(|(k, i)| (k % 5, *i)).collect();
        for v in [wide, narrow] {
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            assert_eq!(radix_sort(v, |p| p.0), want);
        }
        let one: Vec<u64> = vec![7; 1000];
        assert_eq!(radix_sort(one.clone(), |x| *x), one);
        assert!(radix_sort(Vec::<u64>::new(), |x| *x).is_empty());
    }

    #[test]
    fn float_keys_follow_numpy_order() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            f64::INFINITY,
        ];
        let keys: Vec<u64> = xs.iter().map(|x| key_f64(*x)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(key_f64(-0.0), key_f64(0.0));
        assert!(key_f64(f64::INFINITY) < key_f64(f64::NAN));
        assert_eq!(key_f64(-f64::NAN), NAN_KEY);
        assert!(key_i64(i64::MIN) < key_i64(-1) && key_i64(-1) < key_i64(0));
    }

    #[test]
    fn coargsort_orders_rows() {
        let a = vec![1u64, 0, 1, 0, 1];
        let b = vec![5u64, 5, 2, 2, 5];
        assert_eq!(coargsort_keys(&[a, b]), vec![3, 1, 2, 0, 4]);
    }

    #[test]
    fn best_k_breaks_ties_by_index() {
        let keys = [5u64, 1, 5, 0, 1, 5];
        assert_eq!(best_k(&keys, 3, false), vec![3, 1, 4]);
        assert_eq!(best_k(&keys, 2, true), vec![2, 5]);
        assert_eq!(best_k(&keys, 9, true), vec![3, 1, 4, 0, 2, 5]);
        assert!(best_k(&[], 3, false).is_empty());
    }
}
