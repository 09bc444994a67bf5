//! Regular expressions over strings: compiling a pattern once per command,
//! the literal searches a pattern may amount to (the client escapes a plain
//! substring into a pattern), and where a pattern matches.

use regex::bytes::Regex;

use super::{Strs, each, literal, span};
use crate::kernels;

/// `pattern` compiled (Unicode-aware, as Python's `re` on `str`), or why
/// not, quoting it. The pattern is read as Python reads it first
/// ([`from_python`]).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(&from_python(pattern)).map_err(|e| {
        // The syntax error's last line names the fault (the lines above
        // draw the pattern with a caret).
        let text = e.to_string();
        let last = text.lines().last().unwrap_or_default();
        let reason = last.strip_prefix("error: ").unwrap_or(last);
        format!("cannot compile regex pattern '{pattern}': {reason}")
    })
}

/// Python's `\w` on `str`: `str.isalnum()` or `_`, which is exactly the
/// letters and numbers (checked over every code point with Python 3.11's
/// `re`); the crate's `\w` adds the marks, connector punctuation other
/// than `_` and a few symbols. As the inside of a class.
const WORD: &str = r"\p{L}\p{N}_";
/// Python's `\s` on `str`: `str.isspace()`, the crate's `\s` (White_Space)
/// and the separators `\x1C`-`\x1F`.
const SPACE: &str = r"\s\x1C-\x1F";

