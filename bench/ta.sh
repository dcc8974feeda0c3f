#!/usr/bin/env bash
# Benchmark of the parameterized check (issue 10): TACO's three checkers side
# by side on the threshold automata distgen writes, for the reference
# protocols (verified for all N) and the mutations (violated, confirmed by the
# explicit checker at TACO's (N, F)), then the soundness differential over
# random protocols, bigger than in CI.
#
#   bash bench/ta.sh [TIMEOUT_SECONDS] [RANDOM_PROTOCOLS] [MAX_N]
#   (defaults: 60 s per run (600 s for replays at N = 8), 60 protocols, N <= 8)
#   bash bench/ta.sh targets
#   (only the rows of the issue's targets, with the default checker (smt),
#   no differential: about a minute)
#   bash bench/ta.sh portfolio [TIMEOUT_SECONDS]
#   (issue 23: the portfolio (smt, acs, zcs and the explicit sweep at once,
#   what `distgen check --all-n` runs) against SMT alone, on the reference
#   protocols, the mutations and the F = 3 Bracha variant; default 60 s)
#   bash bench/ta.sh random [TIMEOUT_SECONDS] [BYZANTINE] [CRASH] [ALONE]
#   (issue 23's random protocols, paramcheck/examples/portfolio_random:
#   BYZANTINE Byzantine ones (two or three message types, rules with two
#   `received` guards, N > 3 * F; seed 23), each scenario by the portfolio and
#   by each TACO checker of ALONE alone; CRASH crash ones (N > 2 * F: half
#   random, seed 24, half tilted toward live ones, dsl_core::random::live_crash,
#   seed 25) by the portfolio and by the explicit checker at every allowed
#   N <= 8 (5 s and 300,000 states per instance, 15 s per protocol; stopped
#   instances reported as unknown); defaults 10 s, 200, 150, smt,acs,zcs)
#
# Needs z3 (found or fetched: `distgen check --all-n --fetch-z3`). Writes
# Markdown to stdout; bench/RESULTS-ta.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=false
portfolio=false
if [ "${1:-}" = targets ]; then targets=true; shift; fi
if [ "${1:-}" = portfolio ]; then portfolio=true; shift; fi
random=false
if [ "${1:-}" = random ]; then random=true; shift; fi
if $random; then timeout_s="${1:-10}"; else timeout_s="${1:-60}"; fi
count="${2:-60}"
max_n="${3:-8}"
cargo build --release --quiet -p distgen-paramcheck --example taco_bench
bin=target/release/examples/taco_bench
cargo run --release --quiet -- check examples/bracha.rs --all-n --fetch-z3 > /dev/null 2>&1 || true
z3_version=$( (command -v z3 >/dev/null && z3 --version) || "${DISTGEN_Z3:-$HOME/.cache/distgen/z3-5.4.1.0/z3}" --version)
echo "Machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{printf "%.0f GiB", $2/1048576}'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $z3_version"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if $random; then
  cargo build --release --quiet -p distgen-paramcheck --example portfolio_random
  echo "Command: bash bench/ta.sh random $timeout_s ${2:-200} ${3:-150} ${4:-smt,acs,zcs}"
  echo
  target/release/examples/portfolio_random "$timeout_s" "${2:-200}" "${3:-150}" "${4:-smt,acs,zcs}" 8
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
echo "| protocol | scenario | TACO checker | locations | rules | verdict | TACO seconds | total seconds (with the explicit checker) | detail |"
echo "|---|---|---|---|---|---|---|---|---|"
run() { # file scenario [backends]
  local all="smt acs zcs"
  $targets && all=smt
  for backend in ${3:-$all}; do
    t=$timeout_s; [ "${3:-}" = smt ] && t=600
    [ "$backend" = portfolio ] && t=$((timeout_s + 30))
    out=$(timeout "$t" "$bin" "$1" "$2" "$backend" 2>/dev/null) \
      || out="$(basename "$1" .rs)	$2	$backend	-	-	timeout/failed	>$t	-	"
    echo "| $(echo "$out" | sed 's/\t/ | /g') |"
  done
}
# The mutations of tests/checker_verdicts.rs (and paramcheck/tests/all_n.rs),
# made from examples/bracha.rs.
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
sed 's/Ready(m) >= 2 \* F + 1 {/Ready(m) >= F + 1 {/; s/pub Bracha {/pub BrachaLoweredDeliver {/' \
  examples/bracha.rs > "$P/bracha_lowered_deliver.rs"
