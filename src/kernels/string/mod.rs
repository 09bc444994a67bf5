//! Segmented strings as kernels see them: a block of strings is one byte
//! buffer, every string followed by a NUL (Arkouda's layout), and the offset
//! where each string starts. Kernels read a [`Strs`] and write through a
//! [`StrsBuilder`]; neither knows about ranks.

pub mod order;

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
    for end in memchr::memchr_iter(0, bytes) {
        offsets.push(start as u64);
        start = end + 1;
    }
    Ok(offsets)
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
    }
}
