"""NumPy's side of benches/arkouda: the kernels of Arkouda's benchmarks/
scripts, run in NumPy on data of the same kind and size, one run at a time
as the bench asks, so that NumPy's runs alternate with the server's and
both see the same state of a shared machine.

Usage: numpy_kernels.py N SORT_N. Prints "ready" (or why it cannot run),
then answers each line read from stdin with one line:
  what <kernel>  what NumPy runs for it ("none": no such kernel); builds
                 the kernel's inputs if they are not built yet
  run <kernel>   seconds of one run (its inputs built first if needed),
                 timed right after an untimed run (see below)
Inputs are built per group of kernels that share them and dropped when a
kernel of another group is asked for. Kernel names are the bench's; the
bench computes GiB/s with the script's byte formula from its own arrays.

Why the untimed run: NumPy gives a result's pages back to the kernel when
it is freed and maps fresh ones for the next. Run back to back, the next
run gets the pages just freed. The 2-core VMs this bench runs on report
free pages to their host (free page reporting), which takes them back
within seconds; a run that maps pages after the server's trial has run
in between first touches ones the host must back again, and that took
3 ns per byte (np.ones of 2 GB in a fresh process: 5.5 s, then 0.28 s).
That is a cost of the VM, not of NumPy, so each timed run reuses the
pages of the untimed one just before it, as back-to-back runs do.
"""

import sys
import time
import warnings

try:
    import numpy as np
except ImportError:
    print("numpy missing", flush=True)
    sys.exit(0)

N, SORT_N = (int(x) for x in sys.argv[1:3])
rng = np.random.default_rng(12345)
# prod of arange(1, N) overflows, as in the script.
np.seterr(over="ignore")
warnings.simplefilter("ignore", RuntimeWarning)

SCRIPT = "the script's numpy branch"
THRESHOLD = 2**23
# (kernel names, setup): setup() builds the inputs and returns
# {kernel: (what, f)}.
GROUPS = []


def group(names):
    def register(setup):
        GROUPS.append((list(names), setup))
        return setup

    return register


def random_strings(n, lo, hi):
    """n strings of lo..hi random uppercase letters (as the server's
    randomStrings with chars=uppercase), as a NumPy array of str."""
    lens = rng.integers(lo, hi + 1, n)
    m = rng.integers(ord("A"), ord("Z") + 1, (n, hi), dtype=np.uint8)
    m[np.arange(hi)[None, :] >= lens[:, None]] = 0
    return m.view(f"S{hi}").ravel().astype(f"U{hi}")


def grouped(keys):
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


# --- N-sized kernels ---------------------------------------------------------
@group(["stream"])
def stream():
    a, b = np.ones(N), np.ones(N)
    return {"stream": (f"c = a + b*alpha, float64 ones ({SCRIPT})", lambda: a + b * 1.0)}


def reductions(dt):
    @group([f"reduce-{op}-{dt}" for op in ("sum", "prod", "min", "max")])
    def setup():
        a = np.arange(1, N, 1, dtype=dt)
        return {
            f"reduce-{op}-{dt}": (f"a.{op}() of arange(1, N) ({SCRIPT})", getattr(a, op))
            for op in ("sum", "prod", "min", "max")
        }


for dt in ("int64", "float64"):
    reductions(dt)


@group(["scan-cumsum-int64", "scan-cumprod-int64", "scan-diff-int64"])
def scan():
    a = np.arange(1, N, 1, dtype="int64")
    where = {"cumsum": SCRIPT, "cumprod": SCRIPT, "diff": "not in Arkouda's scan.py"}
    return {
        f"scan-{op}-int64": (f"np.{op}(a) of arange(1, N) ({where[op]})", lambda f=getattr(np, op): f(a))
        for op in where
    }


@group(["gather-int64", "scatter-int64"])
def gather_scatter():
    i = rng.integers(0, N, N)
    v = np.ones(N, dtype="int64")
    c = np.zeros(N, dtype="int64")

    def scatter():
        c[i] = v

    return {
        "gather-int64": (f"c = v[i], random i ({SCRIPT})", lambda: v[i]),
        "scatter-int64": (f"c[i] = v, random i ({SCRIPT})", scatter),
    }


@group(["where-int64", "astype-int64-float64"])
def where_astype():
    a = rng.integers(0, 2**32, N)
    b = rng.integers(0, 2**32, N)
    cond = rng.integers(0, 2, N).astype(bool)
    return {
        "where-int64": ("np.where(c, a, b) (no script: the issue's kernel)", lambda: np.where(cond, a, b)),
        "astype-int64-float64": ("a.astype(np.float64) (no script: the issue's kernel)", lambda: a.astype(np.float64)),
    }


@group(["in1d-int64-medium", "in1d-int64-large"])
def in1d():
    a = np.arange(N) % (THRESHOLD + 1)
    return {
        f"in1d-int64-{regime}": ("np.isin(a, b) (the script has no numpy branch)", lambda b=np.arange(size): np.isin(a, b))
        for regime, size in (("medium", THRESHOLD - 1), ("large", THRESHOLD + 1))
    }


@group(["array_create-zeros", "array_create-ones", "array_create-randint"])
def create():
    return {
        "array_create-zeros": (f"np.zeros(N) ({SCRIPT}; a lazy calloc: pages come on first touch)", lambda: np.zeros(N, dtype="int64")),
        "array_create-ones": (f"np.ones(N) ({SCRIPT})", lambda: np.ones(N, dtype="int64")),
        "array_create-randint": (f"np.random.randint(1, N, N) ({SCRIPT})", lambda: np.random.randint(1, N, N)),
    }


