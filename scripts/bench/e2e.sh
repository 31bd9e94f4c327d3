#!/usr/bin/env bash
# End-to-end benchmark of the whole local pipeline (called by `make bench` with the release bin path):
# mosquitto, tansu, nx-27017, preprocessor, db-interface, anomaly-detector and api-gateway, loaded by
# `plc-simulator load` and a paced publisher; per-stage and end-to-end throughput, latency, CPU, RSS and lag,
# next to same-run baselines (bare mosquitto_sub | kcat -P, bare insert_many loop, nginx static). See e2e.py.
# Writes docs/benchmarks/e2e.json, the PNG plots and docs/BENCHMARKS.md's tables (E2E_WRITE_DOC=0: not the doc).
# Usage: scripts/bench/e2e.sh BIN_DIR    Env: RUNS (3), COUNT, RATE, SECONDS, FAULT_EVERY, PROBES, WRK_SECONDS, E2E_OUT,
#        E2E_WRITE_DOC
set -uo pipefail
bin="${1:?usage: e2e.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$venv/bin:$PATH"
for tool in preprocessor db-interface anomaly-detector api-gateway plc-simulator scadactl; do
  [ -x "$bin/$tool" ] || { echo "missing $bin/$tool (make release)"; exit 1; }
done
for tool in mosquitto mosquitto_sub kcat gcc nginx wrk; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool not found (scripts/bench/setup-bench.sh)"; exit 1; }
done
export PATH="$PATH:/usr/sbin"
exec "$venv/bin/python" "$root/scripts/bench/e2e.py" "$bin"
