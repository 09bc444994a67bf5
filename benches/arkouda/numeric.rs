//! The numeric kernels: stream, reduce, scan, gather/scatter, in1d,
//! creation, transfer, slices, sorts, groupby, set operations, aggregate.

use super::*;

/// stream.py: `c = a + b*alpha`, float64 ones, alpha 1.0; 3 x 8N bytes.
pub(super) fn stream(b: &mut Bench, n: usize) -> Res<()> {
    let x = b.filled(n, "float64", Some("1.0"))?;
    let y = b.filled(n, "float64", Some("1.0"))?;
    let mut c: Option<String> = None;
    let r = b.time_memcpy("stream", || {
        let (secs, next) = clock(|| {
            let tmp = b.created(
                "binopvs<float64,float64,1>",
                &[
                    ("op", "str", "*"),
                    ("a", "float64", &y),
                    ("value", "float64", "1.0"),
                ],
            )?;
            let next = b.created(
                "binopvv<float64,float64,1>",
                &[
                    ("op", "str", "+"),
                    ("a", "float64", &x),
                    ("b", "float64", &tmp),
                ],
            )?;
            b.delete(&tmp);
            // The script's `c = ...` frees the previous c inside the clock.
            if let Some(old) = c.take() {
                b.delete(&old);
            }
            Ok(next)
        })?;
        c = Some(next);
        Ok(secs)
    });
    for name in [Some(x), Some(y), c].into_iter().flatten() {
        b.delete(&name);
    }
    let (t, m) = split(r);
    b.row(
        "stream",
        n,
        3.0 * 8.0 * n as f64,
        t,
        m.map(|m| ("memcpy", m)),
    );
    Ok(())
}

/// A memcpy-timed result as (time, baseline).
pub(super) fn split(r: Res<(f64, f64)>) -> (Res<f64>, Option<f64>) {
    match r {
        Ok((t, m)) => (Ok(t), Some(m)),
        Err(e) => (Err(e), None),
    }
}

/// Times `cmd`, which creates an array that is deleted again inside the
/// clock (as the scripts' `c = ...` frees the previous `c`), beside memcpy
/// readings, and prints its row with `bytes` by the script's formula.
fn created_row(
    b: &mut Bench,
    name: &str,
    n: usize,
    bytes: f64,
    cmd: &str,
    args: &[(&str, &str, &str)],
) {
    let r = b.time_memcpy(name, || {
        clock(|| {
            let c = b.created(cmd, args)?;
            b.delete(&c);
            Ok(())
        })
        .map(|(t, _)| t)
    });
    let (t, m) = split(r);
    b.row(name, n, bytes, t, m.map(|m| ("memcpy", m)));
}

/// reduce.py: sum, prod, min, max of `arange(1, N)` (and `1.0 * a` for
/// float64); a.size x 8 bytes.
pub(super) fn reduce(b: &mut Bench, n: usize) -> Res<()> {
    let ints = b.arange(1, n)?;
    let floats = b.created(
        "binopsv<int64,float64,1>",
        &[
            ("op", "str", "*"),
            ("a", "int64", &ints),
            ("value", "float64", "1.0"),
        ],
    );
    for (dtype, a) in [("int64", Ok(ints.clone())), ("float64", floats.clone())] {
        for op in ["sum", "prod", "min", "max"] {
            let name = format!("reduce-{op}-{dtype}");
            if !b.want(&name) {
                continue;
            }
            let cmd = format!("{op}All<{dtype},1>");
            let r = a.clone().and_then(|a| {
                b.time_read(&name, || {
                    clock(|| b.call(&cmd, &[("x", dtype, &a), ("skipNan", "bool", "False")]))
                        .map(|(t, _)| t)
                })
            });
            let (t, m) = split(r);
            b.row(
                &name,
                n - 1,
                8.0 * (n - 1) as f64,
                t,
                m.map(|m| ("read", m)),
            );
        }
    }
    b.delete(&ints);
    if let Ok(f) = floats {
        b.delete(&f);
    }
    Ok(())
}

