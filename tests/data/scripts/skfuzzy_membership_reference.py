"""Reference membership values from scikit-fuzzy for tests/fuzzy_membership.rs.

    python3 -m venv .venv && pip install scikit-fuzzy packaging
    python tests/data/scripts/skfuzzy_membership_reference.py

Writes tests/data/skfuzzy_membership.csv: shape, p1..p4, x, y (repr floats; `nan` where
scikit-fuzzy itself returns NaN). Parameter sets include degenerate sides (a == b,
c == d, all equal); the x grid covers every parameter, every midpoint and points just
either side of them.
"""
import csv
import os
import warnings

import numpy as np
import skfuzzy
from skfuzzy.membership import generatemf as mf

warnings.simplefilter("ignore")  # 0/0 in smf/pimf on degenerate shapes is the point

CASES = {
    "triangular": [(0, 5, 10), (5, 5, 10), (0, 5, 5), (5, 5, 5), (-2.5, 0, 7.25)],
    "trapezoidal": [(0, 2, 6, 10), (2, 2, 6, 10), (0, 2, 6, 6), (2, 2, 6, 6),
                    (0, 4, 4, 10), (4, 4, 4, 4), (0, 0, 10, 10)],
    "gaussian": [(0, 1), (3.5, 0.25), (-2, 4)],
    "bell": [(2, 4, 6), (1, 0.5, 0), (3, 1, -1)],
    "sigmoid": [(5, 2), (5, -1.5), (0, 0), (0, 50)],
    "s": [(1, 8), (4, 4), (-3, 0)],
    "z": [(1, 8), (4, 4), (-3, 0)],
    "pi": [(0, 2, 6, 10), (2, 2, 6, 10), (0, 2, 6, 6), (2, 2, 2, 8), (4, 4, 4, 4),
           (0, 4, 4, 10), (1, 3, 3, 3)],
}


def evaluate(shape, p, x):
    if shape == "triangular":
        return mf.trimf(x, list(p))
    if shape == "trapezoidal":
        return mf.trapmf(x, list(p))
    if shape == "gaussian":
        return mf.gaussmf(x, *p)
    if shape == "bell":
        return mf.gbellmf(x, *p)
    if shape == "sigmoid":
        return mf.sigmf(x, *p)
    if shape == "s":
        return mf.smf(x, *p)
    if shape == "z":
        return mf.zmf(x, *p)
    if shape == "pi":
        return mf.pimf(x, *p)
    raise ValueError(shape)


def grid(p):
    pts = set(np.round(np.linspace(-3.0, 13.0, 161), 10).tolist())
    p = [float(v) for v in p]
    for v in p:
        pts.update([v, v - 1e-9, v + 1e-9, v - 0.5, v + 0.5])
    for i in range(len(p) - 1):
        m = (p[i] + p[i + 1]) / 2.0
        pts.update([m, m - 1e-9, m + 1e-9])
    return np.array(sorted(pts), dtype=np.float64)


out = os.path.join(os.path.dirname(__file__), "..", "skfuzzy_membership.csv")
rows = 0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["shape", "p1", "p2", "p3", "p4", "x", "y"])
    for shape, plist in CASES.items():
        for p in plist:
            x = grid(p)
            y = evaluate(shape, p, x)
            params = [repr(float(v)) for v in p] + [""] * (4 - len(p))
            for xi, yi in zip(x, y):
                w.writerow([shape, *params, repr(float(xi)), repr(float(yi))])
                rows += 1
print(f"scikit-fuzzy {skfuzzy.__version__}: wrote {rows} rows to {os.path.normpath(out)}")
