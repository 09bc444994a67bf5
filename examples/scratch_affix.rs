use arkouda_server::kernels::string::search::literal;
use arkouda_server::kernels::string::{Strs, StrsBuilder};
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::Instant;
fn random_strings(n: usize, seed: u64) -> (Vec<u64>, Vec<u8>) {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut b = StrsBuilder::with_capacity(n, n * 10);
    let mut buf = [0u8; 16];
    for _ in 0..n {
        let r = next();
        let len = 1 + (r % 16) as usize;
        let r2 = next();
        for (k, c) in buf[..len].iter_mut().enumerate() {
            let bits = if k < 12 {
                r2 >> (5 * k)
            } else {
                r >> (8 + 5 * (k - 12))
            };
            *c = b'a' + (bits % 26) as u8;
        }
        b.push(&buf[..len]);
    }
    b.finish()
}
fn t<T>(name: &str, f: impl Fn() -> T) {
    let mut v = vec![];
    for _ in 0..9 {
        let s = Instant::now();
        black_box(f());
        v.push(s.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(f64::total_cmp);
    println!("{name:<30} {:.2} ms (min {:.2})", v[4], v[0]);
}
fn main() {
    let n = 10_000_000;
    let (o, b) = random_strings(n, 42);
    let s = Strs::new(&o, &b);
    let mut out: Vec<MaybeUninit<bool>> = Vec::with_capacity(n);
    unsafe { out.set_len(n) };
    let op = out.as_mut_ptr() as usize;
    let h = n / 2;
    use rayon::prelude::*;
    let xor = |c: &[u8]| c.iter().fold(0u8, |a, &b| a ^ b);
    for round in 0..2 {
        if round == 1 {
            t("global pool read", || {
                b.par_chunks(1 << 20).map(xor).reduce(|| 0, |a, b| a ^ b)
            });
            t("one thread read", || xor(&b));
        }
        for (nd, suffix) in [("ab", false), ("yz", true)] {
            let l = nd.as_bytes();
            t(&format!("{nd} ours"), || literal::affix(s, l, suffix));
            t(&format!("{nd} one thread fresh"), || {
                let mut o2: Vec<MaybeUninit<bool>> = Vec::with_capacity(n);
                unsafe { o2.set_len(n) };
                literal::affix_chunk(s, l, suffix, 0, &mut o2);
                o2.len()
            });
            t(&format!("{nd} one thread prealloc"), || {
                let o3 = unsafe { std::slice::from_raw_parts_mut(op as *mut MaybeUninit<bool>, n) };
                literal::affix_chunk(s, l, suffix, 0, o3);
            });
            t(&format!("{nd} std threads prealloc"), || {
                let o3 = unsafe { std::slice::from_raw_parts_mut(op as *mut MaybeUninit<bool>, n) };
                let (a, bb) = o3.split_at_mut(h);
                std::thread::scope(|sc| {
                    sc.spawn(|| literal::affix_chunk(s, l, suffix, 0, a));
                    literal::affix_chunk(s, l, suffix, h, bb);
                });
            });
        }
    }
}
