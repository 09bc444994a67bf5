"""NumPy's side of benches/arkouda.rs: the kernels of Arkouda's benchmarks/
scripts, run in NumPy on data of the same kind and size.

Usage: numpy_kernels.py N SORT_N TRIALS [FILTER]
Prints, for each kernel, `<kernel> <median seconds>` and once
`#what <kernel> <what NumPy runs>`. FILTER is comma-separated prefixes of
kernel names (empty: all). Kernel names are the bench's; the bench computes
GiB/s with the script's byte formula from its own arrays.
"""

import statistics
import sys
import time
import warnings

import numpy as np

N, SORT_N, TRIALS = (int(x) for x in sys.argv[1:4])
FILTER = [f for f in (sys.argv[4] if len(sys.argv) > 4 else "").split(",") if f]
rng = np.random.default_rng(12345)
BUDGET = 20.0
# prod of arange(1, N) overflows, as in the script.
np.seterr(over="ignore")
warnings.simplefilter("ignore", RuntimeWarning)


def wanted(name):
    return not FILTER or any(name.startswith(f) for f in FILTER)


def any_wanted(names):
    return any(wanted(n) for n in names)


def run(name, what, f, warm=True):
    """Median seconds of TRIALS calls of f (after one untimed call when
    `warm`: first-touch page faults of fresh buffers, as the bench's server
    side also gets one untimed run)."""
    if not wanted(name):
        return
    if warm:
        f()
    times = []
    start = time.perf_counter()
    # As the bench's server side: trials stop after BUDGET seconds (one at least).
    while len(times) < TRIALS and (not times or time.perf_counter() - start < BUDGET):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    print(f"#what {name} {what}")
    print(f"{name} {statistics.median(times):.6f}", flush=True)


def random_strings(n, lo, hi):
    """n strings of lo..hi random uppercase letters (as the server's
    randomStrings with chars=uppercase), as a NumPy array of str."""
    lens = rng.integers(lo, hi + 1, n)
    m = rng.integers(ord("A"), ord("Z") + 1, (n, hi), dtype=np.uint8)
    m[np.arange(hi)[None, :] >= lens[:, None]] = 0
    return m.view(f"S{hi}").ravel().astype(f"U{hi}")


def group(keys):
    """What ak.GroupBy computes: the permutation that sorts the keys (first
    key most significant), the segment starts and the unique keys."""
    perm = np.argsort(keys[0], kind="stable") if len(keys) == 1 else np.lexsort(keys[::-1])
    s = [k[perm] for k in keys]
    flag = np.empty(len(perm), dtype=bool)
    flag[:1] = True
    flag[1:] = False
    for k in s:
        flag[1:] |= k[1:] != k[:-1]
    segs = np.flatnonzero(flag)
    return perm, segs, [k[segs] for k in s]


SCRIPT = "the script's numpy branch"

# --- N-sized kernels ---------------------------------------------------------
if wanted("stream"):
    a = np.ones(N)
    b = np.ones(N)
    run("stream", f"c = a + b*alpha, float64 ones ({SCRIPT})", lambda: a + b * 1.0)
    del a, b

for dt in ("int64", "float64"):
    names = [f"reduce-{op}-{dt}" for op in ("sum", "prod", "min", "max")]
    if any_wanted(names):
        a = np.arange(1, N, 1, dtype=dt)
        for op in ("sum", "prod", "min", "max"):
            run(f"reduce-{op}-{dt}", f"a.{op}() of arange(1, N) ({SCRIPT})", getattr(a, op))
        del a

if any_wanted(["scan-cumsum-int64", "scan-cumprod-int64"]):
    a = np.arange(1, N, 1, dtype="int64")
    for op in ("cumsum", "cumprod"):
        run(f"scan-{op}-int64", f"np.{op}(a) of arange(1, N) ({SCRIPT})", lambda: getattr(np, op)(a))
    del a

if wanted("gather-int64") or wanted("scatter-int64"):
    i = rng.integers(0, N, N)
    v = np.ones(N, dtype="int64")
    run("gather-int64", f"c = v[i], random i ({SCRIPT})", lambda: v[i])
    c = np.zeros(N, dtype="int64")

    def scatter():
        c[i] = v

    run("scatter-int64", f"c[i] = v, random i ({SCRIPT})", scatter)
    del i, v, c

if wanted("where-int64") or wanted("astype-int64-float64"):
    a = rng.integers(0, 2**32, N)
    if wanted("where-int64"):
        b = rng.integers(0, 2**32, N)
        cond = rng.integers(0, 2, N).astype(bool)
        run("where-int64", "np.where(c, a, b) (no script: the issue's kernel)", lambda: np.where(cond, a, b))
        del b, cond
    run("astype-int64-float64", "a.astype(np.float64) (no script: the issue's kernel)", lambda: a.astype(np.float64))
    del a

