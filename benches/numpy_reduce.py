"""NumPy's single thread on the reductions of benches/reduce.rs.

Arrays are written whole (np.full, not calloc'd np.zeros, whose untouched
pages all read one shared zero page and so look faster than memory).

Usage: python3 numpy_reduce.py N TRIALS. Builds arrays shaped as the bench
builds them (random non-zero values, all zeros, all true, a float64 array
with a NaN near the end) and prints one line per case:
`numpy <op> <dtype> <median seconds>`, the names the bench prints.
"""

import sys
import time

import numpy as np


def median_time(f, trials):
    f()  # untimed: first touch, caches
    times = []
    for _ in range(trials):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def main():
    n = int(sys.argv[1])
    trials = int(sys.argv[2])
    rng = np.random.default_rng(7)
    # Values as the bench's: below 2^20 and non-zero.
    words = rng.integers(1, 1 << 20, n, dtype=np.int64)
    arrays = {
        "int64": (words, np.full(n, 0, np.int64)),
        "uint64": (words.astype(np.uint64), np.full(n, 0, np.uint64)),
        "uint8": ((words % 255 + 1).astype(np.uint8), np.full(n, 0, np.uint8)),
    }
    floats = words / 1024.0
    arrays["float64"] = (floats, np.full(n, 0.0))
    del words
    for dtype, (r, z) in arrays.items():
        cases = {
            "sum": lambda: np.sum(r),
            "prod": lambda: np.prod(r),
            "min": lambda: np.min(r),
            "max": lambda: np.max(r),
            "any": lambda: np.any(z),
            "all": lambda: np.all(r),
            "argmin": lambda: np.argmin(r),
            "argmax": lambda: np.argmax(r),
            "mean": lambda: np.mean(r),
            "var": lambda: np.var(r),
        }
        for op, f in cases.items():
            print(f"numpy {op} {dtype} {median_time(f, trials):.6f}", flush=True)
    del arrays
    nan = floats
    nan[n - n // 100] = np.nan
    cases = {
        "sum": lambda: np.sum(nan),
        "prod": lambda: np.prod(nan),
        "min": lambda: np.min(nan),
        "max": lambda: np.max(nan),
        "argmin": lambda: np.argmin(nan),
        "argmax": lambda: np.argmax(nan),
        "mean": lambda: np.mean(nan),
        "var": lambda: np.var(nan),
        "sum-skip": lambda: np.nansum(nan),
        "prod-skip": lambda: np.nanprod(nan),
        "min-skip": lambda: np.nanmin(nan),
        "max-skip": lambda: np.nanmax(nan),
        "mean-skip": lambda: np.nanmean(nan),
        "var-skip": lambda: np.nanvar(nan),
    }
    for op, f in cases.items():
        print(f"numpy {op} float64+nan {median_time(f, trials):.6f}", flush=True)
    del nan, floats
    r = rng.integers(0, 2, n).astype(bool)
    z = np.full(n, False)
    o = np.full(n, True)
    cases = {
        "sum": lambda: np.sum(r),
        "prod": lambda: np.prod(o),
        "min": lambda: np.min(o),
        "max": lambda: np.max(z),
        "any": lambda: np.any(z),
        "all": lambda: np.all(o),
        "argmin": lambda: np.argmin(o),
        "argmax": lambda: np.argmax(z),
        "mean": lambda: np.mean(r),
        "var": lambda: np.var(r),
    }
    for op, f in cases.items():
        print(f"numpy {op} bool {median_time(f, trials):.6f}", flush=True)


if __name__ == "__main__":
    main()
