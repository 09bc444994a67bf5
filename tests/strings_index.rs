//! Making strings and getting them back at one rank: `segmentedIndex`
//! (`s[i]`, `s[a:b:c]`, `s[idx]`, `s[mask]`), `randomStrings`,
//! `segmentedFull`, and the casts between numbers and strings, every value
//! computed here, every error case with the table left as it was.

mod common;

use common::strs::*;
use common::vals::*;
use common::*;

const WORDS: [&str; 8] = [
    "a",
    "",
    "héllo",
    "\"q\"",
    "back\\slash",
    "日本語",
    "",
    "xyz",
];

/// `segmentedIndex` with `subcmd` and a `key` of type `key_dtype`.
fn index(c: &Client, obj: &str, subcmd: &str, key_dtype: &str, key: &str) -> Reply {
    c.cmd(
        "segmentedIndex",
        &[
            ("subcmd", "str", subcmd),
            ("objType", "str", "Strings"),
            ("dtype", "str", "str"),
            ("obj", "str", obj),
            ("key", key_dtype, key),
        ],
    )
}

/// The strings a slice key selects.
fn slice_of(c: &Client, obj: &str, start: i64, stop: i64, step: i64) -> Vec<String> {
    let key = format!("[\"{start}\", \"{stop}\", \"{step}\"]");
    let (name, n, _) = strings_created(&index(c, obj, "sliceIndex", "int64", &key));
    let got = get_text(c, &name);
    assert_eq!(got.len(), n);
    got
}

/// Python's `range(start, stop, step)`.
fn py_range(start: i64, stop: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    out
}

/// What the client's `parse_single_value` reads back as `s`.
fn quoted(s: &str) -> String {
    let mut q = String::from("\"");
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            q.push('\\');
        }
        q.push(ch);
    }
    q + "\""
}

fn pick(words: &[&str], at: &[usize]) -> Vec<String> {
    at.iter().map(|&i| words[i].to_string()).collect()
}

#[test]
fn int_index_quotes_each_string() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &WORDS);
    let n = WORDS.len() as i64;
    for i in -n..n {
        let want = WORDS[i.rem_euclid(n) as usize];
        index(&c, &s, "intIndex", "int64", &i.to_string())
            .expect_normal(&format!("item str {}", quoted(want)));
    }
    for bad in [n, -n - 1, i64::MAX] {
        index(&c, &s, "intIndex", "int64", &bad.to_string()).expect_error(&format!(
            "Error executing command segmentedIndex: IndexError: index {bad} is out of bounds for axis 0 with size {n}"
        ));
    }
    let e = put_text(&c, &[]);
    index(&c, &e, "intIndex", "int64", "0").expect_error(
        "Error executing command segmentedIndex: IndexError: index 0 is out of bounds for axis 0 with size 0",
    );
}

#[test]
fn slices_follow_python_ranges() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &WORDS);
    let n = WORDS.len() as i64;
    // Every (start, stop, step) that `slice.indices(n)` can give.
    for step in [1, 2, 3, 7, 9, -1, -2, -3, -8] {
        let (lo, hi) = if step > 0 { (0, n) } else { (-1, n - 1) };
        for start in 0..n {
            for stop in lo..=hi {
                let want = pick(&WORDS, &py_range(start, stop, step));
                assert_eq!(
                    slice_of(&c, &s, start, stop, step),
                    want,
                    "{start}:{stop}:{step}"
                );
            }
        }
    }
    let e = put_text(&c, &[]);
    assert!(slice_of(&c, &e, 0, 0, 1).is_empty());
    assert!(slice_of(&c, &e, -1, -1, -1).is_empty());
    let err = |key: &str| index(&c, &s, "sliceIndex", "int64", key);
    err("[\"0\", \"3\", \"0\"]").expect_error(
        "Error executing command segmentedIndex: ValueError: slice step cannot be zero",
    );
    err("[\"0\", \"9\", \"1\"]").expect_error(
        "Error executing command segmentedIndex: IndexError: slice 0:9:1 is out of bounds for axis 0 with size 8",
    );
    err("[\"-1\", \"3\", \"1\"]").expect_error(
        "Error executing command segmentedIndex: IndexError: slice -1:3:1 is out of bounds for axis 0 with size 8",
    );
    err("[\"0\", \"3\"]").expect_error(
        "Error executing command segmentedIndex: ValueError: a slice key has 3 integers (start, stop, stride), not [\"0\", \"3\"]",
    );
    assert_eq!(get_text(&c, &s), WORDS);
}

