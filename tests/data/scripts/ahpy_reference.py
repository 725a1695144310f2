"""Reference values from AHPy (PyPI `ahpy`, version printed into the JSON) for tests/ahp.rs.

Run: python tests/data/scripts/ahpy_reference.py > tests/data/ahp_ahpy_reference.json
AHPy rounds weights to `precision` decimals; we ask for 10.
"""
import json
import itertools
from importlib.metadata import version

import ahpy
import numpy as np

P = 10


def upper(labels, comps):
    """Upper-triangle values a[i][j], i<j, in label order, from an AHPy dict."""
    out = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        a, b = labels[i], labels[j]
        if (a, b) in comps:
            out.append(float(comps[(a, b)]))
        elif (b, a) in comps:
            out.append(1.0 / float(comps[(b, a)]))
        else:
            out.append(None)
    return out


def compare(name, labels, comps, ri="dd"):
    c = ahpy.Compare(name, comps, precision=P, random_index=ri)
    entry = {
        "labels": labels,
        "upper": upper(labels, comps),
        "weights": [c.local_weights[l] for l in labels],
        "consistency_ratio": float(c.consistency_ratio),
        "random_index": ri,
    }
    if c._missing_comparisons:
        entry["filled"] = [
            [labels.index(a), labels.index(b), float(v)] for (a, b), v in c._missing_comparisons.items()
        ]
        m = c._matrix
        entry["filled_lambda_max"] = float(np.max(np.real(np.linalg.eigvals(m))))
    return entry


# Saaty (2008), Int. J. Services Sciences 1(1) 83-98: drinks consumption in the US.
drinks_labels = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
drinks_rows = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
drinks = {(drinks_labels[i], drinks_labels[j]): drinks_rows[i][j]
          for i, j in itertools.combinations(range(7), 2)}

# Saaty (2005), Theory and Applications of the ANP: choosing a city to live in.
crit_labels = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
criteria = {("Culture", "Housing"): 3, ("Culture", "Transportation"): 5,
            ("Family", "Culture"): 5, ("Family", "Housing"): 7, ("Family", "Transportation"): 7,
            ("Housing", "Transportation"): 3,
            ("Jobs", "Culture"): 2, ("Jobs", "Housing"): 4, ("Jobs", "Transportation"): 7,
            ("Family", "Jobs"): 1}
cities = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
alts = {
    "Culture": {("Bethesda", "Pittsburgh"): 1, ("Boston", "Bethesda"): 2, ("Boston", "Pittsburgh"): 2.5,
                ("Boston", "Santa Fe"): 1, ("Santa Fe", "Bethesda"): 2, ("Santa Fe", "Pittsburgh"): 2.5},
    "Family": {("Bethesda", "Boston"): 2, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2,
               ("Pittsburgh", "Bethesda"): 3, ("Pittsburgh", "Boston"): 8, ("Pittsburgh", "Santa Fe"): 9},
    "Housing": {("Bethesda", "Boston"): 5, ("Bethesda", "Santa Fe"): 2.5, ("Pittsburgh", "Bethesda"): 2,
                ("Pittsburgh", "Boston"): 9, ("Pittsburgh", "Santa Fe"): 7, ("Santa Fe", "Boston"): 4},
    "Jobs": {("Bethesda", "Pittsburgh"): 3, ("Bethesda", "Santa Fe"): 4, ("Boston", "Bethesda"): 2,
             ("Boston", "Pittsburgh"): 6, ("Boston", "Santa Fe"): 8, ("Pittsburgh", "Santa Fe"): 1},
    "Transportation": {("Bethesda", "Boston"): 1.5, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2.5,
                       ("Pittsburgh", "Bethesda"): 2, ("Pittsburgh", "Boston"): 3.5,
                       ("Pittsburgh", "Santa Fe"): 9},
}
goal = ahpy.Compare("Goal", criteria, precision=P)
kids = [ahpy.Compare(k, v, precision=P) for k, v in alts.items()]
goal.add_children(kids)
hierarchy = {
    "criteria": compare("Goal", crit_labels, criteria),
    "alternatives": cities,
    "children": {k: compare(k, cities, v) for k, v in alts.items()},
    "target_weights": [goal.target_weights[c] for c in cities],
}

# Bozoki, Fulop & Ronyai (2010), Math. Comput. Modelling 52, 318-333: incomplete examples.
inc4 = {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2, ("b", "c"): 3, ("b", "d"): 4}
inc8 = {("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 7, ("a", "e"): 6, ("a", "f"): 6,
        ("b", "d"): 5, ("b", "f"): 3, ("c", "e"): 3, ("c", "g"): 6, ("f", "d"): 4,
        ("g", "a"): 3, ("g", "e"): 5, ("h", "a"): 4, ("h", "b"): 7, ("h", "d"): 8, ("h", "f"): 6}

# The 9x9 matrix used by benches/ahp.rs (a row-geometric-mean-friendly Saaty-scale matrix).
bench_labels = [f"c{i}" for i in range(9)]
bench_upper = [3, 5, 1 / 2, 7, 2, 4, 1 / 3, 6,
               2, 1 / 4, 3, 1, 2, 1 / 5, 4,
               1 / 6, 2, 1 / 2, 1, 1 / 7, 3,
               8, 4, 6, 2, 9,
               1 / 3, 1 / 2, 1 / 6, 2,
               2, 1 / 3, 4,
               1 / 4, 3,
               7]
bench = {}
k = 0
for i, j in itertools.combinations(range(9), 2):
    bench[(bench_labels[i], bench_labels[j])] = bench_upper[k]
    k += 1

def numpy_eig(n, up):
    """Principal eigenpair by LAPACK (numpy.linalg.eig), full precision, weights summing to 1."""
    a = np.ones((n, n))
    k = 0
    for i, j in itertools.combinations(range(n), 2):
        a[i, j] = up[k]
        a[j, i] = 1.0 / up[k]
        k += 1
    vals, vecs = np.linalg.eig(a)
    m = int(np.argmax(vals.real))
    v = np.abs(vecs[:, m].real)
    return {"lambda_max": float(vals[m].real), "weights": [float(x) for x in v / v.sum()]}


out = {
    "generator": "tests/data/scripts/ahpy_reference.py",
    "ahpy_version": version("ahpy"),
    "precision": P,
    "drinks_dd": compare("Drinks", drinks_labels, drinks, "dd"),
    "drinks_saaty": compare("Drinks", drinks_labels, drinks, "saaty"),
    "cities": hierarchy,
    "incomplete4": compare("Incomplete4", ["a", "b", "c", "d"], inc4),
    "incomplete8": compare("Incomplete8", list("abcdefgh"), inc8),
    "bench9": compare("Bench9", bench_labels, bench),
    "numpy_eig": {
        "numpy_version": np.__version__,
        "drinks": numpy_eig(7, upper(drinks_labels, drinks)),
        "bench9": numpy_eig(9, upper(bench_labels, bench)),
    },
}
print(json.dumps(out, indent=1))
