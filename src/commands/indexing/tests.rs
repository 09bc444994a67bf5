//! Parallel writes and compression against their serial definitions.

use super::*;
use crate::kernels;

/// Applies the writes one by one, in k order: what NumPy does.
fn serial(len: usize, targets: Targets, count: usize) -> Vec<u64> {
    let mut v = vec![u64::MAX; len];
    let positions: Vec<usize> = match targets {
        Targets::One(p) => vec![p],
        Targets::Slice(sl) => (0..sl.len).map(|k| sl.at(k)).collect(),
        Targets::Index(Index::Signed(ix)) => ix
            .iter()
            .map(|i| position(*i, len).expect("checked"))
            .collect(),
        Targets::Index(Index::Unsigned(ix)) => ix.iter().map(|i| *i as usize).collect(),
        Targets::Index(Index::Mask(m)) => (0..len).filter(|p| m.bits[*p]).collect(),
    };
    assert_eq!(positions.len(), count);
    for (k, p) in positions.into_iter().enumerate() {
        v[p] = k as u64;
    }
    v
}

fn parallel(len: usize, targets: Targets) -> Vec<u64> {
    let mut v = vec![u64::MAX; len];
    write_at(&mut v, targets, |k| k as u64);
    v
}

#[test]
fn parallel_writes_match_serial_order() {
    let n = 5 * kernels::PAR_THRESHOLD + 13;
    let ni = n as i64;
    for (start, stride, len) in [
        (0, 1, n),
        (3, 7, (n - 4) / 7 + 1),
        (ni - 1, -1, n),
        (ni - 2, -5, (n - 2) / 5 + 1),
        (100, 3, 1000),
        (ni / 2, -2, n / 4),
    ] {
        let sl = Slice { start, stride, len };
        assert!(sl.at(len - 1) < n);
        assert_eq!(
            parallel(n, Targets::Slice(sl)),
            serial(n, Targets::Slice(sl), len),
            "slice {start}:{stride}:{len}"
        );
    }
    // Random indexes with many repeats: the last write must win.
    let mut x = 88172645463325252u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let unsigned: Vec<u64> = (0..2 * n).map(|_| next() % (n as u64 / 3)).collect();
    let signed: Vec<i64> = (0..n)
        .map(|_| (next() % (2 * n as u64)) as i64 - ni)
        .collect();
    let mask: Vec<bool> = (0..n).map(|_| next() % 3 == 0).collect();
    for mut idx in [
        Index::Unsigned(&unsigned),
        Index::Signed(&signed),
        Index::Mask(Mask::new(&mask)),
    ] {
        let count = idx.check(n, n).expect("in bounds");
        assert_eq!(
            parallel(n, Targets::Index(&idx)),
            serial(n, Targets::Index(&idx), count)
        );
    }
    assert_eq!(
        parallel(n, Targets::One(n - 1)),
        serial(n, Targets::One(n - 1), 1)
    );
}

#[test]
fn parallel_compress_keeps_order() {
    let n = 3 * kernels::PAR_THRESHOLD + 5;
    let data = ArrayData::Int64((0..n as i64).collect());
    let mask: Vec<bool> = (0..n).map(|i| i % 7 == 1 || i > n - 10).collect();
    let want: Vec<i64> = (0..n as i64).filter(|i| mask[*i as usize]).collect();
    assert_eq!(compress(&data, &Mask::new(&mask)), ArrayData::Int64(want));
}
