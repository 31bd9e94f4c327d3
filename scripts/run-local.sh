#!/usr/bin/env bash
# Runs the whole pipeline on this machine: mosquitto (1883), tansu (9092), nx-27017 (27017) and every
# service, each configured from its file in configmaps/ (the ConfigMap's source). Ctrl-C stops everything cleanly.
# Usage: scripts/run-local.sh BIN_DIR     (make run passes the release build's bin path)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?usage: run-local.sh BIN_DIR}"
venv="${SCADA_VENV:-$root/.venv}"
run="$root/.run"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$run/logs" "$run/config" "$run/mosquitto" "$run/mongo" "$run/simulator"
pids=()
names=()

say() { printf '\033[1m[run]\033[0m %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 150); do listening "$1" && return 0; sleep 0.2; done
  say "$2 did not open port $1; see $run/logs/$2.log"; return 1
}
start() { # name, command...
  local name="$1"; shift
  # Own session: Ctrl-C reaches only this script, which stops the services before the servers.
  setsid "$@" >>"$run/logs/$name.log" 2>&1 &
  pids+=($!); names+=("$name")
}
stop_all() {
  trap - INT TERM EXIT
  say "stopping..."
  # Newest first: the services stop (and flush) while the servers they talk to are still up.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$i]}" 2>/dev/null && say "killed ${names[$i]} (did not stop in 10 s)"
  done
  say "stopped. Logs are in $run/logs/"
  exit 0
}
trap stop_all INT TERM EXIT

# --- servers -------------------------------------------------------------------------------
if listening 1883; then say "MQTT: something already listens on 1883; using it"; else
  cat >"$run/mosquitto.conf" <<CONF
listener 1883 127.0.0.1
allow_anonymous true
persistence true
persistence_location $run/mosquitto/
max_queued_messages 100000
log_dest stdout
$( [ "$(id -u)" -eq 0 ] && echo "user root" )
CONF
  start mosquitto mosquitto -c "$run/mosquitto.conf"; wait_port 1883 mosquitto || exit 1
fi
if listening 9092; then say "Kafka: something already listens on 9092; using it"; else
  start tansu "$venv/bin/tansu" broker --listener-url tcp://127.0.0.1:9092 \
      --advertised-listener-url tcp://127.0.0.1:9092 --storage-engine memory://tansu/
  wait_port 9092 tansu || exit 1
fi
if listening 27017; then say "MongoDB: something already listens on 27017; using it"; else
  start mongodb "$venv/bin/nx-27017" --data-dir "$run/mongo" --host 127.0.0.1 -p 27017 \
      --log-file "$run/logs/nx-27017.log" --pid-file "$run/nx-27017.pid"
  wait_port 27017 mongodb || exit 1
fi
export SCADA_MQTT_URL="mqtt://127.0.0.1:1883" SCADA_KAFKA_BROKERS="127.0.0.1:9092" \
       SCADA_MONGODB_URI="mongodb://127.0.0.1:27017"
"$bin/scadactl" topics create >>"$run/logs/scadactl.log" 2>&1 || say "scadactl topics create failed (see $run/logs/scadactl.log); services create topics themselves"

# --- services, downstream first --------------------------------------------------------------
service() { # name, http port [config file]
  local name="$1" port="$2" config="${3:-$root/configmaps/$1.yaml}"
  if [ -s "$config" ]; then
    start "$name" env SCADA_CONFIG="$config" SCADA_HTTP_PORT="$port" "$bin/$name"
  else
    start "$name" env SCADA_HTTP_PORT="$port" "$bin/$name"
  fi
}
# Local API tokens for the api-gateway (in a cluster they come from a Secret); override by exporting SCADA_API_TOKENS.
export SCADA_API_TOKENS="${SCADA_API_TOKENS:-dev-viewer-token=viewer,dev-operator-token=operator,dev-admin-token=admin}"
service db-interface 8082
# The detector's rules file lives in the repository here (in a cluster: the mounted ConfigMap).
sed "s|^\(  rulesFile:\).*|\1 $root/configmaps/anomaly-rules.yaml|" "$root/configmaps/anomaly-detector.yaml" >"$run/anomaly-detector.yaml"
service anomaly-detector 8083 "$run/anomaly-detector.yaml"
service api-gateway 8000
service preprocessor 8081
SCADA_SIMULATOR_STATE="$run/simulator" service plc-simulator 8084

cat <<INFO

  The pipeline is running.   Ctrl-C stops everything.

  HMI and REST API     http://localhost:8000/           (api-gateway)
  API tokens           dev-viewer-token, dev-operator-token, dev-admin-token   (SCADA_API_TOKENS; docs/api-gateway.md)
  Health / metrics     http://localhost:PORT/healthz  /readyz  /metrics
                       preprocessor 8081, db-interface 8082, anomaly-detector 8083, plc-simulator 8084
  Raw MQTT traffic     mosquitto_sub -h 127.0.0.1 -t 'factory/#' -v
  Logs                 $run/logs/
  Servers              MQTT 127.0.0.1:1883, Kafka 127.0.0.1:9092, MongoDB 127.0.0.1:27017 (data in $run/)

INFO
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      say "${names[$i]} exited; last lines of its log:"; tail -n 15 "$run/logs/${names[$i]}.log"
      unset 'pids[i]' 'names[i]'; pids=("${pids[@]}"); names=("${names[@]}"); break
    fi
  done
  sleep 2
done