/// scan.py: cumsum and cumprod of `arange(1, N)`; 2 x 8 x a.size bytes.
/// Beside them `diff`, their inverse (not in Arkouda's benchmarks), with
/// the same byte formula.
pub(super) fn scan(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.arange(1, n)?;
    for (op, cmd) in [
        ("cumsum", "cumSum<int64,1>"),
        ("cumprod", "cumProd<int64,1>"),
        ("diff", "diff<int64,1>"),
    ] {
        let name = format!("scan-{op}-int64");
        if !b.want(&name) {
            continue;
        }
        let (key, value) = if op == "diff" {
            ("n", "1")
        } else {
            ("includeInitial", "False")
        };
        let kind = if op == "diff" { "int64" } else { "bool" };
        let args = [
            ("x", "int64", a.as_str()),
            ("axis", "int64", "0"),
            (key, kind, value),
        ];
        created_row(b, &name, n - 1, 16.0 * (n - 1) as f64, cmd, &args);
    }
    b.delete(&a);
    Ok(())
}

/// gather.py `c = v[i]` and scatter.py `c[i] = v`: int64 ones, random
/// indexes, N each; 3 x 8N bytes.
pub(super) fn gather_scatter(b: &mut Bench, n: usize) -> Res<()> {
    let i = b.randint(n, "0", &n.to_string(), 1)?;
    let v = b.filled(n, "int64", Some("1"))?;
    if b.want("gather-int64") {
        let args = [("array", "int64", v.as_str()), ("idx", "int64", &i)];
        created_row(b, "gather-int64", n, 24.0 * n as f64, "[pdarray]", &args);
    }
    if b.want("scatter-int64") {
        let c = b.filled(n, "int64", None)?;
        let r = b.time_memcpy("scatter-int64", || {
            clock(|| {
                b.call(
                    "[pdarray]=pdarray",
                    &[
                        ("array", "int64", &c),
                        ("idx", "int64", &i),
                        ("value", "int64", &v),
                    ],
                )
            })
            .map(|(t, _)| t)
        });
        b.delete(&c);
        let (t, m) = split(r);
        b.row(
            "scatter-int64",
            n,
            24.0 * n as f64,
            t,
            m.map(|m| ("memcpy", m)),
        );
    }
    b.delete(&i);
    b.delete(&v);
    Ok(())
}

