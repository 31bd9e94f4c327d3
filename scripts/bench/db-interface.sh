#!/usr/bin/env bash
# Benchmark of the db-interface (called by `make bench` with the release bin path).
#
#  Same server, same documents, same run:
#  (a) baseline: a bare bulk-insert loop (pymongo insert_many, batches of 1,000, unordered) of COUNT
#      telemetry documents into a fresh nx-27017, into a collection with the same indexes as
#      scada.telemetry (the ratio's baseline), then into one without secondary indexes (for context);
#  (b) db-interface: COUNT canonical telemetry records preloaded into tansu, consumed and stored with
#      rollups, registry and completeness counters on; steady-state rate = samples stored between the
#      first and the last stored sample / that time (the baseline's clock also starts at its first insert).
#      Start-up (index creation, consumer group join) is printed separately, with the rate including it.
#  RUNS runs each; medians, the ratio (b)/(a), db-interface CPU µs per message and peak RSS (/proc).
#
# Usage: scripts/bench/db-interface.sh BIN_DIR     Env: RUNS (3), COUNT (40000), DEVICES (20), BATCH (1000), BATCH_WAIT_MS (50),
#        FLUSH_MS (service default): the service's batch settings
set -uo pipefail
bin="${1:?usage: db-interface.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
runs="${RUNS:-3}"
count="${COUNT:-40000}"
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
  "$venv/bin/nx-27017" --data-dir "$work/mongo" --pid-file "$work/mongo/server.pid" --host 127.0.0.1 -p "$mongo_port" >"$work/mongo.log" 2>&1 &
  mongo_pid=$!; pids+=("$mongo_pid")
  wait_port "$mongo_port" || { echo "nx-27017 did not start"; tail -3 "$work/mongo.log"; exit 1; }
}

# Stops nx-27017 (it sometimes ignores SIGTERM once it has begun exiting: SIGKILL after 5 s).
stop_mongo() {
  kill "$mongo_pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$mongo_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$mongo_pid" 2>/dev/null; wait "$mongo_pid" 2>/dev/null
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

baseline=(); bare=(); steady=(); ours=(); totals=(); startups=(); cpu=(); rss=()
for run in $(seq 1 "$runs"); do
  start_mongo
  read -r rate_a rate_bare <<<"$("$py" - "$mongo_port" "$count" "$devices" <<'PY'
import datetime, sys, time
from pymongo import MongoClient
port, count, devices = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
client = MongoClient("127.0.0.1", port)
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
def insert_loop(collection):
    start = time.time()
    for i in range(0, count, 1000):
        collection.insert_many(docs[i:i + 1000], ordered=False)
    return int(count / (time.time() - start))
# The same collection shape as scada.telemetry (the indexes the db-interface creates at start-up)...
indexed = client["bench"]["telemetry"]
indexed.create_index([("device_id", 1), ("ts", -1)], name="device_time")
indexed.create_index([("ts", 1)], name="ttl_ts", expireAfterSeconds=7 * 86400)
# ...and, for context, a collection without any secondary index.
print(insert_loop(indexed), insert_loop(client["bench"]["bare"]))
PY
)"
  stop_mongo
  start_mongo
  http_port="$(free_port)"
  # A new consumer group per run, so every run reads the whole topic.
  printf 'dbInterface:\n  groupID: bench-%s\n  batch: { maxDocuments: %s, maxWaitMs: %s%s }\n' "$run" "${BATCH:-1000}" "${BATCH_WAIT_MS:-50}" \
    "${FLUSH_MS:+, flushIntervalMs: $FLUSH_MS}" >"$work/dbi.yaml"
  t0="$(date +%s.%N)"
  SCADA_KAFKA_BROKERS="$brokers" SCADA_MONGODB_URI="mongodb://127.0.0.1:$mongo_port" SCADA_HTTP_PORT="$http_port" \
    SCADA_LOG_LEVEL=debug SCADA_CONFIG="$work/dbi.yaml" "$bin/db-interface" >"$work/db-interface.log" 2>&1 &
  dbi=$!; pids+=("$dbi")
  # Progress is read from the service's own debug log ("batch written ... inserted=N", stamped when MongoDB
  # acknowledged), so the measurement puts no load on the server under test nor on the service; the
  # stored count is checked once at the end.
  read -r rate_b rate_total startup steady_cpu stored <<<"$("$py" - "$mongo_port" "$count" "$t0" "$dbi" "$work/db-interface.log" <<'PY'
