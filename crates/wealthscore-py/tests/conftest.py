"""Shared fixtures: data and pipelines written by the pure Rust path."""

import json
import pathlib

import pytest

import wealthscore as ws
from wealthscore import _native

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "examples" / "schemas" / "core_banking.json"

# The settings each model kind is fitted with; small ensembles keep the test quick. The
# boosted settings use every source of randomness (row and feature subsampling, the
# early-stopping split) so that the seeded draws are checked too.
PARAMS = {
    "logistic": {"l2": 1.0, "max_iterations": 200, "tolerance": 1e-8},
    "forest": {"n_trees": 12, "max_depth": 6, "min_samples_leaf": 5, "max_features": None,
               "max_bins": 32, "bootstrap": True, "seed": 5},
    "boosted": {"n_trees": 25, "learning_rate": 0.2, "max_depth": 4, "max_leaves": 15,
                "min_samples_leaf": 20, "min_hessian_leaf": 1e-3, "l2": 0.5,
                "row_subsample": 0.8, "col_subsample": 0.8, "max_bins": 64, "monotone": [],
                "early_stopping": {"validation_share": 0.2, "patience": 5}, "seed": 9},
    # Model selection kept small: two candidates, three folds, blends and calibration on.
    "auto": {"folds": 3, "seed": 4, "blend": True, "calibrate": True, "candidates": [
        {"name": "logistic", "spec": {"kind": "logistic", "params": {"l2": 1.0, "max_iterations": 100,
                                                                       "tolerance": 1e-8}}},
        {"name": "boosted small", "spec": {"kind": "boosted", "params": {"n_trees": 15, "max_depth": 3,
                                                                          "max_leaves": 7}}},
    ]},
}
KINDS = list(PARAMS)

# Pipeline settings besides the model (risk cut-offs), fitted as `configured.json`.
CONFIG = {"risk": {"medium": 0.05, "high": 0.15, "critical": 0.3}}


@pytest.fixture(scope="session")
def schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference(tmp_path_factory, schema_text) -> pathlib.Path:
    """A directory with `data.csv` (a synthetic core-banking export of 1,500 clients) and,
    per model kind, `<kind>.json`: the pipeline Rust fitted on the CSV read by Rust and
    saved with `FittedPipeline::save` (no Arrow, no Python objects in the path); and
    `configured.json`, the logistic pipeline fitted with CONFIG's settings."""
    d = tmp_path_factory.mktemp("reference")
    csv = ws.synth_core_banking_csv(1500, seed=11)
    (d / "data.csv").write_text(csv, encoding="utf-8")
    for kind, params in PARAMS.items():
        config = json.dumps({"model": {"kind": kind, "params": params}})
        _native._rust_fit_csv(schema_text, csv, config, str(d / f"{kind}.json"))
    config = json.dumps({"model": {"kind": "logistic", "params": PARAMS["logistic"]}, **CONFIG})
    _native._rust_fit_csv(schema_text, csv, config, str(d / "configured.json"))
    return d
