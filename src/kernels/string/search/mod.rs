//! Search and transform kernels: every string on its own, so a block of
//! strings is worked on in chunks of strings, in parallel for large blocks,
//! and the pieces are joined in order.

pub mod case;
pub mod codec;
pub mod edit;
pub mod pattern;

use std::ops::Range;

use super::Strs;
use crate::kernels;

/// Where strings `r` lie in the block's bytes, NULs included.
pub fn span(s: &Strs, r: &Range<usize>) -> Range<usize> {
    if r.is_empty() {
        return 0..0;
    }
    let start = s.offsets[r.start] as usize;
    let end = match s.offsets.get(r.end) {
        Some(&o) => o as usize,
        None => s.bytes.len(),
    };
    start..end
}

/// `f` of every string, in order.
pub fn each<T: Send>(s: Strs, f: impl Fn(&[u8]) -> T + Sync) -> Vec<T> {
    kernels::build(s.len(), |start, chunk| {
        for (k, o) in chunk.iter_mut().enumerate() {
            o.write(f(s.get(start + k)));
        }
    })
}

/// New strings being written by one chunk.
#[derive(Default)]
pub struct Out {
    offsets: Vec<u64>,
    bytes: Vec<u8>,
}

impl Out {
    fn with_capacity(strings: usize, bytes: usize) -> Self {
        Out {
            offsets: Vec::with_capacity(strings),
            bytes: Vec::with_capacity(bytes),
        }
    }

    pub fn push(&mut self, s: &[u8]) {
        self.push_with(|b| b.extend_from_slice(s));
    }

    /// Appends one string that `fill` writes (the NUL is added after it).
    pub fn push_with(&mut self, fill: impl FnOnce(&mut Vec<u8>)) {
        self.offsets.push(self.bytes.len() as u64);
        fill(&mut self.bytes);
        self.bytes.push(0);
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }
}

/// New strings with one value per input string.
pub struct Emitted<T> {
    pub offsets: Vec<u64>,
    pub bytes: Vec<u8>,
    pub per_string: Vec<T>,
}

/// Runs `f(string, out)` on every string in order; `f` appends any number
/// of strings to `out` and returns a value kept per input string.
pub fn emit<T: Send>(s: Strs, f: impl Fn(&[u8], &mut Out) -> T + Sync) -> Emitted<T> {
    let parts = kernels::map_ranges(s.len(), |r| {
        let mut out = Out::with_capacity(r.len(), span(&s, &r).len());
        let vals: Vec<T> = r.map(|i| f(s.get(i), &mut out)).collect();
        (out, vals)
    });
    let (outs, vals): (Vec<Out>, Vec<Vec<T>>) = parts.into_iter().unzip();
    let (offsets, bytes) = join(outs);
    Emitted {
        offsets,
        bytes,
        per_string: vals.into_iter().flatten().collect(),
    }
}

/// One new string per input string: `f` writes string i's replacement.
pub fn map(s: Strs, f: impl Fn(&[u8], &mut Vec<u8>) + Sync) -> (Vec<u64>, Vec<u8>) {
    let e = emit(s, |x, out| out.push_with(|b| f(x, b)));
    (e.offsets, e.bytes)
}

/// The chunks' strings as one block.
pub fn join(mut outs: Vec<Out>) -> (Vec<u64>, Vec<u8>) {
    if outs.len() == 1 {
        let o = outs.pop().expect("one");
        return (o.offsets, o.bytes);
    }
    let n = outs.iter().map(|o| o.offsets.len()).sum();
    let nb = outs.iter().map(|o| o.bytes.len()).sum();
    let (mut offsets, mut bytes) = (Vec::with_capacity(n), Vec::with_capacity(nb));
    for o in outs {
        let base = bytes.len() as u64;
        offsets.extend(o.offsets.iter().map(|x| x + base));
        bytes.extend_from_slice(&o.bytes);
    }
    (offsets, bytes)
}

