#!/usr/bin/env bash
# Builds and runs every test (unit and real-server integration tests).
# Usage: scripts/test.sh [FILTER]   — FILTER is passed to `swift test --filter`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export SCADA_VENV="${SCADA_VENV:-$root/.venv}"
export LD_LIBRARY_PATH="$SCADA_VENV/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$SCADA_VENV/bin:$PATH"
args=()
[ $# -gt 0 ] && [ -n "$1" ] && args+=(--filter "$1")
swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build --build-tests >/dev/null
bash "$root/scripts/check-manifests.sh" | tail -1
# A hang (a test waiting forever) fails the run instead of eating the CI budget.
exec timeout --kill-after=30 1800 swift test --skip-build "${args[@]}"