#[test]
fn index_arrays_and_masks() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &WORDS);
    let by = |key: &Vals| {
        let k = put(&c, key);
        let (name, n, nbytes) = strings_created(&index(&c, &s, "pdarrayIndex", "pdarray", &k));
        let got = get_text(&c, &name);
        assert_eq!(got.len(), n);
        assert_eq!(
            nbytes,
            got.iter().map(|w| w.len() as u64 + 1).sum::<u64>(),
            "bytes.size"
        );
        got
    };
    let at = [7usize, 0, 0, 3, 5, 1, 2, 4, 6];
    let signed: Vec<i64> = at.iter().map(|&i| i as i64).collect();
    assert_eq!(by(&Vals::I(signed)), pick(&WORDS, &at));
    // Negative positions count from the end, as NumPy's.
    assert_eq!(by(&Vals::I(vec![-1, -8, 2])), pick(&WORDS, &[7, 0, 2]));
    let unsigned: Vec<u64> = at.iter().map(|&i| i as u64).collect();
    assert_eq!(by(&Vals::U(unsigned)), pick(&WORDS, &at));
    assert!(by(&Vals::I(vec![])).is_empty());
    let mask = [true, false, true, true, false, true, false, true];
    let kept: Vec<usize> = (0..8).filter(|&i| mask[i]).collect();
    assert_eq!(by(&Vals::B(mask.to_vec())), pick(&WORDS, &kept));
    assert!(by(&Vals::B(vec![false; 8])).is_empty());
    assert_eq!(by(&Vals::B(vec![true; 8])), WORDS);

    let err = |key: &Vals| {
        let k = put(&c, key);
        strip_ids(index(&c, &s, "pdarrayIndex", "pdarray", &k).error())
    };
    assert_eq!(
        err(&Vals::I(vec![0, 8])),
        "Error executing command segmentedIndex: IndexError: index 8 is out of bounds for axis 0 with size 8"
    );
    assert_eq!(
        err(&Vals::I(vec![-9])),
        "Error executing command segmentedIndex: IndexError: index -9 is out of bounds for axis 0 with size 8"
    );
    assert_eq!(
        err(&Vals::U(vec![1, u64::MAX])),
        format!(
            "Error executing command segmentedIndex: IndexError: index {} is out of bounds for axis 0 with size 8",
            u64::MAX
        )
    );
    assert_eq!(
        err(&Vals::B(vec![true; 3])),
        "Error executing command segmentedIndex: IndexError: boolean index did not match indexed array along axis 0; size of axis is 8 but size of corresponding boolean axis is 3"
    );
    let f = err(&Vals::F(vec![1.0]));
    assert!(
        f.starts_with("Error executing command segmentedIndex: TypeError: index array id_")
            && f.ends_with(" holds float64; arrays used as indices must be of integer (int64, uint64) or boolean type"),
        "{f}"
    );
    assert_eq!(get_text(&c, &s), WORDS);
}

#[test]
fn bad_requests_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let s = put_text(&c, &WORDS);
    let before = info_all(&c);
    index(&c, &s, "nope", "int64", "0").expect_error(
        "Error executing command segmentedIndex: ValueError: unknown segmentedIndex subcommand nope",
    );
    c.cmd(
        "segmentedIndex",
        &[
            ("subcmd", "str", "intIndex"),
            ("objType", "str", "SegArray"),
            ("dtype", "str", "str"),
            ("obj", "str", &s),
            ("key", "int64", "0"),
        ],
    )
    .expect_error(
        "Error executing command segmentedIndex: NotImplementedError: segmentedIndex does not index objType SegArray",
    );
    let missing = index(&c, "id_nothere_1", "intIndex", "int64", "0");
    assert!(
        missing.error().contains("UnknownSymbolError"),
        "{}",
        missing.error()
    );
    let a = put(&c, &Vals::I(vec![1, 2]));
    let not_strings = index(&c, &a, "intIndex", "int64", "0");
    assert!(
        not_strings.error().contains("where Strings are needed"),
        "{}",
        not_strings.error()
    );
    c.cmd("delete", &[("name", "str", &a)]);
    assert_eq!(info_all(&c), before);
    assert_eq!(get_text(&c, &s), WORDS);
}

fn random(c: &Client, dist: &str, n: &str, a1: &str, a2: &str, chars: &str, seed: &str) -> Reply {
    c.cmd(
        "randomStrings",
        &[
            ("size", "int64", n),
            ("dist", "str", dist),
            ("chars", "str", chars),
            ("arg1", "int64", a1),
            ("arg2", "int64", a2),
            ("seed", "int64", seed),
        ],
    )
}

