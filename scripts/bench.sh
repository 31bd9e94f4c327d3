#!/usr/bin/env bash
# Runs every service's benchmark script (scripts/bench/*.sh) against the release build.
# Each prints medians of several runs next to a baseline measured in the same run.
# Usage: scripts/bench.sh BIN_DIR [NAME...]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?usage: bench.sh BIN_DIR [NAME...]}"; shift
export SCADA_VENV="${SCADA_VENV:-$root/.venv}"
export LD_LIBRARY_PATH="$SCADA_VENV/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$SCADA_VENV/bin:$PATH"
# Bench-only tools (nginx-light, wrk, matplotlib): installed here, never by `make test`.
bash "$root/scripts/bench/setup-bench.sh" || exit 1
status=0
for script in "$root"/scripts/bench/*.sh; do
  name="$(basename "$script" .sh)"
  [ "$name" = setup-bench ] && continue
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  printf '\n===== bench: %s =====\n' "$name"
  bash "$script" "$bin" || { status=1; printf 'bench %s FAILED\n' "$name"; }
done
exit $status
