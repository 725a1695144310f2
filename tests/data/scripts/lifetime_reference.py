"""Reference values for tests/lifetime.rs from lifetimes 0.11.3 and scipy.

Run from the crate root with the venv that has lifetimes and scipy installed:
    python tests/data/scripts/lifetime_reference.py
Writes tests/data/lifetime_reference.json.
"""
import json

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data
from scipy.special import digamma, gammaln, hyp2f1

out = {}

summary = pd.read_csv("tests/data/cdnow/cdnow_customers_summary.csv")
bg = BetaGeoFitter()
bg.fit(summary["frequency"], summary["recency"], summary["T"])
out["bgnbd"] = {k: float(bg.params_[k]) for k in ["r", "alpha", "a", "b"]}


# Predictions from the published parameters, so the test checks formulas, not the fit.
pub = BetaGeoFitter()
pub.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
pub.predict = pub.conditional_expected_number_of_purchases_up_to_time
rows = [(0, 0.0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (5, 20.0, 38.86),
        (7, 35.71, 38.86), (14, 37.0, 38.86), (40, 38.0, 38.86), (3, 5.0, 38.86),
        (10, 30.0, 32.0), (200, 30.0, 38.86)]
preds = []
for x, tx, T in rows:
    entry = {"frequency": x, "recency": tx, "age": T,
             "p_alive": float(np.ravel(pub.conditional_probability_alive(x, tx, T))[0])}
    for t in [1.0, 10.0, 39.0, 52.0, 78.0]:
        entry[f"cond_{t:g}"] = float(np.ravel(
            pub.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T))[0])
    preds.append(entry)
out["bgnbd_predictions"] = preds
out["bgnbd_expected"] = [
    {"t": t, "value": float(np.ravel(pub.expected_number_of_purchases_up_to_time(t))[0])}
    for t in [0.5, 1.0, 10.0, 39.0, 78.0, 500.0]
]

tx = pd.read_csv("tests/data/cdnow/cdnow_customers_summary_with_transactions.csv")
rep = tx[tx["x"] > 0]
gg = GammaGammaFitter()
gg.fit(rep["x"], rep["zbar"])
out["gamma_gamma"] = {k: float(gg.params_[k]) for k in ["p", "q", "v"]}

pub_gg = GammaGammaFitter()
pub_gg.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
clv_rows = tx.head(40)
clv = pub_gg.customer_lifetime_value(
    pub, clv_rows["x"], clv_rows["t_x"], clv_rows["T"], clv_rows["zbar"],
    time=12, discount_rate=0.01, freq="W")
mean_value = pub_gg.conditional_expected_average_profit(clv_rows["x"], clv_rows["zbar"])
out["clv"] = [
    {"frequency": float(r.x), "recency": float(r.t_x), "age": float(r.T),
     "mean_value": float(r.zbar), "expected_mean_value": float(m), "clv": float(c)}
    for r, m, c in zip(clv_rows.itertuples(), mean_value, clv)
]

log = pd.read_csv("tests/data/cdnow/cdnow_master_first500.txt", sep=r"\s+")
log["date"] = pd.to_datetime(log["date"].astype(str), format="%Y%m%d")
ch = calibration_and_holdout_data(
    log, "customer_id", "date", calibration_period_end="1997-09-30",
    observation_period_end="1998-06-30", freq="D", freq_multiplier=7,
    monetary_value_col="dollar_value")
out["calibration_holdout"] = [
    {"customer": int(c), "frequency": float(r.frequency_cal), "recency": float(r.recency_cal),
     "age": float(r.T_cal), "mean_value": float(r.monetary_value_cal),
     "holdout_frequency": float(r.frequency_holdout), "holdout_duration": float(r.duration_holdout)}
    for c, r in ch.iterrows()
]

grid = [(0.5, 1.5, 2.0, 0.3), (1.0, 1.0, 2.0, 0.9), (-0.207, 1.976, 2.219, 0.47),
        (2.5, 3.5, 1.5, 0.6), (1.0, 4.806, 5.474, 1 / 1.1), (-0.5, -0.3, 0.7, 0.8),
        (0.2, -0.2, 40.0, 0.95), (10.0, 12.0, 3.0, 0.1), (1.0, 1.5, 2.1, 0.999)]
out["hyp2f1"] = [{"a": a, "b": b, "c": c, "z": z, "value": float(hyp2f1(a, b, c, z))}
                 for a, b, c, z in grid]
xs = [1e-3, 0.243, 0.5, 1.0, 2.426, 7.5, 30.0, 123.4, 1e4, 1e6]
out["ln_gamma"] = [{"x": x, "value": float(gammaln(x))} for x in xs]
out["digamma"] = [{"x": x, "value": float(digamma(x))} for x in xs]

with open("tests/data/lifetime_reference.json", "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps({k: out[k] for k in ["bgnbd", "gamma_gamma"]}, indent=1))
print(len(out["calibration_holdout"]), "calibration/holdout rows")
