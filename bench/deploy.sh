#!/usr/bin/env bash
# Deployed nodes (`distgen cluster`: one OS process per node, authenticated
# links) side by side with `distgen run` (threads) on the same work, release
# build. Prints one Markdown table row per run. Usage: bench/deploy.sh [REPEATS]
repeats=${1:-1}
source "$(dirname "$0")/table.sh"

runs=(
  "run|run --example bracha --n 7 --f 2 --byzantine 5,6 --from all --broadcasts 1000"
  "cluster|cluster examples/bracha.rs --n 7 --f 2 --byzantine 5,6 --broadcasts 1000"
  "cluster|cluster examples/bracha.rs --n 7 --f 2 --byzantine 5,6 --broadcasts 1000 --loss 0.05"
  "cluster|cluster examples/bracha.rs --n 7 --f 2 --byzantine 6 --broadcasts 1000 --loss 0.05 --kill 4:300"
)

echo "| command | options | exit | outcome | seconds | broadcasts/s | correct deliveries | missing (correct origin) | violations | p50 ms | p99 ms | msgs | retransmitted | dead |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
bench_rows "$repeats" 300 "" "$(cat <<'PY'
import json, sys
name, opts, code, path = sys.argv[1:5]
r = json.load(open(path))
roles = [p["role"] for p in r["processes"]]
correct = [i for i, role in enumerate(roles) if role == "correct"]
lat, delivered, missing = [], 0, 0
for inst in r["instances"]:
    for p in correct:
        if inst["delivered"][p] is not None:
            delivered += 1
            if inst["latency_ms"][p] is not None:
                lat.append(inst["latency_ms"][p])
        elif inst["origin_correct"]:
            missing += 1
lat.sort()
pct = lambda q: f"{lat[min(len(lat) - 1, int(q * len(lat)))]:.1f}" if lat else "-"
k = len(r["instances"])
t = r["totals"]
dead = ",".join(f"p{i}" for i, role in enumerate(roles) if role == "dead") or "-"
opts = opts.split(" ", 1)[1]
print(f"| {name} | `{opts}` | {code} | {r['outcome']} | {r['seconds']:.2f} | {k / r['seconds']:.0f} | "
      f"{delivered} | {missing} | {len(r['violations'])} | {pct(0.5)} | {pct(0.99)} | {t['messages']} | {t['retransmits']} | {dead} |")
PY
)"