/// A Python `re` pattern in the regex crate's syntax: `\w`, `\W`, `\s`,
/// `\S` by Python's classes (`\d` is the decimal digits in both), `\Z` as
/// `\z`, `{` taken literally where it starts no repetition, `{,n}` as
/// `{0,n}`, and inside a class `[`, `&` and `~` literal (the crate reads
/// them as nested classes and set operations).
///
/// Still read otherwise than Python (documented, not translated): `\b` and
/// `\B` use the crate's `\w` (a boundary next to a combining mark, `‿` or
/// `Ⓐ` differs); `$` matches only at the very end, not also before a final
/// newline; lookarounds, backreferences and `(?a)` are errors; `--` inside
/// a class is a set difference. The classes follow the crate's Unicode
/// tables (15.x) where Python 3.11's are 14.0: characters new in 15 differ.
pub fn from_python(p: &str) -> String {
    let cs: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 16);
    let (mut class, mut first) = (false, false);
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        i += 1;
        if c == '\\' && i < cs.len() {
            let e = cs[i];
            i += 1;
            match (e, class) {
                ('w', false) => out.push_str(&format!("[{WORD}]")),
                ('w', true) => out.push_str(WORD),
                ('W', _) => out.push_str(&format!("[^{WORD}]")),
                ('s', false) => out.push_str(&format!("[{SPACE}]")),
                ('s', true) => out.push_str(SPACE),
                ('S', _) => out.push_str(&format!("[^{SPACE}]")),
                ('Z', false) => out.push_str(r"\z"),
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
            first = false;
            continue;
        }
        if class {
            match c {
                ']' if !first => class = false,
                '^' if first && cs[i - 2] == '[' => {
                    out.push(c);
                    continue;
                }
                '[' | '&' | '~' => out.push('\\'),
                _ => {}
            }
            out.push(c);
            first = false;
            continue;
        }
        match c {
            '[' => {
                (class, first) = (true, true);
                out.push(c);
            }
            '{' => match repetition(&cs[i..]) {
                Some(0) => out.push_str("{0"),
                Some(_) => out.push('{'),
                None => out.push_str(r"\{"),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Whether the text after a `{` makes it a repetition (`m}`, `m,}`, `,n}`,
/// `m,n}`): Some(0) when its lower bound is left out, Some(1) otherwise.
fn repetition(rest: &[char]) -> Option<u8> {
    let end = rest.iter().position(|&c| c == '}')?;
    let inner = &rest[..end];
    let digits = |x: &[char]| x.iter().all(char::is_ascii_digit);
    match inner.iter().position(|&c| c == ',') {
        None if !inner.is_empty() && digits(inner) => Some(1),
        Some(k) if digits(&inner[..k]) && digits(&inner[k + 1..]) && inner.len() > 1 => {
            Some(u8::from(k > 0))
        }
        _ => None,
    }
}

/// The successive matches of `re` in `x` as Python's `re.finditer` finds
/// them (3.7 on): an empty match is allowed right where a non-empty one
/// ended (the crate's own iterator skips it: `x*` in `abxd` gives Python's
/// five matches, not four), never twice at one position, and never inside
/// a UTF-8 character. After an empty match the search goes on a character
/// later: Python would first try for a non-empty match at the same place,
/// which only a pattern preferring the empty match (`x*?`, `|a`) can have.
pub fn find_iter<'a>(
    re: &'a Regex,
    x: &'a [u8],
) -> impl Iterator<Item = regex::bytes::Match<'a>> + 'a {
    python_iter(x, move |at| re.find_at(x, at), |m| (m.start(), m.end()))
}

/// [`find_iter`] with each match's groups.
pub fn captures_iter<'a>(
    re: &'a Regex,
    x: &'a [u8],
) -> impl Iterator<Item = regex::bytes::Captures<'a>> + 'a {
    python_iter(
        x,
        move |at| re.captures_at(x, at),
        |c| {
            let m = c.get(0).expect("group 0");
            (m.start(), m.end())
        },
    )
}

/// The matches `search(at)` finds from successive positions, by Python's
/// rule for empty matches (see [`find_iter`]); `span` gives a match's
/// (start, end).
fn python_iter<'a, T: 'a>(
    x: &'a [u8],
    mut search: impl FnMut(usize) -> Option<T> + 'a,
    span: impl Fn(&T) -> (usize, usize) + 'a,
) -> impl Iterator<Item = T> + 'a {
    let mut at = 0;
    // Where the last match was empty: no empty match there again.
    let mut spent: Option<usize> = None;
    std::iter::from_fn(move || {
        while at <= x.len() {
            let m = search(at)?;
            let (s, e) = span(&m);
            let inside_char = x.get(s).is_some_and(|&b| b & 0xC0 == 0x80);
            if s == e && (spent == Some(s) || inside_char) {
                // One character on.
                at = s + 1;
                while x.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
                    at += 1;
                }
                continue;
            }
            at = e;
            spent = (s == e).then_some(e);
            return Some(m);
        }
        None
    })
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
                for c in captures_iter(re, x) {
                    note(c.get(0).expect("group 0"), c.get(group));
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

    /// Python's answers (3.11 `re`), by the same patterns.
    #[test]
    fn python_classes_and_empty_matches() {
        let all = |p: &str, x: &str| -> Vec<String> {
            let re = compile(p).unwrap();
            find_iter(&re, x.as_bytes())
                .map(|m| String::from_utf8(m.as_bytes().to_vec()).unwrap())
                .collect()
        };
        // re.findall('x*', 'abxd'), re.findall('', 'é'), re.findall('a|', 'aab')
        assert_eq!(all("x*", "abxd"), ["", "", "x", "", ""]);
        assert_eq!(all("", "é"), ["", ""]);
        assert_eq!(all("a|", "aab"), ["a", "a", "", ""]);
        // ³ and ½ are \w in Python, a combining acute and ‿ are not.
        assert_eq!(all(r"\w+", "2³½\u{301}‿_x"), ["2³½", "_x"]);
        assert_eq!(all(r"[\W]", "a\u{301}b"), ["\u{301}"]);
        assert_eq!(all(r"\s", "a\x1cb c"), ["\x1c", " "]);
        assert_eq!(all(r"[^\S]", "a\x1fb"), ["\x1f"]);
        assert_eq!(all(r"\d+", "a١٢3"), ["١٢3"]);
        // Literal braces, brackets, & and ~ in a class, {,n}, \Z.
        assert_eq!(all("a{", "a{"), ["a{"]);
        assert_eq!(all("a{x}", "a{x}"), ["a{x}"]);
        assert_eq!(all("a{,2}", "aaa"), ["aa", "a", ""]);
        assert_eq!(all("[[&~]+", "x[&~y"), ["[&~"]);
        assert_eq!(all("[]a]+", "b]a]"), ["]a]"]);
        assert_eq!(all("[^]a]+", "]bc"), ["bc"]);
        assert_eq!(all(r"b\Z", "bb"), ["b"]);
        assert_eq!(from_python(r"\\w"), r"\\w");
    }
}
