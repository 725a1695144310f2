#!/usr/bin/env bash
# Boosted-tree prediction on 1,000,000 rows: the crate against scikit-learn's
# HistGradientBoostingClassifier, same model size, same matrices, one thread each.
# Usage: bash benches/peers/boost_vs_sklearn.sh [python]   (python with scikit-learn)
set -euo pipefail
PY=${1:-python3}
DIR=${WEALTHSCORE_DUMP_DIR:-/tmp/boost_bench}
cd "$(dirname "$0")/../.."
# The crate: criterion, one thread (the booster never spawns threads).
WEALTHSCORE_DUMP_DIR="$DIR" cargo bench --bench boost -- boost_predict_proba \
  --warm-up-time 1 --measurement-time 3 2>&1 | tee /tmp/boost_bench_rust.txt
OMP_NUM_THREADS=1 "$PY" benches/peers/boost_sklearn_predict.py "$DIR" | tee /tmp/boost_bench_py.txt
rust_ms=$(grep -A2 '^boost_predict_proba' /tmp/boost_bench_rust.txt | grep -o 'time: *\[[^]]*\]' \
  | awk '{v=$4; u=$5; if (u=="s") v*=1000; if (u=="µs") v/=1000; print v}')
py_ms=$(grep -o 'SKLEARN_PREDICT_MS [0-9.]*' /tmp/boost_bench_py.txt | awk '{print $2}')
echo "1,000,000 rows: wealthscore ${rust_ms} ms, scikit-learn ${py_ms} ms, ratio $(echo "$py_ms / $rust_ms" | bc -l | cut -c1-5)x"
