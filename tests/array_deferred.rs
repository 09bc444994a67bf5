//! Deferred `array op scalar` results: `binopvs`/`binopsv` on a large array
//! keep a recipe, `binopvv` reads it in its own pass (the client's `c = a +
//! b*alpha` in one pass), and every other reader sees exactly the values
//! an eager computation would have stored. Through the real binary.

mod common;

use common::vals::*;
use common::*;
use serde_json::Value;

/// Above the size from which results are deferred (and odd, so chunks
/// split unevenly).
const N: usize = 100_003;

fn status(c: &Client) -> Value {
    check_serverstatus(c.cmd("serverstatus", &[]).normal())
}

fn deferred(c: &Client) -> u64 {
    status(c)["deferred_arrays"].as_u64().expect("a count")
}

/// `binopvs` (`array op value`) or, with `scalar_first`, `binopsv`
/// (`value op array`), both operands of type `dtype`.
fn scalar_op(
    c: &Client,
    dtype: &str,
    op: &str,
    name: &str,
    value: &str,
    scalar_first: bool,
) -> Reply {
    let form = if scalar_first { "binopsv" } else { "binopvs" };
    c.cmd(
        &format!("{form}<{dtype},{dtype},1>"),
        &[
            ("op", "str", op),
            ("a", "pdarray", name),
            ("value", dtype, value),
        ],
    )
}

/// `binopvs` on `N` elements: a deferred array's name.
fn deferred_op(c: &Client, dtype: &str, op: &str, name: &str, value: &str) -> String {
    expect_created(&scalar_op(c, dtype, op, name, value, false), dtype, N)
}

fn vv(c: &Client, (ta, a): (&str, &str), op: &str, (tb, b): (&str, &str)) -> Reply {
    c.cmd(
        &format!("binopvv<{ta},{tb},1>"),
        &[("op", "str", op), ("a", "pdarray", a), ("b", "pdarray", b)],
    )
}

fn delete(c: &Client, name: &str) {
    c.cmd("delete", &[("name", "str", name)]).normal();
}

/// Floats with signed zeros, infinities, NaN and a wide range of
/// magnitudes; `seed` varies them.
fn floats(seed: u64) -> Vec<f64> {
    (0..N as u64)
        .map(|i| match (i + seed) % 97 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -0.0,
            3 => 0.0,
            k => ((i * 2654435761 + seed) % 1_000_003) as f64 / 7.0 - 71_000.0 * (k % 3) as f64,
        })
        .collect()
}

/// Integers that wrap when scaled: near both ends of the range.
fn ints(seed: u64) -> Vec<i64> {
    (0..N as i64)
        .map(|i| match (i + seed as i64) % 5 {
            0 => i64::MAX - i,
            1 => i64::MIN + i,
            _ => (i * 7919 + seed as i64) % 1_000_000 - 500_000,
        })
        .collect()
}

fn uints(seed: u64) -> Vec<u64> {
    ints(seed).into_iter().map(|x| x as u64).collect()
}

/// The element operations fused element by element, for the test's own
/// computation of the expected values.
trait Num: Copy {
    fn op(op: &str, x: Self, y: Self) -> Self;
}

impl Num for f64 {
    fn op(op: &str, x: f64, y: f64) -> f64 {
        match op {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "/" => x / y,
            _ => unreachable!("{op}"),
        }
    }
}

macro_rules! wrapping_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            fn op(op: &str, x: $t, y: $t) -> $t {
                match op {
                    "+" => x.wrapping_add(y),
                    "-" => x.wrapping_sub(y),
                    "*" => x.wrapping_mul(y),
                    _ => unreachable!("{op}"),
                }
            }
        }
    )*};
}
wrapping_num!(i64, u64);

/// `x op y`, or `y op x` when `swapped`, element by element.
fn each<T: Num>(op: &str, x: &[T], y: impl Fn(usize) -> T, swapped: bool) -> Vec<T> {
    x.iter()
        .enumerate()
        .map(|(i, &x)| {
            if swapped {
                T::op(op, y(i), x)
            } else {
                T::op(op, x, y(i))
            }
        })
        .collect()
}

