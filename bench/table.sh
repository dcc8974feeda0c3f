# Shared by bench/actors.sh and bench/deploy.sh (sourced, not run): build the
# release binary, then run each entry of the array `runs` ("NAME|OPTIONS")
# REPEATS times with `--json` and turn each report into a Markdown table row.
#
# bench_rows REPEATS TIMEOUT PREFIX ROW_SCRIPT: runs
# `target/release/distgen PREFIX OPTIONS --json --timeout TIMEOUT`; ROW_SCRIPT
# is Python that reads NAME, OPTIONS, the exit status and the JSON report's
# path from sys.argv[1:5] and prints the row.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p distgen
bin=target/release/distgen
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

bench_rows() {
  local repeats=$1 timeout=$2 prefix=$3 script=$4 entry name opts code
  for entry in "${runs[@]}"; do
    name=${entry%%|*}
    opts=${entry#*|}
    for _ in $(seq "$repeats"); do
      set +e
      # shellcheck disable=SC2086
      $bin $prefix $opts --json --timeout "$timeout" > "$tmp"
      code=$?
      set -e
      python3 -c "$script" "$name" "$opts" "$code" "$tmp"
    done
  done
}
