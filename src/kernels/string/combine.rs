//! Comparing and combining blocks of strings string by string: equality
//! (with another block or one string), sticking two blocks together, taking
//! each string from one of two sources by a condition, reversing the order.
//! Every kernel reads whole strings of one rank; none knows about ranks.

use super::{Strs, build_with};
use crate::kernels::tabulate;

/// Whether string i of `a` equals string i of `b` (`equal`), or differs
/// (`!equal`), for every i of `a` (`b` at least as long).
pub fn eq_vv(a: Strs, b: Strs, equal: bool) -> Vec<bool> {
    tabulate(a.len(), 0, |i| (a.get(i) == b.get(i)) == equal)
}

/// Whether each string of `a` equals `s` (`equal`), or differs (`!equal`).
pub fn eq_vs(a: Strs, s: &[u8], equal: bool) -> Vec<bool> {
    tabulate(a.len(), 0, |i| (a.get(i) == s) == equal)
}

/// `a[i] + delim + b[i]` for every i, or `b[i] + delim + a[i]` with
/// `left` (the client's `lstick`).
pub fn stick(a: Strs, b: Strs, delim: &[u8], left: bool) -> (Vec<u64>, Vec<u8>) {
    let (first, second) = if left { (b, a) } else { (a, b) };
    build_with(
        a.len(),
        |i| first.get(i).len() + delim.len() + second.get(i).len(),
        |i, out| {
            let (x, y) = (first.get(i), second.get(i));
            out[..x.len()].copy_from_slice(x);
            out[x.len()..x.len() + delim.len()].copy_from_slice(delim);
            out[x.len() + delim.len()..].copy_from_slice(y);
        },
    )
}

/// String i of `a` where `cond[i]`, else string i of `b`.
pub fn choose_vv(cond: &[bool], a: Strs, b: Strs) -> (Vec<u64>, Vec<u8>) {
    let pick = |i: usize| if cond[i] { a.get(i) } else { b.get(i) };
    build_with(
        cond.len(),
        |i| pick(i).len(),
        |i, out| out.copy_from_slice(pick(i)),
    )
}

/// String i of `a` where `cond[i]`, else `s`.
pub fn choose_vs(cond: &[bool], a: Strs, s: &[u8]) -> (Vec<u64>, Vec<u8>) {
    let pick = |i: usize| if cond[i] { a.get(i) } else { s };
    build_with(
        cond.len(),
        |i| pick(i).len(),
        |i, out| out.copy_from_slice(pick(i)),
    )
}

/// The strings of `a` last to first, each string's bytes unchanged.
pub fn reversed(a: Strs) -> (Vec<u64>, Vec<u8>) {
    let n = a.len();
    build_with(
        n,
        |i| a.get(n - 1 - i).len(),
        |i, out| out.copy_from_slice(a.get(n - 1 - i)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::string::testing::{block, texts};

    #[test]
    fn compare_stick_choose_reverse() {
        let (ao, ab) = block(&["a", "", "héllo", "x"]);
        let (bo, bb) = block(&["a", "z", "", "y"]);
        let (a, b) = (Strs::new(&ao, &ab), Strs::new(&bo, &bb));
        assert_eq!(eq_vv(a, b, true), vec![true, false, false, false]);
        assert_eq!(eq_vv(a, b, false), vec![false, true, true, true]);
        assert_eq!(eq_vs(a, b"", true), vec![false, true, false, false]);
        let (o, by) = stick(a, b, "·".as_bytes(), false);
        assert_eq!(texts(&o, &by), ["a·a", "·z", "héllo·", "x·y"]);
        let (o, by) = stick(a, b, b"", true);
        assert_eq!(texts(&o, &by), ["aa", "z", "héllo", "yx"]);
        let cond = [true, false, true, false];
        let (o, by) = choose_vv(&cond, a, b);
        assert_eq!(texts(&o, &by), ["a", "z", "héllo", "y"]);
        let (o, by) = choose_vs(&cond, a, "日".as_bytes());
        assert_eq!(texts(&o, &by), ["a", "日", "héllo", "日"]);
        let (o, by) = reversed(a);
        assert_eq!(texts(&o, &by), ["x", "héllo", "", "a"]);
        assert_eq!(reversed(Strs::new(&[], &[])), (vec![], vec![]));
    }

    /// Enough strings for several threads: the parts meet exactly.
    #[test]
    fn build_with_in_parallel_matches_one_thread() {
        let n = 300_000;
        let (o, b) = build_with(n, |i| i % 5, |i, out| out.fill(b'a' + (i % 26) as u8));
        let v = Strs::new(&o, &b);
        assert_eq!(v.len(), n);
        for i in (0..n).step_by(997) {
            assert_eq!(v.get(i), vec![b'a' + (i % 26) as u8; i % 5].as_slice());
        }
        assert_eq!(b.len(), (0..n).map(|i| i % 5 + 1).sum::<usize>());
    }
}
