"""Throughput of the Python package against the Rust rate, and of Spark local mode
against a pandas UDF computing the same logistic probability.

    python crates/wealthscore-py/bench/bench_python.py [--rows 1000000] [--spark | --spark-only]

1. `Pipeline.assess` on a pyarrow Table of ROWS rows of the synthetic core-banking export
   (examples/schemas/core_banking.json, 35 features), next to the Rust
   `assess_record_batch` alone on the same Arrow batches in the same process (GIL
   released, no Python conversions): the ratio is the cost of the binding.
2. With --spark, Spark `local[2]`: `wealthscore.spark.assess` (mapInArrow, the full
   assessment) and a pandas UDF computing only the logistic probability with numpy, on a
   numeric-feature schema so that the UDF can reproduce the model exactly from the
   pipeline file's coefficients. Both write to Spark's `noop` sink.
"""

import argparse
import json
import os
import pathlib
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import wealthscore as ws
import wealthscore.spark

ROOT = pathlib.Path(__file__).resolve().parents[3]

# A schema of numeric features without transforms, so a pandas UDF can compute the same
# logistic probability from the pipeline file alone.
NUMERIC_SCHEMA = {
    "name": "numeric_bench",
    "columns": [
        {"name": "CUST_NO", "type": "text", "role": "id"},
        {"name": "CHURN_FLG", "type": "boolean", "role": "label"},
        *[
            {"name": c, "type": "number", "cause": "relationship"}
            for c in ["AGE_YRS", "BAL_CUR", "TXN_3M", "TXN_PRV6M", "TRF_OUT_CNT", "IDLE_DAYS", "CMPL_CNT", "DIG_SHR", "PROD_CNT"]
        ],
    ],
}


def best_of(n, f):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def python_vs_rust(rows: int) -> None:
    schema = ws.Schema.from_path(str(ROOT / "examples/schemas/core_banking.json"))
    batch = ws.synth_core_banking(schema, rows, seed=3)
    table = pa.Table.from_batches([batch])
    pipeline = ws.Pipeline.fit(schema, batch.slice(0, min(rows, 100_000)))
    py = best_of(3, lambda: pipeline.assess(table))
    rust = min(pipeline._p.time_rust_assess(table) for _ in range(3))
    print(f"assess {rows} rows, pyarrow Table in, pyarrow Table out: "
          f"Python {rows / py / 1e6:.3f} M rows/s, Rust {rows / rust / 1e6:.3f} M rows/s, "
          f"ratio {py / rust:.3f}x (best of 3)")


def spark_local(rows: int) -> None:
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import pandas_udf

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    spark = (
        SparkSession.builder.master("local[2]").appName("wealthscore-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    schema = ws.Schema.from_json(json.dumps(NUMERIC_SCHEMA))
    batch = ws.synth_core_banking(schema, rows, seed=4)
    pipeline = ws.Pipeline.fit(schema, batch.slice(0, min(rows, 100_000)))
    text = pipeline.to_json()
    m = json.loads(text)["pipeline"]["model"]["model"]
    names = m["schema"]["names"]
    mean = np.array(m["standardiser"]["mean"])
    scale = np.array(m["standardiser"]["scale"])
    coef = np.array(m["coefficients"])
    intercept = m["intercept"]

    table = pa.Table.from_batches([batch])
    df = spark.createDataFrame(table).repartition(2).cache()
    df.count()

    @pandas_udf("double")
    def logistic(*cols):
        import pandas as pd
        x = np.column_stack([c.to_numpy(dtype=np.float64) for c in cols])
        z = intercept + ((x - mean) / scale) @ coef
        return pd.Series(1.0 / (1.0 + np.exp(-z)))

    # The UDF must compute the model's probability (checked on a sample).
    sample = df.limit(1000).toPandas()
    udf_p = df.limit(1000).select(logistic(*names).alias("p")).toPandas()["p"].to_numpy()
    ws_p = pipeline.churn_probability(sample)
    assert np.allclose(udf_p, ws_p, rtol=1e-12, atol=0), "the pandas UDF must match the model"

    t_ws = best_of(2, lambda: ws.spark.assess(df, text).write.format("noop").mode("overwrite").save())
    t_udf = best_of(2, lambda: df.select(logistic(*names)).write.format("noop").mode("overwrite").save())
    print(f"Spark local[2], {rows} rows: wealthscore.spark.assess (full assessment) "
          f"{rows / t_ws / 1e6:.3f} M rows/s; pandas UDF (logistic probability only) "
          f"{rows / t_udf / 1e6:.3f} M rows/s (best of 2)")
    spark.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--spark", action="store_true", help="also Spark local[2]")
    ap.add_argument("--spark-only", action="store_true", help="only Spark local[2]")
    a = ap.parse_args()
    if not a.spark_only:
        python_vs_rust(a.rows)
    if a.spark or a.spark_only:
        spark_local(a.rows)


if __name__ == "__main__":
    main()
