//! Segmented strings as kernels see them: a block of strings is one byte
//! buffer, every string followed by a NUL (Arkouda's layout), and the offset
//! where each string starts. Kernels read a [`Strs`] and write through a
//! [`StrsBuilder`]; neither knows about ranks.

pub mod combine;
pub mod index;
pub mod order;
pub mod search;

use std::mem::MaybeUninit;
use std::ops::Range;

use rayon::prelude::*;

/// A read-only block of strings.
#[derive(Clone, Copy, Debug)]
pub struct Strs<'a> {
    /// Where string i starts in `bytes`.
    pub offsets: &'a [u64],
    /// The strings, each followed by a NUL.
    pub bytes: &'a [u8],
}

impl<'a> Strs<'a> {
    pub fn new(offsets: &'a [u64], bytes: &'a [u8]) -> Self {
        Strs { offsets, bytes }
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Where string `i` ends, its NUL included.
    fn end(&self, i: usize) -> usize {
        match self.offsets.get(i + 1) {
            Some(&o) => o as usize,
            None => self.bytes.len(),
        }
    }

    /// String `i` with its NUL.
    pub fn with_nul(&self, i: usize) -> &'a [u8] {
        &self.bytes[self.offsets[i] as usize..self.end(i)]
    }

    /// String `i` without its NUL.
    pub fn get(&self, i: usize) -> &'a [u8] {
        let s = self.with_nul(i);
        &s[..s.len() - 1]
    }

    /// The strings without their NULs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let s = *self;
        (0..s.len()).map(move |i| s.get(i))
    }

    /// Strings `range` as a block of their own, offsets from 0.
    pub fn slice(&self, range: std::ops::Range<usize>) -> (Vec<u64>, &'a [u8]) {
        if range.is_empty() {
            return (Vec::new(), &[]);
        }
        let start = self.offsets[range.start];
        let end = self.end(range.end - 1);
        let offsets = self.offsets[range].iter().map(|o| o - start).collect();
        (offsets, &self.bytes[start as usize..end])
    }

    /// The byte length of each string, its NUL not counted.
    pub fn lengths(&self) -> Vec<i64> {
        (0..self.len())
            .map(|i| (self.end(i) - self.offsets[i] as usize - 1) as i64)
            .collect()
    }
}

/// Collects new strings into a block.
#[derive(Default)]
pub struct StrsBuilder {
    offsets: Vec<u64>,
    bytes: Vec<u8>,
}

impl StrsBuilder {
    pub fn with_capacity(strings: usize, bytes: usize) -> Self {
        StrsBuilder {
            offsets: Vec::with_capacity(strings),
            bytes: Vec::with_capacity(bytes),
        }
    }

    /// Appends one string (without a NUL: the builder adds it).
    pub fn push(&mut self, s: &[u8]) {
        self.offsets.push(self.bytes.len() as u64);
        self.bytes.extend_from_slice(s);
        self.bytes.push(0);
    }

