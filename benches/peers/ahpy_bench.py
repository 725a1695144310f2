"""Time AHPy on the 9x9 matrix of benches/ahp.rs (weights + consistency ratio).

Run: python benches/peers/ahpy_bench.py
Prints the best-of-repeats mean time per Compare() call (AHPy computes weights and CR on
construction), for AHPy's default precision (4) and for precision 10.
"""
import itertools
import timeit
from importlib.metadata import version

import ahpy

UP = [3, 5, 1 / 2, 7, 2, 4, 1 / 3, 6,
      2, 1 / 4, 3, 1, 2, 1 / 5, 4,
      1 / 6, 2, 1 / 2, 1, 1 / 7, 3,
      8, 4, 6, 2, 9,
      1 / 3, 1 / 2, 1 / 6, 2,
      2, 1 / 3, 4,
      1 / 4, 3,
      7]
LABELS = [f"c{i}" for i in range(9)]
COMPS = {(LABELS[i], LABELS[j]): UP[k]
         for k, (i, j) in enumerate(itertools.combinations(range(9), 2))}


def run(precision, number=2000, repeat=7):
    t = timeit.repeat(lambda: ahpy.Compare("x", COMPS, precision=precision, random_index="dd"),
                      number=number, repeat=repeat)
    return min(t) / number


# Bozoki, Fulop & Ronyai (2010) 8x8 example with 12 missing judgments (benches/ahp.rs
# "ahp_completion/lambda_max/8").
INC8 = {("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 7, ("a", "e"): 6, ("a", "f"): 6,
        ("b", "d"): 5, ("b", "f"): 3, ("c", "e"): 3, ("c", "g"): 6, ("f", "d"): 4,
        ("g", "a"): 3, ("g", "e"): 5, ("h", "a"): 4, ("h", "b"): 7, ("h", "d"): 8, ("h", "f"): 6}

print(f"ahpy {version('ahpy')}")
for p in (4, 10):
    print(f"precision={p}: {run(p) * 1e6:.1f} us per weights+CR of the 9x9 matrix")
t = timeit.repeat(lambda: ahpy.Compare("inc", INC8), number=3, repeat=3)
print(f"incomplete 8x8 (12 missing), default tolerance 1e-4: {min(t) / 3 * 1e3:.1f} ms per Compare")
