"""Ours against the Python peers on the same data, back to back in one run.

    python benches/peers/speed_vs_peers.py [TASK ...] [--repeats N]

Run from the crate root in a venv with scikit-learn, pandas, lifetimes and scikit-fuzzy.
Tasks: rfm, kmeans, lifetime, forest, trimf (default: all). For each task this script
writes the data (raw little-endian f64) to a temporary folder, runs our side
(`cargo run --release --example peer_timing -- TASK DIR N`, best of N), then the peer
on the same data (best of N), and prints both times and the ratio peer / ours.
Set WEALTHSCORE_PEER_BIN to a prebuilt `peer_timing` binary to skip cargo.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def best(f, repeats):
    ts = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t)
    return min(ts), out


def ours(task, d, repeats):
    binary = os.environ.get("WEALTHSCORE_PEER_BIN")
    cmd = [binary] if binary else ["cargo", "run", "--quiet", "--release", "--example", "peer_timing", "--"]
    run = subprocess.run(cmd + [task, d, str(repeats)], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"our side failed:\n{run.stderr}")
    out = run.stdout
    times = {}
    for line in out.splitlines():
        if line.startswith("#"):
            print("  ours:", line[1:].strip())
        elif line.strip():
            k, v = line.split()
            times[k] = float(v)
    return times


ROWS = []


def report(work, ours_s, peer_name, peer_s, goal):
    ratio = peer_s / ours_s
    ROWS.append((work, ours_s, peer_name, peer_s, ratio, goal))
    print(f"  {work}: ours {fmt(ours_s)}, {peer_name} {fmt(peer_s)} -> {ratio:.1f}x (goal {goal})")


def fmt(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.2f} us"


def task_rfm(d, repeats):
    import pandas as pd

    n = 1_000_000
    rng = np.random.default_rng(42)
    rec = rng.integers(0, 400, n).astype(np.float64)
    freq = rng.poisson(50, n).astype(np.float64)
    mon = np.exp(rng.normal(11, 1.2, n))
    np.concatenate([rec, freq, mon]).astype("<f8").tofile(f"{d}/rfm.f64")
    t = ours("rfm", d, repeats)
    df = pd.DataFrame({"recency": rec, "frequency": freq, "monetary": mon})
    # The R-F grid as a lookup table, [r-1][f-1] (champions ... lost), as ours.
    grid = np.array([
        ["lost", "hibernating", "at risk", "at risk", "can't lose"],
        ["hibernating", "hibernating", "at risk", "at risk", "can't lose"],
        ["about to sleep", "about to sleep", "need attention", "loyal", "loyal"],
        ["promising", "potential loyalist", "potential loyalist", "loyal", "loyal"],
        ["new", "potential loyalist", "potential loyalist", "champions", "champions"],
    ])

    def peer():
        r = pd.qcut(df["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
        f = pd.qcut(df["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
        m = pd.qcut(df["monetary"], 5, labels=[1, 2, 3, 4, 5]).astype(int)
        seg = grid[r.to_numpy() - 1, f.to_numpy() - 1]
        return r, f, m, seg

    s, _ = best(peer, repeats)
    report("RFM scores + segments, 1,000,000", t["rfm_fit_score_segments"],
           f"pandas {pd.__version__} qcut", s, ">= 20x")


def task_kmeans(d, repeats):
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_blobs

    x, _ = make_blobs(n_samples=1_000_000, n_features=4, centers=5, random_state=42)
    x = np.ascontiguousarray(x, dtype=np.float64)
    x.astype("<f8").tofile(f"{d}/kmeans.f64")
    t = ours("kmeans", d, repeats)
    for n_init in [1, 4]:
        s, km = best(lambda: KMeans(n_clusters=5, n_init=n_init, random_state=0).fit(x), repeats)
        print(f"  scikit-learn n_init {n_init}: {km.n_iter_} iterations, inertia {km.inertia_:.6e}")
        report(f"k-means 1,000,000 x 4, k = 5, n_init = {n_init}", t[f"kmeans_n_init_{n_init}"],
               f"scikit-learn {sklearn.__version__} (default threads)", s, ">= 2x")


def cdnow_summary():
    """The 23,570 CDNOW customers summarised in days at 1998-06-30, as lifetimes does."""
    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    path = os.environ.get("WEALTHSCORE_CDNOW", os.path.join(ROOT, "..", "shared", "data", "cdnow"))
    if not os.path.isdir(path):
        sys.exit(f"CDNOW data not found at {path}: set WEALTHSCORE_CDNOW to the folder")
    log = pd.read_csv(os.path.join(path, "CDNOW_master.txt"), sep=r"\s+",
                      dtype={"customer_id": str, "date": str})
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    return summary_data_from_transaction_data(
        log, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end="1998-06-30", freq="D")


def task_lifetime(d, repeats):
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    s = cdnow_summary()
    x, tx, T, m = (s[c].to_numpy(np.float64) for c in ["frequency", "recency", "T", "monetary_value"])
    print(f"  CDNOW: {len(s)} customers, {len(s.drop_duplicates(['frequency', 'recency', 'T']))} distinct (x, t_x, T)")
    np.concatenate([x, tx, T, m]).astype("<f8").tofile(f"{d}/cdnow.f64")
    t = ours("lifetime", d, repeats)

    fit_s, bg = best(lambda: BetaGeoFitter().fit(x, tx, T), repeats)
    p = bg.params_
    print(f"  lifetimes BG/NBD r {p['r']:.10f} alpha {p['alpha']:.10f} a {p['a']:.10f} b {p['b']:.10f}")
    report(f"BG/NBD fit, CDNOW {len(x):,}", t["bgnbd_fit"], f"lifetimes {lifetimes.__version__}", fit_s, ">= 10x")

    rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    gg_s, gg = best(lambda: GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"]), repeats)
    q = gg.params_
    print(f"  lifetimes Gamma-Gamma p {q['p']:.10f} q {q['q']:.10f} v {q['v']:.10f}")
    report(f"Gamma-Gamma fit, {len(rep):,} repeat buyers", t["gamma_gamma_fit"], "lifetimes", gg_s, ">= 10x")

    def clv():
        return gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                          time=12, discount_rate=0.01, freq="D")

    clv_s, v = best(clv, repeats)
    print(f"  lifetimes CLV sum {float(v.sum()):.6f}")
    report(f"CLV over the cohort ({len(x):,} clients, 12 months)", t["clv_cohort"], "lifetimes", clv_s, ">= 100x")

    n = 1_000_000
    idx = np.arange(n) % len(x)
    xs, ts, Ts = x[idx], tx[idx], T[idx]
    pa_s, pa = best(lambda: bg.conditional_probability_alive(xs, ts, Ts), repeats)
    print(f"  lifetimes P(alive) sum {float(np.sum(pa)):.6f}")
    report("P(alive), 1,000,000 clients", t["p_alive_1m"], "lifetimes", pa_s, ">= 2x")


def task_forest(d, repeats):
    import sklearn
    from sklearn.ensemble import RandomForestClassifier

    t = ours("forest", d, repeats)
    p = 23
    X = np.fromfile(f"{d}/train_x.f64", dtype="<f8").reshape(-1, p)
    y = np.fromfile(f"{d}/train_y.u8", dtype=np.uint8)
    B = np.ascontiguousarray(np.tile(X, (10, 1)))
    rf = RandomForestClassifier(n_estimators=100, max_depth=10, min_samples_leaf=20,
                                n_jobs=1, random_state=0).fit(X, y)
    s, _ = best(lambda: rf.predict_proba(B), max(2, repeats // 2))
    report("forest predict_proba, 1,000,000 rows, 100 trees depth 10, one thread",
           t["forest_predict_1m"], f"scikit-learn {sklearn.__version__} (n_jobs=1)", s, ">= 10x")
    one = X[:1]
    s1, _ = best(lambda: rf.predict_proba(one), 20)
    report("forest, one row", t["forest_one_row"], "scikit-learn", s1, "ours < 5 us")


def task_trimf(d, repeats):
    import skfuzzy
    from skfuzzy.membership import generatemf as mf

    t = ours("trimf", d, repeats)
    x = np.linspace(0.0, 10.0, 10_000_000)
    s, _ = best(lambda: mf.trimf(x, [2.0, 5.0, 8.0]), repeats)
    # What a fresh array of that size costs in NumPy by itself (a copy): its pages are
    # mapped and zeroed on first write, which both sides pay.
    c, _ = best(lambda: np.copy(x), repeats)
    print(f"  NumPy: a fresh copy of the 10,000,000 points: {c * 1e3:.1f} ms")
    report("trimf into a fresh vector, 10,000,000 points", t["trimf_fresh_vec_10m"],
           f"scikit-fuzzy {skfuzzy.__version__}", s, ">= 2.5x")


TASKS = {"rfm": task_rfm, "kmeans": task_kmeans, "lifetime": task_lifetime,
         "forest": task_forest, "trimf": task_trimf}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("tasks", nargs="*", default=list(TASKS))
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as d:
        for name in a.tasks:
            print(f"[{name}]")
            TASKS[name](d, a.repeats)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print("\n| work | ours | peer | peer time | ratio | goal |\n|---|---|---|---|---|---|")
    for w, o, pn, p, r, g in ROWS:
        print(f"| {w} | {fmt(o)} | {pn} | {fmt(p)} | {r:.1f}x | {g} |")
    sys.stdout.flush()
