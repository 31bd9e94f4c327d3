#!/usr/bin/env bash
# Feeds scripts/check-manifests.sh deliberately broken copies of the deployment files and checks that each
# is caught by the step meant to catch it, with a message naming the fault. Run by check-manifests.sh
# (step broken-manifests). Each case runs only the step meant to catch it (and kustomize), for speed.
# Usage: scripts/test-check-manifests.sh [--bin DIR]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_args=()
[ "${1:-}" = "--bin" ] && bin_args=(--bin "$2")
python="${SCADA_VENV:-$here/.venv}/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

all_steps="yamllint shellcheck kustomize kubernetes-validate checkov cross-check compose mosquitto broken-manifests"

# case NAME FILE OLD NEW STEP EXPECTED: replaces the first OLD by NEW in FILE of a fresh copy, runs the check's
# step STEP (and kustomize, which renders what the others read) and wants STEP to fail with EXPECTED.
case_() {
  local name="$1" file="$2" old="$3" new="$4" step="$5" expected="$6"
  local skips
  skips="$(tr ' ' '\n' <<<"$all_steps" | grep -vx -e kustomize -e "$step" | paste -sd,)"
  local tree="$work/$name"
  mkdir -p "$tree"
  (cd "$here" && cp -R configmaps k8s-manifests docker-compose.yml .env.example Dockerfile .yamllint "$tree/")
  if ! "$python" - "$tree/$file" "$old" "$new" <<'EOF'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
if old not in text:
    sys.exit(f"{path}: '{old}' not found")
open(path, "w").write(text.replace(old, new, 1))
EOF
  then failed=$((failed + 1)); echo "test-check-manifests: FAILED  $name (mutation did not apply)"; return; fi
  local out
  out="$(bash "$here/scripts/check-manifests.sh" --root "$tree" "${bin_args[@]}" --skip "$skips" 2>&1)"
  local status=$?
  if [ $status -ne 0 ] && grep -q "FAILED  $step" <<<"$out" && grep -qF -- "$expected" <<<"$out"; then
    passed=$((passed + 1)); echo "test-check-manifests: caught  $name ($step)"
  else
    failed=$((failed + 1)); echo "test-check-manifests: MISSED  $name: wanted step $step to fail with '$expected'; got:"
    sed 's/^/    /' <<<"$out"
  fi
  rm -rf "$tree"
}

case_ unknown-field k8s-manifests/base/32-db-interface.yaml "revisionHistoryLimit: 5" "revisionHistoryLimits: 5" \
  kubernetes-validate "'revisionHistoryLimits' was unexpected"
case_ wrong-probe-path k8s-manifests/base/32-db-interface.yaml "path: /readyz" "path: /ready" \
  cross-check "readinessProbe path is /ready"
case_ missing-configmap-key configmaps/kustomization.yaml "config.yaml=db-interface.yaml" "db-interface.yaml" \
  cross-check "SCADA_CONFIG=/etc/db-interface/config.yaml is not a key of a mounted ConfigMap"
case_ missing-secret-key k8s-manifests/base/secrets/mqtt-credentials.env "preprocessor=" "preprocesor=" \
  cross-check "has no key preprocessor"
case_ unknown-config-key configmaps/db-interface.yaml "  groupID: db-interface" "  groupId: db-interface" \
  cross-check "unknown key 'dbInterface.groupId'"
case_ undocumented-option configmaps/db-interface.yaml "    maxMs: 10000" "" \
  cross-check "lacks dbInterface.retry.maxMs (default 10000)"
case_ wrong-broker-address k8s-manifests/base/kustomization.yaml "SCADA_KAFKA_BROKERS=kafka:9092" "SCADA_KAFKA_BROKERS=kafka-broker:9092" \
  cross-check "no Service kafka-broker with port 9092"
case_ voter-list k8s-manifests/overlays/production/kustomization.yaml ",2@kafka-2.kafka:9093" "" \
  cross-check "does not match 3 brokers"
case_ replicas-fight-hpa k8s-manifests/base/32-db-interface.yaml "  revisionHistoryLimit: 5" "  replicas: 2
  revisionHistoryLimit: 5" cross-check "sets replicas, which fights its HPA"
case_ bad-mosquitto-directive configmaps/mosquitto.conf "persistence true" "persistance true" \
  mosquitto "persistance"
case_ wrong-mqtt-password k8s-manifests/base/secrets/mqtt-credentials.env "preprocessor:preprocessor-change-me@" \
  "preprocessor:preprocessor-changed@" mosquitto "user preprocessor: the password in k8s-manifests/base/secrets/mqtt-credentials.env"
case_ unknown-compose-key docker-compose.yml "    restart: unless-stopped" "    restrat: unless-stopped" \
  compose "'restrat' was unexpected"
case_ writable-root-filesystem k8s-manifests/base/32-db-interface.yaml "readOnlyRootFilesystem: true" "readOnlyRootFilesystem: false" \
  checkov "CKV_K8S_22"
case_ yaml-duplicate-key k8s-manifests/base/32-db-interface.yaml "  revisionHistoryLimit: 5" "  revisionHistoryLimit: 5
  revisionHistoryLimit: 6" yamllint "duplication of key"
echo "test-check-manifests: $passed broken manifests caught, $failed missed"
[ "$failed" -eq 0 ]
