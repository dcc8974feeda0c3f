#!/usr/bin/env bash
# Benchmark of the checker (issue 4): states, seconds and peak memory of the
# compact model and of the plain model (no reduction), on Bracha N=4 F=1 (both
# Byzantine scenarios), Bracha N=7 F=2 and Imbs-Raynal N=6 F=1.
#
#   bash bench/checker.sh [TIMEOUT_SECONDS]   (default 600 per run)
#
# Writes a Markdown table to stdout; bench/RESULTS-checker.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${1:-600}"
cargo build --release --quiet
bin=target/release/distgen
echo "Machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{printf "%.0f GiB", $2/1048576}'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "Date: $(date -u +%Y-%m-%d)"
echo
echo "| protocol | N | F | scenario | model | verdict | states | seconds | peak RSS of the run (MiB, both scenarios) |"
echo "|---|---|---|---|---|---|---|---|---|"
run() { # file n f model-flag
  local file=$1 n=$2 f=$3 flag=$4 model=compact
  [ -n "$flag" ] && model=plain
  local out
  out=$( { /usr/bin/time -f "RSS %M" "$bin" check "$file" --n "$n" --f "$f" --json --timeout "$timeout_s" $flag; } 2>&1 || true)
  local rss
  rss=$(echo "$out" | awk '/^RSS/ {printf "%.0f", $2/1024}')
  echo "$out" | grep '^{' | python3 -c '
import json, sys
rss, model = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    r = json.loads(line)
    row = [r["protocol"], r["n"], r["f"], r["scenario"], model, r["verdict"], r["states"], "%.3f" % r["seconds"], rss]
    print("| " + " | ".join(str(x) for x in row) + " |")
' "$rss" "$model"
}
run examples/bracha.rs 4 1 ""
run examples/bracha.rs 4 1 --plain
run examples/imbs_raynal.rs 6 1 ""
run examples/imbs_raynal.rs 6 1 --plain
run examples/bracha.rs 7 2 ""
