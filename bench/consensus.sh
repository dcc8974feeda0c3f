#!/bin/sh
# Bosco at N = 8, F = 1 and N = 15, F = 2 (Byzantine, every input assignment),
# exhaustive, with the consensus checker's counting model (bench/RESULTS-consensus.md).
set -e
cd "$(dirname "$0")/.."
cargo test --release -p dsl-core --test consensus_checker bosco_is_safe_at_n8_f1_and_n15_f2 -- --nocapture 2>&1 | grep -E "^Bosco|test result"
