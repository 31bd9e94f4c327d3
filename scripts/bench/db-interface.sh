#!/usr/bin/env bash
# Benchmark of the db-interface (called by `make bench` with the release bin path).
#
#  Same server, same documents, same run:
#  (a) baseline: a bare bulk-insert loop (pymongo insert_many, batches of 1,000, unordered) of COUNT
#      telemetry documents into a fresh nx-27017;
#  (b) db-interface: COUNT canonical telemetry records preloaded into tansu, consumed and stored with
#      rollups, registry and completeness counters on; rate = COUNT / time from launch to the last
#      sample stored (start-up included).
#  RUNS runs each; medians, the ratio (b)/(a), db-interface CPU µs per message and peak RSS (/proc).
#
# Usage: scripts/bench/db-interface.sh BIN_DIR     Env: RUNS (3), COUNT (20000), DEVICES (20), BATCH (5000)
set -uo pipefail
bin="${1:?usage: db-interface.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
runs="${RUNS:-3}"
count="${COUNT:-20000}"
devices="${DEVICES:-20}"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for tool in "$bin/db-interface" "$venv/bin/tansu" "$venv/bin/nx-27017"; do
  [ -x "$tool" ] || { echo "missing $tool (make release; make setup)"; exit 1; }
done
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_setup db-interface

kafka_port="$(free_port)"
"$venv/bin/tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine "memory://tansu/" --silent >"$work/tansu.log" 2>&1 & pids+=($!)
wait_port "$kafka_port" || { echo "tansu did not start"; exit 1; }
brokers="127.0.0.1:$kafka_port"

# Starts a fresh nx-27017; sets mongo_port and mongo_pid.
start_mongo() {
  mongo_port="$(free_port)"; rm -rf "$work/mongo"; mkdir -p "$work/mongo"
  "$venv/bin/nx-27017" --data-dir "$work/mongo" --host 127.0.0.1 -p "$mongo_port" >"$work/mongo.log" 2>&1 &
  mongo_pid=$!; pids+=("$mongo_pid")
  wait_port "$mongo_port" || { echo "nx-27017 did not start"; tail -3 "$work/mongo.log"; exit 1; }
}

"$py" - "$brokers" "$count" "$devices" <<'PY'
import json, sys, time
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
brokers, count, devices = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": brokers})
for topic, parts in [("scada.telemetry", 3), ("scada.device-status", 1), ("scada.alerts", 1), ("scada.deadletter", 1)]:
    for f in admin.create_topics([NewTopic(topic, num_partitions=parts, replication_factor=1)]).values():
        f.result(15)
producer = Producer({"bootstrap.servers": brokers, "linger.ms": 20, "queue.buffering.max.messages": 1000000})
base = (int(time.time() * 1000) - 3_600_000) // 60000 * 60000
for i in range(count):
    device, seq = "BENCH%03d" % (i % devices), i // devices + 1
    t = base + seq * 1000
    record = {"schema_version": 1, "device_id": device, "device_type": "manufacturing", "site": "plant-1", "line": "line1",
              "event_time": t, "receive_time": t + 3, "seq": seq, "source_topic": "factory/line1", "tags": {},
              "metrics": {"production_count": seq, "line_speed": 100.5, "temperature": 20 + seq % 9, "pressure": 1.25,
                          "vibration": 0.4, "quality_rate": 98.7}, "states": {"alarm": False, "status": "running"}}
    producer.produce("scada.telemetry", key=device, value=json.dumps(record))
    if i % 10000 == 0:
        producer.poll(0)
producer.flush(60)
PY
echo "servers: tansu :$kafka_port, nx-27017 (fresh per run); $(nproc) cores; count=$count devices=$devices runs=$runs"

baseline=(); ours=(); cpu=(); rss=()
for run in $(seq 1 "$runs"); do
  start_mongo
  rate_a="$("$py" - "$mongo_port" "$count" "$devices" <<'PY'
import datetime, sys, time
from pymongo import MongoClient
port, count, devices = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
collection = MongoClient("127.0.0.1", port)["bench"]["telemetry"]
base = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
docs = []
for i in range(count):
    device, seq = "BENCH%03d" % (i % devices), i // devices + 1
    docs.append({"_id": "%s:%d" % (device, seq), "device_id": device, "device_type": "manufacturing",
                 "ts": base + datetime.timedelta(seconds=seq), "receive_time": base, "source_topic": "factory/line1",
                 "seq": seq, "site": "plant-1", "line": "line1",
                 "metrics": {"production_count": float(seq), "line_speed": 100.5, "temperature": 20.0 + seq % 9,
                             "pressure": 1.25, "vibration": 0.4, "quality_rate": 98.7},
                 "states": {"alarm": False, "status": "running"}})
start = time.time()
for i in range(0, count, 1000):
    collection.insert_many(docs[i:i + 1000], ordered=False)
print(int(count / (time.time() - start)))
PY
)"
  kill "$mongo_pid" 2>/dev/null; wait "$mongo_pid" 2>/dev/null
  start_mongo
  http_port="$(free_port)"
  # A new consumer group per run, so every run reads the whole topic.
  printf 'dbInterface:\n  groupID: bench-%s\n  batch: { maxDocuments: %s, maxWaitMs: 200 }\n' "$run" "${BATCH:-5000}" >"$work/dbi.yaml"
  t0="$(date +%s.%N)"
  SCADA_KAFKA_BROKERS="$brokers" SCADA_MONGODB_URI="mongodb://127.0.0.1:$mongo_port" SCADA_HTTP_PORT="$http_port" \
    SCADA_LOG_LEVEL=warning SCADA_CONFIG="$work/dbi.yaml" "$bin/db-interface" >"$work/db-interface.log" 2>&1 &
  dbi=$!; pids+=("$dbi")
  rate_b="$("$py" - "$mongo_port" "$count" "$t0" <<'PY'
import sys, time
from pymongo import MongoClient
port, count, t0 = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
collection = MongoClient("127.0.0.1", port)["scada"]["telemetry"]
deadline, last, value = time.time() + 600, -1, 0
while time.time() < deadline:
    value = collection.estimated_document_count()
    if value >= count:
        break
    time.sleep(0.05)
print(int(value / (time.time() - t0)))
PY
)"
  ticks="$(awk '{print $14 + $15}' "/proc/$dbi/stat")"
  cpu+=("$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$count" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')")
  rss+=("$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$dbi/status")")
  kill -TERM "$dbi" 2>/dev/null; wait "$dbi" 2>/dev/null
  kill "$mongo_pid" 2>/dev/null; wait "$mongo_pid" 2>/dev/null
  baseline+=("$rate_a"); ours+=("$rate_b")
  printf 'run %d: bare insert_many loop %6d docs/s   db-interface %6d msg/s   cpu %s µs/msg   peak RSS %s MB\n' \
    "$run" "$rate_a" "$rate_b" "${cpu[-1]}" "${rss[-1]}"
done
a="$(printf '%s\n' "${baseline[@]}" | median)"; b="$(printf '%s\n' "${ours[@]}" | median)"
printf 'throughput  bare insert_many loop median %6.0f docs/s\n' "$a"
printf 'throughput  db-interface          median %6.0f msg/s   ratio %.2f (rollups, registry and completeness on)\n' "$b" \
  "$(awk -v a="$b" -v b="$a" 'BEGIN {print (b > 0 ? a / b : 0)}')"
printf 'cpu         db-interface median %s µs/msg (whole process, start-up included); peak RSS median %s MB\n' \
  "$(printf '%s\n' "${cpu[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
