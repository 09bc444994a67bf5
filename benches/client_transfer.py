#!/usr/bin/env python3
"""Upload (`ak.array(np_array)`) and download (`pda.to_ndarray()`) through the
REAL Arkouda client against the release server, next to what the same bytes
cost without us (issue 10: the client paths must reach >= 0.8x of a bare pyzmq
transfer between two Python processes).

Run it from a folder WITHOUT an `arkouda/` subfolder (else Python imports the
source tree instead of the installed client), after a release build:

    cargo build --release            # or --features mpi for BENCH_RANKS > 1
    cd /tmp && ~/akvenv/bin/python /path/to/benches/client_transfer.py

Environment:
    ARKOUDA_SERVER_BIN  server binary (default: target/release/arkouda_server
                        next to this file's repository)
    BENCH_RANKS         ranks of the server (default 1; > 1 needs the mpi build
                        and runs it through `mpirun --bind-to none -np {n}`,
                        or ARKOUDA_LAUNCHER when set)
    BENCH_SIZES         element counts, comma-separated (default 1e6,1e7,1e8)
    BENCH_DTYPES        default int64,float64,uint8,bool
    BENCH_TRIALS        timed trials per row, median reported (default 5)

Every row times, one trial of each in turn (interleaved, so machine load hits
all of them alike), with the SAME bytes:
  real   the real client against our server: `ak.array(a)`, `x.to_ndarray()`
  raw    pyzmq sending the client's exact request to our server (no client
         code): real - raw is the client's own cost, raw - bare is ours
  bare   pyzmq REQ <-> a pyzmq REP peer in another Python process that does
         what the server does: keeps the uploaded bytes and answers; sends
         its kept bytes (zero-copy) for a download
  copy   memcpy in NumPy: `np.copyto` into a warm array (one thread), and
         `a.copy()` into fresh memory (page faults included)
Throughput is array bytes / median seconds, in GiB/s. `r/b` (real/bare) is
the issue's ratio, `r/cp` how far the client path is from a memcpy. A second
table gives the CPU time each side spent per transfer (all threads, from
/proc/<pid>/task/*/schedstat), which a loaded machine distorts far less
than wall time. One untimed warm-up trial per row is discarded.
"""

import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import zmq

GIB = float(1 << 30)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_array(dtype, n):
    """Deterministic, not compressible-looking data of `n` elements."""
    rng = np.random.default_rng(n + len(dtype))
    if dtype == "bool":
        return rng.integers(0, 2, n, dtype=np.uint8).astype(bool)
    if dtype == "uint8":
        return rng.integers(0, 256, n, dtype=np.uint8)
    if dtype == "float64":
        return rng.random(n)
    return rng.integers(-(1 << 40), 1 << 40, n, dtype=np.int64)


# ---------------------------------------------------------------- bare peer


def peer(port, ready):
    """The bare ZeroMQ peer: a REP socket doing what the server does with the
    bytes and nothing else. `up`: keep the payload frame, answer a short
    string. `down`: send the kept frame back without copying."""
    ctx = zmq.Context()
    s = ctx.socket(zmq.REP)
    s.bind(f"tcp://127.0.0.1:{port}")
    ready.set()
    kept = None
    while True:
        frames = s.recv_multipart(copy=False)
        head = frames[0].bytes
        if head.startswith(b"up"):
            s.send(b'{"msg":"created id_1 int64 1 1 (1,) 8", "msgType":"NORMAL"}')
            # After the reply, as the server frees the request's frame after
            # its reply: the previous upload goes now.
            kept = frames[1]
        elif head.startswith(b"down"):
            s.send(kept, copy=False)
        elif head.startswith(b"drop"):
            kept = None
            s.send(b"ok")
        else:
            s.send(b"bye")
            break
    s.close(linger=0)
    ctx.term()


class Bare:
    def __init__(self, ctx):
        self.port = free_port()
        ready = mp.get_context("spawn").Event()
        self.proc = mp.get_context("spawn").Process(target=peer, args=(self.port, ready))
        self.proc.start()
        ready.wait(30)
        self.sock = ctx.socket(zmq.REQ)
        self.sock.connect(f"tcp://127.0.0.1:{self.port}")

    def upload(self, a):
        self.sock.send(b"up BINARY_PAYLOAD", flags=zmq.SNDMORE)
        self.sock.send(memoryview(a), copy=False)
        self.sock.recv()

    def download(self, dtype, n):
        self.sock.send(b"down")
        frame = self.sock.recv(copy=False)
        return np.frombuffer(frame.buffer, dtype=dtype)

    def drop(self):
        self.sock.send(b"drop")
        self.sock.recv()

    def close(self):
        self.sock.send(b"stop")
        self.sock.recv()
        self.proc.join(30)


