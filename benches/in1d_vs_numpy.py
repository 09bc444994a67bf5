# in1d: our release server vs np.isin on benchmarks/in1d.py's cases (medium: b = arange(2^23-1),
# large: arange(2^23+1); a = arange(N) % (2^23+1)), median of TRIALS, interleaved.
# Start target/release/arkouda_server --ServerPort=PORT --trace=false, then from /tmp:
#   ~/akvenv/bin/python benches/in1d_vs_numpy.py PORT N TRIALS
import sys, time, numpy as np, arkouda as ak
port, N, trials = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ak.connect("localhost", port)
for name, m in [("medium", 2**23 - 1), ("large", 2**23 + 1)]:
    a = ak.arange(N) % (2**23 + 1); b = ak.arange(m)
    na = np.arange(N) % (2**23 + 1); nb = np.arange(m)
    nbytes = N * 8 + m * 8
    ours, npt = [], []
    for _ in range(trials):
        t = time.perf_counter(); c = ak.in1d(a, b); ours.append(time.perf_counter() - t)
        t = time.perf_counter(); nc = np.isin(na, nb); npt.append(time.perf_counter() - t)
    assert (c.to_ndarray() == nc).all() if N <= 10**7 else c.sum() == nc.sum()
    o, n = sorted(ours)[trials // 2], sorted(npt)[trials // 2]
    print(f"N={N:.0e} {name}: ours {o*1e3:.1f} ms ({nbytes/o/2**30:.2f} GiB/s)  "
          f"np.isin {n*1e3:.1f} ms ({nbytes/n/2**30:.2f} GiB/s)  ours/np speed {n/o:.2f}x")
    del a, b, c
ak.disconnect()
