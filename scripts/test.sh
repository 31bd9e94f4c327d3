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
# Deployment files: one line per check; a failing check prints its whole output and stops the run.
bash "$root/scripts/check-manifests.sh"
if [ ${#args[@]} -eq 0 ]; then
  # The API contract test: schemathesis against the running gateway and the OpenAPI document it serves.
  bash "$root/scripts/schemathesis.sh" "$(swift build --show-bin-path)"
fi
# The HMI in a real browser against the real pipeline (skipped when a filter selects other tests).
if [ ${#args[@]} -eq 0 ] || [[ "$1" == *HMI* ]]; then
  bash "$root/scripts/browser-tests/run.sh" "$(swift build --show-bin-path)"
fi
# Fault scenarios, the fast subset (one fault per service on the real pipeline, exact accounting; docs/CHAOS.md),
# skipped when a filter selects other tests.
if [ ${#args[@]} -eq 0 ] || [[ "$1" == *[Cc]haos* ]]; then
  bash "$root/scripts/chaos/run.sh" "$(swift build --show-bin-path)" --fast --json "$root/.run/chaos-fast.json"
fi
# Last, so that its summary is the run's closing line. A hang (a test waiting forever) fails the run instead
# of eating the CI budget.
exec timeout --kill-after=30 1800 swift test --skip-build "${args[@]}"
