#!/usr/bin/env bash
# Checks that the deployment files agree with each other and with the sources: k8s-manifests/,
# configmaps/, docker-compose.yml, deploy/, Dockerfile. No cluster or Docker engine needed.
# Usage: scripts/check-manifests.sh [--root DIR]     (Makefile: `make manifests`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
python="$venv/bin/python"
if [ ! -x "$python" ]; then
  echo "check-manifests: $python not found; run 'make setup' (or set SCADA_VENV)" >&2
  exit 2
fi
if ! "$python" -c 'import yaml' 2>/dev/null; then
  echo "check-manifests: PyYAML is missing from $venv; run 'make setup'" >&2
  exit 2
fi
exec "$python" "$root/scripts/check_manifests.py" "$@"
