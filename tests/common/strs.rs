//! Strings for the string-command tests: uploads, downloads and the
//! `created ... str ...+created bytes.size N` replies.

use super::*;

/// The upload payload of `strs`: each string followed by a NUL.
pub fn payload(strs: &[&[u8]]) -> Vec<u8> {
    let mut p = Vec::new();
    for s in strs {
        p.extend_from_slice(s);
        p.push(0);
    }
    p
}

/// Uploads `strs` as the client's `ak.array(list of str)` does; returns the
/// strings' name.
pub fn put_strs(c: &Client, strs: &[&[u8]]) -> String {
    let p = payload(strs);
    let size = p.len().to_string();
    c.send_binary("arraySegString<uint8>", &[("size", "int64", &size)], &p);
    let reply = c.recv_json();
    let (name, n, nbytes) = strings_created(&reply);
    assert_eq!((n, nbytes), (strs.len(), p.len() as u64));
    name
}

/// As [`put_strs`], for text.
pub fn put_text(c: &Client, strs: &[&str]) -> String {
    let b: Vec<&[u8]> = strs.iter().map(|s| s.as_bytes()).collect();
    put_strs(c, &b)
}

/// Parses `created <name> str <n> 1 [<n>] 8+created bytes.size <nbytes>`:
/// (name, n, nbytes).
pub fn strings_created(reply: &Reply) -> (String, usize, u64) {
    let msg = reply.normal();
    let (left, right) = msg
        .split_once('+')
        .unwrap_or_else(|| panic!("not a strings reply: {msg:?}"));
    let parts: Vec<&str> = left.split(' ').collect();
    assert_eq!(parts.len(), 7, "bad strings reply {msg:?}");
    assert_eq!(parts[2], "str", "{msg:?}");
    let n: usize = parts[3].parse().unwrap();
    assert_eq!(&parts[4..], &["1", &format!("[{n}]"), "8"], "{msg:?}");
    let nbytes = right
        .strip_prefix("created bytes.size ")
        .unwrap_or_else(|| panic!("bad strings reply {msg:?}"))
        .parse()
        .unwrap();
    (parts[1].to_string(), n, nbytes)
}

/// The strings named `name`, downloaded as the client's `to_ndarray` does
/// (both components), checked against each other.
pub fn get_strs(c: &Client, name: &str) -> Vec<Vec<u8>> {
    let comp = |comp: &str| {
        c.send_cmd(
            "segStr-tondarray",
            &[("obj", "str", name), ("comp", "str", comp)],
        );
        c.recv_raw()
    };
    let values = comp("values");
    let offsets: Vec<usize> = comp("offsets")
        .chunks_exact(8)
        .map(|b| i64::from_le_bytes(b.try_into().unwrap()) as usize)
        .collect();
    let mut out = Vec::with_capacity(offsets.len());
    for (i, &o) in offsets.iter().enumerate() {
        let end = offsets.get(i + 1).copied().unwrap_or(values.len());
        assert_eq!(values[end - 1], 0, "string {i} of {name} lacks its NUL");
        out.push(values[o..end - 1].to_vec());
    }
    out
}

/// As [`get_strs`], as text.
pub fn get_text(c: &Client, name: &str) -> Vec<String> {
    get_strs(c, name)
        .into_iter()
        .map(|s| String::from_utf8(s).expect("UTF-8"))
        .collect()
}

/// Runs a command that makes strings and downloads them.
pub fn strs_of(c: &Client, cmd: &str, args: &[(&str, &str, &str)]) -> Vec<String> {
    let (name, n, _) = strings_created(&c.cmd(cmd, args));
    let v = get_text(c, &name);
    assert_eq!(v.len(), n);
    v
}
