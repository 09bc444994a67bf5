//! Kernels that cut strings: strip, peel, split and flatten, substitution,
//! prefixes and suffixes, and the matches themselves as strings.

use memchr::memmem;
use regex::bytes::Regex;

use super::pattern::find_iter;
use super::{Emitted, Out, Strs, emit, join, span};
use crate::kernels;

/// The characters `strip` removes: the given ones, or Python's whitespace.
pub struct StripSet {
    ascii: [bool; 128],
    other: Vec<char>,
    whitespace: bool,
}

impl StripSet {
    /// `chars` empty means whitespace, as `str.strip()` without argument.
    pub fn new(chars: &str) -> Self {
        let mut set = StripSet {
            ascii: [false; 128],
            other: Vec::new(),
            whitespace: chars.is_empty(),
        };
        for c in chars.chars() {
            if c.is_ascii() {
                set.ascii[c as usize] = true;
            } else {
                set.other.push(c);
            }
        }
        if set.whitespace {
            for c in 0..128u8 {
                set.ascii[c as usize] = super::case::is_space(c as char);
            }
        }
        set
    }

    fn has(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else if self.whitespace {
            super::case::is_space(c)
        } else {
            self.other.contains(&c)
        }
    }

    /// `x` without the set's characters at either end (`x` is read as UTF-8
    /// where it is; a byte that is not is never stripped).
    pub fn strip<'a>(&self, x: &'a [u8]) -> &'a [u8] {
        let mut lo = 0;
        while lo < x.len() {
            match first_char(&x[lo..]) {
                Some((c, n)) if self.has(c) => lo += n,
                _ => break,
            }
        }
        let mut hi = x.len();
        while hi > lo {
            match last_char(&x[lo..hi]) {
                Some((c, n)) if self.has(c) => hi -= n,
                _ => break,
            }
        }
        &x[lo..hi]
    }
}

/// The UTF-8 character `x` starts with, and its byte length.
fn first_char(x: &[u8]) -> Option<(char, usize)> {
    let n = match x.first()? {
        b if b < &0x80 => return Some((*b as char, 1)),
        b if b >> 5 == 0b110 => 2,
        b if b >> 4 == 0b1110 => 3,
        b if b >> 3 == 0b11110 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(x.get(..n)?).ok()?.chars().next()?;
    Some((c, n))
}

/// The UTF-8 character `x` ends with, and its byte length.
fn last_char(x: &[u8]) -> Option<(char, usize)> {
    let lo = x.len().saturating_sub(4);
    let start = (lo..x.len()).rev().find(|&i| x[i] & 0xC0 != 0x80)?;
    let (c, n) = first_char(&x[start..])?;
    (start + n == x.len()).then_some((c, n))
}

/// How many characters `x` holds (bytes that do not continue a UTF-8
/// sequence).
pub fn char_count(x: &[u8]) -> usize {
    super::pattern::char_starts(x)
}

/// Where the `n`th character of `x` starts (its length when it has no more).
fn char_boundary(x: &[u8], n: usize) -> usize {
    let mut seen = 0;
    for (i, &b) in x.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if seen == n {
                return i;
            }
            seen += 1;
        }
    }
    x.len()
}

/// The first (`suffix` false) or last `n` characters of each string that
/// has at least `n` (more than `n` when `proper`); whether each had.
pub fn fixes(s: Strs, n: usize, suffix: bool, proper: bool) -> Emitted<bool> {
    emit(s, |x, out| {
        let count = char_count(x);
        let long = if proper { count > n } else { count >= n };
        if long {
            let cut = if suffix {
                &x[char_boundary(x, count - n)..]
            } else {
                &x[..char_boundary(x, n)]
            };
            out.push(cut);
        }
        long
    })
}

/// A block of new strings: (offsets, bytes).
pub type Block = (Vec<u64>, Vec<u8>);

