#!/usr/bin/env bash
# Runs the reference protocols as UDP actors (`distgen run`, release build) and
# prints one Markdown table row per run. Usage: bench/actors.sh [REPEATS]
repeats=${1:-3}
source "$(dirname "$0")/table.sh"

runs=(
  "bracha|--example bracha --n 4 --f 1 --broadcasts 1"
  "bracha|--example bracha --n 4 --f 1 --from all --broadcasts 1000"
  "bracha|--example bracha --n 4 --f 1 --byzantine 3 --from all --broadcasts 100"
  "bracha|--example bracha --n 7 --f 2 --byzantine 5,6 --from all --broadcasts 100"
  "bracha|--example bracha --n 10 --f 3 --byzantine 7,8,9 --from all --broadcasts 100"
  "imbs_raynal|--example imbs_raynal --n 6 --f 1 --byzantine 5 --from all --broadcasts 60"
  "paper_fig3|--example paper_fig3 --n 4 --f 1 --byzantine 3 --from all --broadcasts 20"
  "best_effort|--example best_effort --n 4 --crash 0 --crash-after 1"
  "eager_reliable|--example eager_reliable --n 4 --f 1 --crash 0 --crash-after 1 --from all --broadcasts 40"
  "hadzilacos_toueg|--example hadzilacos_toueg --n 4 --f 3 --crash 0:1,1:4 --from all --broadcasts 40"
)

echo "| protocol | options | exit | outcome | seconds | msgs | msgs/instance | retransmitted | max completion ms | median completion ms | violations |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
bench_rows "$repeats" 30 run "$(cat <<'PY'
import json, statistics, sys
name, opts, code, path = sys.argv[1:5]
r = json.load(open(path))
done = [i["completed_ms"] for i in r["instances"] if i["completed_ms"] is not None]
mx = f"{max(done):.1f}" if done else "-"
med = f"{statistics.median(done):.1f}" if done else "-"
t = r["totals"]
k = len(r["instances"])
opts = opts.replace("--example " + name + " ", "")
print(f"| {name} | `{opts}` | {code} | {r['outcome']} | {r['seconds']:.3f} | {t['messages']} | "
      f"{t['messages'] / k:.1f} | {t['retransmits']} | {mx} | {med} | {len(r['violations'])} |")
PY
)"
