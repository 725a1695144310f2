"""Time AHPy on the 9x9 matrix of benches/ahp.rs (weights + consistency ratio).

Run: /work/venvs/ahp/bin/python benches/peers/ahpy_bench.py
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


print(f"ahpy {version('ahpy')}")
for p in (4, 10):
    print(f"precision={p}: {run(p) * 1e6:.1f} us per weights+CR of the 9x9 matrix")