sed '/Ready(m) >= F + 1 and not sent Ready {/,+2d; s/pub Bracha {/pub BrachaNoAmplification {/' \
  examples/bracha.rs > "$P/bracha_no_amplification.rs"
sed 's/from broadcaster and not sent Echo {/from broadcaster {/; s/pub Bracha {/pub BrachaNoEchoOnce {/' \
  examples/bracha.rs > "$P/bracha_no_echo_once.rs"
# The (N + 3) / 2 echo variant (as bench/checker.sh and tests/checker_verdicts.rs make it).
sed 's|Echo(m) >= (N + F) / 2 + 1 |Echo(m) >= (N + 3) / 2 |; s/pub Bracha {/pub BrachaEcho3 {/' \
  examples/bracha.rs > "$P/bracha_echo_n3.rs"
grep -q '(N + 3) / 2' "$P/bracha_echo_n3.rs" || { echo "examples/bracha.rs changed: no echo quorum to replace" >&2; exit 2; }
# Issue 23's variant: Bracha's thresholds at F <= 2, too low at F = 3.
sed 's|Echo(m) >= (N + F) / 2 + 1 |Echo(m) >= (2 * N - 3 * F + 2) / 2 |; s|Ready(m) >= 2 \* F + 1 {|Ready(m) >= (3 * F + 4) / 2 {|; s/pub Bracha {/pub BrachaF3 {/' \
  examples/bracha.rs > "$P/bracha_f3.rs"
grep -q '(3 \* F + 4) / 2' "$P/bracha_f3.rs" || { echo "examples/bracha.rs changed: no thresholds to replace" >&2; exit 2; }
if $portfolio; then
  # Each protocol: the portfolio, then SMT alone, both bounded by the timeout.
  for f in examples/bracha.rs examples/generated/learned_byzantine.rs examples/imbs_raynal.rs \
           examples/paper_fig3.rs "$P"/bracha_*.rs; do
    for s in correct-broadcaster byzantine-broadcaster; do
      TACO_BENCH_TIMEOUT=$timeout_s run "$f" $s "portfolio smt"
    done
  done
  for f in examples/eager_reliable.rs examples/hadzilacos_toueg.rs; do
    TACO_BENCH_TIMEOUT=$timeout_s run "$f" crashes "portfolio smt"
  done
  exit 0
fi
for s in correct-broadcaster byzantine-broadcaster; do
  run examples/bracha.rs $s
  run examples/generated/learned_byzantine.rs $s
  run examples/imbs_raynal.rs $s
done
run examples/eager_reliable.rs crashes
run examples/hadzilacos_toueg.rs crashes
for s in correct-broadcaster byzantine-broadcaster; do
  run examples/paper_fig3.rs $s smt
  run $P/bracha_lowered_deliver.rs $s smt
  run $P/bracha_no_amplification.rs $s smt
  run $P/bracha_no_echo_once.rs $s smt
  run $P/bracha_echo_n3.rs $s smt
done
$targets && exit 0
echo
echo "Soundness differential ($count random protocols, N <= $max_n):"
echo
DISTGEN_TA_DIFF_COUNT="$count" DISTGEN_TA_DIFF_MAX_N="$max_n" \
  cargo test --release --quiet -p distgen-paramcheck --test soundness -- --nocapture 2>&1 \
  | grep -E "^compared|test result" || true
