#!/usr/bin/env bash
# Browser tests of the HMI against the real pipeline (see test_hmi.py). Usage: run.sh [BIN_DIR]
# Needs Debian chromium + chromium-driver and selenium in the venv (scripts/setup.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export SCADA_VENV="${SCADA_VENV:-$root/.venv}"
export LD_LIBRARY_PATH="$SCADA_VENV/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$SCADA_VENV/bin:$PATH"
bin="${1:-$(swift build --show-bin-path)}"
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "browser tests: $tool is missing (run scripts/setup.sh)"; exit 1; }
done
"$SCADA_VENV/bin/python" -c 'import selenium' || { echo "browser tests: selenium is missing (run scripts/setup.sh)"; exit 1; }
exec timeout --kill-after=20 420 "$SCADA_VENV/bin/python" "$root/scripts/browser-tests/test_hmi.py" "$bin"
