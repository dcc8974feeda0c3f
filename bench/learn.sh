#!/usr/bin/env bash
# Benchmark of `distgen learn`: 12,000 episodes per fault model with the
# default options, wall time and peak memory from GNU time.
#
#   bash bench/learn.sh [OUT_DIR] [SEED] [FAULTS...]
#
# Writes OUT_DIR/<name>.{rs,json,svg} and OUT_DIR/<faults>.log.
set -euo pipefail
out="${1:-bench/out/learn}"
seed="${2:-1}"
shift $(( $# > 2 ? 2 : $# )) || true
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(none crash byzantine)
cargo build --release --quiet
mkdir -p "$out"
echo "machine: $(nproc) cores, $(uname -srm)"
for faults in "${models[@]}"; do
    cmd=(target/release/distgen learn --faults "$faults" --episodes 12000 --seed "$seed" --out "$out" --quiet)
    echo "== ${cmd[*]}"
    /usr/bin/time -f "wall %e s, peak memory %M KB" "${cmd[@]}" >"$out/$faults.log" 2>&1 || true
    cat "$out/$faults.log"
done
