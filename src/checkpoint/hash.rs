//! XXH64 of the values' little-endian bytes, stored in each data file we write
//! so that a load notices flipped bits that Parquet itself would not (the
//! `parquet` crate writes no page checksums).

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

/// Streaming XXH64 (seed 0). Feed either bytes or 8-byte words, in order.
#[derive(Clone)]
pub struct Xxh64 {
    acc: [u64; 4],
    buf: [u8; 32],
    buf_len: usize,
    total: u64,
}

impl Default for Xxh64 {
    fn default() -> Self {
        Xxh64 {
            acc: [P1.wrapping_add(P2), P2, 0, 0u64.wrapping_sub(P1)],
            buf: [0; 32],
            buf_len: 0,
            total: 0,
        }
    }
}

#[inline(always)]
fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

#[inline(always)]
fn merge(acc: u64, val: u64) -> u64 {
    (acc ^ round(0, val)).wrapping_mul(P1).wrapping_add(P4)
}

fn word(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
}

impl Xxh64 {
    #[inline(always)]
    fn stripe(&mut self, w: [u64; 4]) {
        self.acc[0] = round(self.acc[0], w[0]);
        self.acc[1] = round(self.acc[1], w[1]);
        self.acc[2] = round(self.acc[2], w[2]);
        self.acc[3] = round(self.acc[3], w[3]);
    }

    fn flush_buf_stripe(&mut self) {
        let b = self.buf;
        self.stripe([word(&b[0..]), word(&b[8..]), word(&b[16..]), word(&b[24..])]);
        self.buf_len = 0;
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.buf_len > 0 {
            let take = (32 - self.buf_len).min(data.len());
            self.buf[self.buf_len..self.buf_len + take].copy_from_slice(&data[..take]);
            self.buf_len += take;
            data = &data[take..];
            if self.buf_len < 32 {
                return;
            }
            self.flush_buf_stripe();
        }
        let mut stripes = data.chunks_exact(32);
        for s in &mut stripes {
            self.stripe([word(&s[0..]), word(&s[8..]), word(&s[16..]), word(&s[24..])]);
        }
        let rest = stripes.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buf_len = rest.len();
    }

    /// Same as `update` with the words' little-endian bytes, without copying
    /// them into a byte buffer first.
    pub fn update_words<T: Copy>(&mut self, mut data: &[T], bits: impl Fn(T) -> u64) {
        while self.buf_len > 0 && !data.is_empty() {
            self.update(&bits(data[0]).to_le_bytes());
            data = &data[1..];
        }
        if data.is_empty() {
            return;
        }
        self.total += data.len() as u64 * 8;
        let mut stripes = data.chunks_exact(4);
        for s in &mut stripes {
            self.stripe([bits(s[0]), bits(s[1]), bits(s[2]), bits(s[3])]);
        }
        for (i, w) in stripes.remainder().iter().enumerate() {
            self.buf[i * 8..i * 8 + 8].copy_from_slice(&bits(*w).to_le_bytes());
        }
        self.buf_len = stripes.remainder().len() * 8;
    }

    pub fn finish(&self) -> u64 {
        let mut h = if self.total >= 32 {
            let [a, b, c, d] = self.acc;
            let mut h = a
                .rotate_left(1)
                .wrapping_add(b.rotate_left(7))
                .wrapping_add(c.rotate_left(12))
                .wrapping_add(d.rotate_left(18));
            for v in self.acc {
                h = merge(h, v);
            }
            h
        } else {
            self.acc[2].wrapping_add(P5)
        };
        h = h.wrapping_add(self.total);
        let mut rest = &self.buf[..self.buf_len];
        while rest.len() >= 8 {
            h ^= round(0, word(rest));
            h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
            rest = &rest[8..];
        }
        if rest.len() >= 4 {
            let v = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as u64;
            h ^= v.wrapping_mul(P1);
            h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
            rest = &rest[4..];
        }
        for &b in rest {
            h ^= (b as u64).wrapping_mul(P5);
            h = h.rotate_left(11).wrapping_mul(P1);
        }
        h ^= h >> 33;
        h = h.wrapping_mul(P2);
        h ^= h >> 29;
        h = h.wrapping_mul(P3);
        h ^ (h >> 32)
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
        let words: Vec<u64> = (0..103u64).map(|i| i.wrapping_mul(P3) ^ (i << 7)).collect();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let whole = xxh(&bytes);
        for split in [0, 1, 3, 4, 5, 50, 103] {
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
