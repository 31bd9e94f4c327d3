#!/usr/bin/env bash
# Benchmark of the api-gateway (called by `make bench` with the release bin path). Same machine, same run:
#  (1) latest: wrk, 32 connections, GET /api/v1/devices/{id}/latest (bearer token) vs nginx serving the same
#      JSON as a static file; the ratio gateway/nginx (target >= 0.5) and non-2xx answers (target 0);
#  (2) latest with 4 busy connections: p99 latency (target <= 5 ms);
#  (3) 24 h history of one metric from 1-minute rollups (1,440 buckets seeded in nx-27017): median and p99 of
#      sequential requests (target <= 50 ms);
#  (4) CLIENTS (500) concurrent SSE clients on /api/v1/alerts/stream while TRANSITIONS (200) alarm transitions are
#      produced to scada.alerts: how many clients received every transition, and how long delivery took.
#
# Usage: scripts/bench/api-gateway.sh BIN_DIR    Env: DURATION (10s), CLIENTS (500), TRANSITIONS (200), HISTORY_REQUESTS (50)
set -uo pipefail
bin="${1:?usage: api-gateway.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
duration="${DURATION:-10s}"
clients="${CLIENTS:-500}"
transitions="${TRANSITIONS:-200}"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for tool in "$bin/api-gateway" "$venv/bin/tansu" "$venv/bin/nx-27017"; do
  [ -x "$tool" ] || { echo "missing $tool (make release; make setup)"; exit 1; }
done
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing wrk and nginx-light"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null || exit 1
fi
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_setup api-gateway
ulimit -n 65536 2>/dev/null || ulimit -n 4096

kafka_port="$(free_port)"; mongo_port="$(free_port)"; mqtt_port="$(free_port)"; http_port="$(free_port)"; nginx_port="$(free_port)"
"$venv/bin/tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine "memory://tansu/" --silent >"$work/tansu.log" 2>&1 & pids+=($!)
mkdir -p "$work/mongo"
"$venv/bin/nx-27017" --data-dir "$work/mongo" --pid-file "$work/mongo/server.pid" --host 127.0.0.1 -p "$mongo_port" >"$work/mongo.log" 2>&1 & pids+=($!)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$mqtt_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & pids+=($!)
for port in "$kafka_port" "$mongo_port" "$mqtt_port"; do wait_port "$port" || { echo "a server did not start"; exit 1; }; done
for topic in scada.telemetry scada.device-status scada.alerts scada.alarm-state scada.analytics scada.deadletter scada.alert-actions; do
  "$venv/bin/tansu" topic create --broker "tcp://127.0.0.1:$kafka_port" --partitions 1 "$topic" >/dev/null 2>&1
done

# 24 h of rollups, a registry entry and a newest sample for one device (what db-interface would have written).
"$py" - "$mongo_port" <<'PY'
import sys, datetime as dt
from pymongo import MongoClient
db = MongoClient(f"mongodb://127.0.0.1:{sys.argv[1]}")["scada"]
now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
start = now - dt.timedelta(hours=24)
docs = []
for i in range(1440):
    minute = start + dt.timedelta(minutes=i)
    ms = int(minute.timestamp() * 1000)
    docs.append({"_id": f"tank_01:{ms}", "device_id": "tank_01", "minute": minute, "samples": 60,
                 "m": {"temperature": {"min": 24.0, "max": 25.0, "sum": 1470.0, "count": 60, "last": 24.5},
                       "ph": {"min": 7.0, "max": 7.2, "sum": 426.0, "count": 60, "last": 7.1}}})
db.rollups.insert_many(docs)
db.rollups.create_index([("device_id", 1), ("minute", 1)])
db.devices.insert_one({"_id": "tank_01", "device_type": "fish_tank", "site": "plant-1", "line": "aquarium", "online": True,
    "status": "online", "status_since": now, "first_seen": start, "last_seen": now, "messages": 86400, "seq_min": 1, "seq_max": 86400,
    "seq_stored": 86400, "duplicates": 0, "last_values": {"temperature": 24.5, "ph": 7.1, "dissolved_oxygen": 7.9, "ammonia": 0.02,
    "water_level": 92.0}, "last_values_at": now})
