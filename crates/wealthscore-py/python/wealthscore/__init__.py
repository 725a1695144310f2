"""Client churn for wealth management and retail banking, from Python.

The same fitted pipeline file scores in Rust, in Python and on Spark: fit in a
notebook, save with :meth:`Pipeline.to_json`, load it in a Rust service or score a
Spark DataFrame with :func:`wealthscore.spark.assess`.

Tables go in as a ``pyarrow.Table`` or ``RecordBatch`` (any object with the Arrow
PyCapsule interface, zero-copy for ``float64`` and ``date32`` columns) or a pandas
``DataFrame`` (converted through Arrow). Errors are :class:`WealthscoreError`, a
``ValueError`` carrying the Rust message, the error ``kind`` and the ``field`` at fault.

>>> import wealthscore as ws
>>> schema = ws.Schema.from_json('''{"columns": [
...     {"name": "churned", "type": "boolean", "role": "label"},
...     {"name": "calls", "type": "number", "cause": "service"}]}''')
>>> import pyarrow as pa
>>> train = pa.table({"churned": [True, False, True, False, True, False],
...                   "calls": [5.0, 1.0, 4.0, 0.0, 6.0, 2.0]})
>>> pipeline = ws.Pipeline.fit(schema, train, model="logistic", l2=1.0)
>>> p = pipeline.churn_probability(pa.table({"calls": [7.0, 0.5]}))
>>> bool(p[0] > p[1])
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pyarrow as pa

from . import _native
from ._native import WealthscoreError

__all__ = [
    "WealthscoreError",
    "Schema",
    "Pipeline",
    "Report",
    "out_of_time",
    "AhpWeights",
    "ahp_weights",
    "FceResult",
    "fce",
    "asset_tiers",
    "BgNbd",
    "synth_core_banking",
    "synth_core_banking_csv",
]

__version__ = "0.2.0"

TableLike = Any
"""A ``pyarrow.Table``, ``pyarrow.RecordBatch``, pandas ``DataFrame`` or any object with
``__arrow_c_stream__`` / ``__arrow_c_array__``."""


def _to_arrow(table: TableLike) -> Any:
    """The input as an Arrow object the native module reads."""
    if isinstance(table, (pa.Table, pa.RecordBatch)):
        return table
    if hasattr(table, "__arrow_c_stream__") or hasattr(table, "__arrow_c_array__"):
        return table
    try:
        import pandas as pd
    except ImportError:  # pandas is optional
        pd = None
    if pd is not None and isinstance(table, pd.DataFrame):
        return pa.Table.from_pandas(table, preserve_index=False)
    raise TypeError(
        f"expected a pyarrow Table or RecordBatch or a pandas DataFrame, got {type(table).__name__}"
    )


class Schema:
    """The columns of a bank's data: types, roles (id, label, feature, info),
    missing-value policies, transforms, derived columns and warnings.

    The reference of every field is ``docs/schema.md`` in the repository.
    """

    __slots__ = ("_s",)

    def __init__(self, native: "_native.Schema") -> None:
        self._s = native

    @classmethod
    def from_json(cls, text: str) -> "Schema":
        """Reads and validates a schema from JSON text.

        Raises :class:`WealthscoreError` naming the key or column at fault.
        """
        return cls(_native.Schema.from_json(text))

    @classmethod
    def from_path(cls, path: str) -> "Schema":
        """Reads a schema file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def to_json(self) -> str:
        """The schema as JSON text."""
        return self._s.to_json()

    def hash(self) -> str:
        """The schema's content hash, as recorded in a pipeline file."""
        return self._s.hash()

    @property
    def column_names(self) -> List[str]:
        """Names of the declared columns, in order."""
        return self._s.column_names

    def read_csv(self, text: str) -> pa.RecordBatch:
        """Reads CSV text with this schema's types, exactly as the Rust reader does.

        Numbers become ``float64``, booleans ``bool``, categories
        ``dictionary<uint32, string>``, dates ``date32``; missing cells are nulls.
        Raises :class:`WealthscoreError` if the header lacks a column of the schema.
        """
        return self._s.read_csv(text)

    def __repr__(self) -> str:
        return repr(self._s)


