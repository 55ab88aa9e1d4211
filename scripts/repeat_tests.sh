#!/usr/bin/env bash
# Runs the README's test command (`make test`) from a fresh clone of this checkout,
# N times in a row (default 10), each in a new clone with a new virtualenv, and prints
# one line per run. A suite that fails one time in N shows here.
# Usage: scripts/repeat_tests.sh [N] [make target]   (logs in $LOG_DIR, default /tmp/repeat-tests)
set -uo pipefail
runs=${1:-10}
target=${2:-test}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
log_dir=${LOG_DIR:-/tmp/repeat-tests}
mkdir -p "$log_dir"
failures=0
for i in $(seq 1 "$runs"); do
    clone=$(mktemp -d /tmp/samverkan-clone.XXXXXX)
    git clone --quiet "$repo" "$clone"
    started=$(date +%s)
    if (cd "$clone" && make "$target") >"$log_dir/run-$i.log" 2>&1; then
        result=passed
    else
        result=FAILED
        failures=$((failures + 1))
    fi
    summary=$(grep -E '^(=+ .*(passed|failed|error).* =+|.*crashed.*)$' "$log_dir/run-$i.log" | tail -n 1)
    echo "run $i/$runs: $result in $(($(date +%s) - started)) s — $summary"
    rm -rf "$clone"
done
echo "$failures of $runs runs failed ($(git -C "$repo" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))"
[ "$failures" -eq 0 ]
