"""NumPy's single-thread side of benches/create.rs.

Usage: python3 numpy_create.py N. Builds its inputs, prints "ready", then
for each line read from stdin (a kind, as the bench names them) runs that
operation once and prints its seconds; the result is freed untimed. The
random generators are NumPy's Generator (default_rng), faster than the
legacy np.random functions (the bench compares with the faster).
"""
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy missing", flush=True)
    sys.exit(0)

n = int(sys.argv[1])
rng = np.random.default_rng(1)
idx = rng.integers(0, n, n)
v = rng.random(n)
a = np.arange(n)
m = rng.integers(0, 2, n).astype(bool)
target = np.ones(n)


def scatter():
    target[idx] = v


OPS = {
    "zeros": lambda: np.zeros(n, np.int64),
    "ones": lambda: np.ones(n, np.int64),
    "full": lambda: np.full(n, 5.0),
    "arange": lambda: np.arange(n),
    "randint": lambda: rng.integers(0, 100, n),
    "uniform": lambda: rng.uniform(0.0, 1.0, n),
    "standard_normal": lambda: rng.standard_normal(n),
    "gather": lambda: v[idx],
    "scatter": scatter,
    "slice": lambda: a[::2].copy(),
    "where": lambda: np.where(m, v, a),
    "compress": lambda: v[m],
    "cumsum": lambda: np.cumsum(a),
    "astype": lambda: a.astype(np.float64),
    "compare": lambda: idx < a,
    "floor": lambda: np.floor(v),
    "round": lambda: np.round(v),
    "isnan": lambda: np.isnan(v),
}

print("ready", flush=True)
for line in sys.stdin:
    op = OPS[line.strip()]
    t = time.perf_counter()
    r = op()
    secs = time.perf_counter() - t
    del r
    print(f"{secs:.6f}", flush=True)