if any_wanted(["in1d-int64-medium", "in1d-int64-large"]):
    THRESHOLD = 2**23
    a = np.arange(N) % (THRESHOLD + 1)
    for regime, bsize in (("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)):
        b = np.arange(bsize)
        run(f"in1d-int64-{regime}", "np.isin(a, b) (the script has no numpy branch)", lambda: np.isin(a, b))
    del a, b

run("array_create-zeros", f"np.zeros(N) ({SCRIPT}; a lazy calloc: pages come on first touch)", lambda: np.zeros(N, dtype="int64"))
run("array_create-ones", f"np.ones(N) ({SCRIPT})", lambda: np.ones(N, dtype="int64"))
run("array_create-randint", f"np.random.randint(1, N, N) ({SCRIPT})", lambda: np.random.randint(1, N, N))

SLICES = (
    ("exclude-last", slice(None, -1)),
    ("exclude-first", slice(1, None)),
    ("stride-2", slice(None, None, 2)),
    ("interior-stride-3", slice(1, -1, 3)),
    ("reverse", slice(None, None, -1)),
)
if any_wanted([f"slice-{label}" for label, _ in SLICES]):
    a = np.arange(N, dtype="int64")
    for label, key in SLICES:
        run(f"slice-{label}", f"a[{label}].copy() ({SCRIPT})", lambda: a[key].copy())
    del a

# --- SORT_N-sized kernels ----------------------------------------------------
n = SORT_N
if wanted("argsort-int64"):
    a = rng.integers(0, 2**32, n)
    run("argsort-int64", "np.argsort(a) (the script's numpy branch times nothing)", lambda: np.argsort(a), warm=False)
    del a

for k in (1, 2, 8, 16):
    if wanted(f"coargsort-{k}"):
        arrs = [rng.integers(0, 2**32, n // k) for _ in range(k)]
        run(f"coargsort-{k}", f"np.lexsort of {k} int64 arrays ({SCRIPT})", lambda: np.lexsort(arrs), warm=False)
        del arrs

OPS = ("intersect1d", "union1d", "setxor1d", "setdiff1d")
if any_wanted([f"setops-{op}" for op in OPS]):
    a = rng.integers(0, 2**32, n)
    b = rng.integers(0, 2**32, n)
    for op in OPS:
        run(f"setops-{op}", f"np.{op}(a, b) ({SCRIPT})", lambda: getattr(np, op)(a, b), warm=False)
    del a, b

for k in (1, 2, 8, 16):
    name = f"groupby-{k}"
    if wanted(name):
        keys = [rng.integers(0, 2**32, n // k) for _ in range(k)]
        run(name, f"sort {k} int64 keys, segment starts, unique keys (no numpy branch)", lambda: group(keys), warm=False)
        del keys

AGG = ("sum", "prod", "min", "max", "mean", "count", "any", "all", "or", "and", "xor")
if any_wanted([f"aggregate-{op}" for op in AGG]):
    keys = np.sort(rng.integers(0, 2**32, n))
    vals = rng.integers(0, 2**16, n)
    bools = vals % 2 == 0
    _, segs, _ = group([keys])
    ends = np.append(segs[1:], n)
    ufunc = {
        "sum": np.add, "prod": np.multiply, "min": np.minimum, "max": np.maximum,
        "any": np.logical_or, "all": np.logical_and,
        "or": np.bitwise_or, "and": np.bitwise_and, "xor": np.bitwise_xor,
    }
    for op in AGG:
        v = bools if op in ("any", "all") else vals
        if op == "mean":
            f = lambda: np.add.reduceat(vals, segs) / (ends - segs)
            what = "np.add.reduceat(v, segments) / counts"
        elif op == "count":
            f = lambda: ends - segs
            what = "segment ends - starts"
        else:
            f = lambda u=ufunc[op], v=v: u.reduceat(v, segs)
            what = f"np.{ufunc[op].__name__}.reduceat(v, segments)"
        run(f"aggregate-{op}", f"{what} (no numpy branch)", f, warm=False)
    del keys, vals, bools

# --- strings (SORT_N) --------------------------------------------------------
STR = "a NumPy array of str (<U16) of 1-16 random uppercase letters"
if wanted("str-argsort") or wanted("str-gather"):
    s = random_strings(n, 1, 16)
    run("str-argsort", f"np.argsort of {STR} (the script's numpy branch times nothing)", lambda: np.argsort(s), warm=False)
    i = rng.integers(0, n, n)
    run("str-gather", f"s[i] of {STR} ({SCRIPT}, on strings of digits there)", lambda: s[i], warm=False)
    del s, i

for k in (1, 2, 8, 16):
    if wanted(f"str-coargsort-{k}"):
        arrs = [random_strings(n // k, 1, 16) for _ in range(k)]
        run(f"str-coargsort-{k}", f"np.lexsort of {k} arrays of str ({SCRIPT}, on strings of digits there)", lambda: np.lexsort(arrs), warm=False)
        del arrs

for k in (1, 2, 8, 16):
    if wanted(f"str-groupby-{k}"):
        keys = [random_strings(n // k, 1, 16) for _ in range(k)]
        run(f"str-groupby-{k}", f"sort {k} str keys, segment starts, unique keys (no numpy branch)", lambda: group(keys), warm=False)
        del keys

if any_wanted(["str-in1d-medium", "str-in1d-large"]):
    THRESHOLD = 2**23
    a = random_strings(n, 1, 5)
    for regime, bsize in (("medium", THRESHOLD - 1), ("large", THRESHOLD + 1)):
        b = random_strings(bsize, 1, 5)
        run(f"str-in1d-{regime}", "np.isin(a, b) of str (<U5) (no numpy branch)", lambda: np.isin(a, b), warm=False)
    del a, b
