#!/usr/bin/env bash
# Bench-only set-up (run by `make bench`, never by `make test`): what the benchmarks need beyond `make setup`:
#  - nginx-light and wrk (Debian): the static-file baseline of the api-gateway and its load client;
#  - matplotlib (PyPI, into the project venv): the plots of docs/BENCHMARKS.md.
# Idempotent: installs only what is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "bench set-up: installing ${missing[*]} (apt)"
  $sudo_cmd apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
  echo "bench set-up: installing matplotlib into $venv (pip)"
  "$venv/bin/pip" install -q matplotlib
fi