import datetime, os, re, sys, time
from pymongo import MongoClient
port, count, t0, pid, log = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
def cpu_seconds():  # user + system time of the db-interface so far
    with open("/proc/%s/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
pattern = re.compile(r'^ts=(\S+) .*msg="batch written".* inserted=(\d+)')
deadline, value, first, last, position = time.time() + 600, 0, None, None, 0
while time.time() < deadline and value < count:
    with open(log) as handle:
        handle.seek(position)
        lines = handle.readlines()
        position = handle.tell()
    for line in lines:
        match = pattern.match(line)
        if not match:
            continue
        stamp = datetime.datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
        value += int(match.group(2))
        if first is None:
            first, first_value, first_cpu = stamp, value, cpu_seconds()
        last = stamp
    time.sleep(0.1)
end_cpu = cpu_seconds()
steady = (value - first_value) / (last - first) if first is not None and last > first else 0
steady_cpu = (end_cpu - first_cpu) * 1e6 / (value - first_value) if first is not None and value > first_value else 0
stored = MongoClient("127.0.0.1", port)["scada"]["telemetry"].count_documents({})
print(int(steady), int(value / ((last or t0) - t0)), "%.2f" % ((first or t0) - t0), "%.1f" % steady_cpu, stored)
PY
)"
  ticks="$(awk '{print $14 + $15}' "/proc/$dbi/stat")"
  cpu+=("$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$count" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')")
  rss+=("$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$dbi/status")")
  kill -TERM "$dbi" 2>/dev/null; wait "$dbi" 2>/dev/null
  stop_mongo
  baseline+=("$rate_a"); bare+=("$rate_bare"); ours+=("$rate_b"); totals+=("$rate_total"); startups+=("$startup"); steady+=("$steady_cpu")
  printf 'run %d: insert_many loop %6d docs/s (%d without indexes)   db-interface %6d msg/s (%d msg/s with its %ss start-up; %s/%s stored)   cpu %s µs/msg steady (%s whole life)   peak RSS %s MB\n' \
    "$run" "$rate_a" "$rate_bare" "$rate_b" "$rate_total" "$startup" "$stored" "$count" "$steady_cpu" "${cpu[-1]}" "${rss[-1]}"
done
a="$(printf '%s\n' "${baseline[@]}" | median)"; b="$(printf '%s\n' "${ours[@]}" | median)"
printf 'throughput  insert_many loop      median %6.0f docs/s (same indexes as scada.telemetry); %s docs/s without indexes\n' "$a" \
  "$(printf '%s\n' "${bare[@]}" | median)"
printf 'throughput  db-interface          median %6.0f msg/s   ratio %.2f (steady state, first to last stored sample; rollups, registry and completeness on)\n' "$b" \
  "$(awk -v a="$b" -v b="$a" 'BEGIN {print (b > 0 ? a / b : 0)}')"
printf 'start-up    db-interface median %ss to the first stored sample (indexes, consumer group join); %s msg/s with it included\n' \
  "$(printf '%s\n' "${startups[@]}" | median)" "$(printf '%s\n' "${totals[@]}" | median)"
printf 'cpu         db-interface median %s µs/msg in steady state (%s over the whole process life, start-up included); peak RSS median %s MB\n' \
  "$(printf '%s\n' "${steady[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
