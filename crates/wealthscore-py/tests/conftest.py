"""Shared fixtures: data and pipelines written by the pure Rust path."""

import json
import pathlib

import pytest

import wealthscore as ws
from wealthscore import _native

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "examples" / "schemas" / "core_banking.json"

# The settings each model kind is fitted with; a small forest keeps the test quick.
PARAMS = {
    "logistic": {"l2": 1.0, "max_iterations": 200, "tolerance": 1e-8},
    "forest": {"n_trees": 12, "max_depth": 6, "min_samples_leaf": 5, "max_features": None,
               "max_bins": 32, "bootstrap": True, "seed": 5},
}


@pytest.fixture(scope="session")
def schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference(tmp_path_factory, schema_text) -> pathlib.Path:
    """A directory with `data.csv` (a synthetic core-banking export of 1,500 clients) and,
    per model kind, `<kind>.json`: the pipeline Rust fitted on the CSV read by Rust and
    saved with `FittedPipeline::save` (no Arrow, no Python objects in the path)."""
    d = tmp_path_factory.mktemp("reference")
    csv = ws.synth_core_banking_csv(1500, seed=11)
    (d / "data.csv").write_text(csv, encoding="utf-8")
    for kind, params in PARAMS.items():
        model = json.dumps({"kind": kind, "params": params})
        _native._rust_fit_csv(schema_text, csv, model, str(d / f"{kind}.json"))
    return d