fn random_text(
    c: &Client,
    dist: &str,
    n: usize,
    a: (&str, &str),
    chars: &str,
    seed: &str,
) -> Vec<Vec<u8>> {
    let (name, size, nbytes) =
        strings_created(&random(c, dist, &n.to_string(), a.0, a.1, chars, seed));
    let got = get_strs(c, &name);
    assert_eq!(size, n);
    assert_eq!(nbytes, got.iter().map(|s| s.len() as u64 + 1).sum::<u64>());
    got
}

#[test]
fn random_strings_keep_to_their_lengths_and_characters() {
    let server = Server::start();
    let c = server.client();
    for (chars, lo, hi) in [
        ("uppercase", b'A', b'Z'),
        ("lowercase", b'a', b'z'),
        ("numeric", b'0', b'9'),
        ("printable", b' ', b'~'),
        ("binary", 1, 255),
        ("whatever", b'A', b'Z'),
    ] {
        let got = random_text(&c, "uniform", 3000, ("2", "6"), chars, "17");
        let mut lens = [0usize; 8];
        let mut seen = [false; 256];
        for s in &got {
            lens[s.len()] += 1;
            for &b in s {
                assert!((lo..=hi).contains(&b), "{chars}: byte {b}");
                seen[b as usize] = true;
            }
        }
        // Lengths 2..6 (the upper bound excluded), all of them drawn.
        assert_eq!(
            lens[0] + lens[1] + lens[6] + lens[7],
            0,
            "{chars}: {lens:?}"
        );
        assert!(lens[2..6].iter().all(|&k| k > 500), "{chars}: {lens:?}");
        assert!(seen[lo as usize] && seen[hi as usize], "{chars}");
        // The same seed gives the same strings; another seed others.
        assert_eq!(
            random_text(&c, "uniform", 3000, ("2", "6"), chars, "17"),
            got
        );
        assert_ne!(
            random_text(&c, "uniform", 3000, ("2", "6"), chars, "18"),
            got
        );
    }
    // Log-normal lengths: ceil(exp(2 + 0.25 z)) - 1, mean about 7.1.
    let ln = random_text(&c, "lognormal", 20_000, ("2", "0.25"), "uppercase", "5");
    let mean = ln.iter().map(|s| s.len()).sum::<usize>() as f64 / ln.len() as f64;
    assert!((6.9..7.4).contains(&mean), "{mean}");
    assert_eq!(
        random_text(&c, "lognormal", 20_000, ("2", "0.25"), "uppercase", "5"),
        ln
    );
    // Without a seed, two draws differ.
    let a = random_text(&c, "uniform", 100, ("5", "10"), "uppercase", "None");
    let b = random_text(&c, "uniform", 100, ("5", "10"), "uppercase", "None");
    assert_ne!(a, b);
    assert!(random_text(&c, "uniform", 0, ("1", "2"), "uppercase", "1").is_empty());
}

#[test]
fn random_strings_errors_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let before = info_all(&c);
    let e = |dist: &str, n: &str, a1: &str, a2: &str| {
        random(&c, dist, n, a1, a2, "uppercase", "1")
            .error()
            .to_string()
    };
    assert_eq!(
        e("uniform", "5", "-1", "3"),
        "Error executing command randomStrings: ValueError: Incompatible arguments: minlen -1 must be at least 0 and below maxlen 3"
    );
    assert_eq!(
        e("uniform", "5", "3", "3"),
        "Error executing command randomStrings: ValueError: Incompatible arguments: minlen 3 must be at least 0 and below maxlen 3"
    );
    assert_eq!(
        e("lognormal", "5", "2", "0"),
        "Error executing command randomStrings: ValueError: Incompatible arguments: logmean 2 must be finite and logstd 0 finite and above 0"
    );
    assert_eq!(
        e("gamma", "5", "2", "1"),
        "Error executing command randomStrings: NotImplementedError: randomStrings does not know distribution gamma"
    );
    assert_eq!(
        e("uniform", "-5", "1", "3"),
        "Error executing command randomStrings: ValueError: size -5 is negative"
    );
    let huge = e("uniform", "1000000000000000", "1", "3");
    assert!(huge.contains("OverMemoryLimitError"), "{huge}");
    assert_eq!(info_all(&c), before);
}

