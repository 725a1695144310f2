"""Principal-eigenvector weights for the satisfaction index's default AHP judgments.

Run with a venv holding numpy and AHPy:
    python tests/data/scripts/satisfaction_ahp_weights.py
The printed constants are pasted into src/fuzzy/satisfaction.rs; AHPy is a cross-check.
Saaty's random index (n=3: 0.58, n=5: 1.12) gives the consistency ratio.
"""
import numpy as np
import ahpy

RI = {3: 0.58, 5: 1.12}

# Upper triangles, row i vs column j (Saaty 1-9 scale); same order as in the Rust docs.
MATRICES = {
    # service quality, product, experience, competence, risk control
    "dimensions": (5, {(0, 1): 2, (0, 2): 3, (0, 3): 1, (0, 4): 2,
                       (1, 2): 2, (1, 3): 1 / 2, (1, 4): 1,
                       (2, 3): 1 / 3, (2, 4): 1 / 2,
                       (3, 4): 2}),
    # survey answer, complaints, advisor contacts
    "service_quality": (3, {(0, 1): 2, (0, 2): 3, (1, 2): 2}),
    # survey answer, product categories held, fee rate
    "product": (3, {(0, 1): 3, (0, 2): 2, (1, 2): 1 / 2}),
    # survey answer, digital share, days since last activity
    "experience": (3, {(0, 1): 3, (0, 2): 2, (1, 2): 1 / 2}),
    # survey answer, return vs benchmark, dedicated advisor
    "competence": (3, {(0, 1): 1, (0, 2): 3, (1, 2): 3}),
    # survey answer, suitability gap, AUM drawdown
    "risk_control": (3, {(0, 1): 2, (0, 2): 2, (1, 2): 1}),
}


def full(n, upper):
    m = np.ones((n, n))
    for (i, j), v in upper.items():
        m[i, j] = v
        m[j, i] = 1 / v
    return m


for name, (n, upper) in MATRICES.items():
    m = full(n, upper)
    vals, vecs = np.linalg.eig(m)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = vals[k].real
    ci = (lam - n) / (n - 1)
    cr = ci / RI[n]
    comps = {(str(i), str(j)): v for (i, j), v in upper.items()}
    c = ahpy.Compare(name, comps, precision=10, random_index="saaty")
    peer = np.array([c.target_weights[str(i)] for i in range(n)])
    assert np.allclose(peer, w, atol=1e-6), (name, peer, w)
    print(f"{name}: lambda_max={lam:.10f} CR={cr:.6f} (AHPy CR={c.consistency_ratio})")
    print("    [" + ", ".join(repr(float(x)) for x in w) + "]")
