#!/usr/bin/env bash
# API contract test: starts mosquitto, tansu and nx-27017 on free loopback ports, seeds a little data, starts
# the api-gateway (BIN_DIR/api-gateway), and runs schemathesis (PyPI) against the OpenAPI document it serves.
# Passes when schemathesis finds no server error (5xx) and no answer that breaks the document (status code,
# content type, headers, body schema). The streaming routes (SSE, WebSocket) are excluded: they never end.
#
# Usage: scripts/schemathesis.sh [BIN_DIR]   (default .build/debug)   Env: MAX_EXAMPLES (40), SCADA_VENV
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/.build/debug}"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for tool in "$bin/api-gateway" "$venv/bin/tansu" "$venv/bin/nx-27017" "$venv/bin/schemathesis"; do
  [ -x "$tool" ] || { echo "schemathesis: missing $tool (swift build; make setup)"; exit 1; }
done
command -v mosquitto >/dev/null || { echo "schemathesis: mosquitto is not installed (make setup)"; exit 1; }
# shellcheck source=bench/common.bash
source "$root/scripts/bench/common.bash"
bench_setup schemathesis

kafka_port="$(free_port)"; mongo_port="$(free_port)"; mqtt_port="$(free_port)"; http_port="$(free_port)"
"$venv/bin/tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine "memory://tansu/" --silent >"$work/tansu.log" 2>&1 & pids+=($!)
mkdir -p "$work/mongo"
"$venv/bin/nx-27017" --data-dir "$work/mongo" --pid-file "$work/mongo/server.pid" --host 127.0.0.1 -p "$mongo_port" >"$work/mongo.log" 2>&1 & pids+=($!)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$mqtt_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
for port in "$kafka_port" "$mongo_port" "$mqtt_port"; do wait_port "$port" || { echo "schemathesis: a server did not start"; exit 1; }; done
for topic in scada.telemetry scada.device-status scada.alerts scada.alert-actions scada.alarm-state scada.analytics scada.deadletter; do
  "$venv/bin/tansu" topic create --broker "tcp://127.0.0.1:$kafka_port" --partitions 1 "$topic" >/dev/null 2>&1
done

token="schemathesis-operator-token"
cat >"$work/gateway.yaml" <<YAML
kafka:
  sessionTimeoutMs: 6000
apiGateway:
  rateLimit: {requestsPerSecond: 100000, burst: 100000}
  commands: {ackTimeoutMs: 200, maxAckTimeoutMs: 30000}
  alarmActions: {resultTimeoutMs: 200}
YAML
SCADA_KAFKA_BROKERS="127.0.0.1:$kafka_port" SCADA_MONGODB_URI="mongodb://127.0.0.1:$mongo_port" \
SCADA_MQTT_URL="mqtt://127.0.0.1:$mqtt_port" SCADA_HTTP_PORT="$http_port" SCADA_LOG_LEVEL=warning \
SCADA_API_TOKENS="$token=operator" SCADA_CONFIG="$work/gateway.yaml" \
  "$bin/api-gateway" >"$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { echo "schemathesis: the gateway did not get ready"; tail -20 "$work/gateway.log"; exit 1; }

# A device, an alarm, a KPI and a dead letter, so that some answers carry data.
"$py" - "$kafka_port" <<'PY'
import json, sys, time
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": f"127.0.0.1:{sys.argv[1]}"})
now = int(time.time() * 1000)
p.produce("scada.telemetry", key="tank_01", value=json.dumps({"schema_version": 1, "device_id": "tank_01", "device_type": "fish_tank",
    "event_time": now, "receive_time": now, "seq": 1, "metrics": {"temperature": 24.5}, "states": {"heater": False},
    "source_topic": "factory/fishtank/tank_01"}))
alarm = {"schema_version": 2, "alert_id": "tank_01:limits:temperature", "device_id": "tank_01", "rule": "limits", "metric": "temperature",
    "severity": "warning", "state": "active_unacknowledged", "transition": "raised", "active": True, "acknowledged": False,
    "value": 31.0, "threshold": 30.0, "message": "hot", "event_time": now, "sequence": 1, "actions": []}
p.produce("scada.alerts", key="tank_01", value=json.dumps(alarm))
p.produce("scada.alarm-state", key=alarm["alert_id"], value=json.dumps(alarm))
p.produce("scada.analytics", key="plant-1", value=json.dumps({"site": "plant-1", "oee": 0.8}))
p.produce("scada.deadletter", key="x", value=b"{bad", headers={"scada-reason": "invalid_json", "scada-service": "preprocessor"})
p.flush(10)
PY

# (run from the scratch folder: schemathesis keeps a cache in ./.schemathesis)
(cd "$work" && "$venv/bin/schemathesis" run "http://127.0.0.1:$http_port/api/v1/openapi.json" --url "http://127.0.0.1:$http_port" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --exclude-path-regex '/(stream|ws)$' --max-examples "${MAX_EXAMPLES:-40}" --request-timeout 45 --seed 1 --no-color \
  >"$work/schemathesis.log" 2>&1)
status=$?
tail -80 "$work/schemathesis.log"
if [ $status -ne 0 ]; then
  echo "schemathesis: FAILED; its errors and the gateway log tail follow"
  grep -n -A25 "ERRORS\|FAILURES" "$work/schemathesis.log" | head -120
  tail -20 "$work/gateway.log"
fi
exit $status
