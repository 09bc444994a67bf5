//! Set-operation cases shared by the one-rank and multi-rank tests.

use super::vals::Vals;

/// in1d cases for both of the server's ways: a bitset over `b`'s range
/// (small ranges) and a hash set (wide ranges), with exact answers.
pub fn in1d_path_cases(big: usize) -> Vec<(Vals, Vals, Vec<bool>)> {
    let top = 1u64 << 63;
    let mut cases = vec![
        // Bitset: probes below, inside and above the range.
        (
            Vals::I(vec![-5, 0, 3, (1 << 20) + 10, 7, i64::MIN, i64::MAX]),
            Vals::I(vec![-5, 3, 7, 1000]),
            vec![true, false, true, false, true, false, false],
        ),
        // Hash set: the extremes of int64.
        (
            Vals::I(vec![i64::MIN, 1, i64::MAX, 3, -1, 0]),
            Vals::I(vec![i64::MIN, 0, i64::MAX, 3]),
            vec![true, false, true, true, false, true],
        ),
        // uint64 above i64::MAX, bitset then hash set.
        (
            Vals::U(vec![top + 3, 3, top, top + 4]),
            Vals::U(vec![top, top + 3]),
            vec![true, false, true, false],
        ),
        (
            Vals::U(vec![top + 5, 1, u64::MAX, 0]),
            Vals::U(vec![u64::MAX, top + 5, 2, 0]),
            vec![true, false, true, true],
        ),
        // int64 against uint64 (exact), wide range.
        (
            Vals::I(vec![-1, 5, i64::MAX]),
            Vals::U(vec![u64::MAX, 5, i64::MAX as u64]),
            vec![false, true, true],
        ),
    ];
    // Large: a bitset over -300..=300 and a hash set of multiples of 2^40.
    let a: Vec<i64> = (0..big as i64).map(|i| (i * 7) % 1000 - 500).collect();
    let b: Vec<i64> = (-100..=100).map(|i| i * 3).collect();
    let want = a.iter().map(|x| x % 3 == 0 && x.abs() <= 300).collect();
    cases.push((Vals::I(a), Vals::I(b), want));
    let a: Vec<i64> = (0..big as i64).map(|i| (i % 601 - 300) << 39).collect();
    let b: Vec<i64> = (-100..100).map(|i| i << 40).collect();
    let want = a
        .iter()
        .map(|x| (x >> 39) % 2 == 0 && (-200..200).contains(&(x >> 39)))
        .collect();
    cases.push((Vals::I(a), Vals::I(b), want));
    cases
}
