"""lifetimes 0.11.3 on the work of benches/lifetime.rs, timed on this machine.

    python benches/peers/lifetime_peer.py
(run from the crate root; the venv holds lifetimes, numpy, pandas, scipy).
Prints the median of repeated runs: BG/NBD fit on CDNOW (2,357 customers) and
conditional_probability_alive over 10,000 and 1,000,000 customers (CDNOW rows repeated).
"""
import time
import statistics

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter


def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


summary = pd.read_csv("tests/data/cdnow/cdnow_customers_summary.csv")
x, tx, T = summary["frequency"], summary["recency"], summary["T"]


def fit():
    BetaGeoFitter().fit(x, tx, T)


print(f"bgnbd_fit/cdnow/2357: {median_time(fit, 10) * 1e3:.1f} ms")

model = BetaGeoFitter()
model.fit(x, tx, T)
for n in [10_000, 1_000_000]:
    idx = np.arange(n) % len(summary)
    xs, ts, Ts = x.values[idx], tx.values[idx], T.values[idx]
    secs = median_time(lambda: model.conditional_probability_alive(xs, ts, Ts), 10)
    print(f"bgnbd_probability_alive/batch/{n}: {secs * 1e3:.2f} ms ({n / secs / 1e6:.1f} M clients/s)")
