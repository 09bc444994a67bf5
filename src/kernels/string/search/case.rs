//! Case changes and character classes with Python's `str` semantics
//! (Unicode-aware; ASCII strings take a byte loop). A string that is not
//! valid UTF-8 changes only in its ASCII letters and satisfies no
//! predicate that needs a character class.

use std::sync::OnceLock;

use regex::bytes::Regex;

/// Python's whitespace: Unicode White_Space plus the separators
/// U+001C..U+001F.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Titlecase letters (category Lt).
fn is_title(c: char) -> bool {
    matches!(
        c,
        '\u{1c5}' | '\u{1c8}' | '\u{1cb}' | '\u{1f2}' | '\u{1fbc}' | '\u{1fcc}' | '\u{1ffc}'
    ) || ('\u{1f88}'..='\u{1f8f}').contains(&c)
        || ('\u{1f98}'..='\u{1f9f}').contains(&c)
        || ('\u{1fa8}'..='\u{1faf}').contains(&c)
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_title(c)
}

/// Appends the titlecase of `c`: the digraphs have their own; otherwise the
/// uppercase, whose further characters (a ligature's) are lowercased.
fn push_title(c: char, out: &mut String) {
    let t = match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        _ => {
            let mut up = c.to_uppercase();
            if let Some(first) = up.next() {
                out.push(first);
            }
            for rest in up {
                out.extend(rest.to_lowercase());
            }
            return;
        }
    };
    out.push(t);
}

/// The four case changes of the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Lower,
    Upper,
    Title,
    Capitalize,
}

/// Appends `x` with its case changed.
pub fn change(x: &[u8], how: Change, out: &mut Vec<u8>) {
    if x.is_ascii() {
        ascii_change(x, how, out);
        return;
    }
    let Ok(text) = std::str::from_utf8(x) else {
        ascii_change(x, how, out);
        return;
    };
    let changed = match how {
        Change::Lower => text.to_lowercase(),
        Change::Upper => text.to_uppercase(),
        Change::Title => {
            let mut s = String::with_capacity(text.len());
            let mut prev_cased = false;
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if prev_cased {
                    // A capital sigma that ends a word lowercases to the
                    // final form, as in `str.lower()`.
                    let ends = !chars.peek().is_some_and(|&n| is_cased(n));
                    if c == 'Σ' && ends {
                        s.push('ς');
                    } else {
                        s.extend(c.to_lowercase());
                    }
                } else {
                    push_title(c, &mut s);
                }
                prev_cased = is_cased(c);
            }
            s
        }
        Change::Capitalize => {
            let mut s = String::with_capacity(text.len());
            let mut chars = text.chars();
            if let Some(c) = chars.next() {
                push_title(c, &mut s);
                s.push_str(&chars.as_str().to_lowercase());
            }
            s
        }
    };
    out.extend_from_slice(changed.as_bytes());
}

fn ascii_change(x: &[u8], how: Change, out: &mut Vec<u8>) {
    match how {
        Change::Lower => out.extend(x.iter().map(u8::to_ascii_lowercase)),
        Change::Upper => out.extend(x.iter().map(u8::to_ascii_uppercase)),
        Change::Title => {
            let mut prev_cased = false;
            out.extend(x.iter().map(|&b| {
                let t = if prev_cased {
                    b.to_ascii_lowercase()
                } else {
                    b.to_ascii_uppercase()
                };
                prev_cased = b.is_ascii_alphabetic();
                t
            }));
        }
        Change::Capitalize => {
            out.extend(x.iter().enumerate().map(|(i, b)| {
                if i == 0 {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            }));
        }
    }
}

/// The client's `is*` predicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Lower,
    Upper,
    Title,
    Alnum,
    Alpha,
    Digit,
    Decimal,
    Numeric,
    Empty,
    Space,
}

/// Characters whose Numeric_Type is Digit but that are not decimal digits
/// (superscripts, subscripts, circled digits, ...).
const DIGITS: &str = r"\x{B2}\x{B3}\x{B9}\x{1369}-\x{1371}\x{19DA}\x{2070}\x{2074}-\x{2079}\x{2080}-\x{2089}\x{2460}-\x{2468}\x{2474}-\x{247C}\x{2488}-\x{2490}\x{24EA}\x{24F5}-\x{24FD}\x{24FF}\x{2776}-\x{277E}\x{2780}-\x{2788}\x{278A}-\x{2792}\x{10A40}-\x{10A43}\x{10E60}-\x{10E68}\x{11052}-\x{1105A}\x{1F100}-\x{1F10A}";