#[test]
fn full_repeats_its_value() {
    let server = Server::start();
    let c = server.client();
    let full = |n: &str, v: &str| {
        c.cmd(
            "segmentedFull",
            &[("size", "int64", n), ("fill_value", "str", v)],
        )
    };
    let (name, n, nbytes) = strings_created(&full("4", "日本"));
    assert_eq!((n, nbytes), (4, 28));
    assert_eq!(get_text(&c, &name), ["日本"; 4]);
    let (name, _, _) = strings_created(&full("3", ""));
    assert_eq!(get_text(&c, &name), ["", "", ""]);
    let (name, _, _) = strings_created(&full("0", "x"));
    assert!(get_text(&c, &name).is_empty());
    let before = info_all(&c);
    full("-1", "x")
        .expect_error("Error executing command segmentedFull: ValueError: size -1 is negative");
    full("2", "a\u{0}b").expect_error(
        "Error executing command segmentedFull: ValueError: the fill value has a NUL at byte 1; strings end at their NUL",
    );
    assert_eq!(info_all(&c), before);
}

/// One `created <name> <dtype> <n> 1 [<n>] <itemsize>` of a `+`-joined
/// reply: the name.
fn part_name(part: &str, dtype: &str, n: usize) -> String {
    let name = part.split(' ').nth(1).unwrap_or_default();
    assert!(is_symbol_name(name), "{part:?}");
    assert_eq!(
        part,
        format!("created {name} {dtype} {n} 1 [{n}] {}", itemsize(dtype))
    );
    name.to_string()
}

/// Numbers as strings: `castToStrings<T>` gives an offsets and a bytes
/// array, which `segStr-assemble` makes into strings.
fn numbers_as_text(c: &Client, v: &Vals) -> Vec<String> {
    let a = put(c, v);
    let reply = c.cmd(
        &format!("castToStrings<{}>", v.dtype()),
        &[("name", "pdarray", &a)],
    );
    let msg = reply.normal().to_string();
    let (o, b) = msg.split_once('+').expect("two arrays");
    let o = part_name(o, "int64", v.len());
    let nbytes: usize = b.split(' ').nth(3).unwrap().parse().unwrap();
    let b = part_name(b, "uint8", nbytes);
    strs_of(
        c,
        "segStr-assemble",
        &[("offsets", "pdarray", &o), ("values", "pdarray", &b)],
    )
}

/// The cases of tests/fixtures/strings_casts.txt, by dtype:
/// (inputs, expected texts).
fn cast_cases() -> Vec<(String, Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/strings_casts.txt"),
    )
    .unwrap();
    let mut by: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "bad case line {line:?}");
        match by.iter_mut().find(|(d, _, _)| d == f[0]) {
            Some((_, i, o)) => {
                i.push(f[1].into());
                o.push(f[2].into());
            }
            None => by.push((f[0].into(), vec![f[1].into()], vec![f[2].into()])),
        }
    }
    by
}

fn vals_of(dtype: &str, inputs: &[String]) -> Vals {
    match dtype {
        "int64" => Vals::I(inputs.iter().map(|s| s.parse().unwrap()).collect()),
        "uint64" => Vals::U(inputs.iter().map(|s| s.parse().unwrap()).collect()),
        "uint8" => Vals::U8(inputs.iter().map(|s| s.parse().unwrap()).collect()),
        "float64" => Vals::F(inputs.iter().map(|s| s.parse().unwrap()).collect()),
        "bool" => Vals::B(inputs.iter().map(|s| s == "true").collect()),
        d => panic!("unknown dtype {d}"),
    }
}

#[test]
fn numbers_print_as_numpy_str() {
    let server = Server::start();
    let c = server.client();
    let cases = cast_cases();
    assert_eq!(cases.len(), 5);
    for (dtype, inputs, want) in &cases {
        assert_eq!(
            &numbers_as_text(&c, &vals_of(dtype, inputs)),
            want,
            "{dtype}"
        );
    }
    assert!(numbers_as_text(&c, &Vals::I(vec![])).is_empty());
    let before = info_all(&c);
    let a = put(&c, &Vals::I(vec![1]));
    let wrong = c.cmd("castToStrings<float64>", &[("name", "pdarray", &a)]);
    assert_eq!(
        wrong.error(),
        format!(
            "Error executing command castToStrings<float64>: ValueError: {a} holds int64 but castToStrings<float64> was called"
        )
    );
    c.cmd("delete", &[("name", "str", &a)]);
    assert_eq!(info_all(&c), before);
}

/// `castStringsTo<dtype>` of `strs` with errors mode `opt`: the values, and
/// the validity when asked for.
fn read_as(c: &Client, strs: &str, dtype: &str, opt: &str) -> (Vals, Option<Vals>) {
    let reply = c.cmd(
        &format!("castStringsTo<{dtype}>"),
        &[("name", "str", strs), ("opt", "str", opt)],
    );
    let msg = reply.normal().to_string();
    let mut parts = msg.split('+');
    let v = part_name(parts.next().unwrap(), dtype, 9);
    let valid = parts
        .next()
        .map(|p| get(c, "bool", &part_name(p, "bool", 9)));
    (get(c, dtype, &v), valid)
}

