"""Well-separated blobs with scikit-learn's KMeans and silhouette choice of k, for
tests/segment.rs (kmeans_matches_sklearn_on_blobs).

Run: python tests/data/scripts/segment_blobs.py
Writes tests/data/segment_blobs.csv (x0..x3, truth, sklearn_label) and
tests/data/segment_blobs_k.json (silhouette per k from sklearn on sklearn's labels).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(__file__), "..")
x, truth = make_blobs(n_samples=400, centers=5, n_features=4, cluster_std=1.0,
                      center_box=(-20, 20), random_state=3)
x = np.round(x, 6)
z = StandardScaler().fit_transform(x)
sil = {}
labels = {}
for k in range(2, 9):
    km = KMeans(n_clusters=k, n_init=4, random_state=0).fit(z)
    labels[k] = km.labels_
    sil[k] = float(silhouette_score(z, km.labels_))
best = max(sil, key=sil.get)
with open(os.path.join(OUT, "segment_blobs.csv"), "w") as fh:
    fh.write("x0,x1,x2,x3,truth,sklearn_label\n")
    for row, t, l in zip(x, truth, labels[best]):
        fh.write(",".join(f"{v:.6f}" for v in row) + f",{t},{l}\n")
with open(os.path.join(OUT, "segment_blobs_k.json"), "w") as fh:
    json.dump({"sklearn": sklearn.__version__, "best_k": best, "silhouette": sil}, fh, indent=1)
print(best, sil)
