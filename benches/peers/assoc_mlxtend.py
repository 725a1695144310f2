"""Peer timing for benches/assoc.rs: mlxtend fpgrowth + association_rules (every metric,
all rules with confidence >= 0) on the same 100,000 baskets × 25 products at a minimum
support of 1 %, read from the file the bench writes; prints the ratio against the bench's
criterion estimate when it is there.

Run (from the repository root, in a venv with mlxtend and pandas):
    cargo bench --bench assoc -- --warm-up-time 1 --measurement-time 3 && \
    python benches/peers/assoc_mlxtend.py [target/assoc_bench_baskets.csv]
"""
import json
import os
import sys
import time

import mlxtend
import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth
from mlxtend.preprocessing import TransactionEncoder

path = sys.argv[1] if len(sys.argv) > 1 else "target/assoc_bench_baskets.csv"
with open(path) as f:
    baskets = [line.rstrip("\n").split(";") if line.strip() else [] for line in f]
te = TransactionEncoder()
df = pd.DataFrame(te.fit(baskets).transform(baskets), columns=te.columns_)

times = []
for _ in range(2):
    t = time.perf_counter()
    freq = fpgrowth(df, min_support=0.01, use_colnames=True)
    t_fp = time.perf_counter() - t
    rules = association_rules(freq, num_itemsets=len(df), metric="confidence",
                              min_threshold=0.0)
    times.append((time.perf_counter() - t, t_fp))
best, best_fp = min(times)
print(f"mlxtend {mlxtend.__version__}: {len(df)} baskets x {df.shape[1]} products, "
      f"{len(freq)} itemsets, {len(rules)} rules: fpgrowth {best_fp:.2f} s, "
      f"fpgrowth + association_rules {best:.2f} s")

est = "target/criterion/assoc_fpgrowth_rules/100000/new/estimates.json"
if os.path.exists(est):
    with open(est) as f:
        ours = json.load(f)["median"]["point_estimate"] / 1e9
    print(f"wealthscore fpgrowth + association_rules {ours * 1e3:.1f} ms (criterion median): "
          f"{best / ours:.0f}x faster")
