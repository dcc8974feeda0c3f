#!/bin/sh
# Consensus benchmarks (bench/RESULTS-consensus.md).
#   bench/consensus.sh          Bosco at N = 8, F = 1 and N = 15, F = 2 (Byzantine,
#                               every input assignment), exhaustive, with the
#                               consensus checker's counting model.
#   bench/consensus.sh learn    `distgen learn --problem consensus` under crash and
#                               Byzantine faults, both search modes and the linear
#                               thresholds, seeds 1, 2, 3: wall time, the protocol's
#                               upon block and its all-N line.
set -e
cd "$(dirname "$0")/.."
if [ "$1" != "learn" ]; then
  cargo test --release -p dsl-core --test consensus_checker bosco_is_safe_at_n8_f1_and_n15_f2 -- --nocapture 2>&1 | grep -E "^Bosco|test result"
  exit 0
fi
cargo build --release --quiet
out=$(mktemp -d)
run() {
  start=$(date +%s.%N)
  ./target/release/distgen learn --problem consensus --quiet --out "$out" "$@" > "$out/stdout" 2>&1 && code=0 || code=$?
  end=$(date +%s.%N)
  printf '== learn --problem consensus %s: exit %s, %.1f s\n' "$*" "$code" "$(echo "$end - $start" | bc)"
  grep -E "^(exhaustive|[0-9]+ episodes)|upon received|when Vote|otherwise|one_step:|every N allowed" "$out/stdout" | sed 's/^ */    /'
}
for faults in crash byzantine; do
  for seed in 1 2 3; do run --faults "$faults" --seed "$seed"; done
  run --faults "$faults" --search exhaustive
  run --faults "$faults" --thresholds linear --search exhaustive
done
rm -rf "$out"