db.telemetry.insert_one({"_id": "tank_01:86400", "device_id": "tank_01", "device_type": "fish_tank", "ts": now, "receive_time": now,
    "source_topic": "factory/fishtank/tank_01", "seq": 86400, "metrics": {"temperature": 24.5, "ph": 7.1, "dissolved_oxygen": 7.9,
    "ammonia": 0.02, "water_level": 92.0}, "states": {"heater": False, "controller": "builtin"}})
PY

token="bench-viewer-token"
cat >"$work/gateway.yaml" <<YAML
kafka:
  sessionTimeoutMs: 6000
apiGateway:
  rateLimit: {requestsPerSecond: 10000000, burst: 10000000}   # on (the default code path), never reached
  live: {maxClients: 10000, clientBufferEvents: 10000}
YAML
SCADA_CONFIG="$work/gateway.yaml" SCADA_KAFKA_BROKERS="127.0.0.1:$kafka_port" SCADA_MONGODB_URI="mongodb://127.0.0.1:$mongo_port" \
SCADA_MQTT_URL="mqtt://127.0.0.1:$mqtt_port" SCADA_HTTP_PORT="$http_port" SCADA_LOG_LEVEL=warning SCADA_API_TOKENS="$token=viewer" \
  "$bin/api-gateway" >"$work/gateway.log" 2>&1 & gateway_pid=$!; pids+=("$gateway_pid")
for _ in $(seq 1 400); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { echo "the gateway did not get ready"; tail -20 "$work/gateway.log"; exit 1; }
gw="http://127.0.0.1:$http_port"
auth="Authorization: Bearer $token"

# nginx serves the very same bytes as a static file.
mkdir -p "$work/www"
curl -sf -H "$auth" "$gw/api/v1/devices/tank_01/latest" >"$work/www/latest.json" || { echo "latest failed"; exit 1; }
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$nginx_port; root $work/www; location / { } }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$work/nginx.log" 2>&1 & pids+=($!)
wait_port "$nginx_port" || { echo "nginx did not start"; cat "$work/nginx-error.log"; exit 1; }

# wrk_rate OUTPUT: requests/s; wrk_non2xx OUTPUT: non-2xx/3xx answers plus socket errors.
wrk_rate() { awk '/Requests\/sec/ {print int($2)}' <<<"$1"; }
wrk_non2xx() { awk '/Non-2xx/ {n+=$NF} /Socket errors/ {for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) n+=$i} END {print n+0}' <<<"$1"; }
wrk_p99() { awk '/^ +99%/ {print $2}' <<<"$1"; }

echo "== api-gateway benchmark ($(nproc) cores; wrk -t2, $duration per run; gateway worker: worker_processes 1 nginx baseline)"
nginx_out="$(wrk -t2 -c32 -d"$duration" "http://127.0.0.1:$nginx_port/latest.json")"
gw_out="$(wrk -t2 -c32 -d"$duration" -H "$auth" "$gw/api/v1/devices/tank_01/latest")"
nginx_rate="$(wrk_rate "$nginx_out")"; gw_rate="$(wrk_rate "$gw_out")"
printf 'latest, 32 connections: gateway %d req/s, nginx static %d req/s, ratio %.2f (target >= 0.5), gateway non-2xx/errors: %d\n' \
  "$gw_rate" "$nginx_rate" "$(awk -v a="$gw_rate" -v b="$nginx_rate" 'BEGIN {print (b>0)?a/b:0}')" "$(wrk_non2xx "$gw_out")"
p99_out="$(wrk -t1 -c4 -d"$duration" --latency -H "$auth" "$gw/api/v1/devices/tank_01/latest")"
printf 'latest, 4 connections: p99 %s (target <= 5ms), %d req/s, non-2xx/errors: %d\n' "$(wrk_p99 "$p99_out")" "$(wrk_rate "$p99_out")" \
  "$(wrk_non2xx "$p99_out")"

