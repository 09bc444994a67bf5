//! Regular expressions over strings: compiling a pattern once per command,
//! the literal searches a pattern may amount to (the client escapes a plain
//! substring into a pattern), and where a pattern matches.

use regex::bytes::Regex;

use super::{Strs, each, literal, span};
use crate::kernels;

/// `pattern` compiled (Unicode-aware, as Python's `re` on `str`), or why
/// not, quoting it.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| {
        // The syntax error's last line names the fault (the lines above
        // draw the pattern with a caret).
        let text = e.to_string();
        let last = text.lines().last().unwrap_or_default();
        let reason = last.strip_prefix("error: ").unwrap_or(last);
        format!("cannot compile regex pattern '{pattern}': {reason}")
    })
}

/// The successive matches of `re` in `x`, without the empty ones inside a
/// UTF-8 character (Python finds empty matches between characters only).
pub fn find_iter<'a>(
    re: &'a Regex,
    x: &'a [u8],
) -> impl Iterator<Item = regex::bytes::Match<'a>> + 'a {
    re.find_iter(x).filter(move |m| !splits_char(x, m))
}

fn splits_char(x: &[u8], m: &regex::bytes::Match) -> bool {
    m.is_empty() && x.get(m.start()).is_some_and(|&b| b & 0xC0 == 0x80)
}

/// What a pattern asks of a whole string, when it is a plain literal.
#[derive(Debug, PartialEq, Eq)]
pub enum Literal {
    Contains(Vec<u8>),
    StartsWith(Vec<u8>),
    EndsWith(Vec<u8>),
    Equals(Vec<u8>),
}

/// The literal `pattern` stands for: escaped punctuation and plain
/// characters, at most a leading `^` and a trailing `$` (what the client
/// makes of `contains`, `startswith` and `endswith` without `regex`).
pub fn literal(pattern: &str) -> Option<Literal> {
    let (start, rest) = match pattern.strip_prefix('^') {
        Some(r) => (true, r),
        None => (false, pattern),
    };
    let mut lit = String::with_capacity(rest.len());
    let mut end = false;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let e = chars.next()?;
                if e.is_ascii_alphanumeric() || !e.is_ascii() {
                    return None;
                }
                lit.push(e);
            }
            '$' if chars.peek().is_none() => end = true,
            '.' | '^' | '$' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' => {
                return None;
            }
            c => lit.push(c),
        }
    }
    let lit = lit.into_bytes();
    Some(match (start, end) {
        (false, false) => Literal::Contains(lit),
        (true, false) => Literal::StartsWith(lit),
        (false, true) => Literal::EndsWith(lit),
        (true, true) => Literal::Equals(lit),
    })
}

/// Whether `re` (whose source is `pattern`) matches somewhere in each string.
pub fn search(s: Strs, re: &Regex, pattern: &str) -> Vec<bool> {
    match literal(pattern) {
        Some(Literal::Contains(l)) => literal::contains(s, &l),
        Some(Literal::StartsWith(l)) => literal::affix(s, &l, false),
        Some(Literal::EndsWith(l)) => literal::affix(s, &l, true),
        Some(Literal::Equals(l)) => each(s, |x| x == l.as_slice()),
        None => each(s, |x| re.is_match(x)),
    }
}

/// Where a pattern matches in each string of a block (the original's
/// `findMatchLocations`): the spans of capture group `group` over the
/// successive matches, in characters as Python counts them, and per string whether it matched anywhere, at its
/// start, and whole.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Locations {
    /// Spans reported per string.
    pub num: Vec<i64>,
    /// Start (within its string) and length of each span, string by string.
    pub starts: Vec<i64>,
    pub lens: Vec<i64>,
    pub search: Vec<bool>,
    pub matched: Vec<bool>,
    pub full: Vec<bool>,
}

/// Character positions of byte positions in one string, read forward (as
/// Python counts; the identity for ASCII).
pub struct CharPos<'a> {
    x: &'a [u8],
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharPos<'a> {
    pub fn new(x: &'a [u8]) -> Self {
        CharPos {
            x,
            ascii: x.is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    /// The character index at byte `b` (counting from the last position
    /// asked for when `b` is not before it).
    pub fn at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.byte {
            (self.byte, self.chars) = (0, 0);
        }
        self.chars += char_starts(&self.x[self.byte..b]);
        self.byte = b;
        self.chars
    }
}

/// How many characters start in `x` (bytes that do not continue a UTF-8
/// sequence).
pub fn char_starts(x: &[u8]) -> usize {
    x.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// [`Locations`] of `re`'s group `group` (0: the whole match). A match in
/// which the group takes no part is not counted, as in the original.
pub fn locations(s: Strs, re: &Regex, group: usize) -> Locations {
    let parts = kernels::map_ranges(s.len(), |r| {
        let mut loc = Locations::default();
        let bytes_hint = span(&s, &r).len() / 8;
        loc.starts.reserve(bytes_hint);
        loc.lens.reserve(bytes_hint);
        for i in r {
            let x = s.get(i);
            let (mut n, mut search, mut matched, mut full) = (0, false, false, false);
            let mut chars = CharPos::new(x);
            let mut note = |m: regex::bytes::Match, g: Option<regex::bytes::Match>| {
                if let Some(g) = g {
                    let start = chars.at(g.start());
                    loc.starts.push(start as i64);
                    loc.lens.push((chars.at(g.end()) - start) as i64);
                    n += 1;
                    search = true;
                    matched |= m.start() == 0;
                    full |= m.len() == x.len();
                }
            };
            if group == 0 {
                for m in find_iter(re, x) {
                    note(m, Some(m));
                }
            } else {
                for c in re.captures_iter(x) {
                    let m = c.get(0).expect("group 0");
                    if !splits_char(x, &m) {
                        note(m, c.get(group));
                    }
                }
            }
            loc.num.push(n);
            loc.search.push(search);
            loc.matched.push(matched);
            loc.full.push(full);
        }
        loc
    });
    if parts.len() == 1 {
        return parts.into_iter().next().expect("one");
    }
    let mut all = Locations::default();
    for p in parts {
        all.num.extend(p.num);
        all.starts.extend(p.starts);
        all.lens.extend(p.lens);
        all.search.extend(p.search);
        all.matched.extend(p.matched);
        all.full.extend(p.full);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_of_escaped_patterns() {
        assert_eq!(literal(r"a\.b"), Some(Literal::Contains(b"a.b".to_vec())));
        assert_eq!(
            literal(r"^a\ b"),
            Some(Literal::StartsWith(b"a b".to_vec()))
        );
        assert_eq!(literal(r"é\$$"), Some(Literal::EndsWith("é$".into())));
        assert_eq!(literal("^$"), Some(Literal::Equals(vec![])));
        // What Python's re.escape makes of punctuation and whitespace.
        let escaped = "a\\ b\\#\\&\\~\\-\\\t\\.";
        assert!(compile(escaped).is_ok());
        assert_eq!(
            literal(escaped),
            Some(Literal::Contains(b"a b#&~-\t.".to_vec()))
        );
        assert_eq!(literal(r"\d"), None);
        assert_eq!(literal("a+"), None);
        assert_eq!(literal("a$b"), None);
        assert_eq!(
            compile("a(").unwrap_err(),
            "cannot compile regex pattern 'a(': unclosed group"
        );
    }
}
