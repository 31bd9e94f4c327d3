#!/usr/bin/env bash
# BSON encode/decode speed of SCADAMongo (no server): 10-field telemetry documents, printed.
# Usage: scripts/bench/bson.sh BIN_DIR [DOCUMENTS]
set -euo pipefail
bin="${1:?usage: bson.sh BIN_DIR [DOCUMENTS]}"
"$bin/bson-bench" "${2:-200000}"
