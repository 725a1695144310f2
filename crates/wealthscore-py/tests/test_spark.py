"""Spark in local mode scores 200,000 rows through `wealthscore.spark.assess`, equal to
the Rust batch (`Pipeline.assess` on the same Arrow data).

Skips, saying why, when PySpark or Java is missing, unless WEALTHSCORE_REQUIRE_SPARK=1
(set by `.ci/run` once both are installed) turns that into a failure.
"""

import os
import shutil
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import wealthscore as ws
import wealthscore.spark

ROWS = 200_000


def _spark_or_skip():
    missing = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "pyspark is not installed"
    if missing is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = "java is not installed"
    if missing:
        if os.environ.get("WEALTHSCORE_REQUIRE_SPARK") == "1":
            pytest.fail(f"Spark test required but {missing}")
        print(f"skipped: {missing}")
        pytest.skip(missing)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master("local[2]")
        .appName("wealthscore-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def spark():
    s = _spark_or_skip()
    yield s
    s.stop()


def test_spark_assess_equals_the_rust_batch(spark, schema_text):
    schema = ws.Schema.from_json(schema_text)
    batch = ws.synth_core_banking(schema, ROWS, seed=21)
    pipeline = ws.Pipeline.fit(schema, batch.slice(0, 20_000), model="logistic")
    want = pipeline.assess(batch)
    # Spark has no dictionary type: categories travel as strings.
    table = pa.Table.from_batches([batch])
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.string()))
    df = spark.createDataFrame(table).repartition(4)
    got = ws.spark.assess(df, pipeline.to_json()).toArrow()
    assert got.num_rows == ROWS
    want = want.sort_by("id")
    got = got.sort_by("id")
    assert got.column_names == want.column_names
    p_want = want.column("churn_probability").to_numpy().view(np.uint64)
    p_got = got.column("churn_probability").to_numpy().view(np.uint64)
    np.testing.assert_array_equal(p_got, p_want)
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


def test_spark_refuses_a_bad_pipeline_on_the_driver(spark):
    df = spark.createDataFrame(pa.table({"x": [1.0]}))
    with pytest.raises(ws.WealthscoreError):
        ws.spark.assess(df, '{"not": "a pipeline"}')


def test_arrow_udf_gives_the_rust_probabilities(spark, schema_text):
    from pyspark.sql import functions

    if not hasattr(functions, "arrow_udf"):
        print("skipped: this Spark has no arrow_udf")
        pytest.skip("this Spark has no arrow_udf")
    schema = ws.Schema.from_json(schema_text)
    batch = ws.synth_core_banking(schema, 5_000, seed=22)
    pipeline = ws.Pipeline.fit(schema, batch, model="forest", n_trees=8, max_depth=5)
    table = pa.Table.from_batches([batch])
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.string()))
    columns = [c for c in table.column_names if c != "CHURN_FLG"]
    udf = ws.spark.churn_probability_udf(pipeline.to_json(), columns)
    df = spark.createDataFrame(table).repartition(3)
    got = df.select("CUST_NO", udf(*columns).alias("p")).toArrow().sort_by("CUST_NO")
    want = pa.table({"CUST_NO": batch.column("CUST_NO"), "p": pipeline.churn_probability(batch)}).sort_by("CUST_NO")
    np.testing.assert_array_equal(
        got.column("p").to_numpy().view(np.uint64), want.column("p").to_numpy().view(np.uint64)
    )