/// The delimiter of a peel or split: a literal or a compiled pattern.
pub enum Delim<'a> {
    Literal(&'a [u8]),
    Regex(&'a Regex),
}

/// How a string is cut by `peel`.
#[derive(Clone, Copy)]
pub struct PeelOpts {
    pub times: usize,
    pub include_delimiter: bool,
    pub keep_partial: bool,
    pub from_left: bool,
}

/// The spans (start, end) of the delimiters `peel` counts in `x`: for a
/// literal every occurrence, overlapping ones too (as the original), in
/// order; for a pattern the successive matches.
fn delimiters(x: &[u8], d: &Delim, finder: Option<&memmem::Finder>) -> Vec<(usize, usize)> {
    match (d, finder) {
        (Delim::Literal([]), _) => {
            // The empty delimiter is at every character boundary, the end
            // included (the original finds it at every byte, NUL included).
            let mut v: Vec<(usize, usize)> = (0..x.len())
                .filter(|&i| x[i] & 0xC0 != 0x80)
                .map(|i| (i, i))
                .collect();
            v.push((x.len(), x.len()));
            v
        }
        (Delim::Literal(l), Some(f)) => {
            let mut v = Vec::new();
            let mut pos = 0;
            while let Some(p) = f.find(&x[pos..]) {
                v.push((pos + p, pos + p + l.len()));
                pos += p + 1;
            }
            v
        }
        (Delim::Regex(re), _) => find_iter(re, x).map(|m| (m.start(), m.end())).collect(),
        (Delim::Literal(_), None) => unreachable!("a literal has its finder"),
    }
}

/// Cuts each string at its `times`th delimiter from the left (or right):
/// (left parts, right parts), one string each per input string.
pub fn peel(s: Strs, d: &Delim, o: PeelOpts) -> (Block, Block) {
    let finder = match d {
        Delim::Literal(l) => Some(memmem::Finder::new(l)),
        Delim::Regex(_) => None,
    };
    let parts = kernels::map_ranges(s.len(), |r| {
        let nb = span(&s, &r).len();
        let mut left = Out::with_capacity(r.len(), nb / 2);
        let mut right = Out::with_capacity(r.len(), nb / 2);
        for i in r {
            let x = s.get(i);
            let found = delimiters(x, d, finder.as_ref());
            let (l, rt) = if found.len() < o.times {
                // Too few: the whole string goes left when peeling from the
                // left keeps partial strings or from the right does not.
                if o.from_left == o.keep_partial {
                    (x.len(), x.len())
                } else {
                    (0, 0)
                }
            } else {
                let k = if o.from_left {
                    o.times - 1
                } else {
                    found.len() - o.times
                };
                let (a, b) = found[k];
                match (o.include_delimiter, o.from_left) {
                    (true, true) => (b, b),
                    (true, false) => (a, a),
                    (false, _) => (a, b),
                }
            };
            left.push(&x[..l]);
            right.push(&x[rt..]);
        }
        (left, right)
    });
    let (lefts, rights): (Vec<Out>, Vec<Out>) = parts.into_iter().unzip();
    (join(lefts), join(rights))
}

/// The pieces of each string between its delimiters (non-overlapping, left
/// to right), at most `max_splits` cuts when non-zero; the count of pieces
/// per string.
pub fn split(s: Strs, d: &Delim, max_splits: usize) -> Emitted<i64> {
    let limit = if max_splits == 0 {
        usize::MAX
    } else {
        max_splits
    };
    let finder = match d {
        Delim::Literal(l) => Some(memmem::Finder::new(l)),
        Delim::Regex(_) => None,
    };
    emit(s, |x, out| {
        let before = out.len();
        let mut from = 0;
        let mut cut = |a: usize, b: usize| {
            out.push(&x[from..a]);
            from = b;
        };
        match (d, &finder) {
            (Delim::Literal(l), Some(f)) => {
                for p in f.find_iter(x).take(limit) {
                    cut(p, p + l.len());
                }
            }
            (Delim::Regex(re), _) => {
                for m in find_iter(re, x).take(limit) {
                    cut(m.start(), m.end());
                }
            }
            (Delim::Literal(_), None) => unreachable!("a literal has its finder"),
        }
        out.push(&x[from..]);
        (out.len() - before) as i64
    })
}

/// Each string with its first `count` matches (all when 0) replaced by
/// `repl` as given (no group references); the replacements per string.
pub fn sub(s: Strs, re: &Regex, repl: &[u8], count: usize) -> Emitted<i64> {
    let limit = if count == 0 { usize::MAX } else { count };
    emit(s, |x, out| {
        let mut n = 0;
        out.push_with(|b| {
            let mut from = 0;
            for m in find_iter(re, x).take(limit) {
                b.extend_from_slice(&x[from..m.start()]);
                b.extend_from_slice(repl);
                from = m.end();
                n += 1;
            }
            b.extend_from_slice(&x[from..]);
        });
        n
    })
}

/// String i's `num[i]` spans (the next ones of `starts`/`lens`, in
/// characters, string by string) cut out of it, as strings. The caller has
/// checked that every span lies inside its string.
pub fn gather_spans(s: Strs, num: &[i64], starts: &[i64], lens: &[i64]) -> (Vec<u64>, Vec<u8>) {
    let mut first = Vec::with_capacity(num.len());
    let mut k = 0usize;
    for &n in num {
        first.push(k);
        k += n as usize;
    }
    let parts = kernels::map_ranges(s.len(), |r| {
        let mut out = Out::default();
        for i in r {
            let x = s.get(i);
            let ascii = x.is_ascii();
            for j in first[i]..first[i] + num[i] as usize {
                let (a, l) = (starts[j] as usize, lens[j] as usize);
                if ascii {
                    out.push(&x[a..a + l]);
                } else {
                    let from = char_boundary(x, a);
                    let to = from + char_boundary(&x[from..], l);
                    out.push(&x[from..to]);
                }
            }
        }
        out
    });
    join(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::testing::{block, texts};

    #[test]
    fn strip_peel_split() {
        let set = StripSet::new("");
        assert_eq!(set.strip(" \u{3000}a b\t\x1c".as_bytes()), b"a b");
        let set = StripSet::new("é1");
        assert_eq!(set.strip("1éaé1".as_bytes()), b"a");
        let (o, b) = block(&["a.b", "c.d", "e.f.g", ""]);
        let s = Strs::new(&o, &b);
        let opts = PeelOpts {
            times: 2,
            include_delimiter: false,
            keep_partial: true,
            from_left: true,
        };
        let ((lo, lb), (ro, rb)) = peel(s, &Delim::Literal(b"."), opts);
        assert_eq!(texts(&lo, &lb), ["a.b", "c.d", "e.f", ""]);
        assert_eq!(texts(&ro, &rb), ["", "", "g", ""]);
        let e = split(s, &Delim::Literal(b"."), 0);
        assert_eq!(
            texts(&e.offsets, &e.bytes),
            ["a", "b", "c", "d", "e", "f", "g", ""]
        );
        assert_eq!(e.per_string, [2, 2, 3, 1]);
        let f = fixes(Strs::new(&o, &b), 2, true, false);
        assert_eq!(texts(&f.offsets, &f.bytes), [".b", ".d", ".g"]);
    }
}