# ------------------------------------------------- raw requests to our server


def request(cmd, params, binary):
    """The client's request envelope, built as arkouda.core.client builds it."""
    args = json.dumps([json.dumps({"key": k, "dtype": d, "val": v}) for k, d, v in params])
    msg = {
        "user": os.environ.get("USER", "bench"),
        "token": "",
        "cmd": cmd,
        "format": "BINARY" if binary else "STRING",
        "args": args,
        "size": len(params),
    }
    return json.dumps(msg).encode() + (b"BINARY_PAYLOAD" if binary else b"")


class Raw:
    def __init__(self, ctx, port):
        self.sock = ctx.socket(zmq.REQ)
        self.sock.connect(f"tcp://127.0.0.1:{port}")

    def call(self, cmd, params):
        self.sock.send(request(cmd, params, False))
        return json.loads(self.sock.recv())

    def upload(self, a):
        shape = json.dumps(list(a.shape))
        self.sock.send(
            request(
                f"array<{a.dtype.name},1>",
                [("dtype", "str", a.dtype.name), ("shape", "tuple", shape),
                 ("seg_string", "bool", "False")],
                True,
            ),
            flags=zmq.SNDMORE,
        )
        self.sock.send(memoryview(a), copy=False)
        rep = json.loads(self.sock.recv())
        if rep["msgType"] == "ERROR":
            raise RuntimeError(rep["msg"])
        return rep["msg"].split()[1]

    def delete(self, name):
        self.call("delete", [("name", "str", name)])

    def download(self, name, dtype, n):
        self.sock.send(request(f"tondarray<{dtype},1>", [("array", "pdarray", name)], False))
        frame = self.sock.recv(copy=False)
        if frame.buffer[:6] == b"Error:":
            raise RuntimeError(frame.bytes.decode())
        return np.frombuffer(frame.buffer, dtype=dtype)


# ----------------------------------------------------------------- the server


def start_server(ranks):
    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.environ.get("ARKOUDA_SERVER_BIN") or os.path.join(
        here, "..", "target", "release", "arkouda_server")
    if not os.path.exists(binary):
        sys.exit(f"no server binary at {binary}: `cargo build --release` or set ARKOUDA_SERVER_BIN")
    port = free_port()
    args = [binary, f"--ServerPort={port}", "--trace=false", "--logLevel=WARN"]
    env = dict(os.environ)
    if ranks > 1:
        args.append(f"--numLocales={ranks}")
        env.setdefault("ARKOUDA_LAUNCHER", "mpirun --oversubscribe --bind-to none -np {n}")
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    cwd = tempfile.mkdtemp(prefix="client_transfer_")
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    return proc, port


def stop_server(proc):
    try:
        os.killpg(proc.pid, 15)
    except ProcessLookupError:
        pass
    proc.wait(30)


# -------------------------------------------------------------------- timing


def session_pids(sid):
    """The processes of a session: the server (with mpirun, its ranks)."""
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid:
                    pids.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def cpu_seconds(pids):
    """CPU time of every thread of `pids` so far (ns-precise schedstat)."""
    total = 0
    for pid in pids:
        try:
            for t in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def timed(f, peers):
    """Wall seconds, client CPU seconds and `peers`' CPU seconds of f()."""
    c, p, t = time.process_time(), cpu_seconds(peers), time.perf_counter()
    r = f()
    wall = time.perf_counter() - t
    return wall, time.process_time() - c, cpu_seconds(peers) - p, r


def row(ak, bare, raw, server_pids, dtype, n, trials):
    a = make_array(dtype, n)
    nbytes = a.nbytes
    warm = np.empty_like(a)
    np.copyto(warm, a)
    # One array on the server and its twin in the peer, for the downloads.
    kept = ak.array(a)
    bare.upload(a)
    keys = ["real up", "raw up", "bare up", "real down", "raw down", "bare down",
            "copyto", "fresh copy"]
    times = {k: [] for k in keys}
    cpu = {k: [] for k in keys}
    peers = {k: server_pids for k in keys}
    peers.update({"bare up": [bare.proc.pid], "bare down": [bare.proc.pid],
                  "copyto": [], "fresh copy": []})

    def real_up():
        x = ak.array(a)
        return x

    ops = {
        "real up": real_up,
        "raw up": lambda: raw.upload(a),
        "bare up": lambda: bare.upload(a),
        "real down": lambda: kept.to_ndarray(),
        "raw down": lambda: raw.download(kept.name, dtype, n),
        "bare down": lambda: bare.download(dtype, n),
        "copyto": lambda: np.copyto(warm, a),
        "fresh copy": lambda: a.copy(),
    }
    for trial in range(trials + 1):
        # Rotate the order, so no operation always follows the same one.
        order = keys[trial % len(keys):] + keys[:trial % len(keys)]
        for k in order:
            dt, client_cpu, peer_cpu, r = timed(ops[k], peers[k])
            if k == "raw up":
                raw.delete(r)
            elif k in ("real down", "raw down", "bare down") and trial == 0:
                assert np.array_equal(r, a), f"{k} {dtype} {n}: wrong bytes"
            del r  # untimed: the client's __del__ deletes a real upload
            if trial > 0:
                times[k].append(dt)
                cpu[k].append((client_cpu, peer_cpu))
    bare.drop()
    del kept
    med = {k: statistics.median(v) for k, v in times.items()}
    rates = {k: nbytes / GIB / s for k, s in med.items()}
    # CPU milliseconds (client, server or peer), medians over the trials.
    used = {k: tuple(1e3 * statistics.median(x[i] for x in v) for i in (0, 1))
            for k, v in cpu.items()}
    return rates, used


