//! Search and transform kernels: every string on its own, so a block of
//! strings is worked on in chunks of strings, in parallel for large blocks,
//! and the pieces are joined in order.

pub mod case;
pub mod codec;
pub mod edit;
pub mod literal;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::testing::block;

    #[test]
    fn map_copies_every_string() {
        let many: Vec<String> = (0..200_000).map(|i| format!("w{}", i % 1000)).collect();
        let (o, b) = block(&many);
        let (o2, b2) = map(Strs::new(&o, &b), |x, out| out.extend_from_slice(x));
        assert_eq!((o2, b2), (o, b));
    }
}
