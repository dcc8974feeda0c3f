#!/usr/bin/env bash
# The readable explorer in a real browser (issue 15): starts `distgen explore`
# on Bracha (N = 4, F = 1, Byzantine p3), follows four actions through the
# explorer's own JSON API (each chosen by its trace line, so the script fails
# if the actions are not printed as distgen's traces print them), checks that
# the states are tables and the path a chart, then loads the page at the end
# of that path in headless Chromium and saves a screenshot.
#
#   bash bench/explorer.sh [OUT.png]     (default target/explorer.png)
#
# Needs `chromium` (Debian: apt-get install -y chromium), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/explorer.png}"
port="${EXPLORER_PORT:-3917}"
base="http://127.0.0.1:$port"
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
cargo build --release --quiet --bin distgen
profile=$(mktemp -d)
target/release/distgen explore examples/bracha.rs --n 4 --f 1 --addr "127.0.0.1:$port" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile"' EXIT
for _ in $(seq 50); do
  curl -sf "$base/.status" >/dev/null && break
  sleep 0.2
done

# Follow the actions by their trace lines; print the path of action indices.
path=$(python3 - "$base" <<'EOF'
import json, sys, urllib.request
base = sys.argv[1]
def steps(path):
    with urllib.request.urlopen(f"{base}/.states{path}") as r:
        return json.load(r)
path = "/0"
wanted = ["p0 -> p1: Initial(0)", "p0 -> p2: Initial(0)",
          "p3 (Byzantine) -> p1: Echo(1)", "p0 -> p1: Echo(0)"]
for line in wanted:
    choices = steps(path)
    index = next((c["actionIndex"] for c in choices if c.get("action") == line), None)
    if index is None:
        sys.exit(f"no action `{line}` at {path}: {[c.get('action') for c in choices]}")
    path += f"/{index}"
last = steps(path)[0]
for needle in ["heard (distinct senders)", "in flight:"]:
    if needle not in last["state"]:
        sys.exit(f"the state is not a table: {last['state']!r}")
if 'class="arrow"' not in last.get("svg", ""):
    sys.exit("the path is not drawn as a chart")
print(path)
EOF
)
echo "followed: #/steps$path"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --window-size=1400,1100 --virtual-time-budget=10000 \
  --screenshot="$out" "$base/#/steps$path" 2>/dev/null
test -s "$out"
echo "screenshot: $out"