/// Whether each string contains `needle`: one `memmem` pass over the
/// chunk's bytes (a match never spans a NUL, as `needle` has none), each
/// hit placed in its string by walking the offsets forward.
pub fn contains_literal(s: Strs, needle: &[u8]) -> Vec<bool> {
    if needle.is_empty() || needle.contains(&0) {
        return vec![needle.is_empty(); s.len()];
    }
    let finder = memchr::memmem::Finder::new(needle);
    kernels::build(s.len(), |start, chunk| {
        for o in chunk.iter_mut() {
            o.write(false);
        }
        let offs = &s.offsets[start..start + chunk.len()];
        let sp = span(&s, &(start..start + chunk.len()));
        let mut i = 0;
        for p in finder.find_iter(&s.bytes[sp.clone()]) {
            let at = (sp.start + p) as u64;
            while i + 1 < offs.len() && offs[i + 1] <= at {
                i += 1;
            }
            chunk[i].write(true);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::StrsBuilder;

    fn block(words: &[&str]) -> (Vec<u64>, Vec<u8>) {
        let mut b = StrsBuilder::default();
        for w in words {
            b.push(w.as_bytes());
        }
        b.finish()
    }

    #[test]
    fn contains_literal_jumps_strings() {
        let words = ["abab", "", "xab", "a", "b", "ba", "abc", "aab"];
        let (o, b) = block(&words);
        let s = Strs::new(&o, &b);
        let want: Vec<bool> = words.iter().map(|w| w.contains("ab")).collect();
        assert_eq!(contains_literal(s, b"ab"), want);
        assert_eq!(contains_literal(s, b""), vec![true; words.len()]);
        // Large enough for several chunks.
        let many: Vec<String> = (0..200_000).map(|i| format!("w{}", i % 1000)).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let (o, b) = block(&refs);
        let got = contains_literal(Strs::new(&o, &b), b"99");
        let want: Vec<bool> = refs.iter().map(|w| w.contains("99")).collect();
        assert_eq!(got, want);
        let (o2, b2) = map(Strs::new(&o, &b), |x, out| out.extend_from_slice(x));
        assert_eq!((o2, b2), (o, b));
    }

    /// `contains` of a literal at 10^7 strings of 1-16 bytes against
    /// single-threaded loops (a memmem finder per string; the same one-pass
    /// algorithm on one thread); prints the times. Run with `--release -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn contains_speed() {
        let mut b = StrsBuilder::default();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut word = Vec::new();
        for _ in 0..10_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 16) as usize;
            word.clear();
            word.extend((0..len).map(|k| b'a' + ((x >> (4 * k % 60)) % 26) as u8));
            b.push(&word);
        }
        let (o, bytes) = b.finish();
        let s = Strs::new(&o, &bytes);
        for needle in [&b"xyz"[..], b"q", b"ab"] {
            let t = std::time::Instant::now();
            let f = memchr::memmem::Finder::new(needle);
            let single: Vec<bool> = s.iter().map(|w| f.find(w).is_some()).collect();
            let t1 = t.elapsed();
            // The same one-pass algorithm on one thread: the best loop.
            crate::kernels::set_threads(1);
            let t = std::time::Instant::now();
            let one = contains_literal(s, needle);
            let t3 = t.elapsed();
            crate::kernels::set_threads(
                std::thread::available_parallelism().map_or(1, |c| c.get()),
            );
            let t = std::time::Instant::now();
            let ours = contains_literal(s, needle);
            let t2 = t.elapsed();
            assert_eq!(ours, single);
            assert_eq!(one, single);
            println!(
                "needle {:?}: memmem per string {t1:?}, one pass on 1 thread {t3:?}, contains_literal {t2:?}, ratios {:.2} {:.2}",
                String::from_utf8_lossy(needle),
                t1.as_secs_f64() / t2.as_secs_f64(),
                t3.as_secs_f64() / t2.as_secs_f64()
            );
        }
    }
}