/// in1d.py: `arange(N) % (2^23+1)` in `arange(2^23 -+ 1)`;
/// (a.size + b.size) x 8 bytes.
pub(super) fn in1d(b: &mut Bench, n: usize) -> Res<()> {
    let r = b.arange(0, n)?;
    let a = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "%"),
            ("a", "int64", &r),
            ("value", "int64", &(THRESHOLD + 1).to_string()),
        ],
    );
    b.delete(&r);
    let a = a?;
    for (regime, bsize) in [("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)] {
        let name = format!("in1d-int64-{regime}");
        if !b.want(&name) {
            continue;
        }
        let other = b.arange(0, bsize)?;
        let t = b.time(&name, false, || {
            clock(|| {
                let c = b.created(
                    "in1d",
                    &[
                        ("pda1", "int64", &a),
                        ("pda2", "int64", &other),
                        ("invert", "bool", "False"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&other);
        b.row(&name, n, 8.0 * (n + bsize) as f64, t, None);
    }
    b.delete(&a);
    Ok(())
}

/// Two kernels the issue names that no script times: `ak.where(c, a, b)`
/// of int64 with random bools (bytes read and written: 25N), and
/// `a.astype(ak.float64)` of int64 (16N).
pub(super) fn where_astype(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.randint(n, "0", "4294967296", 21)?;
    if b.want("where-int64") {
        let other = b.randint(n, "0", "4294967296", 22)?;
        let bits = b.randint(n, "0", "2", 23)?;
        let cond = b.created("cast<int64,bool,1>", &[("name", "pdarray", &bits)])?;
        b.delete(&bits);
        let args = [
            ("condition", "pdarray", cond.as_str()),
            ("a", "pdarray", &a),
            ("b", "pdarray", &other),
        ];
        let cmd = "wherevv<1,int64,int64>";
        created_row(b, "where-int64", n, 25.0 * n as f64, cmd, &args);
        b.delete(&other);
        b.delete(&cond);
    }
    if b.want("astype-int64-float64") {
        let args = [("name", "pdarray", a.as_str())];
        let cmd = "cast<int64,float64,1>";
        created_row(b, "astype-int64-float64", n, 16.0 * n as f64, cmd, &args);
    }
    b.delete(&a);
    Ok(())
}

/// array_create.py: zeros, ones, randint(0, 2^32) of int64; 8N bytes.
pub(super) fn create(b: &mut Bench, n: usize) -> Res<()> {
    for op in ["zeros", "ones", "randint"] {
        let name = format!("array_create-{op}");
        if !b.want(&name) {
            continue;
        }
        let r = b.time_memcpy(&name, || {
            clock(|| {
                let a = match op {
                    "zeros" => b.filled(n, "int64", None)?,
                    "ones" => b.filled(n, "int64", Some("1"))?,
                    _ => b.randint(n, "0", "4294967296", 7)?,
                };
                b.delete(&a);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let (t, m) = split(r);
        b.row(&name, n, 8.0 * n as f64, t, m.map(|m| ("memcpy", m)));
    }
    Ok(())
}

/// array_transfer.py: `to_ndarray` and `ak.array` of int64; 8N bytes each,
/// beside a bare ZeroMQ transfer of the same bytes (NumPy has no side).
pub(super) fn transfer(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.randint(n, "0", "4294967296", 3)?;
    let bytes = 8 * n;
    let mut err = None;
    if b.want("array_transfer-download") {
        let peer = BarePeer::start(&b.ctx, 1, bytes, b.trials);
        let (ours, bare) = interleaved(peer, b.trials, || {
            let t = Instant::now();
            let got = b.s.download("int64", &a);
            let secs = t.elapsed().as_secs_f64();
            if got.len() != bytes {
                err = Some(format!("failed: tondarray: {} bytes", got.len()));
            }
            secs
        });
        let r = err.take().map_or(Ok(ours), Err);
        b.row(
            "array_transfer-download",
            n,
            bytes as f64,
            r,
            Some(("bare ZeroMQ", bytes as f64 / bare)),
        );
    }
    if b.want("array_transfer-upload") {
        let payload = b.s.download("int64", &a).to_vec();
        let peer = BarePeer::start(&b.ctx, bytes, 2, b.trials);
        let (ours, bare) = interleaved(peer, b.trials, || {
            // The frame is built before the clock starts, as the client's is.
            let msg = zmq::Message::from(&payload[..]);
            let t = Instant::now();
            let name = b.s.upload("int64", msg);
            b.delete(&name);
            t.elapsed().as_secs_f64()
        });
        b.row(
            "array_transfer-upload",
            n,
            bytes as f64,
            Ok(ours),
            Some(("bare ZeroMQ", bytes as f64 / bare)),
        );
    }
    b.delete(&a);
    Ok(())
}

/// slice.py: five slices of `arange(N)`; 2 x 8 x result.size bytes.
pub(super) fn slices(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.arange(0, n)?;
    let last = n as i64 - 1;
    let cases: [(&str, i64, i64, i64); 5] = [
        ("exclude-last", 0, last, 1),
        ("exclude-first", 1, n as i64, 1),
        ("stride-2", 0, n as i64, 2),
        ("interior-stride-3", 1, last, 3),
        ("reverse", last, -1, -1),
    ];
    for (label, start, stop, stride) in cases {
        let name = format!("slice-{label}");
        if !b.want(&name) {
            continue;
        }
        let size = if stride > 0 {
            (stop - start + stride - 1) / stride
        } else {
            (start - stop - stride - 1) / -stride
        };
        let (start, stop, stride) = (start.to_string(), stop.to_string(), stride.to_string());
        let args = [
            ("array", "int64", a.as_str()),
            ("starts", "int64", &start),
            ("stops", "int64", &stop),
            ("strides", "int64", &stride),
            ("max_bits", "int64", "0"),
        ];
        created_row(b, &name, n, 16.0 * size as f64, "[slice]<int64,1>", &args);
    }
    b.delete(&a);
    Ok(())
}

/// argsort.py: `ak.argsort` of random int64 (0..2^32); 8N bytes.
pub(super) fn argsort(b: &mut Bench, n: usize) -> Res<()> {
    let a = b.randint(n, "0", "4294967296", 11)?;
    let t = b.time("argsort-int64", false, || {
        clock(|| {
            let p = b.created(
                "argsort<int64,1>",
                &[
                    ("name", "str", &a),
                    ("algoName", "str", "RadixSortLSD"),
                    ("objType", "str", "pdarray"),
                    ("axis", "int64", "0"),
                ],
            )?;
            b.delete(&p);
            Ok(())
        })
        .map(|(t, _)| t)
    });
    b.delete(&a);
    b.row("argsort-int64", n, 8.0 * n as f64, t, None);
    Ok(())
}

/// `coargsort` of `keys` (names) of one object type.
pub(super) fn coargsort(b: &Bench, keys: &[String], ty: &str) -> Res<()> {
    let p = b.created(
        "coargsort",
        &[
            ("algoName", "str", "RadixSortLSD"),
            ("nstr", "int64", &keys.len().to_string()),
            ("arr_names", "str", &json_list(keys)),
            (
                "arr_types",
                "str",
                &json_list(&vec![ty.to_string(); keys.len()]),
            ),
        ],
    )?;
    b.delete(&p);
    Ok(())
}

/// `ak.GroupBy(keys)`: `unique`, then each key gathered at the unique keys'
/// positions; everything it made is deleted (inside the clock, as the
/// script's `g = ...` frees the previous groupby).
pub(super) fn groupby(b: &Bench, keys: &[String], ty: &str, sorted: bool) -> Res<Vec<String>> {
    let r = b.call(
        "unique",
        &[
            ("returnGroupStr", "bool", "True"),
            (
                "assumeSortedStr",
                "bool",
                if sorted { "True" } else { "False" },
            ),
            ("nstr", "int64", &keys.len().to_string()),
            ("keynames", "str", &json_list(keys)),
            (
                "keytypes",
                "str",
                &json_list(&vec![ty.to_string(); keys.len()]),
            ),
        ],
    )?;
    let mut made = names_of(&r);
    let ukidx = made
        .last()
        .cloned()
        .ok_or_else(|| format!("failed: unique: {r}"))?;
    for k in keys {
        made.push(if ty == "Strings" {
            b.str_gather(k, &ukidx)?.0
        } else {
            b.created(
                "[pdarray]",
                &[("array", "int64", k), ("idx", "int64", &ukidx)],
            )?
        });
    }
    Ok(made)
}

/// coargsort.py and groupby.py: 1, 2, 8, 16 int64 arrays of N/k each;
/// bytes of all keys.
pub(super) fn multi_key(b: &mut Bench, n: usize) -> Res<()> {
    for k in [1usize, 2, 8, 16] {
        let names = [format!("coargsort-{k}"), format!("groupby-{k}")];
        if !b.any(&names) {
            continue;
        }
        let keys = (0..k)
            .map(|j| b.randint(n / k, "0", "4294967296", 100 + j as u64))
            .collect::<Res<Vec<_>>>()?;
        let bytes = 8.0 * (k * (n / k)) as f64;
        coargsort_and_groupby(b, &names, n, bytes, &keys, "pdarray");
    }
    Ok(())
}

/// The rows `names[0]` (coargsort of `keys`) and `names[1]` (a GroupBy of
/// them) for `bytes`, then the keys deleted.
pub(super) fn coargsort_and_groupby(
    b: &mut Bench,
    names: &[String],
    n: usize,
    bytes: f64,
    keys: &[String],
    ty: &str,
) {
    if b.want(&names[0]) {
        let t = b.time(&names[0], false, || {
            clock(|| coargsort(b, keys, ty)).map(|(t, _)| t)
        });
        b.row(&names[0], n, bytes, t, None);
    }
    if b.want(&names[1]) {
        let t = b.time(&names[1], false, || {
            clock(|| {
                for x in groupby(b, keys, ty, false)? {
                    b.delete(&x);
                }
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.row(&names[1], n, bytes, t, None);
    }
    for x in keys {
        b.delete(x);
    }
}

/// setops.py: intersect1d, union1d, setxor1d, setdiff1d of two random int64
/// arrays; 2 x 8N bytes.
pub(super) fn setops(b: &mut Bench, n: usize) -> Res<()> {
    let x = b.randint(n, "0", "4294967296", 21)?;
    let y = b.randint(n, "0", "4294967296", 22)?;
    for op in ["intersect1d", "union1d", "setxor1d", "setdiff1d"] {
        let name = format!("setops-{op}");
        if !b.want(&name) {
            continue;
        }
        let mut args = vec![("arg1", "int64", x.as_str()), ("arg2", "int64", y.as_str())];
        if op != "union1d" {
            args.push(("assume_unique", "bool", "False"));
        }
        let t = b.time(&name, false, || {
            clock(|| {
                let c = b.created(op, &args)?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.row(&name, n, 16.0 * n as f64, t, None);
    }
    b.delete(&x);
    b.delete(&y);
    Ok(())
}

pub(super) const AGG_OPS: [&str; 11] = [
    "sum", "prod", "min", "max", "mean", "count", "any", "all", "or", "and", "xor",
];

/// aggregate.py: `GroupBy(sorted keys, assume_sorted=True).aggregate(v, op)`
/// with v random int64 below 2^16 (bool `v % 2 == 0` for any/all);
/// v.size x itemsize bytes.
pub(super) fn aggregate(b: &mut Bench, n: usize) -> Res<()> {
    let raw = b.randint(n, "0", "4294967296", 31)?;
    let keys = b.created(
        "sort<int64,1>",
        &[
            ("alg", "str", "RadixSortLSD"),
            ("array", "int64", &raw),
            ("axis", "int64", "0"),
        ],
    );
    b.delete(&raw);
    let keys = keys?;
    let vals = b.randint(n, "0", "65536", 32)?;
    let odd = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "%"),
            ("a", "int64", &vals),
            ("value", "int64", "2"),
        ],
    )?;
    let bools = b.created(
        "binopvs<int64,int64,1>",
        &[
            ("op", "str", "=="),
            ("a", "int64", &odd),
            ("value", "int64", "0"),
        ],
    )?;
    b.delete(&odd);
    let g = groupby(b, std::slice::from_ref(&keys), "pdarray", true)?;
    let segs = g[1].clone();
    for op in AGG_OPS {
        let name = format!("aggregate-{op}");
        if !b.want(&name) {
            continue;
        }
        let boolean = matches!(op, "any" | "all");
        let (v, dtype) = if boolean {
            (&bools, "bool")
        } else {
            (&vals, "int64")
        };
        let t = b.time(&name, false, || {
            clock(|| {
                let c = b.created(
                    "segmentedReduction",
                    &[
                        ("values", dtype, v),
                        ("segments", "int64", &segs),
                        ("op", "str", op),
                        ("skip_nan", "bool", "True"),
                        ("ddof", "int64", "1"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        let bytes = if boolean { n } else { 8 * n };
        b.row(&name, n, bytes as f64, t, None);
    }
    for x in g.iter().chain([&keys, &vals, &bools]) {
        b.delete(x);
    }
    Ok(())
}
