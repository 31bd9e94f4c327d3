#!/usr/bin/env bash
# Validates the deployment files with maintained tools, then cross-checks them against the services:
#   yamllint (.yamllint) · shellcheck (the set-up and check scripts) · kubectl kustomize of the base and each overlay · kubernetes-validate --strict on
#   everything rendered · checkov on the rendered manifests and the Dockerfile (skips justified inline) ·
#   the Compose Specification schema and `docker-compose config` · mosquitto started on configmaps/mosquitto.conf
#   (loopback, free ports) with the example password file and ACL · scripts/check_deploy.py (ports, probe
#   paths, SCADA_* variables, config keys and broker addresses, asked from the service binaries).
# No cluster or Docker engine needed. A failing step prints its whole output; the others print one line.
# Usage: scripts/check-manifests.sh [--root DIR] [--bin DIR] [--skip STEP,...] [--write-rendered FILE]
#   --root            the tree to check (default: this repository; scripts/test-check-manifests.sh uses copies)
#   --bin             where the service binaries are (default: `swift build --show-bin-path`)
#   --skip            steps to leave out: yamllint,shellcheck,kustomize,kubernetes-validate,checkov,cross-check,compose,
#                     mosquitto,broken-manifests
#   --write-rendered  also write the base's rendering there (`make manifests`: deploy/rendered.yaml)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$here" bin="" skip="" write_rendered=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$(cd "$2" && pwd)"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --skip) skip=",$2,"; shift 2 ;;
    --write-rendered) write_rendered="$2"; shift 2 ;;
    *) echo "check-manifests: unknown argument $1" >&2; exit 2 ;;
  esac
done
venv="${SCADA_VENV:-$here/.venv}"
missing=()
for tool in yamllint kubectl kubernetes-validate checkov check-jsonschema python; do
  [ -x "$venv/bin/$tool" ] || missing+=("$venv/bin/$tool")
done
for tool in docker-compose mosquitto mosquitto_pub mosquitto_sub shellcheck; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-manifests: missing ${missing[*]}; run 'make setup' (scripts/setup.sh installs them)" >&2
  exit 2
fi
[ -n "$bin" ] || bin="$(cd "$here" && swift build --show-bin-path 2>/dev/null)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
# step NAME COMMAND...: runs COMMAND; prints its output in full only when it fails.
step() {
  local name="$1"; shift
  if [[ "$skip" == *",$name,"* ]]; then return 0; fi
  if "$@" >"$work/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "check-manifests: ok      $name"
  else
    failed=$((failed + 1)); echo "check-manifests: FAILED  $name"
    sed 's/^/    /' "$work/$name.log"
  fi
}

overlays=(base:k8s-manifests dev:k8s-manifests/overlays/dev production:k8s-manifests/overlays/production)
rendered=()
for entry in "${overlays[@]}"; do rendered+=("$work/rendered/${entry%%:*}.yaml"); done

kustomize_all() {
  mkdir -p "$work/rendered"
  local entry ok=0
  for entry in "${overlays[@]}"; do
    if ! "$venv/bin/kubectl" kustomize "$root/${entry#*:}" >"$work/rendered/${entry%%:*}.yaml"; then
      echo "kubectl kustomize ${entry#*:} failed"; ok=1
    fi
  done
  return $ok
}

validate_all() {
  local out
  out="$("$venv/bin/kubernetes-validate" --strict --quiet "${rendered[@]}" 2>&1 | grep -E '^(ERROR|WARN)')"
  [ -z "$out" ] || { echo "$out"; return 1; }
}

checkov_all() {
  # --skip-download: no policy download and no calls home; the checks are the ones the package ships.
  mkdir -p "$work/checkov"
  cp "${rendered[@]}" "$work/checkov/"
  cp "$root/Dockerfile" "$work/checkov/Dockerfile"
  "$venv/bin/checkov" --directory "$work/checkov" --framework kubernetes dockerfile --skip-download --compact --quiet
}

