"""The Python package scores as Rust does, bit for bit, and pipeline files travel both
ways.

The golden numbers of every model kind (logistic, forest, boosted) are those of the pure
Rust path: `FittedPipeline::fit` / `save` / `load` on the CSV read by `Table::read_csv`,
then `predict` and `assess` (conftest.py's `reference`), with no Arrow and no Python
objects in between. The Python path goes through pyarrow or pandas and the Arrow C
interface; equality is bitwise.
"""

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import wealthscore as ws
import wealthscore.spark
from wealthscore import _native

from conftest import CONFIG, KINDS, PARAMS


def bits(p) -> np.ndarray:
    return np.ascontiguousarray(p, dtype=np.float64).view(np.uint64)


def untimed(pipeline_json: str) -> dict:
    """A pipeline file without the one field two identical fits differ in: the model
    card's fitting time."""
    d = json.loads(pipeline_json)
    assert d["card"].pop("fit_seconds") >= 0.0
    return d


@pytest.fixture(scope="module")
def data(reference, schema_text):
    schema = ws.Schema.from_json(schema_text)
    return schema, schema.read_csv((reference / "data.csv").read_text())


@pytest.mark.parametrize("kind", KINDS)
def test_rust_saved_pipeline_scores_bitwise_in_python(reference, data, kind):
    _, batch = data
    path = reference / f"{kind}.json"
    want_p, want_a = (bits(x) for x in _native._rust_score_csv(str(path), (reference / "data.csv").read_text()))
    assert batch.num_rows == len(want_p) == 1500
    pipeline = ws.Pipeline.load(str(path))
    assert pipeline.model_kind == kind
    # A record batch, a chunked pyarrow Table and pandas all give Rust's bits.
    chunked = pa.Table.from_batches([batch.slice(0, 700), batch.slice(700)])
    for table in (batch, chunked, batch.to_pandas()):
        np.testing.assert_array_equal(bits(pipeline.churn_probability(table)), want_p)
    proba = pipeline.predict_proba(batch)
    assert proba.shape == (1500, 2)
    np.testing.assert_array_equal(bits(proba[:, 1]), want_p)
    out = pipeline.assess(chunked)
    assert out.num_rows == 1500 and out.column("error").null_count == 1500
    np.testing.assert_array_equal(bits(out.column("churn_probability").to_numpy()), want_a)
    assert out.column("id").to_pylist() == batch.column("CUST_NO").to_pylist()


@pytest.mark.parametrize("kind", KINDS)
def test_python_fit_equals_rust_fit_and_loads_in_rust(reference, data, tmp_path, kind):
    schema, batch = data
    fitted = ws.Pipeline.fit(schema, batch, model=kind, **PARAMS[kind])
    rust_file = (reference / f"{kind}.json").read_text()
    assert fitted.fingerprint() == ws.Pipeline.from_json(rust_file).fingerprint()
    assert untimed(fitted.to_json()) == untimed(rust_file)
    # The reverse direction: Rust's FittedPipeline::load reads the file Python saved.
    saved = tmp_path / f"{kind}.json"
    fitted.save(str(saved))
    want_p, _ = _native._rust_score_csv(str(saved), (reference / "data.csv").read_text())
    np.testing.assert_array_equal(bits(fitted.churn_probability(batch)), bits(want_p))


def test_kinds_cover_every_model_the_rust_pipeline_fits(data):
    # The Rust ModelParams::from_name accepts exactly these; an unknown name lists them.
    assert KINDS == ["logistic", "forest", "boosted", "auto"]
    schema, batch = data
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.fit(schema, batch, model="svm")
    assert all(k in str(e.value) for k in KINDS)