def main():
    ranks = int(os.environ.get("BENCH_RANKS", "1"))
    sizes = [int(float(s)) for s in os.environ.get("BENCH_SIZES", "1e6,1e7,1e8").split(",")]
    dtypes = os.environ.get("BENCH_DTYPES", "int64,float64,uint8,bool").split(",")
    trials = int(os.environ.get("BENCH_TRIALS", "5"))
    if os.path.isdir("arkouda"):
        sys.exit("run this from a folder without an arkouda/ subfolder (e.g. cd /tmp)")
    # benches/arkouda/ (the Rust bench) would shadow the client: Python puts
    # this script's folder first on the path.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import arkouda as ak
    except ImportError as e:
        print(f"SKIPPED: `import arkouda` failed ({e}); run it with ~/akvenv/bin/python")
        return
    ctx = zmq.Context()
    proc, port = start_server(ranks)
    bare = None
    try:
        warnings.filterwarnings("ignore", message="Version mismatch")
        ak.connect("localhost", port, timeout=0)
        ak.core.client.maxTransferBytes = 1 << 40
        bare = Bare(ctx)
        raw = Raw(ctx, port)
        server_pids = session_pids(proc.pid)
        load = os.getloadavg()
        print(f"\nclient_transfer: ranks {ranks}, {trials} trials (median), "
              f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, numpy {np.__version__}, "
              f"pyzmq {zmq.__version__} (libzmq {zmq.zmq_version()})")
        print("GiB/s of array bytes (median wall time). real = ak client -> our server,")
        print("raw = pyzmq -> our server, bare = pyzmq -> pyzmq peer process; copyto = warm")
        print("memcpy, fresh = a.copy() (page faults too); r/b = real/bare, r/cp = real/copyto.")
        print(f"{'dtype':>7} {'n':>10} | {'real up':>7} {'raw up':>7} {'bare up':>7} {'r/b':>5} "
              f"{'r/cp':>5} | {'real dn':>7} {'raw dn':>7} {'bare dn':>7} {'r/b':>5} {'r/cp':>5} "
              f"| {'copyto':>7} {'fresh':>7}")
        cpu_rows = []
        for n in sizes:
            for dtype in dtypes:
                r, u = row(ak, bare, raw, server_pids, dtype, n, trials)
                cpu_rows.append((dtype, n, u))
                print(f"{dtype:>7} {n:>10} | {r['real up']:7.2f} {r['raw up']:7.2f} "
                      f"{r['bare up']:7.2f} {r['real up'] / r['bare up']:5.2f} "
                      f"{r['real up'] / r['copyto']:5.2f} | "
                      f"{r['real down']:7.2f} {r['raw down']:7.2f} {r['bare down']:7.2f} "
                      f"{r['real down'] / r['bare down']:5.2f} "
                      f"{r['real down'] / r['copyto']:5.2f} | {r['copyto']:7.2f} "
                      f"{r['fresh copy']:7.2f}", flush=True)
        print("\nCPU milliseconds per transfer (medians; less sensitive to load than wall")
        print("time): client process / server (all ranks) or peer process.")
        print(f"{'dtype':>7} {'n':>10} | {'real up':>13} {'raw up':>13} {'bare up':>13} | "
              f"{'real dn':>13} {'raw dn':>13} {'bare dn':>13}")
        for dtype, n, u in cpu_rows:
            cells = [f"{u[k][0]:6.1f}/{u[k][1]:<6.1f}" for k in
                     ("real up", "raw up", "bare up", "real down", "raw down", "bare down")]
            print(f"{dtype:>7} {n:>10} | {' '.join(cells[:3])} | {' '.join(cells[3:])}")
        load = os.getloadavg()
        print(f"load at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        ak.disconnect()
    finally:
        if bare is not None:
            bare.close()
        stop_server(proc)


if __name__ == "__main__":
    main()