/// Han numerals, numeric in Python though letters in Unicode categories.
const HAN: &str = r"\x{3007}\x{4E00}\x{4E8C}\x{4E09}\x{56DB}\x{4E94}\x{516D}\x{4E03}\x{516B}\x{4E5D}\x{5341}\x{767E}\x{5343}\x{4E07}\x{5104}\x{5146}\x{96F6}";

/// A whole-string class test for strings that are not ASCII, compiled once.
fn class_regex(c: Class) -> &'static Regex {
    static RES: [OnceLock<Regex>; 6] = [const { OnceLock::new() }; 6];
    let (slot, set) = match c {
        Class::Alpha => (0, r"\p{L}".to_string()),
        Class::Decimal => (1, r"\p{Nd}".to_string()),
        Class::Digit => (2, format!(r"\p{{Nd}}{DIGITS}")),
        Class::Numeric => (3, format!(r"\p{{N}}{HAN}")),
        Class::Alnum => (4, format!(r"\p{{L}}\p{{N}}{HAN}")),
        _ => (5, r"\s\x{1C}-\x{1F}".to_string()),
    };
    RES[slot].get_or_init(|| Regex::new(&format!(r"\A[{set}]+\z")).expect("a valid class"))
}

/// Whether `x` is of class `c`, as Python's `str.is...()` (empty strings
/// are of no class but `Empty`).
pub fn is(x: &[u8], c: Class) -> bool {
    if c == Class::Empty {
        return x.is_empty();
    }
    if x.is_empty() {
        return false;
    }
    match c {
        Class::Lower | Class::Upper | Class::Title => cased(x, c),
        _ if x.is_ascii() => x.iter().all(|&b| match c {
            Class::Alpha => b.is_ascii_alphabetic(),
            Class::Alnum => b.is_ascii_alphanumeric(),
            Class::Digit | Class::Decimal | Class::Numeric => b.is_ascii_digit(),
            _ => is_space(b as char),
        }),
        _ => class_regex(c).is_match(x),
    }
}

/// `islower`, `isupper` and `istitle`, by Python's rules.
fn cased(x: &[u8], c: Class) -> bool {
    let text: std::borrow::Cow<str> = match std::str::from_utf8(x) {
        Ok(t) => t.into(),
        Err(_) => String::from_utf8_lossy(x),
    };
    let mut any = false;
    let mut prev_cased = false;
    for ch in text.chars() {
        let (lower, upper) = (ch.is_lowercase(), ch.is_uppercase() || is_title(ch));
        match c {
            Class::Lower if upper => return false,
            Class::Upper if ch.is_lowercase() || is_title(ch) => return false,
            Class::Lower => any |= lower,
            Class::Upper => any |= ch.is_uppercase(),
            _ => {
                if upper {
                    if prev_cased {
                        return false;
                    }
                    prev_cased = true;
                    any = true;
                } else if lower {
                    if !prev_cased {
                        return false;
                    }
                    any = true;
                } else {
                    prev_cased = false;
                }
            }
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(x: &str, how: Change) -> String {
        let mut v = Vec::new();
        change(x.as_bytes(), how, &mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn python_case_rules() {
        assert_eq!(changed("StrINgS hErE 1", Change::Title), "Strings Here 1");
        assert_eq!(changed("they're bill's", Change::Title), "They'Re Bill'S");
        assert_eq!(changed("ǆemal straße", Change::Title), "ǅemal Straße");
        assert_eq!(changed("ßa", Change::Capitalize), "Ssa");
        assert_eq!(changed("ΣΑΣ", Change::Lower), "σας");
        assert_eq!(changed("ΣΑΣ ΣΑΣ", Change::Title), "Σας Σας");
        assert_eq!(changed("straße", Change::Upper), "STRASSE");
        assert!(is("2³₇".as_bytes(), Class::Digit));
        assert!(!is("2³₇".as_bytes(), Class::Decimal));
        assert!(is("²".as_bytes(), Class::Numeric));
        assert!(!is("²".as_bytes(), Class::Alpha));
        assert!(is("Été".as_bytes(), Class::Title));
        assert!(!is("ÉTé".as_bytes(), Class::Title));
        assert!(is("é1".as_bytes(), Class::Lower));
        assert!(!is("1".as_bytes(), Class::Lower));
        assert!(is(" \t\n\x0b\x0c\r\u{3000}".as_bytes(), Class::Space));
        assert!(!is(b"", Class::Space));
    }
}
