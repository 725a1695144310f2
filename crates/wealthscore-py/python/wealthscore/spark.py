"""Scoring Spark DataFrames with a pipeline file.

Each Spark task builds the pipeline once from the file's JSON text, checks its
fingerprint against the one computed on the driver (so every executor scores with the
same model), and assesses the task's Arrow batches in Rust. No Python row loop runs.

>>> from wealthscore import spark as wss                        # doctest: +SKIP
>>> scored = wss.assess(df, open("pipeline.json").read())       # doctest: +SKIP
>>> scored.select("id", "churn_probability", "best_action")     # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterator, List

import pyarrow as pa

from . import Pipeline, WealthscoreError

__all__ = ["assess", "assessment_ddl", "churn_probability_udf"]

_SPARK_TYPES = {
    pa.string(): "STRING",
    pa.large_string(): "STRING",
    pa.float64(): "DOUBLE",
}


def assessment_ddl(pipeline: Pipeline) -> str:
    """The Spark DDL schema of :func:`assess`'s output (``id STRING, churn_probability
    DOUBLE, ...``), from the pipeline's Arrow output schema."""
    parts: List[str] = []
    for f in pipeline.assessment_schema():
        t = _SPARK_TYPES.get(f.type)
        if t is None:
            raise WealthscoreError(f"assessment column `{f.name}` has Arrow type {f.type}, unknown to Spark")
        parts.append(f"`{f.name}` {t}")
    return ", ".join(parts)


def _load_checked(pipeline_json: str, fingerprint: str) -> Pipeline:
    p = Pipeline.from_json(pipeline_json)
    if p.fingerprint() != fingerprint:
        err = WealthscoreError(
            f"the pipeline built on this executor has fingerprint {p.fingerprint()}, "
            f"the driver's has {fingerprint}; executors must run the same wealthscore version"
        )
        err.kind = "InvalidModel"
        err.field = "fingerprint"
        raise err
    return p


def assess(df: Any, pipeline_json: str) -> Any:
    """Assesses every row of a Spark DataFrame with ``mapInArrow``.

    ``df`` holds the schema's columns under their names (extra columns are ignored);
    ``pipeline_json`` is the pipeline file's text. Returns a DataFrame with one row per
    input row and the columns of :meth:`wealthscore.Pipeline.assess`, declared up front
    (:func:`assessment_ddl`). Rows that cannot be assessed carry their message in
    ``error``. Raises :class:`WealthscoreError` on the driver if the JSON is not a valid
    pipeline, and in a task if the executor's pipeline has another fingerprint.
    """
    driver = Pipeline.from_json(pipeline_json)
    fingerprint = driver.fingerprint()
    ddl = assessment_ddl(driver)
    names = [f.name for f in driver.assessment_schema()]

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pipeline = _load_checked(pipeline_json, fingerprint)
        for batch in batches:
            out = pipeline.assess(batch)
            for b in out.to_batches():
                yield b.select(names)

    return df.mapInArrow(score, ddl)


def churn_probability_udf(pipeline_json: str, columns: List[str]) -> Any:
    """An Arrow UDF (``pyspark.sql.functions.arrow_udf``, Spark 4.1 and later) giving
    the churn probability of each row from the named ``columns``, e.g.
    ``df.withColumn("p", udf(*columns))``. Rows that cannot be scored are null.

    Raises ``RuntimeError`` if this Spark has no Arrow UDFs.
    """
    try:
        from pyspark.sql.functions import arrow_udf
    except ImportError as e:  # Spark before 4.1
        raise RuntimeError("this Spark version has no arrow_udf; use wealthscore.spark.assess") from e
    fingerprint = Pipeline.from_json(pipeline_json).fingerprint()
    state: dict = {}

    @arrow_udf("double")  # type: ignore[misc]
    def churn_probability(*arrays: pa.Array) -> pa.Array:
        p = state.get("p")
        if p is None:
            p = state["p"] = _load_checked(pipeline_json, fingerprint)
        batch = pa.RecordBatch.from_arrays(list(arrays), names=columns)
        probs = p.churn_probability(batch, errors="nan")
        return pa.array(probs, type=pa.float64(), from_pandas=True)

    return churn_probability
