#!/usr/bin/env bash
# Benchmark of `distgen learn`: wall time and peak memory (GNU time) of
#   - the defaults (12,000 episodes) per fault model, for each seed;
#   - with `extra`: Byzantine with linear thresholds, under N > 5F and
#     N >= 4F, and the exhaustive search per fault model.
#
#   bash bench/learn.sh [OUT_DIR] [SEEDS] [FAULTS...]     e.g.
#   bash bench/learn.sh bench/out/learn "1 2 3" none crash byzantine
#   bash bench/learn.sh bench/out/learn 1 extra
#   bash bench/learn.sh targets        # the issue's target rows: none, crash,
#                                      # byzantine x seeds 1 2 3 (bench/out/learn)
#
# Every run holds `flock /work/wt/bench.lock` (no two benchmarks overlap) and
# its log records `uptime` before and after. Environment: LEARN_LOCK (the lock
# file, `none` for no lock), DISTGEN (the binary,
# default target/release/distgen, built first), LEARN_TIMEOUT (seconds per
# run, default 1800; a run cut short says so in its log).
#
# Writes OUT_DIR/<run>/<name>.{rs,json,svg} and OUT_DIR/<run>.log; the
# Byzantine default run's protocol is then checked with `distgen check`.
set -euo pipefail
if [ "${1:-}" = targets ]; then
    set -- bench/out/learn "1 2 3" none crash byzantine
fi
out="${1:-bench/out/learn}"
seeds="${2:-1 2 3}"
shift $(( $# > 2 ? 2 : $# )) || true
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(none crash byzantine)
bin="${DISTGEN:-target/release/distgen}"
[ -n "${DISTGEN:-}" ] || cargo build --release --quiet
limit="${LEARN_TIMEOUT:-1800}"
lock="${LEARN_LOCK:-/work/wt/bench.lock}"
locked=(flock "$lock")
# No lock when asked, or when the lock's folder does not exist (a fresh machine).
{ [ "$lock" = none ] || [ ! -d "$(dirname "$lock")" ]; } && locked=()
mkdir -p "$out"
echo "machine: $(nproc) cores, $(uname -srm), $(date -u +%Y-%m-%d)"
run() { # NAME ARGS...
    local name="$1"; shift
    local cmd=("$bin" learn --out "$out/$name" --quiet "$@")
    echo "== ${cmd[*]}"
    {
        echo "before: $(uptime)"
        "${locked[@]}" /usr/bin/time -f "wall %e s, peak memory %M KB" \
            timeout "$limit" "${cmd[@]}" 2>&1 || echo "exit status $? (124: cut at ${limit} s)"
        echo "after: $(uptime)"
    } >"$out/$name.log" 2>&1
    grep -E "episodes|exhaustive|best protocol|verified|violated|unknown|no verified|wall|exit status|load average" "$out/$name.log" || true
}
for faults in "${models[@]}"; do
    if [ "$faults" = extra ]; then
        run byzantine-linear --faults byzantine --thresholds linear --name LearnedLinear
        # N = 11, F = 2 is beyond the checker in minutes: re-validation there
        # is capped at 120 s per run (an `unknown` verdict, not a violation).
        run byzantine-n5f --faults byzantine --requires "N > 5 * F" --name LearnedFiveF \
            --set oracle.revalidation_timeout_secs=120
        run byzantine-n4f --faults byzantine --requires "N >= 4 * F" --name LearnedFourF
        for f in none crash; do
            run "exhaustive-$f" --faults "$f" --search exhaustive
        done
        run exhaustive-byzantine --faults byzantine --search exhaustive --set search_max_judged=20000
        continue
    fi
    for seed in $seeds; do
        run "$faults-seed$seed" --faults "$faults" --episodes 12000 --seed "$seed"
        if [ "$faults" = byzantine ] && [ -f "$out/$faults-seed$seed/learned_byzantine.rs" ]; then
            "$bin" check "$out/$faults-seed$seed/learned_byzantine.rs" | tail -7
        fi
    done
done
