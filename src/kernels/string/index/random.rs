//! Random strings (`ak.random_strings_uniform`, `ak.random_strings_lognormal`).
//!
//! String `i` (its global index) draws its length from stream words `2i`
//! and `2i + 1` of the key, and its characters from a stream of its own
//! (the key mixed with `i`), two characters per 64-bit word. Nothing depends
//! on which rank or thread makes a string, so a seed gives the same strings
//! at any rank count. The words are SplitMix64 outputs of a counter, as the
//! numeric random arrays use.

use crate::kernels;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Word `pos` of the stream with key `key`.
fn word(key: u64, pos: u64) -> u64 {
    mix(key.wrapping_add(pos.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// The stream key of a seed (nearby seeds give unrelated streams).
pub fn key_of_seed(seed: i64) -> u64 {
    mix(seed as u64 ^ 0x57A1_6557_A165_57A1)
}

/// The bytes strings are made of: `lo..lo + span`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charset {
    lo: u8,
    span: u8,
}

impl Charset {
    /// The client's names (any case); an unknown name means uppercase, as
    /// in the original. `binary` is every byte but NUL, which would end the
    /// string.
    pub fn named(name: &str) -> Charset {
        let (lo, hi) = match name.to_ascii_lowercase().as_str() {
            "lowercase" => (b'a', b'z'),
            "numeric" => (b'0', b'9'),
            "printable" => (b' ', b'~'),
            "binary" => (1, 255),
            _ => (b'A', b'Z'),
        };
        Charset {
            lo,
            span: hi - lo + 1,
        }
    }

    /// The character of 32 random bits (multiply-shift: off from uniform
    /// by less than 2^-24).
    fn pick(self, bits: u32) -> u8 {
        self.lo + ((bits as u64 * self.span as u64) >> 32) as u8
    }
}

/// How string lengths are drawn.
#[derive(Clone, Copy, Debug)]
pub enum Lengths {
    /// Uniform in `min..max` (`min < max`).
    Uniform { min: u64, max: u64 },
    /// `ceil(exp(mean + std * z)) - 1` for a standard normal z (the
    /// original counts the NUL in the drawn length), at least 0.
    LogNormal { mean: f64, std: f64 },
}

/// A float in [0, 1) from 53 bits of `w`.
fn unit(w: u64) -> f64 {
    (w >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl Lengths {
    /// The length of string `i`.
    fn of(self, key: u64, i: u64) -> u64 {
        let (w1, w2) = (word(key, 2 * i), word(key, 2 * i + 1));
        match self {
            Lengths::Uniform { min, max } => {
                min + ((w1 as u128 * (max - min) as u128) >> 64) as u64
            }
            Lengths::LogNormal { mean, std } => {
                // Box-Muller; 1 - u keeps the logarithm finite.
                let z = (-2.0 * (1.0 - unit(w1)).ln()).sqrt()
                    * (std::f64::consts::TAU * unit(w2)).cos();
                // A float past u64 saturates; NaN gives 0.
                ((mean + std * z).exp().ceil() as u64).max(1) - 1
            }
        }
    }
}

/// The byte lengths (NULs included) of strings `first..first + n`.
pub fn lengths(key: u64, dist: Lengths, first: usize, n: usize) -> Vec<u64> {
    kernels::tabulate(n, first, |i| dist.of(key, i as u64) + 1)
}

/// The characters of string `i` into `dst`.
pub fn fill(key: u64, i: u64, chars: Charset, dst: &mut [u8]) {
    let sub = mix(key ^ mix(i.wrapping_mul(GOLDEN) ^ 0xC4A2_5C4A_25C4_A25C));
    for (j, pair) in dst.chunks_mut(2).enumerate() {
        let w = word(sub, j as u64);
        pair[0] = chars.pick(w as u32);
        if let Some(b) = pair.get_mut(1) {
            *b = chars.pick((w >> 32) as u32);
        }
    }
}

/// Strings `first..first + n` of the stream, given their `lengths`.
pub fn strings(key: u64, chars: Charset, first: usize, lens: Vec<u64>) -> (Vec<u64>, Vec<u8>) {
    crate::kernels::string::build(lens, |k, dst| fill(key, (first + k) as u64, chars, dst))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::Strs;

    #[test]
    fn charsets_and_lengths_stay_in_range() {
        let key = key_of_seed(42);
        for (name, lo, hi) in [
            ("uppercase", b'A', b'Z'),
            ("LOWERCASE", b'a', b'z'),
            ("numeric", b'0', b'9'),
            ("printable", b' ', b'~'),
            ("binary", 1, 255),
            ("nonsense", b'A', b'Z'),
        ] {
            let cs = Charset::named(name);
            let dist = Lengths::Uniform { min: 2, max: 9 };
            let lens = lengths(key, dist, 0, 5_000);
            assert!(lens.iter().all(|l| (3..=9).contains(l)));
            let (o, b) = strings(key, cs, 0, lens);
            let v = Strs::new(&o, &b);
            let mut seen = [false; 256];
            for s in v.iter() {
                for &c in s {
                    assert!((lo..=hi).contains(&c), "{name}: {c}");
                    seen[c as usize] = true;
                }
            }
            assert!(seen[lo as usize] && seen[hi as usize], "{name}");
        }
        let ln = lengths(
            key,
            Lengths::LogNormal {
                mean: 2.0,
                std: 0.25,
            },
            0,
            10_000,
        );
        let mean = ln.iter().map(|&l| (l - 1) as f64).sum::<f64>() / ln.len() as f64;
        // E[ceil(X)] - 1 is about exp(2 + 0.25²/2) - 0.5 = 7.13.
        assert!((6.9..7.4).contains(&mean), "{mean}");
    }

    #[test]
    fn a_string_depends_only_on_its_index() {
        let key = key_of_seed(7);
        let cs = Charset::named("printable");
        let dist = Lengths::LogNormal {
            mean: 1.0,
            std: 1.0,
        };
        let all = strings(key, cs, 0, lengths(key, dist, 0, 100));
        let part = strings(key, cs, 40, lengths(key, dist, 40, 60));
        let (a, p) = (Strs::new(&all.0, &all.1), Strs::new(&part.0, &part.1));
        for k in 0..60 {
            assert_eq!(a.get(40 + k), p.get(k));
        }
    }
}