from=$(( $(date +%s) * 1000 - 24 * 3600 * 1000 - 60000 ))
history_url="$gw/api/v1/devices/tank_01/history?metric=temperature&from=$from&resolution=1m"
count="$(curl -sf -H "$auth" "$history_url" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["count"])')"
for _ in $(seq 1 "${HISTORY_REQUESTS:-50}"); do curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$history_url"; done >"$work/history.txt"
printf '24 h history of one metric from rollups (%s buckets): median %.1f ms, p99 %.1f ms (target <= 50 ms)\n' "$count" \
  "$(median <"$work/history.txt" | awk '{print $1*1000}')" "$(sort -g "$work/history.txt" | awk '{a[NR]=$1} END {print a[int(NR*0.99+0.5)]*1000}')"
# Baseline: the same find answered by the same nx-27017 to pymongo (the database's own share of the time).
"$py" - "$mongo_port" "$from" "${HISTORY_REQUESTS:-50}" <<'PY'
import sys, time, datetime as dt
from pymongo import MongoClient
db = MongoClient(f"mongodb://127.0.0.1:{sys.argv[1]}")["scada"]
start = dt.datetime.fromtimestamp(int(sys.argv[2]) / 1000, dt.timezone.utc)
end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)
times = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    docs = list(db.rollups.find({"device_id": "tank_01", "minute": {"$gte": start, "$lt": end}}, sort=[("minute", 1)], limit=10001))
    times.append(time.perf_counter() - t)
times.sort()
print(f"  baseline: nx-27017 answering the same find to pymongo ({len(docs)} documents): median {times[len(times)//2]*1000:.1f} ms")
PY

# 500 SSE clients, each must receive every transition.
"$py" - "$http_port" "$kafka_port" "$clients" "$transitions" "$token" <<'PY'
import asyncio, json, sys, time
from confluent_kafka import Producer
port, kafka, clients, transitions, token = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
received = [0] * clients
connected = asyncio.Event()
ready = 0
done_at = [None] * clients

async def client(i):
    global ready
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(f"GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    buffer = b""
    announced = False
    while received[i] < transitions:
        chunk = await reader.read(65536)
        if not chunk: break
        buffer += chunk
        if not announced and b": connected" in buffer:
            announced = True; ready += 1
            if ready == clients: connected.set()
        # Count whole events only (an event may be split across reads).
        complete, _, buffer = buffer.rpartition(b"\n\n")
        received[i] += complete.count(b"\nevent: alert\n") + complete.startswith(b"event: alert\n")
    done_at[i] = time.monotonic()
    writer.close()

async def main():
    tasks = [asyncio.create_task(client(i)) for i in range(clients)]
    await asyncio.wait_for(connected.wait(), 60)
    producer = Producer({"bootstrap.servers": f"127.0.0.1:{kafka}", "linger.ms": 5})
    now = int(time.time() * 1000)
    start = time.monotonic()
    for n in range(1, transitions + 1):
        record = {"schema_version": 2, "alert_id": "tank_01:limits:temperature", "device_id": "tank_01", "rule": "limits",
                  "metric": "temperature", "severity": "warning", "state": "active_unacknowledged" if n % 2 else "normal",
                  "transition": "raised" if n % 2 else "cleared", "active": n % 2 == 1, "acknowledged": False, "value": 31.0,
                  "threshold": 30.0, "message": "bench", "event_time": now + n, "sequence": n, "actions": []}
        producer.produce("scada.alerts", key="tank_01", value=json.dumps(record))
    producer.flush(30)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
    except asyncio.TimeoutError:
        pass
    complete = sum(1 for r in received if r >= transitions)
    last = max((t for t in done_at if t), default=start)
    print(f"SSE: {clients} clients x {transitions} transitions: {complete}/{clients} clients received every transition "
          f"(min {min(received)}), all delivered {last - start:.2f} s after the first produce")
asyncio.run(main())
PY
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$gateway_pid/status" 2>/dev/null)"
echo "gateway peak RSS: $(( ${rss_kb:-0} / 1024 )) MiB"
