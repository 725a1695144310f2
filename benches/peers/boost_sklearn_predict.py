"""scikit-learn's HistGradientBoostingClassifier on the matrices of benches/boost.rs.

Run through `bash benches/peers/boost_vs_sklearn.sh` (which writes the matrices first), or
by hand: `WEALTHSCORE_DUMP_DIR=/tmp/boost_bench cargo bench --bench boost -- boost_fit`
then `OMP_NUM_THREADS=1 python benches/peers/boost_sklearn_predict.py /tmp/boost_bench`.

Fits the same model size as the crate's bench (100 trees of at most 31 leaves, no depth
limit, min_samples_leaf 20, learning rate 0.1, 255 bins, early stopping off) on the 100,000
training rows, then times predict_proba on the 1,000,000-row matrix, one thread, best of 3.
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/boost_bench"
p = 23
X = np.fromfile(f"{d}/train_x.f64", dtype="<f8").reshape(-1, p)
y = np.fromfile(f"{d}/train_y.u8", dtype=np.uint8)
B = np.fromfile(f"{d}/predict_x.f64", dtype="<f8").reshape(-1, p)
print(f"scikit-learn {sklearn.__version__}; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}; "
      f"train {X.shape}, predict {B.shape}")

t = time.perf_counter()
m = HistGradientBoostingClassifier(
    max_iter=100, max_leaf_nodes=31, min_samples_leaf=20, learning_rate=0.1,
    max_bins=255, early_stopping=False, random_state=0,
).fit(X, y)
fit = time.perf_counter() - t
leaves = sum(pred.get_n_leaf_nodes() for it in m._predictors for pred in it)
print(f"HistGradientBoostingClassifier fit: {fit:.3f} s; {m.n_iter_} trees, {leaves} leaves")

ts = []
for _ in range(3):
    t = time.perf_counter()
    m.predict_proba(B)
    ts.append(time.perf_counter() - t)
s = min(ts)
print(f"predict_proba 1e6 rows: {s * 1e3:.1f} ms ({B.shape[0] / s / 1e6:.2f} M rows/s)")
print(f"SKLEARN_PREDICT_MS {s * 1e3:.3f}")
