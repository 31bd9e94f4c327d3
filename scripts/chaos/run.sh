#!/usr/bin/env bash
# Fault scenarios against the real local pipeline (see docs/CHAOS.md). Usage: run.sh BIN_DIR [run.py options]
#   run.sh .build/debug                 every scenario (~20 min)
#   run.sh .build/debug --fast          the fast subset (one fault per service, < 4 min; part of `make test`)
#   run.sh .build/debug --only kill9-preprocessor,scale-out
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SCADA_VENV="${SCADA_VENV:-$root/.venv}"
export LD_LIBRARY_PATH="$SCADA_VENV/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$SCADA_VENV/bin:$PATH"
bin="${1:?usage: run.sh BIN_DIR [options]}"; shift
for tool in "$bin/preprocessor" "$bin/db-interface" "$bin/anomaly-detector" "$bin/api-gateway" "$bin/plc-simulator" \
            "$bin/scadactl" "$SCADA_VENV/bin/tansu" "$SCADA_VENV/bin/nx-27017"; do
  [ -x "$tool" ] || { echo "chaos: missing $tool (swift build; make setup)"; exit 1; }
done
command -v mosquitto >/dev/null || { echo "chaos: mosquitto is not installed (make setup)"; exit 1; }
limit=2700; for arg in "$@"; do [ "$arg" = "--fast" ] && limit=420; done
exec timeout --kill-after=30 "$limit" "$SCADA_VENV/bin/python" "$root/scripts/chaos/run.py" "$bin" "$@"
