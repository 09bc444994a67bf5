//! `set<T,1>` (how `ak.ones`, `ak.full` and `pdarray.fill` fill an array)
//! for every element type, lengths around the blocks' edges and past the
//! kernels' parallel threshold, and arrays large enough for the allocator's
//! huge-page mappings and its cache of freed blocks (a fill may move the
//! array into a cached block): every element is downloaded and compared.
//! At 1 rank always; at 2 and 3 ranks (uneven blocks) with feature `mpi`.

mod common;

use common::vals::*;
use common::*;

#[cfg(feature = "mpi")]
const RANKS: &[usize] = &[1, 2, 3];
#[cfg(not(feature = "mpi"))]
const RANKS: &[usize] = &[1];

fn server(ranks: usize) -> Server {
    Server::builder()
        .ranks(ranks)
        .arg("--freedMemoryCache=1000000000")
        .start()
}

fn create(c: &Client, dtype: &str, n: usize) -> String {
    let reply = c.cmd(
        &format!("create<{dtype},1>"),
        &[("shape", "int64", &n.to_string())],
    );
    expect_created(&reply, dtype, n)
}

fn set(c: &Client, dtype: &str, name: &str, val: &str) {
    c.cmd(
        &format!("set<{dtype},1>"),
        &[
            ("array", "str", name),
            ("dtype", "str", dtype),
            ("val", dtype, val),
        ],
    )
    .expect_normal("");
}

/// `n` copies of the value `val` means for `dtype`.
fn filled(dtype: &str, val: &str, n: usize) -> Vals {
    match dtype {
        "int64" => Vals::I(vec![val.parse().unwrap(); n]),
        "uint64" => Vals::U(vec![val.parse().unwrap(); n]),
        "uint8" => Vals::U8(vec![val.parse().unwrap(); n]),
        "float64" => Vals::F(vec![val.parse().unwrap(); n]),
        _ => Vals::B(vec![val == "True"; n]),
    }
}

const VALUES: [(&str, &str, &str); 5] = [
    ("int64", "-7", "9223372036854775807"),
    ("uint64", "18446744073709551615", "3"),
    ("uint8", "200", "1"),
    ("float64", "-2.5", "1e300"),
    ("bool", "True", "False"),
];

#[test]
fn fill_writes_every_element_of_every_type() {
    for &r in RANKS {
        let s = server(r);
        let c = s.client();
        for n in [0, 1, 2, 3, 70_001, 200_003] {
            for (dtype, first, second) in VALUES {
                let a = create(&c, dtype, n);
                set(&c, dtype, &a, first);
                assert!(same(&get(&c, dtype, &a), &filled(dtype, first, n)));
                // Filling again overwrites every element.
                set(&c, dtype, &a, second);
                let got = get(&c, dtype, &a);
                assert!(
                    same(&got, &filled(dtype, second, n)),
                    "{r} ranks, {dtype} {n}"
                );
                c.cmd("delete", &[("name", "str", &a)]).normal();
            }
        }
    }
}

/// Arrays whose every block is past the allocator's 16 MiB: fresh blocks
/// are huge-page mappings and freed ones are cached, so `set` fills one in
/// place first, then (with its block cached) moves another into it. Zeros
/// made afterwards are still zeros (a dirty cached block is never handed
/// out as `create`'s), and the filled array's size is counted once.
#[test]
fn fill_of_large_arrays_through_the_cache() {
    // 6 Mi + 5 elements: over 2 Mi elements (16 MiB of 8-byte ones) on
    // each of 3 ranks.
    let n = 3 * (2 << 20) + 5;
    for &r in RANKS {
        let s = server(r);
        // Downloads of 50 MB from debug builds on a loaded machine.
        let c = Client::connect_timeout(s.port, 120_000);
        for (dtype, first, second) in [VALUES[0], VALUES[3]] {
            let a = create(&c, dtype, n);
            set(&c, dtype, &a, first);
            assert!(same(&get(&c, dtype, &a), &filled(dtype, first, n)));
            c.cmd("delete", &[("name", "str", &a)]).normal();
            let used = mem_used(&c, 1, false);
            let b = create(&c, dtype, n);
            set(&c, dtype, &b, second);
            assert_eq!(mem_used(&c, 1, false), used + 8 * n as u64, "{r} ranks");
            let zeros = create(&c, dtype, n);
            assert!(same(&get(&c, dtype, &zeros), &filled(dtype, "0", n)));
            let got = get(&c, dtype, &b);
            assert!(same(&got, &filled(dtype, second, n)), "{r} ranks, {dtype}");
            for name in [b, zeros] {
                c.cmd("delete", &[("name", "str", &name)]).normal();
            }
        }
    }
}
