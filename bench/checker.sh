#!/usr/bin/env bash
# Benchmark of the checker (issues 4 and 11): states, seconds, states/s and
# peak memory of `distgen check` on Bracha (N=4 F=1, N=7 F=2, N=8 F=2,
# N=10 F=3, N=13 F=4), the `(N + 3) / 2` echo variant of Bracha at N=8 F=2
# (violated) and Imbs-Raynal N=6 F=1, both Byzantine scenarios; optionally the
# same runs with an older binary and the speed-up, in one table.
#
#   bash bench/checker.sh [TIMEOUT_SECONDS] [BEFORE_BINARY] [BEFORE_TIMEOUT_SECONDS]
#   bash bench/checker.sh targets    # only the rows of issue 11's targets
#
# `targets` runs just Bracha N=4 F=1, N=7 F=2, N=10 F=3 and the echo variant
# at N=8 F=2 (N=13 F=4 too with BENCH_N13=1), each under
# `flock /work/wt/bench.lock` when that file exists, with `uptime` before
# each row, and skips the ignored test: the lead's idle re-measure.
# TIMEOUT_SECONDS (default 600) limits each run of this tree's binary,
# BEFORE_TIMEOUT_SECONDS (default 300) each run of BEFORE_BINARY (runs of the
# old binary at N=13 are skipped; BENCH_N13=1 adds N=13, F=4). Then runs the `--release` test of the
# echo variant (ignored in CI). Writes Markdown to stdout;
# bench/RESULTS-checker.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=""
if [ "${1:-}" = targets ]; then
  targets=1
  shift
fi
timeout_s="${1:-600}"
before="${2:-}"
before_timeout="${3:-300}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
bin="${DISTGEN:-target/release/distgen}"
echo "Machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{printf "%.0f GiB", $2/1048576}'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
echo
echo "| protocol | N | F | scenario | binary | verdict | states | seconds | states/s | peak RSS (MiB, both scenarios) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The echo variant: examples/bracha.rs with its echo quorum written
# (N + 3) / 2 (as tests/checker_verdicts.rs makes it; no copy kept).
echo3="$tmp/bracha_echo_n3.rs"
sed 's|Echo(m) >= (N + F) / 2 + 1 |Echo(m) >= (N + 3) / 2 |; s/pub Bracha {/pub BrachaEcho3 {/' \
  examples/bracha.rs > "$echo3"
grep -q '(N + 3) / 2' "$echo3" || { echo "examples/bracha.rs changed: no echo quorum to replace" >&2; exit 2; }
lock=()
[ -e /work/wt/bench.lock ] && lock=(flock /work/wt/bench.lock)
run() { # binary label timeout file n f
  local b=$1 label=$2 t=$3 file=$4 n=$5 f=$6
  local out rss
  echo "$label $file N=$n F=$f: $(uptime)" >> "$tmp/uptime"
  out=$( { "${lock[@]}" /usr/bin/time -f "RSS %M" "$b" check "$file" --n "$n" --f "$f" --json --timeout "$t" --max-states 1000000000; } 2>&1 || true)
  rss=$(echo "$out" | awk '/^RSS/ {printf "%.0f", $2/1024}')
  echo "$out" | grep '^{' | python3 -c '
import json, sys
rss, label, key = sys.argv[1], sys.argv[2], sys.argv[3]
for line in sys.stdin:
    r = json.loads(line)
    rate = r["states"] / r["seconds"] if r["seconds"] > 0 else 0
    row = [r["protocol"], r["n"], r["f"], r["scenario"], label, r["verdict"], "{:,}".format(r["states"]), "%.3f" % r["seconds"], "{:,.0f}".format(rate), rss]
    print("| " + " | ".join(str(x) for x in row) + " |")
    print("%s %s %s %s %s %s" % (key, label, r["scenario"], r["verdict"], r["seconds"], r["states"]), file=open(sys.argv[4], "a"))
' "$rss" "$label" "$file:$n:$f" "$tmp/times"
}
if [ -n "$targets" ]; then
  cases=(
    "examples/bracha.rs 4 1"
    "examples/bracha.rs 7 2"
    "examples/bracha.rs 10 3"
    "$echo3 8 2"
  )
else
  cases=(
    "examples/bracha.rs 4 1"
    "examples/imbs_raynal.rs 6 1"
    "examples/bracha.rs 7 2"
    "examples/bracha.rs 8 2"
    "$echo3 8 2"
    "examples/bracha.rs 10 3"
  )
fi
# N=13 F=4 takes minutes: BENCH_N13=1 adds it.
[ -n "${BENCH_N13:-}" ] && cases+=("examples/bracha.rs 13 4")
for c in "${cases[@]}"; do
  set -- $c
  run "$bin" after "$timeout_s" "$1" "$2" "$3"
  if [ -n "$before" ] && [ "$2" -lt 13 ]; then
    run "$before" before "$before_timeout" "$1" "$2" "$3"
  fi
done
if [ -n "$before" ]; then
  echo
  echo "Speed-up (before seconds / after seconds; a run of the old binary stopped at its time limit gives a lower bound):"
  echo
  echo "| case | scenario | before | after | speed-up |"
  echo "|---|---|---|---|---|"
  python3 - "$tmp/times" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    key, label, scen, verdict, secs, states = line.split()
    rows.setdefault((key, scen), {})[label] = (verdict, float(secs))
for (key, scen), r in rows.items():
    if "before" in r and "after" in r:
        (bv, bs), (av, as_) = r["before"], r["after"]
        bound = ">= " if bv == "unknown" else ""
        btxt = ("> %.1f s (stopped)" % bs) if bv == "unknown" else "%.3f s" % bs
        print("| %s | %s | %s | %.3f s | %s%.0fx |" % (key, scen, btxt, as_, bound, bs / max(as_, 1e-4)))
PY
fi
echo
echo "Load before each run:"
echo
sed 's/^/    /' "$tmp/uptime"
[ -z "$targets" ] || exit 0
echo
echo "The echo variant, verified at N = 4, 5, 7 and violated at N = 8, F = 2 (ignored test):"
cargo test --release --quiet --test checker_verdicts -- --ignored 2>&1 | grep -E "test result|panicked|FAILED" || true
