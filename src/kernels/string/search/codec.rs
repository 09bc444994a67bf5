//! Text encodings for `encode`/`decode`: UTF-8, ASCII, Latin-1, UTF-16
//! and IDNA (domain names: each non-ASCII label lowercased and
//! Punycode-encoded, as `xn--...`). The original hands other names to
//! iconv; they are refused. UTF-16 text holds NUL bytes: such strings keep
//! their offsets but must not be moved between ranks by NUL search.

/// An encoding this server converts between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Ascii,
    Latin1,
    /// With a byte order mark (written little-endian; read by its mark,
    /// big-endian without one, as iconv).
    Utf16,
    Utf16Le,
    Utf16Be,
    Idna,
}

impl Encoding {
    /// The encoding a client's name stands for (case, `-` and `_` aside).
    pub fn from_name(name: &str) -> Option<Encoding> {
        let n: String = name
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Some(match n.as_str() {
            "UTF8" => Encoding::Utf8,
            "ASCII" | "USASCII" => Encoding::Ascii,
            "LATIN1" | "ISO88591" | "ISO885911987" => Encoding::Latin1,
            "UTF16" => Encoding::Utf16,
            "UTF16LE" => Encoding::Utf16Le,
            "UTF16BE" => Encoding::Utf16Be,
            "IDNA" => Encoding::Idna,
            _ => return None,
        })
    }
}

/// Appends `x` converted from `from` to `to`; false when it cannot be
/// (not valid in `from`, or a character `to` lacks). IDNA failures give an
/// empty string instead, as in the original.
pub fn convert(x: &[u8], from: Encoding, to: Encoding, out: &mut Vec<u8>) -> bool {
    let text: String = match from {
        Encoding::Utf8 => match std::str::from_utf8(x) {
            Ok(t) => t.into(),
            Err(_) => return false,
        },
        Encoding::Ascii if x.is_ascii() => String::from_utf8_lossy(x).into_owned(),
        Encoding::Ascii => return false,
        Encoding::Latin1 => x.iter().map(|&b| b as char).collect(),
        Encoding::Utf16 | Encoding::Utf16Le | Encoding::Utf16Be => {
            if x.len() % 2 == 1 {
                return false;
            }
            let (mut le, mut body) = (from == Encoding::Utf16Le, x);
            if from == Encoding::Utf16 {
                match x {
                    [0xFF, 0xFE, rest @ ..] => (le, body) = (true, rest),
                    [0xFE, 0xFF, rest @ ..] => body = rest,
                    _ => {}
                }
            }
            let units = body.chunks_exact(2).map(|p| {
                let p = [p[0], p[1]];
                if le {
                    u16::from_le_bytes(p)
                } else {
                    u16::from_be_bytes(p)
                }
            });
            match char::decode_utf16(units).collect::<Result<String, _>>() {
                Ok(t) => t,
                Err(_) => return false,
            }
        }
        Encoding::Idna => match std::str::from_utf8(x).ok().and_then(idna_decode) {
            Some(t) => t,
            None => return true,
        },
    };
    match to {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Ascii if text.is_ascii() => out.extend_from_slice(text.as_bytes()),
        Encoding::Ascii => return false,
        Encoding::Latin1 => {
            for c in text.chars() {
                match u8::try_from(c as u32) {
                    Ok(b) => out.push(b),
                    Err(_) => return false,
                }
            }
        }
        Encoding::Utf16 | Encoding::Utf16Le | Encoding::Utf16Be => {
            let be = to == Encoding::Utf16Be;
            if to == Encoding::Utf16 {
                out.extend_from_slice(&[0xFF, 0xFE]);
            }
            for u in text.encode_utf16() {
                out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
        }
        Encoding::Idna => {
            if let Some(a) = idna_encode(&text) {
                out.extend_from_slice(a.as_bytes());
            }
        }
    }
    true
}

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + 38)
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        TMIN
    } else if k >= bias + TMAX {
        TMAX
    } else {
        k - bias
    }
}

fn digit(d: u32) -> char {
    if d < 26 {
        (b'a' + d as u8) as char
    } else {
        (b'0' + (d - 26) as u8) as char
    }
}

