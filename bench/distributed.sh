#!/usr/bin/env bash
# The exhaustive search on the Redis Streams work queue (learner::queue):
#  A. the queue's overhead per judgement, on tiny judgements (the crash
#     space, ~0.3 ms each): in-process vs one worker, jobs of 1, 8, 32;
#  B. scaling: the first $JUDGED judgements of the Byzantine space (~10 ms
#     each) in-process and with 1, 2 and 4 workers (one checker thread each);
#  C. Q-learning (one judgement at a time, each episode waits for its
#     verdict): crash, seed 1, in-process and with 1 and 2 workers.
# Every run must print the same search line and answer as the in-process one
# (the script stops otherwise). The load average is recorded before and
# after each run: on a shared machine the numbers move with it.
# Usage: bench/distributed.sh [JUDGED] (default 5000); PORT: a free one by
# default.
set -euo pipefail
cd "$(dirname "$0")/.."
JUDGED=${1:-5000}
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
PORT=${PORT:-$(free_port)}
PASS=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
URL="redis://:$PASS@127.0.0.1:$PORT/"
D=target/release/distgen
OUT=$(mktemp -d)
command -v redis-server >/dev/null || {
  echo "redis-server is missing: apt-get update && apt-get install -y redis-server" >&2
  exit 2
}
cargo build --release --quiet --bin distgen

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --requirepass "$PASS" --daemonize yes --pidfile "$OUT/redis.pid" --logfile "$OUT/redis.log"
trap 'kill $(cat "$OUT/redis.pid") 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  redis-cli -p "$PORT" -a "$PASS" --no-auth-warning ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$PORT" -a "$PASS" --no-auth-warning ping >/dev/null 2>&1 ||
  { echo "redis-server did not start on port $PORT: $OUT/redis.log" >&2; exit 2; }

# The share of both cores busy over one second, whoever keeps them busy (the
# load average of this sandbox is not the machine's).
load() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]) - (a[1]+a[2]+a[3]+a[6]+a[7]) ))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) ))
  echo "$(( 100 * busy / (busy + idle + 1) ))%"
}
now() { date +%s.%N; }
answer() { grep -v '^wrote \|^queue: ' "$1"; }

# run LABEL WORKERS BATCH ARGS...: one search; prints a table row.
run() {
  local label=$1 workers=$2 batch=$3; shift 3
  local pids=() before after t0 t1 queue=()
  redis-cli -p "$PORT" -a "$PASS" --no-auth-warning del distgen:jobs >/dev/null
  for i in $(seq 1 "$workers"); do
    $D worker --queue "$URL" --name "w$i" --quiet 2>>"$OUT/workers.log" &
    pids+=($!)
  done
  [ "$workers" -gt 0 ] && queue=(--queue "$URL" --queue-batch "$batch")
  before=$(load)
  t0=$(now)
  # Status 1 (nothing verified within the judgements) is an answer too.
  $D learn "$@" -q --out "$OUT/gen" "${queue[@]}" >"$OUT/$label.txt" || [ $? -eq 1 ]
  t1=$(now)
  after=$(load)
  for p in "${pids[@]}"; do kill -INT "$p"; wait "$p" || true; done
  local judged secs
  judged=$(sed -n 's/.*, \([0-9]*\) protocols judged.*/\1/p' "$OUT/$label.txt")
  # Q-learning: the calls that were not cache hits.
  [ -n "$judged" ] || judged=$(sed -n 's/.*oracle calls \([0-9]*\), cache hits \([0-9]*\).*/\1 - \2/p' \
    "$OUT/$label.txt" | bc)
  secs=$(echo "$t1 - $t0" | bc -l)
  printf '| %s | %s | %s | %s | %.2f | %.0f | %s / %s |\n' "$label" "$workers" \
    "${batch:--}" "$judged" "$secs" "$(echo "$judged / $secs" | bc -l)" "$before" "$after"
  if [ -e "$OUT/reference.txt" ]; then
    diff <(answer "$OUT/reference.txt") <(answer "$OUT/$label.txt") >&2 ||
      { echo "$label: not the in-process answer" >&2; exit 1; }
  else
    cp "$OUT/$label.txt" "$OUT/reference.txt"
  fi
  grep '^queue: ' "$OUT/$label.txt" | sed 's/^/    /' >&2 || true
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "redis-server: $(redis-server --version | cut -d' ' -f3)"
echo
echo "A. tiny judgements: crash space, exhaustive (1496 judgements)"
echo
echo '| run | workers | batch | judged | seconds | judgements/s | cores busy before / after |'
echo '|---|---|---|---|---|---|---|'
CRASH=(--faults crash --search exhaustive --set oracle.threads=1)
run crash-local 0 "" "${CRASH[@]}"
for b in 1 8 32; do run "crash-q1-b$b" 1 "$b" "${CRASH[@]}"; done
rm -f "$OUT/reference.txt"
echo
echo "B. scaling: byzantine space, the first $JUDGED judgements"
echo
echo '| run | workers | batch | judged | seconds | judgements/s | cores busy before / after |'
echo '|---|---|---|---|---|---|---|'
BYZ=(--faults byzantine --search exhaustive --set "search_max_judged=$JUDGED" --set oracle.threads=1)
run byz-local 0 "" "${BYZ[@]}"
for w in 1 2 4; do run "byz-q$w" "$w" 8 "${BYZ[@]}"; done
rm -f "$OUT/reference.txt"
echo
echo "C. Q-learning: crash, seed 1 (judged: oracle calls less cache hits)"
echo
echo '| run | workers | batch | judged | seconds | judgements/s | cores busy before / after |'
echo '|---|---|---|---|---|---|---|'
QL=(--faults crash --seed 1 --set oracle.threads=1)
run ql-local 0 "" "${QL[@]}"
for w in 1 2; do run "ql-q$w" "$w" 1 "${QL[@]}"; done
rm -rf "$OUT/gen"
echo
echo "outputs in $OUT"
