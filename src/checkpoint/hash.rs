//! XXH64 of the values' little-endian bytes, stored in each data file we write
//! so that a load notices flipped bits that Parquet itself would not (the
//! `parquet` crate writes no page checksums).

use crate::dist::exchange::bytes_of;
use crate::kernels::Plain;

/// Streaming XXH64 (seed 0). Feed either bytes or 8-byte words, in order.
#[derive(Clone)]
pub struct Xxh64(xxhash_rust::xxh64::Xxh64);

impl Default for Xxh64 {
    fn default() -> Self {
        Xxh64(xxhash_rust::xxh64::Xxh64::new(0))
    }
}

/// Words turned into bytes at a time where they are not hashed in place.
const WORDS: usize = 64;

impl Xxh64 {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// Same as `update` with the words' little-endian bytes, `bits` giving
    /// each word's bit pattern. On little-endian machines that is the
    /// words' own memory, hashed in place.
    pub fn update_words<T: Plain>(&mut self, data: &[T], bits: impl Fn(T) -> u64) {
        if cfg!(target_endian = "little") && std::mem::size_of::<T>() == 8 {
            debug_assert!(
                data.first()
                    .is_none_or(|&w| bits(w).to_le_bytes() == bytes_of(&[w]))
            );
            self.0.update(bytes_of(data));
            return;
        }
        let mut buf = [0u8; WORDS * 8];
        for chunk in data.chunks(WORDS) {
            for (dst, w) in buf.chunks_exact_mut(8).zip(chunk) {
                dst.copy_from_slice(&bits(*w).to_le_bytes());
            }
            self.0.update(&buf[..chunk.len() * 8]);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xxh(data: &[u8]) -> u64 {
        let mut h = Xxh64::default();
        h.update(data);
        h.finish()
    }

    #[test]
    fn known_vectors() {
        assert_eq!(xxh(b""), 0xEF46_DB37_51D8_E999);
        assert_eq!(xxh(b"a"), 0xD24E_C4F1_A98C_6E5B);
        assert_eq!(xxh(b"abc"), 0x44BC_2CF5_AD77_0999);
        assert_eq!(
            xxh(b"Nobody inspects the spammish repetition"),
            0xFBCE_A83C_8A37_8BF1
        );
    }

    #[test]
    fn words_and_pieces_agree_with_bytes() {
        let words: Vec<u64> = (0..203u64)
            .map(|i| i.wrapping_mul(0x1656_67B1_9E37_79F9) ^ (i << 7))
            .collect();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let whole = xxh(&bytes);
        for split in [0, 1, 3, 4, 5, 50, 64, 65, 103, 203] {
            let mut h = Xxh64::default();
            h.update_words(&words[..split], |w| w);
            h.update_words(&words[split..], |w| w);
            assert_eq!(h.finish(), whole, "split {split}");
        }
        let mut h = Xxh64::default();
        for piece in bytes.chunks(7) {
            h.update(piece);
        }
        assert_eq!(h.finish(), whole);
    }
}
