"""Throughput of the Python package against the Rust rate, and of Spark local mode
against a pandas UDF computing the same logistic probability.

    python crates/wealthscore-py/bench/bench_python.py [--rows 1000000] [--spark | --spark-only]

1. On a pyarrow Table of ROWS rows of the synthetic core-banking export
   (examples/schemas/core_banking.json, 35 features, logistic), in one process, rounds
   interleaved, best of 3 each:
   - `Pipeline.assess_columns` (numbers and dictionary-coded names) next to the Rust
     columnar rate: `Table::from_record_batch` + `FittedPipeline::assess_columns` on the
     same Arrow batches (GIL released, no Python objects);
   - `Pipeline.assess` (the full Arrow output with per-row text) next to the Rust
     `assess_record_batch` on the same batches, which builds that same output.
   The ratios are the cost of the binding.
2. With --spark, Spark `local[2]`: `wealthscore.spark.assess` (mapInArrow, the full
   assessment), `wealthscore.spark.churn_probability_udf` (an Arrow UDF, the probability
   only) and a pandas UDF computing the same logistic probability with numpy, on a
   numeric-feature schema so that the pandas UDF can reproduce the model from the
   pipeline file's coefficients. All write to Spark's `noop` sink.

Each figure is printed with the 1-minute load average of the machine at the time.
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


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def python_vs_rust(rows: int) -> None:
    schema = ws.Schema.from_path(str(ROOT / "examples/schemas/core_banking.json"))
    batch = ws.synth_core_banking(schema, rows, seed=3)
    table = pa.Table.from_batches([batch])
    pipeline = ws.Pipeline.fit(schema, batch.slice(0, min(rows, 100_000)))
    py_text, py_cols, from_arrow, cols, record = [], [], [], [], []
    for _ in range(3):
        py_text.append(best_of(1, lambda: pipeline.assess(table)))
        py_cols.append(best_of(1, lambda: pipeline.assess_columns(table)))
        a, c, r = pipeline._p.time_rust_assess(table)
        from_arrow.append(a)
        cols.append(c)
        record.append(r)
    rust_cols = min(a + c for a, c in zip(from_arrow, cols))

    def rate(t):
        return f"{rows / t / 1e6:.3f} M rows/s"

    print(f"{rows} rows, pyarrow Table in, pyarrow Table out ({load()}):")
    print(f"  assess_columns: Python {rate(min(py_cols))}, Rust from_record_batch + "
          f"assess_columns {rate(rust_cols)} (of which from_record_batch "
          f"{min(from_arrow):.3f} s), ratio {min(py_cols) / rust_cols:.3f}x")
    print(f"  assess:         Python {rate(min(py_text))}, Rust assess_record_batch "
          f"{rate(min(record))}, ratio {min(py_text) / min(record):.3f}x; "
          f"against the Rust columnar rate {min(py_text) / rust_cols:.3f}x")


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

    inputs = [c for c in table.column_names if c != "CHURN_FLG"]  # what the schema reads
    ws_udf = ws.spark.churn_probability_udf(text, inputs)
    got = df.limit(1000).select(ws_udf(*inputs).alias("p")).toPandas()["p"].to_numpy()
    assert np.array_equal(got, ws_p), "the Arrow UDF must give the Rust probabilities"

    def noop(frame):
        frame.write.format("noop").mode("overwrite").save()

    t_ws = best_of(2, lambda: noop(ws.spark.assess(df, text)))
    t_arrow = best_of(2, lambda: noop(df.select(ws_udf(*inputs))))
    t_udf = best_of(2, lambda: noop(df.select(logistic(*names))))
    print(f"Spark local[2], {rows} rows ({load()}, best of 2):")
    print(f"  wealthscore.spark.assess (mapInArrow, full assessment) {rows / t_ws / 1e6:.3f} M rows/s")
    print(f"  wealthscore.spark.churn_probability_udf (Arrow UDF, probability only) "
          f"{rows / t_arrow / 1e6:.3f} M rows/s")
    print(f"  pandas UDF, the same logistic probability with numpy {rows / t_udf / 1e6:.3f} M rows/s")
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
