"""Reference for tests/calibration.rs: scikit-learn's Platt scaling and isotonic regression
on seeded, deliberately miscalibrated scores.

python tests/data/scripts/calibration_sklearn_reference.py > tests/data/calibration_sklearn_reference.json

Platt: sklearn.calibration._sigmoid_calibration on logit(p) (clipped to ±36), the function
CalibratedClassifierCV(method="sigmoid") calls; calibrated p' = 1 / (1 + exp(a f + b)).
Isotonic: IsotonicRegression(out_of_bounds="clip"), as CalibratedClassifierCV(method="isotonic").
Scores are rounded to 3 decimals so that ties occur.
"""
import json

import numpy as np
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

rng = np.random.default_rng(7)
n = 1500
z = rng.normal(0.0, 1.5, n)
y = rng.random(n) < 1.0 / (1.0 + np.exp(-(0.6 * z - 0.8)))
p = np.round(1.0 / (1.0 + np.exp(-z)), 3)
fit_p, fit_y = p[:1000], y[:1000]
eval_p = np.concatenate([p[1000:], np.linspace(0.0, 1.0, 51)])


def logit(q):
    with np.errstate(divide="ignore"):
        return np.clip(np.log(q) - np.log1p(-q), -36.0, 36.0)


a, b = _sigmoid_calibration(logit(fit_p), fit_y.astype(float))
platt_eval = 1.0 / (1.0 + np.exp(a * logit(eval_p) + b))
iso = IsotonicRegression(out_of_bounds="clip").fit(fit_p, fit_y.astype(float))
out = {
    "source": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
    "fit_p": fit_p.tolist(),
    "fit_y": fit_y.astype(int).tolist(),
    "eval_p": eval_p.tolist(),
    "eval_y": y[1000:].astype(int).tolist(),
    "platt": {"a": float(a), "b": float(b), "eval": platt_eval.tolist()},
    "isotonic": {"eval": iso.predict(eval_p).tolist()},
}
print(json.dumps(out))
