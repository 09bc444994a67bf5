//! The string kernels: str-argsort, str-gather, str-coargsort,
//! str-groupby, str-in1d.

use super::*;

/// str-argsort.py and str-gather.py on `random_strings_uniform(1, 16, N)`:
/// argsort moves a.nbytes; gather 3 x 8 x c.size (offsets) + 8 x c.size +
/// 2 x c.nbytes.
pub(super) fn str_single(b: &mut Bench, n: usize) -> Res<()> {
    let (s, nbytes) = b.strings(n, 1, 16, 41)?;
    if b.want("str-argsort") {
        let t = b.time("str-argsort", false, || {
            clock(|| {
                let p = b.created(
                    "argsortStrings",
                    &[("name", "str", &s), ("algoName", "str", "RadixSortLSD")],
                )?;
                b.delete(&p);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.row("str-argsort", n, nbytes as f64, t, None);
    }
    if b.want("str-gather") {
        let i = b.randint(n, "0", &n.to_string(), 42)?;
        let mut c_nbytes = 0;
        let t = b.time("str-gather", false, || {
            clock(|| {
                let (c, nb) = b.str_gather(&s, &i)?;
                c_nbytes = nb;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&i);
        let bytes = 3 * n * 8 + n * 8 + 2 * c_nbytes;
        b.row("str-gather", n, bytes as f64, t, None);
    }
    b.delete(&s);
    Ok(())
}

/// str-coargsort.py and str-groupby.py: 1, 2, 8, 16 arrays of N/k strings
/// of 1-16 letters; bytes = the keys' nbytes.
pub(super) fn str_multi(b: &mut Bench, n: usize) -> Res<()> {
    for k in [1usize, 2, 8, 16] {
        let names = [format!("str-coargsort-{k}"), format!("str-groupby-{k}")];
        if !b.any(&names) {
            continue;
        }
        let made = (0..k)
            .map(|j| b.strings(n / k, 1, 16, 200 + j as u64))
            .collect::<Res<Vec<_>>>()?;
        let bytes = made.iter().map(|m| m.1).sum::<usize>() as f64;
        let keys: Vec<String> = made.into_iter().map(|m| m.0).collect();
        coargsort_and_groupby(b, &names, n, bytes, &keys, "Strings");
    }
    Ok(())
}

/// str-in1d.py: N strings of 1-5 letters in 2^23 -+ 1 others;
/// a.size x 8 + a.nbytes + b.size x 8 + b.nbytes.
pub(super) fn str_in1d(b: &mut Bench, n: usize) -> Res<()> {
    let (a, a_nbytes) = b.strings(n, 1, 5, 51)?;
    for (regime, bsize) in [("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)] {
        let name = format!("str-in1d-{regime}");
        if !b.want(&name) {
            continue;
        }
        let (other, o_nbytes) = b.strings(bsize, 1, 5, 52)?;
        let t = b.time(&name, false, || {
            clock(|| {
                let c = b.created(
                    "segmentedIn1d",
                    &[
                        ("objType", "str", "Strings"),
                        ("obj", "<U0", &a),
                        ("otherType", "str", "Strings"),
                        ("other", "<U0", &other),
                        ("invert", "bool", "False"),
                    ],
                )?;
                b.delete(&c);
                Ok(())
            })
            .map(|(t, _)| t)
        });
        b.delete(&other);
        let bytes = n * 8 + a_nbytes + bsize * 8 + o_nbytes;
        b.row(&name, n, bytes as f64, t, None);
    }
    b.delete(&a);
    Ok(())
}