    /// Appends one string made of `parts`, in order.
    pub fn push_parts(&mut self, parts: &[&[u8]]) {
        self.offsets.push(self.bytes.len() as u64);
        for p in parts {
            self.bytes.extend_from_slice(p);
        }
        self.bytes.push(0);
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// (offsets, bytes).
    pub fn finish(self) -> (Vec<u64>, Vec<u8>) {
        (self.offsets, self.bytes)
    }
}

/// Why `bytes` is not a block of NUL-terminated strings.
#[derive(Debug, PartialEq, Eq)]
pub struct Unterminated {
    /// The position of the last byte, which is not a NUL.
    pub position: usize,
}

/// Where each string of `bytes` starts, read from the NULs that end them.
/// Fails when the last string has no NUL.
pub fn offsets_of(bytes: &[u8]) -> Result<Vec<u64>, Unterminated> {
    if let Some(&last) = bytes.last()
        && last != 0
    {
        return Err(Unterminated {
            position: bytes.len() - 1,
        });
    }
    let mut offsets = Vec::with_capacity(bytes.len() / 8 + 1);
    let mut start = 0usize;
    for_each_nul(bytes, |end| {
        offsets.push(start as u64);
        start = end + 1;
    });
    Ok(offsets)
}

/// Calls `f` with the position of every NUL in `bytes`, in order. Strings
/// are short, so NULs are dense: a 16-byte compare and a bit mask per step
/// beats searching for each NUL (memchr) by a wide margin.
#[inline]
pub fn for_each_nul(bytes: &[u8], mut f: impl FnMut(usize)) {
    let mut chunks = bytes.chunks_exact(16);
    let mut at = 0;
    for c in &mut chunks {
        let mut mask = zero_mask16(c.try_into().expect("16 bytes"));
        while mask != 0 {
            f(at + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        at += 16;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == 0 {
            f(at + i);
        }
    }
}

/// Copies `src` to `dst` (as long) and writes to `out`, in order, `at + p`
/// for each NUL position `p` of `src` until `out` is full: the start of
/// the string after each NUL, with `at` one past `src`'s first position.
/// `out` must have room for no more than the NULs of `src`.
///
/// One read of the source: each 64-byte block is copied and its NUL mask
/// made in registers. The mask's positions are written eight at a time
/// without a branch per NUL (the surplus writes land in slots that later
/// positions overwrite), which is what a branch per NUL cost: about half
/// the upload's time on the 2-core VM, as the count of NULs per block
/// varies at random. Near the end of `out` the writes go one by one.
fn copy_marking_starts(
    src: &[u8],
    at: usize,
    dst: &mut [MaybeUninit<u8>],
    out: &mut [MaybeUninit<u64>],
) {
    assert_eq!(src.len(), dst.len(), "copy of unequal lengths");
    let mut k = 0;
    let mut blocks = src.chunks_exact(64);
    let mut base = at as u64;
    for (c, d) in (&mut blocks).zip(dst.chunks_exact_mut(64)) {
        // SAFETY: u8 and MaybeUninit<u8> have the same layout; both are 64 bytes.
        unsafe { std::ptr::copy_nonoverlapping(c.as_ptr(), d.as_mut_ptr().cast(), 64) };
        let mut m = zero_mask64(c.try_into().expect("64 bytes"));
        let count = m.count_ones() as usize;
        if k + 64 <= out.len() {
            let o = &mut out[k..k + 64];
            let mut j = 0;
            while j < count {
                // Eight writes a round, whatever the count.
                for slot in &mut o[j..j + 8] {
                    slot.write(base + u64::from(m.trailing_zeros()));
                    m &= m.wrapping_sub(1);
                }
                j += 8;
            }
            k += count;
        } else {
            while m != 0 && k < out.len() {
                out[k].write(base + u64::from(m.trailing_zeros()));
                m &= m - 1;
                k += 1;
            }
        }
        base += 64;
    }
    let rest = blocks.remainder();
    let tail = src.len() - rest.len();
    dst[tail..].copy_from_slice(as_uninit(rest));
    for (i, &b) in rest.iter().enumerate() {
        if b == 0 && k < out.len() {
            out[k].write(base + i as u64);
            k += 1;
        }
    }
}

/// `b` as uninitialised bytes (for copying into spare capacity).
fn as_uninit(b: &[u8]) -> &[MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has u8's layout, and initialised bytes are
    // valid uninitialised ones.
    unsafe { std::slice::from_raw_parts(b.as_ptr().cast(), b.len()) }
}

/// Bit i set where byte i of the 64 is 0.
#[inline]
fn zero_mask64(c: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (q, part) in c.chunks_exact(16).enumerate() {
        m |= u64::from(zero_mask16(part.try_into().expect("16 bytes"))) << (16 * q);
    }
    m
}

/// How many NULs `bytes` holds: 32 bytes a step with AVX2 where the CPU
/// has it (about twice the 16-byte mask-and-popcount loop, which is the
/// fallback), as contains counts the strings between its hits with it.
pub(crate) fn count_nuls(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { count_nuls_avx2(bytes) };
    }
    let mut chunks = bytes.chunks_exact(16);
    let mut n = 0;
    for c in &mut chunks {
        n += zero_mask16(c.try_into().expect("16 bytes")).count_ones() as usize;
    }
    n + chunks.remainder().iter().filter(|&&b| b == 0).count()
}

/// [`count_nuls`] with AVX2: per 32 bytes a compare whose all-ones lanes
/// are subtracted into byte counters, summed (`sad`) every 255 steps,
/// before a counter can wrap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_nuls_avx2(bytes: &[u8]) -> usize {
    use std::arch::x86_64::{
        _mm256_add_epi64, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_sad_epu8,
        _mm256_setzero_si256, _mm256_storeu_si256, _mm256_sub_epi8,
    };
    let zero = _mm256_setzero_si256();
    let mut total = zero;
    let mut blocks = bytes.chunks_exact(32);
    for _ in 0..blocks.len().div_ceil(255) {
        let mut acc = zero;
        for c in (&mut blocks).take(255) {
            // SAFETY: `c` is 32 readable bytes; the load is unaligned.
            let v = unsafe { _mm256_loadu_si256(c.as_ptr().cast()) };
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(v, zero));
        }
        total = _mm256_add_epi64(total, _mm256_sad_epu8(acc, zero));
    }
    let mut lanes = [0u64; 4];
    // SAFETY: `lanes` is 32 writable bytes; the store is unaligned.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), total) };
    let tail = blocks.remainder().iter().filter(|&&b| b == 0).count();
    lanes.iter().sum::<u64>() as usize + tail
}