@dataclass(frozen=True)
class Report:
    """A result the Rust side reports both as data and as text (a model selection, a
    model card, a backtest): ``data`` is its JSON form as a dict, ``str(report)`` the
    text."""

    data: Dict[str, Any]
    text: str

    def __str__(self) -> str:
        return self.text


def _report(pair: Optional[Tuple[str, str]]) -> Optional[Report]:
    return None if pair is None else Report(json.loads(pair[0]), pair[1])


class Pipeline:
    """A fitted pipeline: the schema's learnt statistics, the churn model, risk
    cut-offs and retention actions, in one JSON file that Rust, Python and Spark load.

    Build one with :meth:`fit` or :meth:`from_json`.
    """

    __slots__ = ("_p",)

    def __init__(self, native: "_native.Pipeline") -> None:
        self._p = native

    @classmethod
    def fit(
        cls,
        schema: Schema,
        table: TableLike,
        model: str = "logistic",
        *,
        config: Optional[Dict[str, Any]] = None,
        **params: Any,
    ) -> "Pipeline":
        """Fits the schema's statistics and a model on a labelled table.

        ``model`` is ``"logistic"``, ``"forest"``, ``"boosted"`` (gradient-boosted
        trees) or ``"auto"`` (chosen by seeded k-fold cross-validation over model kinds,
        settings and blends on the training rows, then calibrated; see
        :attr:`selection`); keyword ``params`` override that model's settings:

        - logistic: ``l2``, ``max_iterations``, ``tolerance``;
        - forest: ``n_trees``, ``max_depth``, ``min_samples_leaf``, ``max_features``,
          ``max_bins``, ``bootstrap``, ``seed``;
        - boosted: ``n_trees``, ``learning_rate``, ``max_depth``, ``max_leaves``,
          ``min_samples_leaf``, ``min_hessian_leaf``, ``l2``, ``row_subsample``,
          ``col_subsample``, ``max_bins``, ``monotone`` (one of ``"none"``,
          ``"increasing"``, ``"decreasing"`` per feature, in :attr:`feature_names`
          order, or ``[]``), ``early_stopping`` (``None`` or
          ``{"validation_share": 0.1, "patience": 10}``), ``seed``;
        - auto: ``folds``, ``seed``, ``blend``, ``calibrate``, ``candidates`` (a list of
          ``{"name": ..., "spec": {"kind": ..., "params": {...}}}``, logistic, forest or
          boosted).

        Monotone constraints may also come from the schema's ``monotone`` keys.

        ``config`` holds the pipeline's other settings, as the Rust ``PipelineConfig``
        names them: ``risk`` (``{"medium", "high", "critical"}`` probability
        cut-offs), ``actions`` (the retention action catalogue) and ``tiering`` (asset
        tier thresholds); omitted keys keep their defaults. :attr:`config` shows them all.

        Rows that cannot be used (no label, a bad cell) are left out and listed in
        :attr:`skipped`. Raises :class:`WealthscoreError` naming an unknown model,
        parameter or configuration key.
        """
        cfg = None if config is None else json.dumps(config)
        return cls(_native.Pipeline.fit(schema._s, _to_arrow(table), model, cfg, **params))

    def churn_probability(self, table: TableLike, errors: str = "raise") -> np.ndarray:
        """Churn probability of every row, a ``float64`` array, bitwise equal to Rust's.

        ``errors="raise"`` (default) raises :class:`WealthscoreError` with the first
        bad row's message if any row cannot be scored; ``errors="nan"`` gives NaN there.
        The rows are scored one Arrow chunk at a time: in a chunked table, the row a
        Rust message names counts from the start of its chunk.
        """
        if errors not in ("raise", "nan"):
            raise ValueError(f"errors must be 'raise' or 'nan', not {errors!r}")
        p, bad = self._p.predict_churn(_to_arrow(table))
        if bad and errors == "raise":
            row, message = bad[0]
            err = WealthscoreError(
                f"{len(bad)} row(s) could not be scored; row {row}: {message}"
            )
            err.kind = "InvalidInput"
            err.field = f"row {row}"
            raise err
        return p

    def predict_proba(self, table: TableLike, errors: str = "raise") -> np.ndarray:
        """Probabilities as scikit-learn returns them: shape ``(n, 2)``, column 0 the
        probability of staying, column 1 of churning (:meth:`churn_probability`)."""
        p = self.churn_probability(table, errors=errors)
        return np.column_stack([1.0 - p, p])

    def assess(self, table: TableLike) -> pa.Table:
        """The assessment of every row, in order, as a ``pyarrow.Table``.

        Columns: ``id``, ``churn_probability``, ``risk_level``, ``warnings``,
        ``top_reason``, ``top_reason_column``, ``top_reason_contribution``, ``clv``,
        ``expected_value_lost``, ``best_action`` and ``error`` (null where the row was
        assessed, else the message, the other cells then null).
        """
        return self._p.assess(_to_arrow(table))

    def assess_columns(self, table: TableLike) -> pa.Table:
        """The columnar assessment of every row, in order (the Rust
        ``FittedPipeline::assess_columns``): the numbers of :meth:`assess` without its
        per-row text, several times faster on large tables.

        Columns: ``churn_probability``; ``risk_level``, ``top_reason_column`` and
        ``best_action`` dictionary-encoded; ``warnings`` as bits (bit ``k`` is rule
        ``warning_names[k]``); ``top_reason_contribution``, ``clv``,
        ``expected_value_lost``; ``error`` (null where the row was assessed, else the
        message, the other cells then null). Each value equals :meth:`assess`'s.
        """
        return self._p.assess_columns(_to_arrow(table))

    @property
    def warning_names(self) -> List[str]:
        """Names of the schema's warning rules, in the order of the bits of
        :meth:`assess_columns`' ``warnings``."""
        return self._p.warning_names

    def assessment_schema(self) -> pa.Schema:
        """The Arrow schema of :meth:`assess`'s output."""
        return self._p.assessment_schema()

    def to_json(self) -> str:
        """The pipeline file's JSON text (what the Rust ``FittedPipeline::save`` writes)."""
        return self._p.to_json()

    @classmethod
    def from_json(cls, text: str) -> "Pipeline":
        """Loads a pipeline file's JSON text, checking format, version and content."""
        return cls(_native.Pipeline.from_json(text))

    def save(self, path: str) -> None:
        """Writes the pipeline file."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: str) -> "Pipeline":
        """Reads a pipeline file saved by Rust or Python."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def fingerprint(self) -> str:
        """Hash of the fitted content: equal fingerprints score identically."""
        return self._p.fingerprint()

    @property
    def schema(self) -> Schema:
        """The schema the pipeline was fitted with."""
        return Schema(self._p.schema)

    @property
    def model_kind(self) -> str:
        """``"logistic"``, ``"forest"``, ``"boosted"`` or ``"auto"``."""
        return self._p.model_kind

    @property
    def selection(self) -> Optional[Report]:
        """With ``model="auto"``: every candidate's cross-validated ROC AUC, the winner
        and the calibration chosen (None for other models and after loading a file)."""
        return _report(self._p.selection)

    @property
    def card(self) -> Optional[Report]:
        """The model card: crate version, schema hash, training rows, period and label
        rate, parameters, SHA-256 of the model, fitting time, and the test metrics once
        :meth:`record_test` ran (None for a file written before cards)."""
        return _report(self._p.card)

    def record_test(self, table: TableLike) -> Report:
        """Scores a labelled test table once and records its metrics (and, for a
        calibrated model, the ECE before and after) in the model card, which
        :meth:`to_json` then saves; returns the card. Unscorable or unlabelled rows are
        left out."""
        self._p = self._p.with_test(_to_arrow(table))
        card = self.card
        assert card is not None
        return card

    def backtest(self, train: TableLike, test: TableLike) -> Report:
        """Out-of-time figures of this pipeline (fitted on ``train``) scoring ``test``,
        by calendar month of the schema's ``as_of`` column: ROC AUC, top-decile lift,
        ECE and the PSI of the month's scores against the training scores. See
        :func:`out_of_time` for the split."""
        return _report(self._p.backtest(_to_arrow(train), _to_arrow(test)))

    @property
    def config(self) -> Dict[str, Any]:
        """The settings fitted with: ``model`` (``kind`` and ``params``), ``risk``,
        ``actions`` and ``tiering``."""
        return json.loads(self._p.config)

    @property
    def feature_names(self) -> List[str]:
        """The model's feature names, in order."""
        return self._p.feature_names

    @property
    def skipped(self) -> List[Tuple[int, str]]:
        """``(row, message)`` of the training rows the fit left out (empty after loading)."""
        return self._p.skipped

    def __repr__(self) -> str:
        return repr(self._p)


