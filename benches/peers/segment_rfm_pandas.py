"""Peer timing for benches/segment.rs's `segment_rfm/fit_and_score`: RFM quintile scores
with pandas.qcut (the usual Python recipe) on n rows of similar data.

Run: python benches/peers/segment_rfm_pandas.py [n]
Ties are broken the usual way (qcut on rank(method="first")) for the integer columns,
since qcut on raw values raises on duplicate edges.
"""
import sys
import time

import numpy as np
import pandas as pd

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = np.random.default_rng(42)
df = pd.DataFrame(
    {
        "recency": rng.integers(0, 400, n),
        "frequency": rng.poisson(50, n),
        "monetary": np.exp(rng.normal(11, 1.2, n)),
    }
)
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    r = pd.qcut(df["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    f = pd.qcut(df["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    m = pd.qcut(df["monetary"], 5, labels=[1, 2, 3, 4, 5])
    best = min(best, time.perf_counter() - t)
print(f"pandas {pd.__version__} qcut RFM, {n} rows: {best*1e3:.1f} ms ({n/best/1e6:.2f} M rows/s)")
