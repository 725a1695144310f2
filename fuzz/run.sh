#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and records executions and findings.
# Usage: fuzz/run.sh [seconds-per-target]   (default 120)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is enough, since
# RUSTC_BOOTSTRAP lets it pass the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-120}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1
mkdir -p logs
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v wealthscore-fuzz)
printf '%-16s %12s %10s %s\n' target executions seconds result | tee logs/summary.txt
for t in $targets; do
  mkdir -p "corpus/$t"
  [ -d "seeds/$t" ] && cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  set +e
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 \
    -max_len=65536 >"logs/$t.log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "logs/$t.log" | tail -1)
  result=$([ $rc -eq 0 ] && echo "no crash" || echo "CRASH (see logs/$t.log, artifacts/$t)")
  printf '%-16s %12s %10s %s\n' "$t" "${execs:-?}" "$secs" "$result" | tee -a logs/summary.txt
done
