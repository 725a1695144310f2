"""Reference intervals for tests/campaign.rs from statsmodels.

Writes tests/data/campaign_intervals_reference.json: for each case (x1, n1, x2, n2,
confidence) Wilson intervals of both proportions, Newcombe's hybrid score interval for
p1 - p2 (statsmodels method='newcomb', Newcombe 1998 method 10) and Katz's log interval for
p1 / p2 (method='log').

Run: python3 -m venv /work/venvs/uplift && /work/venvs/uplift/bin/pip install statsmodels
     /work/venvs/uplift/bin/python tests/data/scripts/campaign_intervals_reference.py
(made with statsmodels 0.15.0, numpy 2.4.6, scipy as pip resolved it)
"""
import json
import pathlib

import numpy as np
import statsmodels
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

# Newcombe (1998) Table II's six examples, then campaign-like and edge cases.
cases = [
    (56, 70, 48, 80), (9, 10, 3, 10), (6, 7, 2, 7), (5, 56, 0, 29), (0, 10, 0, 20), (10, 10, 0, 20),
    (870, 1000, 840, 1000), (412, 450, 398, 460), (28, 31, 25, 33), (1, 1, 0, 1),
    (4600, 5000, 4510, 5000), (17, 40, 23, 40),
]
rng = np.random.default_rng(20261127)
for _ in range(30):
    n1, n2 = (int(v) for v in rng.integers(1, 3000, 2))
    cases.append((int(rng.integers(0, n1 + 1)), n1, int(rng.integers(0, n2 + 1)), n2))

out = []
for conf in (0.95, 0.90, 0.99):
    alpha = 1 - conf
    for x1, n1, x2, n2 in cases:
        w1 = proportion_confint(x1, n1, alpha=alpha, method="wilson")
        w2 = proportion_confint(x2, n2, alpha=alpha, method="wilson")
        d = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha)
        row = dict(x1=x1, n1=n1, x2=x2, n2=n2, confidence=conf,
                   wilson1=[float(v) for v in w1], wilson2=[float(v) for v in w2],
                   newcombe=[float(v) for v in d], ratio_log=None)
        if x1 > 0 and x2 > 0:
            r = confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio", alpha=alpha)
            row["ratio_log"] = [float(v) for v in r]
        out.append(row)

path = pathlib.Path(__file__).resolve().parents[1] / "campaign_intervals_reference.json"
path.write_text(json.dumps({"statsmodels": statsmodels.__version__, "cases": out}, indent=1) + "\n")
print(f"wrote {len(out)} cases to {path}")
