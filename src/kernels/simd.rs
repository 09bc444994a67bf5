//! Loops compiled twice: for the baseline x86_64 target (SSE2) and for
//! AVX2 (or AVX-512), picked at run time by what the CPU has. The baseline
//! lacks a 64-bit compare, float rounding instructions (`floor`, `round`
//! become library calls) and 256-bit vectors; most servers have AVX2.

/// `$body` run by [`wide`] in a closure marked `#[inline(always)]`, as it
/// must be (see there).
macro_rules! wide {
    ($body:expr) => {
        $crate::kernels::simd::wide(
            #[inline(always)]
            || $body,
        )
    };
}

/// `$body` run by [`wide_mul`], as [`wide!`].
macro_rules! wide_mul {
    ($body:expr) => {
        $crate::kernels::simd::wide_mul(
            #[inline(always)]
            || $body,
        )
    };
}

/// Runs `f` compiled for AVX2 when the CPU has it. `f` must be a closure
/// marked `#[inline(always)]` (call it through [`wide!`], which marks it)
/// whose loops are `#[inline(always)]` functions or written in it, so they
/// are inlined into the AVX2 copy and vectorised there; elsewhere (or on a
/// CPU without AVX2) `f` runs as compiled for the baseline.
///
/// Without the mark LLVM inlined only the smallest closures (a closure
/// called from both copies gets no single-caller bonus): 15 of 21 copies
/// were a jump to the baseline code, and min/max of int64 ran in scalar
/// `cmov`s at 16 GiB/s where the sum read 22. For the same reason the
/// block loops in `f` are plain `while` loops: an adapter that can stop
/// early (`chunks().any()`) becomes an out-of-line `try_fold` without AVX2.
#[inline(always)]
pub fn wide<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { avx2(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// As [`wide`], but compiled for AVX-512 (with its 64-bit lane multiply,
/// `vpmullq`) when the CPU has it: for loops of 64-bit integer products.
#[inline(always)]
pub fn wide_mul<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if has_avx512_mul() {
        // SAFETY: the CPU has these features, checked in has_avx512_mul.
        return unsafe { avx512(f) };
    }
    wide(f)
}

/// Whether [`wide_mul`] compiles for AVX-512 on this CPU.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub fn has_avx512_mul() -> bool {
    std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512vl")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
#[inline]
unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}
