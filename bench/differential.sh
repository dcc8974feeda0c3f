#!/usr/bin/env bash
# The compact model (all reductions) against the plain model (none) on many
# random protocols: every verdict must agree. CI runs 40; this runs 1,000.
#
#   bash bench/differential.sh [COUNT]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
start=$(date +%s)
DIFFERENTIAL_PROTOCOLS="$count" cargo test --release --test differential -- --nocapture 2>&1 | grep -E "comparisons|test result|differs|panicked"
echo "took $(( $(date +%s) - start )) s on $(nproc) cores"