def test_auto_reports_its_selection_and_the_card_records_a_test(reference, data, tmp_path):
    schema, batch = data
    p = ws.Pipeline.fit(schema, batch.slice(0, 1000), model="auto", **PARAMS["auto"])
    sel = p.selection
    assert sel is not None and "chose" in str(sel)
    names = {r["name"] for r in sel.data["results"]}
    assert {"logistic", "boosted small"} <= names
    card = p.card
    assert card.data["training_rows"] + len(p.skipped) == 1000 and card.data["test"] is None
    # The test metrics against closed forms on the same scores: ROC AUC as the
    # Mann-Whitney statistic, the churn rate as the label mean.
    test = batch.slice(1000)
    got = p.record_test(test).data["test"]
    prob = p.churn_probability(test)
    y = np.asarray(test.column("CHURN_FLG").to_pylist(), dtype=bool)
    pos, neg = prob[y], prob[~y]
    auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))
    assert got["rows"] == 500 and abs(got["churn_rate"] - y.mean()) < 1e-12
    assert abs(got["roc_auc"] - auc) < 1e-12
    # The recorded card travels in the file; the scores do not change.
    back = ws.Pipeline.from_json(p.to_json())
    assert back.card.data["test"] == got and back.fingerprint() == p.fingerprint()


def test_out_of_time_split_and_backtest(data, schema_text):
    schema, batch = data
    # The core-banking schema with a snapshot date (meaning `as_of`), months Jan-Jun 2026.
    spec = json.loads(schema_text)
    spec["columns"].append({"name": "SNAP_DT", "type": "date", "role": "info", "meaning": "as_of"})
    dated = ws.Schema.from_json(json.dumps(spec))
    n = batch.num_rows
    month_ends = np.array(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
                           "2026-06-30"], dtype="datetime64[D]")
    days = month_ends[np.arange(n) % 6]
    snap = pa.array(days, type=pa.date32()).to_pylist()
    snap[7] = None
    table = pa.Table.from_batches([batch]).append_column("SNAP_DT", pa.array(snap, type=pa.date32()))
    train, test, undated = ws.out_of_time(dated, table, "2026-03-31")
    idx = np.arange(n)
    dated_rows = idx != 7
    np.testing.assert_array_equal(train, idx[dated_rows & (days <= np.datetime64("2026-03-31"))])
    np.testing.assert_array_equal(test, idx[dated_rows & (days > np.datetime64("2026-03-31"))])
    np.testing.assert_array_equal(undated, [7])
    p = ws.Pipeline.fit(dated, table.take(train), model="logistic", **PARAMS["logistic"])
    bt = p.backtest(table.take(train), table.take(test))
    periods = bt.data["periods"]
    assert [r["period"] for r in periods] == [202604, 202605, 202606]
    for r in periods:
        tested = table.take(test)
        rows = tested.filter(pc.equal(pc.strftime(tested.column("SNAP_DT"), "%Y%m"), str(r["period"])))
        prob = p.churn_probability(rows)
        assert r["rows"] == rows.num_rows
        assert abs(r["mean_predicted"] - prob.mean()) < 1e-12
    assert "202605" in str(bt)
    with pytest.raises(ws.WealthscoreError):
        ws.out_of_time(schema, batch, "2026-03-31")  # no as_of column


def test_config_settings_fit_as_in_rust(reference, data):
    schema, batch = data
    p = ws.Pipeline.fit(schema, batch, model="logistic", config=CONFIG, **PARAMS["logistic"])
    rust_file = (reference / "configured.json").read_text()
    assert untimed(p.to_json()) == untimed(rust_file)
    assert p.config["risk"] == CONFIG["risk"] and p.config["model"]["kind"] == "logistic"
    # The levels follow the given cut-offs (inclusive lower bounds).
    out = p.assess(batch)
    prob = out.column("churn_probability").to_numpy()
    want = np.where(prob >= 0.3, "critical", np.where(prob >= 0.15, "high",
                    np.where(prob >= 0.05, "medium", "low")))
    assert out.column("risk_level").to_pylist() == want.tolist()
    assert len(set(want)) >= 3
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.fit(schema, batch, config={"risk": {"medium": 0.1}, "colour": "red"})
    assert e.value.field == "config"
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.fit(schema, batch, config={"model": {"kind": "forest"}})
    assert e.value.field == "config" and "model argument" in str(e.value)


