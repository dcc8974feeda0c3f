#!/usr/bin/env bash
# Differential check of distgen's checker against Spin (issue 7).
#
# For every example and SPIN_DIFF_RANDOM (default 200) random protocols, at
# N = 4 under every fault model and scenario the protocol allows, writes the
# PROMELA model (`distgen promela`'s export), runs Spin exhaustively (no
# bitstate, no hash compaction) and distgen's checker, and reports any verdict
# that differs, with both traces. Results: $SPIN_DIFF_OUT/results.jsonl (one
# object per run) and $SPIN_DIFF_OUT/summary.txt; the models stay in
# $SPIN_DIFF_OUT/<protocol>-<scenario>-n4f1/.
#
# Knobs (environment): SPIN_DIFF_RANDOM, SPIN_DIFF_SEED (7), SPIN_DIFF_TIMEOUT
# (seconds per Spin run, 600), SPIN_DIFF_MEMLIM (MB per Spin run, 4096),
# SPIN_DIFF_EXAMPLES (0 to skip the examples), SPIN_DIFF_ONLY (names, comma-separated),
# SPIN_DIFF_OUT. Summarise with bench/spin/summarize.py $SPIN_DIFF_OUT/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v spin >/dev/null; then
    apt-get update -qq && apt-get install -y -qq spin
fi
if ! command -v gcc >/dev/null; then
    apt-get update -qq && apt-get install -y -qq gcc
fi
export SPIN_DIFF_OUT="${SPIN_DIFF_OUT:-$PWD/target/spin-diff}"
mkdir -p "$SPIN_DIFF_OUT"
spin -V
gcc --version | head -1
time cargo test -p dsl-core --release --test spin_differential -- --ignored --nocapture \
    2>&1 | tee "$SPIN_DIFF_OUT/log.txt"
