//! Kernels of the "make and get back" string family: gathers and filters of
//! whole strings ([`take`], [`compress`]), the quoted text of one string
//! ([`quoted`]), random strings ([`random`]) and casts between numbers and
//! strings ([`cast`]).

pub mod cast;
pub mod random;

use rayon::prelude::*;

use super::Strs;
use crate::kernels;

/// The strings `src[at(k)]` for k in `0..n`, as a new block.
///
/// Two passes, each with one random read per string that is asked for
/// [`AHEAD`](kernels::AHEAD) strings early: the first finds where each
/// string starts and how long it is, the second copies its bytes. Reading
/// the offsets again in the second pass, without the spans kept here, and
/// without prefetches, made a gather of 5*10^6 strings of 1-16 bytes 3.6x
/// slower on one thread (0.86 s against 0.24 s).
pub fn take(src: Strs, n: usize, at: impl Fn(usize) -> usize + Sync) -> (Vec<u64>, Vec<u8>) {
    const AHEAD: usize = kernels::AHEAD;
    // (start, length with the NUL) of each string taken.
    let spans: Vec<[u64; 2]> = kernels::tabulate(n, 0, |k| {
        if k + AHEAD < n {
            kernels::prefetch(src.offsets.as_ptr().wrapping_add(at(k + AHEAD)));
        }
        let i = at(k);
        [src.offsets[i], src.with_nul(i).len() as u64]
    });
    let lens = kernels::map(&spans, |s| s[1]);
    super::build(lens, |k, dst| {
        if let Some(s) = spans.get(k + AHEAD) {
            kernels::prefetch(src.bytes.as_ptr().wrapping_add(s[0] as usize));
        }
        let s = spans[k][0] as usize;
        dst.copy_from_slice(&src.bytes[s..s + dst.len()]);
    })
}

/// Positions `i` where `mask[i]`, in order.
pub fn positions(mask: &[bool]) -> Vec<usize> {
    let per = kernels::chunk_len(mask.len());
    let parts = kernels::fold_chunks(mask, |c| c.iter().filter(|b| **b).count());
    let total = parts.iter().sum();
    let mut out = vec![0usize; total];
    // Each chunk of the mask writes its own stretch of `out`.
    let mut rest: &mut [usize] = &mut out;
    let mut slots = Vec::with_capacity(parts.len());
    for &c in &parts {
        let (head, tail) = rest.split_at_mut(c);
        slots.push(head);
        rest = tail;
    }
    let fill = |chunk: usize, dst: &mut [usize]| {
        let lo = chunk * per;
        let hi = (lo + per).min(mask.len());
        let mut j = 0;
        for (i, &b) in mask[lo..hi].iter().enumerate() {
            if b {
                dst[j] = lo + i;
                j += 1;
            }
        }
    };
    if slots.len() <= 1 {
        for (c, d) in slots.into_iter().enumerate() {
            fill(c, d);
        }
    } else {
        kernels::install(|| {
            slots
                .into_par_iter()
                .enumerate()
                .for_each(|(c, d)| fill(c, d))
        });
    }
    out
}

/// The strings of `src` where `mask` is true, in order.
pub fn compress(src: Strs, mask: &[bool]) -> (Vec<u64>, Vec<u8>) {
    let pos = positions(mask);
    take(src, pos.len(), |k| pos[k])
}

/// `s` in double quotes, with `"` and `\` escaped by a backslash (what the
/// client's `parse_single_value` undoes); other bytes as they are, invalid
/// UTF-8 replaced.
pub fn quoted(s: &[u8]) -> String {
    let text = String::from_utf8_lossy(s);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::testing::{block, texts};

    #[test]
    fn take_and_compress_small_and_large() {
        let (o, b) = block(&["a", "", "héllo", "xyz"]);
        let v = Strs::new(&o, &b);
        let idx = [3usize, 0, 0, 1, 2];
        let (to, tb) = take(v, idx.len(), |k| idx[k]);
        assert_eq!(texts(&to, &tb), ["xyz", "a", "a", "", "héllo"]);
        let (co, cb) = compress(v, &[true, false, true, true]);
        assert_eq!(texts(&co, &cb), ["a", "héllo", "xyz"]);
        let (eo, eb) = take(v, 0, |_| unreachable!());
        assert!(eo.is_empty() && eb.is_empty());
        // Past the thread threshold: every chunk lands in place.
        let words: Vec<String> = (0..200_003).map(|i| "z".repeat(i % 5)).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let (o, b) = block(&refs);
        let v = Strs::new(&o, &b);
        let n = words.len();
        let (ro, rb) = take(v, n, |k| n - 1 - k);
        let want: Vec<String> = words.iter().rev().cloned().collect();
        assert_eq!(texts(&ro, &rb), want);
        let mask: Vec<bool> = (0..n).map(|i| i % 3 == 1).collect();
        let (mo, mb) = compress(v, &mask);
        let want: Vec<String> = (0..n)
            .filter(|i| i % 3 == 1)
            .map(|i| words[i].clone())
            .collect();
        assert_eq!(texts(&mo, &mb), want);
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quoted(b"a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quoted("日本".as_bytes()), "\"日本\"");
        assert_eq!(quoted(b""), "\"\"");
    }
}