@pytest.mark.parametrize("kind", KINDS)
def test_assess_columns_equals_assess(reference, data, kind):
    _, batch = data
    p = ws.Pipeline.load(str(reference / f"{kind}.json"))
    # A NaN balance in the second chunk: that row is an error in both, at its place.
    bal = batch.column("BAL_CUR").to_numpy(zero_copy_only=False).copy()
    bal[1100] = np.nan
    bad = batch.set_column(batch.schema.get_field_index("BAL_CUR"), "BAL_CUR", pa.array(bal))
    chunked = pa.Table.from_batches([bad.slice(0, 700), bad.slice(700)])
    text = p.assess(chunked)
    cols = p.assess_columns(chunked)
    assert cols.num_rows == text.num_rows == 1500
    np.testing.assert_array_equal(
        bits(cols.column("churn_probability").to_numpy(zero_copy_only=False)),
        bits(text.column("churn_probability").to_numpy(zero_copy_only=False)),
    )
    for name in ("risk_level", "top_reason_column", "best_action"):
        assert cols.column(name).cast(pa.string()).to_pylist() == text.column(name).to_pylist(), name
    for name in ("top_reason_contribution", "clv", "expected_value_lost", "error"):
        assert cols.column(name).to_pylist() == text.column(name).to_pylist(), name
    names = p.warning_names
    fired = [None if b is None else ", ".join(n for k, n in enumerate(names) if b >> k & 1)
             for b in cols.column("warnings").to_pylist()]
    assert fired == text.column("warnings").to_pylist()
    assert any(fired) and cols.column("error").null_count == 1499
    assert "BAL_CUR" in cols.column("error")[1100].as_py()


def test_from_json_round_trip_keeps_fingerprint(reference):
    text = (reference / "logistic.json").read_text()
    p = ws.Pipeline.from_json(text)
    assert ws.Pipeline.from_json(p.to_json()).fingerprint() == p.fingerprint()
    assert len(p.fingerprint()) >= 16
    assert "BAL_CUR" in p.schema.column_names


def test_assess_declares_its_columns(reference):
    p = ws.Pipeline.load(str(reference / "logistic.json"))
    names = [f.name for f in p.assessment_schema()]
    assert names[:2] == ["id", "churn_probability"] and names[-1] == "error"
    assert ws.spark.assessment_ddl(p).startswith("`id` STRING, `churn_probability` DOUBLE")


# ---- bad input raises WealthscoreError carrying the Rust message and field ----


def test_bad_schema_raises_with_message():
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Schema.from_json('{"columns": [{"name": "x", "type": "money"}]}')
    assert "money" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_bad_pipeline_file_raises():
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.from_json('{"format": "something else"}')
    assert e.value.kind in ("InvalidModel", "Parse", "InvalidInput", "InvalidConfig")


def test_unknown_model_and_parameter_name_the_field(data):
    schema, batch = data
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.fit(schema, batch, model="scorecard")
    assert e.value.field == "model" and "scorecard" in str(e.value)
    with pytest.raises(ws.WealthscoreError) as e:
        ws.Pipeline.fit(schema, batch, model="logistic", trees=3)
    assert e.value.field == "logistic parameter" and "l2" in str(e.value)


def test_missing_column_and_bad_cells(reference, data):
    _, batch = data
    p = ws.Pipeline.load(str(reference / "logistic.json"))
    with pytest.raises(ws.WealthscoreError) as e:
        p.churn_probability(batch.drop_columns(["AGE_YRS"]))
    assert "AGE_YRS" in str(e.value) and e.value.field == "record batch"
    # A NaN balance is that row's error; the other rows score as before.
    bal = batch.column("BAL_CUR").to_numpy(zero_copy_only=False).copy()
    bal[3] = np.nan
    bad = batch.set_column(batch.schema.get_field_index("BAL_CUR"), "BAL_CUR", pa.array(bal))
    with pytest.raises(ws.WealthscoreError) as e:
        p.churn_probability(bad)
    assert "row 3" in str(e.value) and "BAL_CUR" in str(e.value)
    lenient = p.churn_probability(bad, errors="nan")
    assert np.isnan(lenient[3]) and np.isfinite(np.delete(lenient, 3)).all()
    out = p.assess(bad)
    assert out.column("error").null_count == batch.num_rows - 1
    assert "BAL_CUR" in out.column("error")[3].as_py()
    with pytest.raises(TypeError):
        p.assess([[1, 2, 3]])


# ---- notebook functions, against closed forms ----


