"""Reference numbers for tests/churn_sklearn.rs.

Run from the crate root with a venv holding scikit-learn, scipy and empulse:
    python tests/data/scripts/churn_sklearn_reference.py
Reads tests/data/churn_lr_features.csv, writes tests/data/churn_sklearn_reference.json.
"""
import json

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import integrate, stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss,
                             roc_auc_score)
from sklearn.preprocessing import StandardScaler

import empulse
from empulse.metrics import empc_score

df = pd.read_csv("tests/data/churn_lr_features.csv")
y = df.pop("churn").to_numpy()
X = df.to_numpy(dtype=np.float64)
scaler = StandardScaler().fit(X)
Z = scaler.transform(X)
# Same objective as ours: sum of log-losses + (1/2C)||w||^2, C = 1, intercept unpenalised.
tight = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(Z, y)
default = LogisticRegression(C=1.0).fit(Z, y)  # lbfgs, tol 1e-4
proba = tight.predict_proba(Z)[:, 1]

# A small table with ties (scores repeated across classes) and the extremes 0 and 1.
scores = np.array([0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.4, 0.4,
                   0.3, 0.3, 0.2, 0.2, 0.1, 0.05, 1.0, 0.0, 0.35, 0.35])
labels = np.array([1, 1, 0, 1, 0, 1, 0, 0, 1, 0,
                   0, 0, 1, 0, 0, 0, 1, 1, 0, 1])
emp = empc_score(labels, scores, alpha=6, beta=14, clv=200, incentive_cost=10, contact_cost=1)

# Closed forms of EMP by numerical integration over gamma ~ Beta(6, 14).
a, b, clv, d, f = 6.0, 14.0, 200.0, 10.0, 1.0
delta, phi = d / clv, f / clv
pi0 = labels.mean()
pi1 = 1 - pi0
h = stats.beta(a, b).pdf


def quad(fun, kink):
    lo = integrate.quad(lambda g: fun(g) * h(g), 0, kink, epsabs=1e-13, epsrel=1e-13, limit=200)[0]
    hi = integrate.quad(lambda g: fun(g) * h(g), kink, 1, epsabs=1e-13, epsrel=1e-13, limit=200)[0]
    return lo + hi


# Perfect ranking: contact exactly the churners when profitable.
perfect = quad(lambda g: max(0.0, clv * (g * (1 - delta) - phi) * pi0), phi / (1 - delta))
# Constant score: contact everyone or no one.
kink = (phi * pi0 + (delta + phi) * pi1) / ((1 - delta) * pi0)
constant = quad(lambda g: max(0.0, clv * ((g * (1 - delta) - phi) * pi0 - (delta + phi) * pi1)),
                min(kink, 1.0))

out = {
    "versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__,
                 "empulse": getattr(empulse, "__version__", "unknown")},
    "scaler_mean": scaler.mean_.tolist(),
    "scaler_scale": scaler.scale_.tolist(),
    "coef": tight.coef_[0].tolist(),
    "intercept": float(tight.intercept_[0]),
    "coef_lbfgs_default": default.coef_[0].tolist(),
    "proba": proba.tolist(),
    "auc": float(roc_auc_score(y, proba)),
    "metrics_table": {
        "scores": scores.tolist(),
        "labels": labels.tolist(),
        "roc_auc_score": float(roc_auc_score(labels, scores)),
        "average_precision_score": float(average_precision_score(labels, scores)),
        "log_loss": float(log_loss(labels, scores)),
        "brier_score_loss": float(brier_score_loss(labels, scores)),
        "empc": float(emp),
        "perfect_scores": labels.astype(float).tolist(),
        "emp_perfect": perfect,
        "constant_scores": [0.5] * len(labels),
        "emp_constant": constant,
    },
}
with open("tests/data/churn_sklearn_reference.json", "w") as fh:
    json.dump(out, fh, indent=1)
print(json.dumps({k: v for k, v in out["metrics_table"].items() if not isinstance(v, list)}, indent=1))
print("auc", out["auc"], "versions", out["versions"])