/// For one dtype: every `array op scalar` / `scalar op array` with a fused
/// operator, read by every `binopvv` with a fused operator, from either
/// side. Each result is checked against values computed here; the
/// temporary stays uncomputed through the fused read and is exact when it
/// is finally read itself.
fn check_fused<T: Num + std::fmt::Debug>(
    c: &Client,
    dtype: &str,
    (a, b): (Vec<T>, Vec<T>),
    scalar: (&str, T),
    ops: &[&str],
    wrap: fn(Vec<T>) -> Vals,
) {
    let (an, bn) = (put(c, &wrap(a.clone())), put(c, &wrap(b.clone())));
    let base = mem_used(c, 1, false);
    for &inner in ops {
        for scalar_first in [false, true] {
            let tmp_reply = scalar_op(c, dtype, inner, &bn, scalar.0, scalar_first);
            let tmp = expect_created(&tmp_reply, dtype, N);
            let what = format!(
                "{dtype}: tmp = b {inner} {} (scalar first: {scalar_first})",
                scalar.0
            );
            assert_eq!(deferred(c), 1, "{what} is deferred");
            assert_eq!(
                mem_used(c, 1, false),
                base + 8 * N as u64,
                "{what} is reserved"
            );
            let t = each(inner, &b, |_| scalar.1, scalar_first);
            for &outer in ops {
                for tmp_left in [false, true] {
                    let (l, r) = if tmp_left { (&tmp, &an) } else { (&an, &tmp) };
                    let (out, _, n) = created(&vv(c, (dtype, l), outer, (dtype, r)));
                    assert_eq!(n, N);
                    let want = wrap(each(outer, &a, |i| t[i], tmp_left));
                    assert!(
                        same(&get(c, dtype, &out), &want),
                        "{what}; {} {outer} {}",
                        if tmp_left { "tmp" } else { "a" },
                        if tmp_left { "a" } else { "tmp" }
                    );
                    delete(c, &out);
                    assert_eq!(deferred(c), 1, "{what}: binopvv {outer} read it in place");
                }
            }
            assert!(same(&get(c, dtype, &tmp), &wrap(t)), "{what} itself");
            assert_eq!(deferred(c), 0, "{what}: computed once read");
            delete(c, &tmp);
            assert_eq!(mem_used(c, 1, false), base);
        }
    }
}

#[test]
fn fused_expressions_are_exact_for_every_form() {
    let server = Server::start();
    let c = server.client();
    check_fused(
        &c,
        "float64",
        (floats(1), floats(2)),
        ("2.5", 2.5),
        &["+", "-", "*", "/"],
        Vals::F,
    );
    check_fused(
        &c,
        "int64",
        (ints(3), ints(4)),
        ("-3", -3),
        &["+", "-", "*"],
        Vals::I,
    );
    check_fused(
        &c,
        "uint64",
        (uints(5), uints(6)),
        ("7", 7),
        &["+", "-", "*"],
        Vals::U,
    );
}