def test_ahp_weights_of_a_consistent_matrix_are_its_ratios():
    # A matrix built from weights w (a_ij = w_i / w_j) is consistent: its eigenvector is w
    # and lambda_max = n (Saaty 1980).
    w = np.array([0.5, 0.3, 0.2])
    m = w[:, None] / w[None, :]
    for method in ("eigenvector", "geometric_mean", "column_mean"):
        r = ws.ahp_weights(m, method=method)
        np.testing.assert_allclose(r.weights, w, rtol=1e-12)
        assert abs(r.lambda_max - 3.0) < 1e-9 and r.acceptable
    with pytest.raises(ws.WealthscoreError):
        ws.ahp_weights([[1, 3], [3, 1]])  # not reciprocal
    with pytest.raises(ws.WealthscoreError) as e:
        ws.ahp_weights(m, method="median")
    assert e.value.field == "method"


def test_fce_weighted_average_is_the_matrix_product():
    a = np.array([0.5, 0.3, 0.2])
    r = np.array([[0.2, 0.5, 0.3, 0.0, 0.0], [0.1, 0.3, 0.4, 0.2, 0.0], [0.0, 0.2, 0.3, 0.3, 0.2]])
    grades = [("a", 100.0), ("b", 80.0), ("c", 60.0), ("d", 40.0), ("e", 20.0)]
    res = ws.fce(a, r, grades=grades)
    b = a @ r  # M(.,+): B = A R, already summing to 1
    np.testing.assert_allclose(res.b, b, rtol=1e-12)
    assert res.grade == int(np.argmax(b)) and res.grade_name == "b"
    assert abs(res.score - float(b @ np.array([100, 80, 60, 40, 20.0]))) < 1e-9
    mm = ws.fce(a, r, operator="min_max", grades=grades)
    raw = np.max(np.minimum(a[:, None], r), axis=0)  # Zadeh's max-min
    np.testing.assert_allclose(mm.raw, raw, rtol=1e-12)
    with pytest.raises(ws.WealthscoreError):
        ws.fce(a, r * 2.0)  # rows must sum to 1 under "require"


def test_bgnbd_probability_alive_matches_closed_form():
    # P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    # (Fader, Hardie & Lee 2005, eq. 10), with their CDNOW parameters.
    r_, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    m = ws.BgNbd(r_, alpha, a, b)
    x = np.array([0.0, 1.0, 2.0, 7.0, 3.0])
    tx = np.array([0.0, 30.43, 5.0, 35.0, 10.0])
    T = np.array([38.86, 38.86, 39.0, 38.0, 30.0])
    want = 1.0 / (1.0 + (x > 0) * a / (b + np.maximum(x, 1.0) - 1.0) * ((alpha + T) / (alpha + tx)) ** (r_ + x))
    np.testing.assert_allclose(m.probability_alive(x, tx, T), want, rtol=1e-10)
    with pytest.raises(ws.WealthscoreError) as e:
        m.probability_alive([1.0], [50.0], [38.0])  # recency above age
    assert "client 0" in str(e.value)


def test_bgnbd_fit_recovers_simulated_parameters():
    # Clients drawn from the BG/NBD process itself with known parameters; the fit must
    # land near them (maximum likelihood is consistent).
    rng = np.random.default_rng(3)
    r_, alpha, a, b = 0.5, 5.0, 0.6, 3.0
    n, T = 20000, 40.0
    lam = rng.gamma(r_, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    tx = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1.0 / lam[i])
            if t > T:
                break
            x[i] += 1
            tx[i] = t
            if rng.random() < p[i]:
                break
    fit = ws.BgNbd.fit(x, tx, np.full(n, T))
    got = fit.params
    assert abs(got["r"] - r_) / r_ < 0.15 and abs(got["alpha"] - alpha) / alpha < 0.2
    assert abs(got["a"] - a) / a < 0.25 and abs(got["b"] - b) / b < 0.35
    assert fit.fit_report is not None


def test_asset_tiers_follow_the_default_thresholds():
    # Default policy: mass below 500,000; high net worth from 5,000,000 (TieringPolicy).
    assert ws.asset_tiers([0, 499_999, 500_000, 4_999_999, 5_000_000]) == [
        "mass", "mass", "mid_net_worth", "mid_net_worth", "high_net_worth"
    ]
    with pytest.raises(ws.WealthscoreError) as e:
        ws.asset_tiers([1.0, -5.0])
    assert "aum[1]" in str(e.value)
