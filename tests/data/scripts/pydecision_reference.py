"""Reference values from pyDecision (PyPI `pyDecision`, version printed into the JSON).

Run: python tests/data/scripts/pydecision_reference.py > tests/data/ahp_pydecision_reference.json
(pyDecision installed with --no-deps; these two modules only need numpy.)

pyDecision's `ahp_method` gives row-geometric-mean ('g') and normalised-column-mean ('m')
weights; its `fuzzy_ahp_method` is Buckley's geometric mean with centroid defuzzification.
Its consistency ratios use an approximate lambda-max from those weights, so only weights
are compared.
"""
import itertools
import json
from importlib.metadata import version

import importlib.util
import os

import numpy as np


def _load(name):
    # Load one algorithm file directly: the package __init__ imports matplotlib and more.
    spec = importlib.util.find_spec("pyDecision")
    base = os.path.join(os.path.dirname(spec.origin), "algorithm", name + ".py")
    s = importlib.util.spec_from_file_location(name, base)
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    return mod


ahp_method = _load("ahp").ahp_method
fuzzy_ahp_method = _load("fuzzy_ahp").fuzzy_ahp_method

BENCH9 = [3, 5, 1 / 2, 7, 2, 4, 1 / 3, 6,
          2, 1 / 4, 3, 1, 2, 1 / 5, 4,
          1 / 6, 2, 1 / 2, 1, 1 / 7, 3,
          8, 4, 6, 2, 9,
          1 / 3, 1 / 2, 1 / 6, 2,
          2, 1 / 3, 4,
          1 / 4, 3,
          7]


def full(n, up):
    a = np.ones((n, n))
    for k, (i, j) in enumerate(itertools.combinations(range(n), 2)):
        a[i, j] = up[k]
        a[j, i] = 1.0 / up[k]
    return a


a9 = full(9, BENCH9)
w_g, _ = ahp_method(a9, wd="g")
w_m, _ = ahp_method(a9, wd="m")

# A 4x4 triangular fuzzy matrix (upper triangle, row by row).
FUZZY_UP = [(1, 2, 3), (2, 3, 4), (4, 5, 6),
            (1, 2, 3), (3, 4, 5),
            (1, 2, 3)]
n = 4
f = [[(1.0, 1.0, 1.0)] * n for _ in range(n)]
for k, (i, j) in enumerate(itertools.combinations(range(n), 2)):
    l, m, u = FUZZY_UP[k]
    f[i][j] = (float(l), float(m), float(u))
    f[j][i] = (1.0 / u, 1.0 / m, 1.0 / l)
f_w, d_w, n_w, _ = fuzzy_ahp_method(f)

out = {
    "generator": "tests/data/scripts/pydecision_reference.py",
    "pydecision_version": version("pyDecision"),
    "bench9_upper": BENCH9,
    "bench9_geometric_mean": [float(x) for x in w_g],
    "bench9_column_mean": [float(x) for x in w_m],
    "fuzzy4_upper": [list(map(float, t)) for t in FUZZY_UP],
    "fuzzy4_buckley_fuzzy": [[float(x) for x in t] for t in f_w],
    "fuzzy4_buckley_crisp": [float(x) for x in n_w],
}
print(json.dumps(out, indent=1))