/// Bit i set where byte i is 0.
#[inline]
fn zero_mask16(c: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_setzero_si128,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline; the load is unaligned.
        unsafe {
            let v = _mm_loadu_si128(c.as_ptr().cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        c.iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | (u32::from(b == 0) << i))
    }
}

/// A new block whose string k has `lens[k]` bytes (its NUL included):
/// offsets from the lengths, then `write(k, dst)` fills each string's bytes
/// (`dst` has the string's length, the NUL excluded; the NUL is already
/// there). Strings are written on every core for large outputs.
pub fn build(mut lens: Vec<u64>, write: impl Fn(usize, &mut [u8]) + Sync) -> (Vec<u64>, Vec<u8>) {
    let n = lens.len();
    let mut total = 0u64;
    for l in lens.iter_mut() {
        let len = *l;
        *l = total;
        total += len;
    }
    let offsets = lens;
    // Zeroed memory comes from the OS as it is touched, so the NULs cost
    // nothing extra.
    let mut bytes = vec![0u8; total as usize];
    let end = |k: usize| offsets.get(k).map_or(total, |&o| o) as usize;
    // Each chunk of strings owns the bytes from its first string's offset to
    // the next chunk's.
    let threads = super::threads_for(n.max(total as usize / 16));
    let per = n.div_ceil(threads.max(1)).max(1);
    let chunks: Vec<Range<usize>> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
    let mut pieces: Vec<(Range<usize>, &mut [u8])> = Vec::with_capacity(chunks.len());
    let mut rest: &mut [u8] = &mut bytes;
    for r in chunks {
        let (head, tail) = rest.split_at_mut(end(r.end) - end(r.start));
        pieces.push((r, head));
        rest = tail;
    }
    let run = |(r, dst): (Range<usize>, &mut [u8])| {
        let base = end(r.start);
        for k in r {
            let (s, e) = (end(k) - base, end(k + 1) - base);
            write(k, &mut dst[s..e - 1]);
        }
    };
    if pieces.len() <= 1 {
        pieces.into_iter().for_each(run);
    } else {
        super::install(|| pieces.into_par_iter().for_each(run));
    }
    (offsets, bytes)
}

/// [`build`] with string i of `len(i)` bytes (NUL not counted).
pub fn build_with(
    n: usize,
    len: impl Fn(usize) -> usize + Sync,
    write: impl Fn(usize, &mut [u8]) + Sync,
) -> (Vec<u64>, Vec<u8>) {
    build(super::tabulate(n, 0, |i| len(i) as u64 + 1), write)
}

/// One thread's part of [`copy_with_offsets`]: its source range, its part
/// of the copy and of the offsets, and whether it comes first.
type Piece<'a> = (
    std::ops::Range<usize>,
    &'a mut [MaybeUninit<u8>],
    &'a mut [MaybeUninit<u64>],
    bool,
);

