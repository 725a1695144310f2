"""Reference itemsets and rules from mlxtend for tests/assoc.rs.

Makes tests/data/assoc_baskets.csv (a seeded basket data set of our own: 300 clients,
8 retail-banking products with planted associations, a few clients with no product) and
writes mlxtend's frequent itemsets and association rules, every metric, for it and for
tests/data/assoc_synth_baskets.csv (the holdings of the synthetic book, written by the
ignored test `write_synth_baskets` of tests/assoc.rs) to tests/data/assoc_mlxtend_reference.json.

Run from the repository root:
    python3 -m venv /work/venvs/crosssell && /work/venvs/crosssell/bin/pip install mlxtend pandas
    /work/venvs/crosssell/bin/python tests/data/scripts/assoc_mlxtend_reference.py
Checked with mlxtend 0.25.0, pandas 3.1.1, numpy 2.4.6.
"""

import json
import math

import mlxtend
import numpy as np
import pandas as pd
from mlxtend.frequent_patterns import apriori, association_rules, fpgrowth
from mlxtend.preprocessing import TransactionEncoder

OWN = "tests/data/assoc_baskets.csv"
SYNTH = "tests/data/assoc_synth_baskets.csv"
OUT = "tests/data/assoc_mlxtend_reference.json"


def make_own():
    rng = np.random.default_rng(20261127)
    rows = []
    for _ in range(300):
        b = set()
        if rng.random() < 0.85:
            b.add("current_account")
        if rng.random() < 0.45:
            b.add("savings")
        if "current_account" in b and rng.random() < 0.5:
            b.add("debit_card")
        if "debit_card" in b and rng.random() < 0.6:
            b.add("credit_card")
        if "savings" in b and rng.random() < 0.35:
            b.add("funds")
        if "funds" in b and rng.random() < 0.5:
            b.add("bonds")
        if "current_account" in b and rng.random() < 0.12:
            b.add("mortgage")
            if rng.random() < 0.7:
                b.add("insurance")
        if rng.random() < 0.05:
            b.add("insurance")
        if rng.random() < 0.03:
            b = set()  # a client with no product
        rows.append(sorted(b))
    with open(OWN, "w") as f:
        for b in rows:
            f.write(";".join(b) + "\n")


def read(path):
    with open(path) as f:
        return [line.rstrip("\n").split(";") if line.strip() else [] for line in f]


def table(baskets):
    te = TransactionEncoder()
    return pd.DataFrame(te.fit(baskets).transform(baskets), columns=te.columns_)


def number(x):
    x = float(x)
    return None if math.isinf(x) else x


def itemsets_json(freq):
    return [
        {"items": sorted(s), "support": float(v)}
        for s, v in zip(freq["itemsets"], freq["support"])
    ]


def rules_json(rules):
    metrics = [c for c in rules.columns if c not in ("antecedents", "consequents")]
    out = []
    for _, r in rules.iterrows():
        row = {
            "antecedents": sorted(r["antecedents"]),
            "consequents": sorted(r["consequents"]),
        }
        for m in metrics:
            row[m] = number(r[m])
        out.append(row)
    return out


def case(name, baskets, min_support, max_len=None, metric="support", threshold=0.0,
         algorithm=fpgrowth):
    df = table(baskets)
    freq = algorithm(df, min_support=min_support, use_colnames=True, max_len=max_len)
    rules = association_rules(freq, num_itemsets=len(df), metric=metric,
                              min_threshold=threshold)
    return {
        "name": name,
        "data": None,
        "baskets": len(df),
        "min_support": min_support,
        "max_len": max_len,
        "metric": metric,
        "min_threshold": threshold,
        "itemsets": itemsets_json(freq),
        "rules": rules_json(rules),
    }


def main():
    make_own()
    own, synth = read(OWN), read(SYNTH)
    cases = []
    for c, data in [
        (case("own_all", own, 0.02), OWN),
        (case("own_maxlen2", own, 0.02, max_len=2), OWN),
        (case("own_lift", own, 0.05, metric="lift", threshold=1.2), OWN),
        (case("own_conviction", own, 0.05, metric="conviction", threshold=1.5), OWN),
        (case("own_zhang_apriori", own, 0.05, metric="zhangs_metric", threshold=0.3,
              algorithm=apriori), OWN),
        (case("synth_all", synth, 0.01), SYNTH),
        (case("synth_confidence", synth, 0.01, metric="confidence", threshold=0.5), SYNTH),
    ]:
        c["data"] = data
        cases.append(c)
    ref = {
        "source": "mlxtend %s fpgrowth/apriori + association_rules(num_itemsets=N); "
                  "conviction null = inf" % mlxtend.__version__,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(ref, f)
    for c in cases:
        print(c["name"], len(c["itemsets"]), "itemsets", len(c["rules"]), "rules")


if __name__ == "__main__":
    main()