#[test]
fn strings_read_as_numbers_in_every_errors_mode() {
    let server = Server::start();
    let c = server.client();
    // Arkouda's test_str_cast_errors, with its expected values.
    let min = i64::MIN;
    let cases: Vec<(&str, [&str; 9], Vals)> = vec![
        (
            "int64",
            ["1", "2 ", "3?", "!4", "  5", "-45", "0b101", "0x30", "N/A"],
            Vals::I(vec![1, 2, min, min, 5, -45, 5, 48, min]),
        ),
        (
            "uint64",
            ["1", "2 ", "3?", "-4", "  5", "45", "0b101", "0x30", "N/A"],
            Vals::U(vec![1, 2, 0, 0, 5, 45, 5, 48, 0]),
        ),
        (
            "float64",
            [
                "1.1", "2.2 ", "3?.3", "4.!4", "  5.5", "6.6e-6", "78.91E+4", "6", "N/A",
            ],
            Vals::F(vec![
                1.1,
                2.2,
                f64::NAN,
                f64::NAN,
                5.5,
                6.6e-6,
                78.91e4,
                6.0,
                f64::NAN,
            ]),
        ),
        (
            "bool",
            [
                "True", "False ", "Neither", "N/A", "  True", "true", "false", "TRUE", "NOTTRUE",
            ],
            Vals::B(vec![
                true, false, false, false, true, true, false, true, false,
            ]),
        ),
        (
            "uint8",
            ["1", "300", "x", "-1", " 0o17", "255", "0b11", "0xff", ""],
            Vals::U8(vec![1, 44, 0, 0, 15, 255, 3, 255, 0]),
        ),
    ];
    // The same strings read in each case.
    let validity = vec![true, true, false, false, true, true, true, true, false];
    for (dtype, strs, want) in cases {
        let s = put_text(&c, &strs);
        let (v, none) = read_as(&c, &s, dtype, "ignore");
        assert!(same(&v, &want) && none.is_none(), "{dtype}: {v:?}");
        let (v, valid) = read_as(&c, &s, dtype, "return_validity");
        assert!(same(&v, &want), "{dtype}: {v:?}");
        assert_eq!(valid, Some(Vals::B(validity.clone())), "{dtype}");
        let before = info_all(&c);
        let bad = strs[2];
        c.cmd(
            &format!("castStringsTo<{dtype}>"),
            &[("name", "str", &s), ("opt", "str", "strict")],
        )
        .expect_error(&format!(
            "Error executing command castStringsTo<{dtype}>: ValueError: could not convert string 2 ({}) to {dtype}",
            quoted(bad)
        ));
        c.cmd(
            &format!("castStringsTo<{dtype}>"),
            &[("name", "str", &s), ("opt", "str", "loose")],
        )
        .expect_error(&format!(
            "Error executing command castStringsTo<{dtype}>: ValueError: unknown errors mode loose: strict, ignore or return_validity"
        ));
        assert_eq!(info_all(&c), before);
    }
    // Strict succeeds when every string reads; limits of each type.
    let s = put_text(
        &c,
        &["-9223372036854775808", "9223372036854775807", "+0x7f"],
    );
    let (name, _, _) = created(&c.cmd(
        "castStringsTo<int64>",
        &[("name", "str", &s), ("opt", "str", "strict")],
    ));
    assert_eq!(
        get(&c, "int64", &name),
        Vals::I(vec![i64::MIN, i64::MAX, 127])
    );
    let s = put_text(&c, &["9223372036854775808"]);
    c.cmd(
        "castStringsTo<int64>",
        &[("name", "str", &s), ("opt", "str", "strict")],
    )
    .expect_error("Error executing command castStringsTo<int64>: ValueError: could not convert string 0 (\"9223372036854775808\") to int64");
    let s = put_text(&c, &["18446744073709551615", "inf", "-nan"]);
    let (name, _, _) = created(&c.cmd(
        "castStringsTo<uint64>",
        &[("name", "str", &s), ("opt", "str", "ignore")],
    ));
    assert_eq!(get(&c, "uint64", &name), Vals::U(vec![u64::MAX, 0, 0]));
    let (name, _, _) = created(&c.cmd(
        "castStringsTo<float64>",
        &[("name", "str", &s), ("opt", "str", "strict")],
    ));
    let f = get(&c, "float64", &name);
    assert!(
        same(
            &f,
            &Vals::F(vec![18446744073709551615.0, f64::INFINITY, f64::NAN])
        ),
        "{f:?}"
    );
}
