"""Reference uplift metrics for tests/campaign.rs from scikit-uplift (sklift.metrics).

Writes tests/data/campaign_sklift_reference.json: for several seeded cases (outcome y with
1 = stayed, treatment flag, scores; with ties, unequal arms, all-equal scores) the values of
uplift_at_k (both strategies, share and count k), qini_auc_score (negative_effect True and
False), uplift_auc_score, and for cases up to 500 clients the qini, uplift and perfect curves.

Run: python3 -m venv /work/venvs/uplift && /work/venvs/uplift/bin/pip install scikit-uplift
     /work/venvs/uplift/bin/python tests/data/scripts/campaign_sklift_reference.py
(made with scikit-uplift 0.5.1, scikit-learn 1.9.1, numpy 2.4.6, pandas 3.1.1 on Python
3.11; it installs unpinned and only warns that sklearn's stable_cumsum is deprecated)
"""
import json
import pathlib
import warnings

warnings.filterwarnings("ignore", category=RuntimeWarning)  # empty top-k arms give NaN, skipped

import numpy as np
import sklearn
import sklift
from sklift import metrics as m

warnings.filterwarnings("ignore", category=FutureWarning)
rng = np.random.default_rng(20261127)


def case(name, n, treat_share=0.5, ties=None, effect=True):
    t = (rng.random(n) < treat_share).astype(int)
    s = rng.normal(size=n)
    # Stay probability rises with the score for treated clients only, so ranking matters.
    base = 0.6 + 0.1 * rng.normal(size=n)
    p = np.clip(base + (0.25 * np.tanh(s) * t if effect else 0.0), 0.01, 0.99)
    y = (rng.random(n) < p).astype(int)
    if ties == "round":
        s = np.round(s, 1)
    elif ties == "constant":
        s = np.zeros(n)
    score = s + (0.3 * rng.normal(size=n) if ties is None else 0.0)
    return name, y, t, score


cases = [
    case("small", 12),
    case("random_200", 200, effect=False),
    case("ties_300", 300, ties="round"),
    case("unequal_arms_500", 500, treat_share=0.2),
    case("constant_scores_100", 100, ties="constant"),
    case("signal_2000", 2000),
    case("signal_unequal_3000", 3000, treat_share=0.7, ties="round"),
]

out = []
for name, y, t, score in cases:
    n = len(y)
    r = dict(name=name, y=y.tolist(), treatment=t.tolist(), score=score.tolist())
    r["uplift_at_k"] = []
    for strategy in ("overall", "by_group"):
        for k in (0.3, 0.1, 0.5, min(50, n - 1), 5):
            try:
                v = float(m.uplift_at_k(y, score, t, strategy=strategy, k=k))
            except ValueError:
                continue
            if np.isfinite(v):
                r["uplift_at_k"].append(dict(strategy=strategy, k=k, value=v))
    r["qini_auc_score"] = float(m.qini_auc_score(y, score, t))
    try:  # sklift rejects the three-point perfect curve when the total gain is negative
        r["qini_auc_score_no_negative"] = float(m.qini_auc_score(y, score, t, negative_effect=False))
    except ValueError:
        r["qini_auc_score_no_negative"] = None
    r["uplift_auc_score"] = float(m.uplift_auc_score(y, score, t))
    if n <= 500:
        for fname, f in (("qini_curve", lambda: m.qini_curve(y, score, t)),
                         ("uplift_curve", lambda: m.uplift_curve(y, score, t)),
                         ("perfect_qini_curve", lambda: m.perfect_qini_curve(y, t)),
                         ("perfect_qini_curve_no_negative",
                          lambda: m.perfect_qini_curve(y, t, negative_effect=False)),
                         ("perfect_uplift_curve", lambda: m.perfect_uplift_curve(y, t))):
            try:
                x, v = f()
            except ValueError:
                continue
            r[fname] = dict(x=[float(a) for a in x], y=[float(b) for b in v])
    out.append(r)

path = pathlib.Path(__file__).resolve().parents[1] / "campaign_sklift_reference.json"
meta = dict(sklift=sklift.__version__, sklearn=sklearn.__version__, numpy=np.__version__)
path.write_text(json.dumps(dict(versions=meta, cases=out)) + "\n")
print(f"wrote {len(out)} cases to {path}")