/// Punycode (RFC 3492) of `label`.
fn puny_encode(label: &[char]) -> Option<String> {
    let mut out: String = label.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut h = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (h as usize) < label.len() {
        let m = label.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in label {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

/// The label Punycode `s` encodes.
fn puny_decode(s: &str) -> Option<String> {
    let (basic, rest) = match s.rfind('-') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => ("", s),
    };
    let mut out: Vec<char> = basic.chars().collect();
    if !basic.is_ascii() {
        return None;
    }
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = rest.bytes().peekable();
    while digits.peek().is_some() {
        let old = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let d = match digits.next()? {
                c @ b'a'..=b'z' => c - b'a',
                c @ b'A'..=b'Z' => c - b'A',
                c @ b'0'..=b'9' => c - b'0' + 26,
                _ => return None,
            } as u32;
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old, len, old == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

/// Label separators of domain names (full stop and its CJK forms).
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{ff0e}' | '\u{ff61}')
}

/// The ASCII form of domain name `name` (lowercased), or None when a label
/// cannot be encoded.
pub fn idna_encode(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let mut labels = Vec::new();
    for label in lower.split(is_dot) {
        if label.is_ascii() {
            labels.push(label.to_string());
        } else {
            let chars: Vec<char> = label.chars().collect();
            if chars.iter().any(|&c| c.is_control() || c.is_whitespace()) {
                return None;
            }
            let a = format!("xn--{}", puny_encode(&chars)?);
            if a.len() > 63 {
                return None;
            }
            labels.push(a);
        }
    }
    Some(labels.join("."))
}

/// Whether `label` starts with a combining mark, which IDNA forbids.
fn starts_with_mark(label: &str) -> bool {
    static MARK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    MARK.get_or_init(|| regex::Regex::new(r"\A\p{M}").expect("a valid class"))
        .is_match(label)
}

/// The Unicode form of ASCII domain name `name`, or None when a label is not
/// a valid `xn--` encoding (it must decode to lowercase non-ASCII text, not
/// starting with a combining mark, that encodes back to the same label).
pub fn idna_decode(name: &str) -> Option<String> {
    if !name.is_ascii() {
        return None;
    }
    let mut labels = Vec::new();
    for label in name.split('.') {
        let lower = label.to_ascii_lowercase();
        match lower.strip_prefix("xn--") {
            Some(code) => {
                let text = puny_decode(code)?;
                let valid = !text.is_ascii()
                    && !starts_with_mark(&text)
                    && text
                        .chars()
                        .all(|c| !c.is_control() && !c.is_whitespace() && !c.is_uppercase())
                    && idna_encode(&text).as_deref() == Some(lower.as_str());
                if !valid {
                    return None;
                }
                labels.push(text);
            }
            None => labels.push(label.to_string()),
        }
    }
    Some(labels.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idna_examples() {
        let cases = [
            ("Bücher.example", "xn--bcher-kva.example"),
            ("ドメイン.テスト", "xn--eckwd4c7c.xn--zckzah"),
            ("домен.испытание", "xn--d1acufc.xn--80akhbyknj4f"),
            ("Königsgäßchen", "xn--knigsgchen-b4a3dun"),
            ("münchen", "xn--mnchen-3ya"),
            ("", ""),
            ("example.com", "example.com"),
        ];
        for (u, a) in cases {
            assert_eq!(idna_encode(u).as_deref(), Some(a), "{u}");
        }
        assert_eq!(idna_decode("xn--mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(idna_decode("xn--zrich-kva").as_deref(), Some("zürich"));
        assert_eq!(idna_decode("xn--zrich-boguscode"), None);
        assert_eq!(idna_decode("xn--!!"), None);
        assert_eq!(idna_decode("example.com").as_deref(), Some("example.com"));
        assert_eq!(Encoding::from_name("utf-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::from_name("utf-32"), None);
        let mut v = Vec::new();
        assert!(convert(
            "zü".as_bytes(),
            Encoding::Utf8,
            Encoding::Utf16,
            &mut v
        ));
        assert_eq!(v, [0xFF, 0xFE, b'z', 0, 0xFC, 0]);
        let mut back = Vec::new();
        assert!(convert(&v, Encoding::Utf16, Encoding::Utf8, &mut back));
        assert_eq!(back, "zü".as_bytes());
    }
}
