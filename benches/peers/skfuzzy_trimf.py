"""scikit-fuzzy peer of `cargo bench --bench fuzzy -- fuzzy/membership`.

    python benches/peers/skfuzzy_trimf.py

Times skfuzzy.trimf (and trapmf, gaussmf, pimf) over np.linspace(0, 10, 10_000_000),
the same input and parameters as the Rust bench; prints the best and median of 10 runs.
"""
import statistics
import time

import numpy as np
import skfuzzy
from skfuzzy.membership import generatemf as mf

N = 10_000_000
x = np.linspace(0.0, 10.0, N)
CASES = {
    "trimf": lambda: mf.trimf(x, [2.0, 5.0, 8.0]),
    "trapmf": lambda: mf.trapmf(x, [1.0, 3.0, 6.0, 9.0]),
    "gaussmf": lambda: mf.gaussmf(x, 5.0, 1.5),
    "pimf": lambda: mf.pimf(x, 1.0, 3.0, 6.0, 9.0),
}
print(f"scikit-fuzzy {skfuzzy.__version__}, numpy {np.__version__}, n = {N}")
for name, f in CASES.items():
    f()
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    print(f"{name}: best {min(times) * 1e3:.1f} ms, median {statistics.median(times) * 1e3:.1f} ms")
