"""scikit-learn on the matrices of benches/churn.rs (same rows, same machine).

1. WEALTHSCORE_DUMP_DIR=/tmp/churn_bench cargo bench --bench churn -- churn_fit/logistic
   (any filter works: the matrices are written before the benches run);
2. python benches/peers/churn_sklearn_predict.py /tmp/churn_bench

Fits StandardScaler + LogisticRegression(C=1) and RandomForestClassifier(100 trees,
max_depth 10, min_samples_leaf 20, n_jobs=1) on the 100,000 training rows, then times
predict_proba on the 1,000,000-row matrix (best of 5 for LR, best of 2 for the forest).
"""
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/churn_bench"
p = 23
X = np.fromfile(f"{d}/train_x.f64", dtype="<f8").reshape(-1, p)
y = np.fromfile(f"{d}/train_y.u8", dtype=np.uint8)
B = np.fromfile(f"{d}/predict_x.f64", dtype="<f8").reshape(-1, p)
print(f"scikit-learn {sklearn.__version__}; train {X.shape}, predict {B.shape}")


def best(f, k):
    ts = []
    for _ in range(k):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


t = time.perf_counter()
lr = make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).fit(X, y)
print(f"LR fit (lbfgs): {time.perf_counter() - t:.3f} s")
t = time.perf_counter()
make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="newton-cholesky")).fit(X, y)
print(f"LR fit (newton-cholesky): {time.perf_counter() - t:.3f} s")
s = best(lambda: lr.predict_proba(B), 5)
print(f"LR pipeline predict_proba 1e6 rows: {s * 1e3:.1f} ms ({B.shape[0] / s / 1e6:.1f} M rows/s)")
# The estimator alone on an already standardised matrix (our loop folds the scaling
# into the coefficients, so the pipeline is the like-for-like figure).
Bs = lr[0].transform(B)
s = best(lambda: lr[1].predict_proba(Bs), 5)
print(f"LR estimator-only predict_proba 1e6 rows: {s * 1e3:.1f} ms ({B.shape[0] / s / 1e6:.1f} M rows/s)")

t = time.perf_counter()
rf = RandomForestClassifier(n_estimators=100, max_depth=10, min_samples_leaf=20,
                            n_jobs=1, random_state=0).fit(X, y)
print(f"RF fit: {time.perf_counter() - t:.2f} s")
s = best(lambda: rf.predict_proba(B), 2)
print(f"RF predict_proba 1e6 rows: {s:.2f} s ({B.shape[0] / s / 1e6:.2f} M rows/s)")