SLICES = (
    ("exclude-last", slice(None, -1)),
    ("exclude-first", slice(1, None)),
    ("stride-2", slice(None, None, 2)),
    ("interior-stride-3", slice(1, -1, 3)),
    ("reverse", slice(None, None, -1)),
)


@group([f"slice-{label}" for label, _ in SLICES])
def slices():
    a = np.arange(N, dtype="int64")
    return {f"slice-{label}": (f"a[{label}].copy() ({SCRIPT})", lambda k=key: a[k].copy()) for label, key in SLICES}


# --- SORT_N-sized kernels ----------------------------------------------------
@group(["argsort-int64"])
def argsort():
    a = rng.integers(0, 2**32, SORT_N)
    return {"argsort-int64": ("np.argsort(a) (the script's numpy branch times nothing)", lambda: np.argsort(a))}


def multi_key(k):
    @group([f"coargsort-{k}", f"groupby-{k}"])
    def setup():
        keys = [rng.integers(0, 2**32, SORT_N // k) for _ in range(k)]
        return {
            f"coargsort-{k}": (f"np.lexsort of {k} int64 arrays ({SCRIPT})", lambda: np.lexsort(keys)),
            f"groupby-{k}": (f"sort {k} int64 keys, segment starts, unique keys (no numpy branch)", lambda: grouped(keys)),
        }


OPS = ("intersect1d", "union1d", "setxor1d", "setdiff1d")


@group([f"setops-{op}" for op in OPS])
def setops():
    a = rng.integers(0, 2**32, SORT_N)
    b = rng.integers(0, 2**32, SORT_N)
    return {f"setops-{op}": (f"np.{op}(a, b) ({SCRIPT})", lambda f=getattr(np, op): f(a, b)) for op in OPS}


AGG = ("sum", "prod", "min", "max", "mean", "count", "any", "all", "or", "and", "xor")


@group([f"aggregate-{op}" for op in AGG])
def aggregate():
    n = SORT_N
    keys = np.sort(rng.integers(0, 2**32, n))
    vals = rng.integers(0, 2**16, n)
    bools = vals % 2 == 0
    _, segs, _ = grouped([keys])
    ends = np.append(segs[1:], n)
    ufunc = {
        "sum": np.add, "prod": np.multiply, "min": np.minimum, "max": np.maximum,
        "any": np.logical_or, "all": np.logical_and,
        "or": np.bitwise_or, "and": np.bitwise_and, "xor": np.bitwise_xor,
    }
    out = {
        "aggregate-mean": ("np.add.reduceat(v, segments) / counts (no numpy branch)", lambda: np.add.reduceat(vals, segs) / (ends - segs)),
        "aggregate-count": ("segment ends - starts (no numpy branch)", lambda: ends - segs),
    }
    for op, u in ufunc.items():
        v = bools if op in ("any", "all") else vals
        out[f"aggregate-{op}"] = (f"np.{u.__name__}.reduceat(v, segments) (no numpy branch)", lambda u=u, v=v: u.reduceat(v, segs))
    return out


# --- strings (SORT_N) --------------------------------------------------------
STR = "a NumPy array of str (<U16) of 1-16 random uppercase letters"


@group(["str-argsort", "str-gather"])
def str_single():
    s = random_strings(SORT_N, 1, 16)
    i = rng.integers(0, SORT_N, SORT_N)
    return {
        "str-argsort": (f"np.argsort of {STR} (the script's numpy branch times nothing)", lambda: np.argsort(s)),
        "str-gather": (f"s[i] of {STR} ({SCRIPT}, on strings of digits there)", lambda: s[i]),
    }


def str_multi(k):
    @group([f"str-coargsort-{k}", f"str-groupby-{k}"])
    def setup():
        keys = [random_strings(SORT_N // k, 1, 16) for _ in range(k)]
        return {
            f"str-coargsort-{k}": (f"np.lexsort of {k} arrays of str ({SCRIPT}, on strings of digits there)", lambda: np.lexsort(keys)),
            f"str-groupby-{k}": (f"sort {k} str keys, segment starts, unique keys (no numpy branch)", lambda: grouped(keys)),
        }


for k in (1, 2, 8, 16):
    multi_key(k)
    str_multi(k)


@group(["str-in1d-medium", "str-in1d-large"])
def str_in1d():
    a = random_strings(SORT_N, 1, 5)
    return {
        f"str-in1d-{regime}": ("np.isin(a, b) of str (<U5) (no numpy branch)", lambda b=random_strings(size, 1, 5): np.isin(a, b))
        for regime, size in (("medium", THRESHOLD - 1), ("large", THRESHOLD + 1))
    }


def main():
    built = {}  # the current group's kernels
    print("ready", flush=True)
    for line in sys.stdin:
        verb, _, name = line.strip().partition(" ")
        setup = next((s for names, s in GROUPS if name in names), None)
        if name not in built and setup:
            built = {}  # drops the last group's inputs before building
            built = setup()
        if name not in built:
            print("none", flush=True)
        elif verb == "what":
            print(built[name][0], flush=True)
        else:
            f = built[name][1]
            f()  # untimed; its result is freed at once
            t = time.perf_counter()
            r = f()
            secs = time.perf_counter() - t
            del r
            print(f"{secs:.6f}", flush=True)


main()