#[test]
fn stream_triad_reads_the_temporary_in_place() {
    // The client's `c = a + b*alpha`: binopvs, binopvv, then its deletes.
    let server = Server::start();
    let c = server.client();
    let (a, b) = (floats(7), floats(8));
    let (an, bn) = (put(&c, &Vals::F(a.clone())), put(&c, &Vals::F(b.clone())));
    let base = mem_used(&c, 1, false);
    let reply = scalar_op(&c, "float64", "*", &bn, "3.0", false);
    let tmp = expect_created(&reply, "float64", N);
    assert_eq!(
        reply.normal(),
        format!("created {tmp} float64 {N} 1 [{N}] 8"),
        "the reply of an eager binopvs"
    );
    let s = status(&c);
    assert_eq!(
        (s["deferred_arrays"].as_u64(), s["symbols"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(s["bytes_held"].as_u64(), Some(base + 8 * N as u64));
    let (sum, _, _) = created(&vv(&c, ("float64", &an), "+", ("float64", &tmp)));
    delete(&c, &tmp);
    assert_eq!(deferred(&c), 0);
    assert_eq!(mem_used(&c, 1, false), base + 8 * N as u64, "a, b and c");
    let want: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x + y * 3.0).collect();
    assert!(same(&get(&c, "float64", &sum), &Vals::F(want)));
}

#[test]
fn other_operators_read_a_deferred_array_as_a_stored_one() {
    // Operators and type pairs that are not fused element by element read the
    // deferred array a block at a time; the result must be what the same
    // request gives once the temporary is stored.
    let server = Server::start();
    let c = server.client();
    let fa = put(&c, &Vals::F(floats(11)));
    let ia = put(&c, &Vals::I(ints(12)));
    let ib = put(&c, &Vals::I(ints(13)));
    let fb = put(&c, &Vals::F(floats(14)));
    // (operand dtype, source, inner op, scalar, outer op, other operand).
    let cases = [
        ("int64", &ib, "//", "-7", "+", ("int64", &ia)),
        ("int64", &ib, "%", "9", "<", ("int64", &ia)),
        ("int64", &ib, "**", "3", "-", ("int64", &ia)),
        ("int64", &ib, "*", "3", "&", ("int64", &ia)),
        ("int64", &ib, "-", "5", "//", ("int64", &ia)),
        ("int64", &ib, "*", "-2", "+", ("float64", &fa)),
        ("int64", &ib, "+", "1", "/", ("int64", &ia)),
        ("float64", &fb, "%", "0.75", ">=", ("float64", &fa)),
        ("float64", &fb, "*", "1.5", "%", ("float64", &fa)),
        ("float64", &fb, "-", "4.0", "*", ("int64", &ia)),
        ("float64", &fb, "+", "0.5", "==", ("float64", &fb)),
    ];
    for (dtype, src, inner, k, outer, (other_t, other)) in cases {
        for tmp_left in [false, true] {
            let tmp = expect_created(&scalar_op(&c, dtype, inner, src, k, false), dtype, N);
            assert_eq!(deferred(&c), 1);
            let (x, y) = if tmp_left {
                ((dtype, tmp.as_str()), (other_t, other.as_str()))
            } else {
                ((other_t, other.as_str()), (dtype, tmp.as_str()))
            };
            let (lazy, lazy_t, _) = created(&vv(&c, x, outer, y));
            let fused = get(&c, &lazy_t, &lazy);
            assert_eq!(
                deferred(&c),
                1,
                "{dtype} {inner} {k} then {outer}: read in place"
            );
            get(&c, dtype, &tmp); // stored from here on
            assert_eq!(deferred(&c), 0);
            let (stored, _, _) = created(&vv(&c, x, outer, y));
            assert!(
                same(&fused, &get(&c, &lazy_t, &stored)),
                "{dtype} {inner} {k} then {outer} (tmp left: {tmp_left})"
            );
            for n in [&lazy, &stored, &tmp] {
                delete(&c, n);
            }
        }
    }
    // Both operands deferred.
    let b = floats(14);
    let a = floats(11);
    let t1 = deferred_op(&c, "float64", "*", &fb, "2.0");
    let t2 = expect_created(
        &scalar_op(&c, "float64", "-", &fa, "1.0", true),
        "float64",
        N,
    );
    assert_eq!(deferred(&c), 2);
    let (both, _, _) = created(&vv(&c, ("float64", &t1), "+", ("float64", &t2)));
    let want: Vec<f64> = b.iter().zip(&a).map(|(b, a)| b * 2.0 + (1.0 - a)).collect();
    assert!(same(&get(&c, "float64", &both), &Vals::F(want)));
    // `**` checks its exponent first, so it computes the temporary.
    let (pow, _, _) = created(&vv(&c, ("float64", &fa), "**", ("float64", &t1)));
    assert_eq!(deferred(&c), 1);
    let want: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a.powf(b * 2.0)).collect();
    assert!(same(&get(&c, "float64", &pow), &Vals::F(want)));
}

#[test]
fn changing_or_deleting_the_source_keeps_the_deferred_values() {
    let server = Server::start();
    let c = server.client();
    let b = floats(21);
    let bn = put(&c, &Vals::F(b.clone()));
    let times = |k: f64| Vals::F(b.iter().map(|x| x * k).collect());
    let t2 = deferred_op(&c, "float64", "*", &bn, "2.0");
    // In place: b += 1.
    c.cmd(
        "opeqvs<float64,1>",
        &[
            ("op", "str", "+="),
            ("a", "pdarray", &bn),
            ("value", "float64", "1.0"),
        ],
    )
    .expect_normal("");
    assert_eq!(deferred(&c), 0, "computed before b changed");
    assert!(same(&get(&c, "float64", &t2), &times(2.0)));
    let b1: Vec<f64> = b.iter().map(|x| x + 1.0).collect();
    assert!(same(&get(&c, "float64", &bn), &Vals::F(b1.clone())));
    // One element set.
    let t3 = deferred_op(&c, "float64", "*", &bn, "3.0");
    c.cmd(
        "[int]=val<float64,1>",
        &[
            ("array", "str", &bn),
            ("idx", "int64", "5"),
            ("value", "float64", "100.0"),
            ("max_bits", "int64", "0"),
        ],
    )
    .expect_normal("");
    let want: Vec<f64> = b1.iter().map(|x| x * 3.0).collect();
    assert!(same(&get(&c, "float64", &t3), &Vals::F(want)));
    // Deleted: the temporary is computed and b's memory is given back at once.
    let t4 = expect_created(
        &scalar_op(&c, "float64", "-", &bn, "4.0", true),
        "float64",
        N,
    );
    assert_eq!(deferred(&c), 1);
    let mut b2 = b1.clone();
    b2[5] = 100.0;
    delete(&c, &bn);
    assert_eq!(deferred(&c), 0, "computed when its source went");
    assert_eq!(
        mem_used(&c, 1, false),
        3 * 8 * N as u64,
        "t2, t3 and t4 only"
    );
    let want: Vec<f64> = b2.iter().map(|x| 4.0 - x).collect();
    assert!(same(&get(&c, "float64", &t4), &Vals::F(want)));
    // Replaced under its name by a checkpoint load: the same rule.
    let b3 = floats(22);
    let bn = put(&c, &Vals::F(b3.clone()));
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", "cp"),
            ("path", "str", "ck"),
            ("mode", "str", "overwrite"),
        ],
    )
    .expect_normal("cp");
    c.cmd(
        "opeqvs<float64,1>",
        &[
            ("op", "str", "+="),
            ("a", "pdarray", &bn),
            ("value", "float64", "1.0"),
        ],
    )
    .expect_normal("");
    let t5 = deferred_op(&c, "float64", "*", &bn, "5.0");
    assert_eq!(deferred(&c), 1);
    c.cmd(
        "load_checkpoint",
        &[("name", "str", "cp"), ("path", "str", "ck")],
    )
    .normal();
    assert_eq!(deferred(&c), 0, "computed when its source was replaced");
    assert_eq!(
        mem_used(&c, 1, false),
        5 * 8 * N as u64,
        "t2..t5 and the loaded b"
    );
    let want: Vec<f64> = b3.iter().map(|x| (x + 1.0) * 5.0).collect();
    assert!(same(&get(&c, "float64", &t5), &Vals::F(want)));
    assert!(same(&get(&c, "float64", &bn), &Vals::F(b3)));
    c.cmd("clear", &[]).normal();
    let s = status(&c);
    assert_eq!(
        (
            s["symbols"].as_u64(),
            s["bytes_held"].as_u64(),
            s["deferred_arrays"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
}

#[test]
fn every_other_reader_gets_the_computed_values() {
    let server = Server::start();
    let c = server.client();
    let b: Vec<i64> = ints(31);
    let bn = put(&c, &Vals::I(b.clone()));
    let want: Vec<i64> = b.iter().map(|x| x.wrapping_mul(-3)).collect();
    let fresh = || deferred_op(&c, "int64", "*", &bn, "-3");
    // A reduction.
    let t = fresh();
    let sum = want.iter().fold(0i64, |s, x| s.wrapping_add(*x));
    c.cmd(
        "sumAll<int64,1>",
        &[("x", "int64", &t), ("skipNan", "bool", "False")],
    )
    .expect_normal(&format!("int64 {sum}"));
    assert_eq!(deferred(&c), 0);
    // One element.
    let t = fresh();
    c.cmd(
        "[int]<int64,1>",
        &[("array", "str", &t), ("idx", "int64", "-1")],
    )
    .expect_normal(&format!("int64 {}", want[N - 1]));
    // An in-place update of the deferred array itself.
    let t = fresh();
    c.cmd(
        "opeqvs<int64,1>",
        &[
            ("op", "str", "+="),
            ("a", "pdarray", &t),
            ("value", "int64", "1"),
        ],
    )
    .expect_normal("");
    let plus: Vec<i64> = want.iter().map(|x| x.wrapping_add(1)).collect();
    assert!(same(&get(&c, "int64", &t), &Vals::I(plus)));
    // A scalar operator on it: the chain is computed link by link.
    let t = fresh();
    let (t2, _, _) = created(&scalar_op(&c, "int64", "+", &t, "10", false));
    let ten: Vec<i64> = want.iter().map(|x| x.wrapping_add(10)).collect();
    assert!(same(&get(&c, "int64", &t2), &Vals::I(ten)));
    assert!(same(&get(&c, "int64", &t), &Vals::I(want.clone())));
    // info lists it like any array.
    let t = fresh();
    assert!(info_all(&c).contains(&info_entry(&t, "int64", N)));
    // A checkpoint saves the values, and loading them back restores them.
    let t = fresh();
    c.cmd(
        "save_checkpoint",
        &[
            ("name", "str", "cp"),
            ("path", "str", "ck"),
            ("mode", "str", "overwrite"),
        ],
    )
    .expect_normal("cp");
    assert_eq!(deferred(&c), 0);
    c.cmd("clear", &[]).normal();
    c.cmd(
        "load_checkpoint",
        &[("name", "str", "cp"), ("path", "str", "ck")],
    )
    .normal();
    assert!(same(&get(&c, "int64", &t), &Vals::I(want)));
}

#[test]
fn deferred_results_count_against_the_memory_limit() {
    let server = Server::builder().arg("--memMax=2000000").start();
    let c = server.client();
    let bn = put(&c, &Vals::F(floats(41)));
    let an = put(&c, &Vals::F(floats(42)));
    let before = (info_all(&c), mem_used(&c, 1, false));
    let msg = scalar_op(&c, "float64", "*", &bn, "2.0", false)
        .error()
        .to_string();
    assert!(
        msg.starts_with(
            "Error executing command binopvs<float64,float64,1>: OverMemoryLimitError: "
        ),
        "{msg}"
    );
    assert_eq!((info_all(&c), mem_used(&c, 1, false)), before);
    assert_eq!(deferred(&c), 0);
    delete(&c, &an);
    let t = deferred_op(&c, "float64", "*", &bn, "2.0");
    assert_eq!(mem_used(&c, 1, false), 2 * 8 * N as u64);
    let want: Vec<f64> = floats(41).iter().map(|x| x * 2.0).collect();
    assert!(same(&get(&c, "float64", &t), &Vals::F(want)));
}

#[test]
fn only_a_few_arrays_wait_and_small_ones_never_do() {
    let server = Server::start();
    let c = server.client();
    let b = uints(51);
    let bn = put(&c, &Vals::U(b.clone()));
    let names: Vec<String> = (1..=6)
        .map(|k| {
            let reply = scalar_op(&c, "uint64", "*", &bn, &k.to_string(), false);
            expect_created(&reply, "uint64", N)
        })
        .collect();
    assert_eq!(deferred(&c), 4, "the rest were computed at once");
    for (k, name) in (1..=6u64).zip(&names) {
        let want: Vec<u64> = b.iter().map(|x| x.wrapping_mul(k)).collect();
        assert!(same(&get(&c, "uint64", name), &Vals::U(want)), "times {k}");
    }
    assert_eq!(deferred(&c), 0);
    let small = put(&c, &Vals::U(b[..1000].to_vec()));
    let (_, _, n) = created(&scalar_op(&c, "uint64", "*", &small, "2", false));
    assert_eq!((n, deferred(&c)), (1000, 0));
}

#[test]
fn outputs_written_past_the_cache_are_exact() {
    // 36 MB results: large enough for the non-temporal stores, in the fused
    // pass, the same-type pass and the converting pass.
    const BIG: usize = 4_500_001;
    let server = Server::start();
    let c = server.client();
    let a: Vec<f64> = (0..BIG).map(|i| i as f64 * 0.25 - 1e5).collect();
    let b: Vec<i64> = (0..BIG as i64).map(|i| i * 3 - 7_000_000).collect();
    let bf: Vec<f64> = b.iter().map(|x| *x as f64 + 0.5).collect();
    let (an, bn, bfn) = (
        put(&c, &Vals::F(a.clone())),
        put(&c, &Vals::I(b.clone())),
        put(&c, &Vals::F(bf.clone())),
    );
    let tmp = expect_created(
        &scalar_op(&c, "float64", "*", &bfn, "-1.5", false),
        "float64",
        BIG,
    );
    let (fused, _, _) = created(&vv(&c, ("float64", &an), "-", ("float64", &tmp)));
    assert_eq!(deferred(&c), 1);
    let want: Vec<f64> = a.iter().zip(&bf).map(|(x, y)| x - y * -1.5).collect();
    assert!(same(&get(&c, "float64", &fused), &Vals::F(want)));
    let (sum, _, _) = created(&vv(&c, ("float64", &an), "+", ("float64", &bfn)));
    let want: Vec<f64> = a.iter().zip(&bf).map(|(x, y)| x + y).collect();
    assert!(same(&get(&c, "float64", &sum), &Vals::F(want)));
    let (mixed, _, _) = created(&vv(&c, ("int64", &bn), "*", ("float64", &an)));
    let want: Vec<f64> = b.iter().zip(&a).map(|(x, y)| *x as f64 * y).collect();
    assert!(same(&get(&c, "float64", &mixed), &Vals::F(want)));
}