/// `src` copied into a new buffer, with [`offsets_of`] the copy: one pass
/// over the bytes per thread after a counting pass (what an upload does
/// with the request's frame).
pub fn copy_with_offsets(src: &[u8]) -> Result<(Vec<u64>, Vec<u8>), Unterminated> {
    if let Some(&last) = src.last()
        && last != 0
    {
        return Err(Unterminated {
            position: src.len() - 1,
        });
    }
    let per = super::chunk_len(src.len());
    let ranges: Vec<std::ops::Range<usize>> = (0..src.len())
        .step_by(per)
        .map(|s| s..(s + per).min(src.len()))
        .collect();
    let counts = super::fold_chunks(src, count_nuls);
    let total: usize = counts.iter().sum();
    let mut offsets: Vec<u64> = Vec::with_capacity(total);
    let mut bytes: Vec<u8> = Vec::with_capacity(src.len());
    {
        // String j+1 starts after NUL j; chunk i's NULs are numbers
        // `first..first + counts[i]`, so it writes offsets first+1.. (the
        // last NUL of all starts nothing), and chunk 0 writes offset 0.
        let mut offs_rest = &mut offsets.spare_capacity_mut()[..total];
        let mut bytes_rest = &mut bytes.spare_capacity_mut()[..src.len()];
        let mut jobs = Vec::with_capacity(ranges.len());
        let mut first = 0usize;
        for (i, (r, &count)) in ranges.iter().zip(&counts).enumerate() {
            let (b, rest) = bytes_rest.split_at_mut(r.len());
            bytes_rest = rest;
            let lo = if i == 0 { 0 } else { (first + 1).min(total) };
            let hi = (first + count + 1).min(total);
            let (o, rest) = offs_rest.split_at_mut(hi - lo);
            offs_rest = rest;
            jobs.push((r.clone(), b, o, i == 0));
            first += count;
        }
        let job = |(r, b, o, lead): Piece<'_>| {
            let mut k = 0;
            if lead && !o.is_empty() {
                o[0].write(0);
                k = 1;
            }
            copy_marking_starts(&src[r.clone()], r.start + 1, b, &mut o[k..]);
        };
        if jobs.len() == 1 {
            jobs.into_iter().for_each(job);
        } else {
            super::install(|| jobs.into_par_iter().for_each(job));
        }
    }
    // SAFETY: every slot was written above (the slices cover both buffers).
    unsafe {
        offsets.set_len(total);
        bytes.set_len(src.len());
    }
    Ok((offsets, bytes))
}

/// Blocks of strings from text and back, for the kernels' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Strs, StrsBuilder};

    pub fn block<S: AsRef<str>>(words: &[S]) -> (Vec<u64>, Vec<u8>) {
        let mut b = StrsBuilder::default();
        for w in words {
            b.push(w.as_ref().as_bytes());
        }
        b.finish()
    }

    pub fn texts(o: &[u64], b: &[u8]) -> Vec<String> {
        Strs::new(o, b)
            .iter()
            .map(|s| String::from_utf8(s.to_vec()).unwrap())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_views_round_trip() {
        let mut b = StrsBuilder::default();
        for s in ["", "a", "héllo", "", "xyz"] {
            b.push(s.as_bytes());
        }
        let (offsets, bytes) = b.finish();
        assert_eq!(offsets_of(&bytes).unwrap(), offsets);
        let v = Strs::new(&offsets, &bytes);
        let got: Vec<&[u8]> = v.iter().collect();
        assert_eq!(got, vec![&b""[..], b"a", "héllo".as_bytes(), b"", b"xyz"]);
        assert_eq!(v.lengths(), vec![0, 1, 6, 0, 3]);
        let (o, by) = v.slice(1..3);
        assert_eq!(o, vec![0, 2]);
        assert_eq!(by, "a\0héllo\0".as_bytes());
        assert_eq!(offsets_of(b"ab"), Err(Unterminated { position: 1 }));
        assert_eq!(offsets_of(b"").unwrap(), Vec::<u64>::new());
        assert_eq!(copy_with_offsets(b"ab"), Err(Unterminated { position: 1 }));
    }

    /// The parallel copy agrees with the plain scan at every size and
    /// string length (chunks cut strings anywhere).
    #[test]
    fn copy_with_offsets_matches_offsets_of() {
        // `every` 0: NULs at scattered places, so that the count per
        // 64-byte block varies around the eight written per round.
        for n in [0usize, 1, 2, 3, 1000, 300_001] {
            for every in [0usize, 1, 2, 7, 100_000] {
                let bytes: Vec<u8> = (0..n)
                    .map(|i| {
                        let nul = match every {
                            0 => (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61 == 0,
                            e => i % e == e - 1,
                        };
                        if nul || i == n - 1 { 0 } else { b'a' }
                    })
                    .collect();
                let (o, b) = copy_with_offsets(&bytes).unwrap();
                assert_eq!(b, bytes);
                assert_eq!(o, offsets_of(&bytes).unwrap(), "n={n} every={every}");
            }
        }
    }
}