def out_of_time(schema: Schema, table: TableLike, cutoff: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices ``(train, test, undated)`` of an out-of-time split by the schema's
    ``as_of`` date column: rows dated on or before ``cutoff`` (``"YYYY-MM-DD"``) train,
    later rows test, rows without a date in neither. Raises :class:`WealthscoreError`
    if the schema has no ``as_of`` column or the cut-off is not a date."""
    train, test, undated = _native.out_of_time(schema._s, _to_arrow(table), cutoff)
    return tuple(np.asarray(x, dtype=np.int64) for x in (train, test, undated))  # type: ignore[return-value]


@dataclass(frozen=True)
class AhpWeights:
    """Weights and Saaty consistency of a pairwise comparison matrix."""

    weights: np.ndarray
    """Positive weights summing to 1, in the matrix's item order."""
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    threshold: float
    acceptable: bool
    """Whether the consistency ratio is at most the threshold (0.10)."""
    method: str


def ahp_weights(matrix: Any, method: str = "eigenvector") -> AhpWeights:
    """AHP weights of a reciprocal pairwise comparison matrix (Saaty's 1-9 scale).

    ``method``: ``"eigenvector"`` (Saaty), ``"geometric_mean"`` or ``"column_mean"``.

    >>> w = ahp_weights([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]])
    >>> [round(x, 3) for x in w.weights]
    [0.648, 0.23, 0.122]
    """
    m = np.ascontiguousarray(matrix, dtype=np.float64)
    d = json.loads(_native.ahp_priorities(m, method))
    return AhpWeights(
        weights=np.asarray(d["weights"], dtype=np.float64),
        lambda_max=d["lambda_max"],
        consistency_index=d["consistency_index"],
        random_index=d["random_index"],
        consistency_ratio=d["consistency_ratio"],
        threshold=d["threshold"],
        acceptable=d["acceptable"],
        method=d["method"],
    )


@dataclass(frozen=True)
class FceResult:
    """A fuzzy comprehensive evaluation ``B = A ∘ R`` read against the grades."""

    raw: np.ndarray
    """B as composed, before normalising."""
    b: np.ndarray
    """B normalised to sum to 1."""
    grade: int
    """Index of the maximum-membership grade."""
    grade_name: Optional[str]
    score: float
    """Weighted-average score of the grades."""
    effectiveness: float
    """Effectiveness index of the maximum-membership principle."""


def fce(
    weights: Any,
    membership: Any,
    operator: str = "weighted_average",
    normalisation: str = "require",
    grades: Optional[Sequence[Tuple[str, float]]] = None,
) -> FceResult:
    """Fuzzy comprehensive evaluation of factor ``weights`` (length m) on a membership
    matrix R (m factors × k grades).

    ``operator``: ``"weighted_average"`` M(·,⊕), ``"min_max"`` M(∧,∨),
    ``"product_max"`` M(·,∨) or ``"min_bounded_sum"`` M(∧,⊕). ``normalisation`` of R's
    rows: ``"require"`` (rows must sum to 1), ``"row_sum"`` or ``"keep"``. ``grades``
    are ``(name, score)`` pairs, best first; by default the five satisfaction grades.

    >>> r = fce([0.7, 0.3], [[0.3, 0.4, 0.2, 0.1, 0.0], [0.1, 0.2, 0.4, 0.2, 0.1]])
    >>> r.grade_name, round(r.score, 1)
    ('satisfied', 81.3)
    """
    w = np.ascontiguousarray(weights, dtype=np.float64)
    r = np.ascontiguousarray(membership, dtype=np.float64)
    g = None if grades is None else [(str(n), float(s)) for n, s in grades]
    d = json.loads(_native.fce(w, r, operator, normalisation, g))
    return FceResult(
        raw=np.asarray(d["raw"], dtype=np.float64),
        b=np.asarray(d["b"], dtype=np.float64),
        grade=d["grade"],
        grade_name=d["grade_name"],
        score=d["score"],
        effectiveness=d["effectiveness"],
    )


def asset_tiers(aum: Any, policy: Optional[Dict[str, Any]] = None) -> List[str]:
    """Asset tier of each AUM value: ``"mass"``, ``"mid_net_worth"`` or
    ``"high_net_worth"``, under the default tiering policy or ``policy`` (the JSON
    fields of the Rust ``TieringPolicy``).

    >>> asset_tiers([100_000, 600_000, 6_000_000])
    ['mass', 'mid_net_worth', 'high_net_worth']
    """
    a = np.ascontiguousarray(aum, dtype=np.float64)
    return _native.asset_tiers(a, None if policy is None else json.dumps(policy))


class BgNbd:
    """The BG/NBD model of repeat transactions (Fader, Hardie & Lee 2005), as in the
    ``lifetimes`` package: fit on per-client frequency, recency and age ``T`` (all in
    the same time unit), then P(alive) and expected transactions.
    """

    __slots__ = ("_m",)

    def __init__(self, r: float, alpha: float, a: float, b: float) -> None:
        self._m = _native.BgNbd(r, alpha, a, b)

    @classmethod
    def fit(
        cls,
        frequency: Any,
        recency: Any,
        T: Any,
        weights: Optional[Any] = None,
        max_iterations: int = 500,
        gradient_tolerance: float = 1e-7,
    ) -> "BgNbd":
        """Maximum-likelihood fit. Raises :class:`WealthscoreError` naming the client
        with an impossible summary (e.g. recency above T)."""
        f, r, t = (np.ascontiguousarray(x, dtype=np.float64) for x in (frequency, recency, T))
        w = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
        self = cls.__new__(cls)
        self._m = _native.BgNbd.fit(f, r, t, w, max_iterations, gradient_tolerance)
        return self

    @property
    def params(self) -> Dict[str, float]:
        """``{"r", "alpha", "a", "b"}``."""
        r, alpha, a, b = self._m.params
        return {"r": r, "alpha": alpha, "a": a, "b": b}

    @property
    def fit_report(self) -> Optional[Dict[str, Any]]:
        """How the optimiser ended (None for a model built from parameters)."""
        rep = self._m.fit_report
        return None if rep is None else json.loads(rep)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive) of each client."""
        f, r, t = (np.ascontiguousarray(x, dtype=np.float64) for x in (frequency, recency, T))
        return self._m.probability_alive(f, r, t)

    def conditional_expected_transactions(
        self, t: float, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """Expected transactions of each client in the next ``t`` periods."""
        f, r, tt = (np.ascontiguousarray(x, dtype=np.float64) for x in (frequency, recency, T))
        return self._m.conditional_expected_transactions(float(t), f, r, tt)

    def __repr__(self) -> str:
        return repr(self._m)


def synth_core_banking_csv(clients: int, seed: int = 42) -> str:
    """CSV text of a synthetic core-banking export of ``clients`` rows, with the columns
    of ``examples/schemas/core_banking.json`` in the repository."""
    return _native.synth_core_banking_csv(clients, seed)


def synth_core_banking(schema: Schema, clients: int, seed: int = 42) -> pa.RecordBatch:
    """A synthetic core-banking export of ``clients`` rows read with ``schema`` (the
    Rust CSV reader), for trying things out and for benchmarks."""
    return schema.read_csv(synth_core_banking_csv(clients, seed))
