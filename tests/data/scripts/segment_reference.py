"""Reference values for tests/segment.rs, computed with pandas / numpy / scikit-learn.

Run: python tests/data/scripts/segment_reference.py
(venv: python3 -m venv .venv; pip install pandas numpy scikit-learn)
Writes tests/data/segment_rfm.csv, segment_rfm_ties.csv, segment_ari.json,
segment_silhouette.json.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import adjusted_rand_score, silhouette_score

OUT = os.path.join(os.path.dirname(__file__), "..")

# The standard R-F grid (regex over the two-digit RF code), plus "lost" for RF = 11.
SEG_MAP = {
    r"[1-2][1-2]": "hibernating",
    r"[1-2][3-4]": "at risk",
    r"[1-2]5": "can't lose",
    r"3[1-2]": "about to sleep",
    r"33": "need attention",
    r"[3-4][4-5]": "loyal",
    r"41": "promising",
    r"51": "new",
    r"[4-5][2-3]": "potential loyalist",
    r"5[4-5]": "champions",
}


def segments(r, f):
    rf = r.astype(str) + f.astype(str)
    seg = rf.replace(SEG_MAP, regex=True)
    seg[rf == "11"] = "lost"
    return seg


# --- 1. Distinct values: pandas.qcut applies directly. ---
rfm = pd.DataFrame(
    {
        "recency_days": [3, 45, 12, 200, 7, 90, 30, 365, 1, 60, 150, 20, 500, 5, 75],
        "frequency": [40, 5, 22, 1, 35, 8, 15, 0, 60, 12, 3, 18, 2, 28, 10],
        "monetary": [
            2_500_000, 80_000, 640_000, 15_000, 1_200_000, 95_000, 300_000, 4_000,
            9_000_000, 150_000, 40_000, 420_000, 60_000, 800_000, 220_000,
        ],
    }
)
rfm["r"] = pd.qcut(rfm["recency_days"], 5, labels=[5, 4, 3, 2, 1]).astype(int)
rfm["f"] = pd.qcut(rfm["frequency"], 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm["m"] = pd.qcut(rfm["monetary"], 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm["segment"] = segments(rfm["r"], rfm["f"])
rfm.to_csv(os.path.join(OUT, "segment_rfm.csv"), index=False)

# --- 2. Heavy ties: qcut raises on duplicate edges, so apply the documented rule
# (bin = 1 + number of np.quantile edges strictly below the value) with numpy. ---
ties = pd.DataFrame(
    {
        "recency_days": [0, 0, 0, 0, 10, 10, 30, 30, 30, 90, 180, 400],
        "frequency": [0, 0, 0, 0, 0, 0, 1, 1, 2, 5, 5, 20],
        "monetary": [100, 100, 100, 200, 300, 400, 500, 500, 600, 700, 800, 900],
    }
)
for col, out, rev in [("recency_days", "r", True), ("frequency", "f", False), ("monetary", "m", False)]:
    edges = np.quantile(ties[col].to_numpy(float), [0.2, 0.4, 0.6, 0.8])
    b = np.searchsorted(edges, ties[col].to_numpy(float), side="left") + 1
    ties[out] = 6 - b if rev else b
ties["segment"] = segments(ties["r"], ties["f"])
ties.to_csv(os.path.join(OUT, "segment_rfm_ties.csv"), index=False)

# --- 3. Adjusted Rand index on small label pairs. ---
pairs = [
    ([0, 0, 1, 1], [1, 1, 0, 0]),
    ([0, 0, 1, 1], [0, 0, 1, 2]),
    ([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]),
    ([0, 1, 2, 0, 1, 2], [0, 0, 1, 1, 2, 2]),
    ([0, 0, 0, 0], [0, 1, 2, 3]),
    ([0, 0, 1, 2, 2, 2, 3, 3], [1, 1, 1, 0, 0, 2, 3, 3]),
    ([5, 5, 5, 7, 7, 9, 9, 9, 9, 1], [0, 0, 1, 1, 1, 2, 2, 2, 0, 0]),
]
ari = [{"a": a, "b": b, "ari": adjusted_rand_score(a, b)} for a, b in pairs]
with open(os.path.join(OUT, "segment_ari.json"), "w") as fh:
    json.dump({"sklearn": sklearn.__version__, "cases": ari}, fh, indent=1)

# --- 4. Silhouette on small data. ---
rng = np.random.default_rng(7)
x = np.round(rng.normal(size=(12, 3)) + np.repeat([[0, 0, 0], [3, 0, 0], [0, 3, 1]], 4, axis=0), 4)
cases = []
for labels in ([0] * 4 + [1] * 4 + [2] * 4, [0, 1, 2] * 4, [0] * 6 + [1] * 5 + [2]):
    cases.append({"labels": labels, "silhouette": float(silhouette_score(x, labels))})
with open(os.path.join(OUT, "segment_silhouette.json"), "w") as fh:
    json.dump({"sklearn": sklearn.__version__, "x": x.tolist(), "cases": cases}, fh, indent=1)
print(rfm.to_string())
print(ties.to_string())
print(json.dumps(ari))
print(json.dumps(cases))