compose_all() {
  local ok=0
  "$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$root/docker-compose.yml" || ok=1
  # docker-compose v1 (what the seed's users run): its own schema and interpolation, no engine needed.
  (cd "$root" && docker-compose -f docker-compose.yml config -q) || ok=1
  return $ok
}

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mosquitto_check() {
  local dir="$work/mosquitto" mqtt ws pid ok=0
  mkdir -p "$dir/data"
  mqtt="$(free_port)"; ws="$(free_port)"
  cp "$root/k8s-manifests/base/secrets/mosquitto-passwd" "$dir/passwd"
  cp "$root/k8s-manifests/base/secrets/mosquitto-acl" "$dir/acl"
  chmod 0600 "$dir/passwd" "$dir/acl"
  # The committed file with only its ports, paths and the run-as user changed.
  sed -e "s#^listener 1883\$#listener $mqtt 127.0.0.1#" -e "s#^listener 9001\$#listener $ws 127.0.0.1#" \
      -e "s#/mosquitto/auth/#$dir/#g" -e "s#/mosquitto/data/#$dir/data/#g" \
      "$root/configmaps/mosquitto.conf" >"$dir/mosquitto.conf"
  if ! grep -q "^listener $mqtt " "$dir/mosquitto.conf" || ! grep -q "^listener $ws " "$dir/mosquitto.conf"; then
    echo "configmaps/mosquitto.conf lacks 'listener 1883' or 'listener 9001'"; return 1
  fi
  echo "user $(id -un)" >>"$dir/mosquitto.conf"
  mosquitto -c "$dir/mosquitto.conf" >"$dir/log" 2>&1 &
  pid=$!
  local listening=""
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    if ss -ltn | grep -q ":$mqtt " && ss -ltn | grep -q ":$ws "; then listening=yes; break; fi
    sleep 0.1
  done
  if [ -z "$listening" ]; then
    echo "mosquitto did not listen on $mqtt and $ws with configmaps/mosquitto.conf:"; cat "$dir/log"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 1
  fi
  sub() { mosquitto_sub -h 127.0.0.1 -p "$mqtt" -C 1 "$@" 2>&1; }
  # Authenticated access works, anonymous does not, and the ACL keeps each user to its topics.
  sub -W 5 -u monitor -P monitor-change-me -t "\$SYS/broker/uptime" >/dev/null || { echo "user monitor cannot read \$SYS/broker/uptime"; ok=1; }
  sub -W 5 -t "\$SYS/broker/uptime" >/dev/null && { echo "an anonymous client was accepted"; ok=1; }
  mosquitto_pub -h 127.0.0.1 -p "$mqtt" -u plc-simulator -P plc-simulator-change-me -t factory/line1 -m '{"ok":1}' -r -q 1 ||
    { echo "user plc-simulator cannot publish factory/line1"; ok=1; }
  [ "$(sub -W 5 -u preprocessor -P preprocessor-change-me -t factory/line1)" = '{"ok":1}' ] ||
    { echo "user preprocessor does not receive factory/line1"; ok=1; }
  [ "$(sub -W 1 -u hmi -P hmi-change-me -t factory/line1)" != '{"ok":1}' ] || { echo "user hmi can read factory/line1 (ACL allows only scada/alerts)"; ok=1; }
  # Every password the deployment hands out opens the broker (Secret example, .env.example, compose defaults).
  local user password source
  while read -r user password source; do
    mosquitto_pub -h 127.0.0.1 -p "$mqtt" -u "$user" -P "$password" -t probe/auth -n -q 1 >/dev/null 2>&1 ||
      { echo "user $user: the password in $source is not the one in mosquitto-passwd"; ok=1; }
  done < <("$venv/bin/python" "$here/scripts/check_deploy.py" --root "$root" --credentials)
  kill "$pid"; wait "$pid" 2>/dev/null
  [ $ok -eq 0 ] || { echo "--- mosquitto log"; cat "$dir/log"; }
  return $ok
}

step yamllint "$venv/bin/yamllint" --strict -c "$root/.yamllint" "$root"
step shellcheck shellcheck --severity=warning "$root"/configmaps/*.sh "$here/scripts/check-manifests.sh" "$here/scripts/test-check-manifests.sh"
step kustomize kustomize_all
if [ -s "${rendered[0]}" ]; then
  step kubernetes-validate validate_all
  step checkov checkov_all
  step cross-check "$venv/bin/python" "$here/scripts/check_deploy.py" --root "$root" --bin "$bin" "${rendered[@]}"
  [ -z "$write_rendered" ] || cp "${rendered[0]}" "$write_rendered"
fi
step compose compose_all
step mosquitto mosquitto_check
# Broken copies of these files must each fail the checks above (not run inside its own runs).
step broken-manifests bash "$here/scripts/test-check-manifests.sh" --bin "$bin"
echo "check-manifests: $passed checks ok, $failed failed"
[ "$failed" -eq 0 ]
