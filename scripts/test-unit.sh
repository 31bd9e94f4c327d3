#!/usr/bin/env bash
# Runs the unit tests only: every suite declared under Tests/<target>/Unit/, with no server available
# (SCADA_NO_SERVERS=1 makes any attempt to start mosquitto, tansu or nx-27017 fail the test). Needs no venv.
# Usage: scripts/test-unit.sh   (make test-unit)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
filters=()
for unit in Tests/*/Unit; do
  target="$(basename "$(dirname "$unit")")"
  suites="$(grep -rhoE '(struct|final class|class|enum) [A-Z][A-Za-z0-9_]*Tests\b' "$unit" \
            | awk '{print $NF}' | sort -u | paste -sd'|' -)"
  [ -n "$suites" ] && filters+=(--filter "^${target}\\.(${suites})(/|\$)")
done
[ ${#filters[@]} -gt 0 ] || { echo "test-unit: no unit suites found under Tests/*/Unit" >&2; exit 1; }
swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
swift build --build-tests >/dev/null
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
SCADA_NO_SERVERS=1 timeout --kill-after=10 600 swift test --skip-build "${filters[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# A filter that matched nothing would "pass": require the run to have executed tests.
grep -qE 'Test run with [1-9][0-9]* tests? .*passed|Test run with [1-9][0-9]* tests' "$log" \
  || { echo "test-unit: no tests ran" >&2; exit 1; }
exit "$status"
