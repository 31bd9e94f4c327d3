#!/usr/bin/env bash
# Benchmark of the anomaly-detector (called by `make bench` with the release bin path).
#
#  Same broker, same records, same run:
#  (a) baseline: a straightforward Python confluent-kafka consumer reading COUNT manufacturing records from
#      tansu and, per metric, checking static limits, an EWMA z-score, the rate of change and a stuck counter;
#      rate = records / time from its first record to its last;
#  (b) anomaly-detector: `anomaly-detector replay` over the same topic with the default rules
#      (configmaps/anomaly-rules.yaml: 20+ rules, ISA-18.2 lifecycle), same clock;
#  (c) in process, no broker: `anomaly-detector bench`: decode + evaluation rate on one core, and the RSS
#      of 10,000 devices x 10 metrics of detector state (limits, ewma, rate, stuck on every metric).
#  RUNS runs of (a) and (b); medians and the ratio (b)/(a).
#
# Usage: scripts/bench/anomaly-detector.sh BIN_DIR     Env: RUNS (3), COUNT (200000), DEVICES (100),
#        BENCH_RECORDS (2000000), STATE_DEVICES (10000)
set -uo pipefail
bin="${1:?usage: anomaly-detector.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
runs="${RUNS:-3}"
count="${COUNT:-200000}"
devices="${DEVICES:-100}"
rules="$root/configmaps/anomaly-rules.yaml"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for tool in "$bin/anomaly-detector" "$venv/bin/tansu"; do
  [ -x "$tool" ] || { echo "missing $tool (make release; make setup)"; exit 1; }
done
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_setup anomaly-detector

kafka_port="$(free_port)"
"$venv/bin/tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine "memory://tansu/" --silent >"$work/tansu.log" 2>&1 & pids+=($!)
wait_port "$kafka_port" || { echo "tansu did not start"; exit 1; }
brokers="127.0.0.1:$kafka_port"

"$py" - "$brokers" "$count" "$devices" <<'PY'
import json, random, sys, time
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
brokers, count, devices = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": brokers})
for f in admin.create_topics([NewTopic("scada.telemetry", num_partitions=3, replication_factor=1)]).values():
    f.result(15)
producer = Producer({"bootstrap.servers": brokers, "linger.ms": 20, "queue.buffering.max.messages": 1000000})
base = int(time.time() * 1000) - 3_600_000
rng = random.Random(1)
for i in range(count):
    device, seq = "BENCH%03d" % (i % devices), i // devices + 1
    t = base + seq * 1000
    record = {"schema_version": 1, "device_id": device, "device_type": "manufacturing", "site": "plant-1", "line": "line1",
              "event_time": t, "receive_time": t + 3, "seq": seq, "source_topic": "factory/line1", "tags": {},
              "metrics": {"production_count": seq, "line_speed": round(100 + rng.gauss(0, 0.4), 1),
                          "temperature": round(26 + rng.gauss(0, 0.1), 1), "pressure": round(1.25 + rng.gauss(0, 0.01), 2),
                          "vibration": round(0.45 + rng.gauss(0, 0.02), 2), "quality_rate": round(99 + rng.gauss(0, 0.2), 1)},
              "states": {"alarm": False, "status": "running"}}
    producer.produce("scada.telemetry", key=device, value=json.dumps(record))
    if i % 10000 == 0:
        producer.poll(0)
producer.flush(60)
PY
echo "servers: tansu :$kafka_port; $(nproc) cores; count=$count devices=$devices runs=$runs"

python_rates=(); ours=()
for run in $(seq 1 "$runs"); do
  rate_a="$("$py" - "$brokers" "$count" "$run" <<'PY'
import json, math, sys, time
from confluent_kafka import Consumer
brokers, count, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
consumer = Consumer({"bootstrap.servers": brokers, "group.id": "py-bench-%s" % run, "auto.offset.reset": "earliest",
                     "enable.auto.commit": False, "session.timeout.ms": 6000})
consumer.subscribe(["scada.telemetry"])
LIMITS = {"temperature": (5, 33), "pressure": (1.0, 1.5), "vibration": (None, 0.9), "quality_rate": (90, None)}
state, alarms, seen, first = {}, 0, 0, None
while seen < count:
    for message in consumer.consume(1000, 1.0):
        if message.error():
            continue
        if first is None:
            first = time.time()
        seen += 1
        record = json.loads(message.value())
        t = record["event_time"] / 1000
        for name, value in record["metrics"].items():
            key = (record["device_id"], name)
            s = state.get(key)
            if s is None:
                state[key] = {"mean": value, "var": 0.0, "n": 1, "last": value, "t": t, "same": 0}
                continue
            lo, hi = LIMITS.get(name, (None, None))
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                alarms += 1
            deviation = value - s["mean"]                         # EWMA z-score
            sigma = math.sqrt(s["var"])
            if s["n"] > 30 and sigma > 0 and abs(deviation / sigma) > 6:
                alarms += 1
            s["mean"] += 0.05 * deviation
            s["var"] = 0.95 * (s["var"] + 0.05 * deviation * deviation)
            s["n"] += 1
            if t > s["t"] and abs(value - s["last"]) / (t - s["t"]) > 2:   # rate of change
                alarms += 1
            s["same"] = s["same"] + 1 if value == s["last"] else 0          # stuck
            if s["same"] >= 40 and name != "production_count":
                alarms += 1
            s["last"], s["t"] = value, t
print(int(seen / (time.time() - first)))
consumer.close()
PY
)"
  out="$("$bin/anomaly-detector" replay --from 0 --rules "$rules" --topic "scada.alerts.bench-$run" --brokers "$brokers" --idle-seconds 3 2>"$work/replay.log")"
  rate_b="$(printf '%s\n' "$out" | sed -n 's/^RESULT replay rate=\([0-9]*\).*/\1/p')"
  python_rates+=("$rate_a"); ours+=("${rate_b:-0}")
  printf 'run %d: python confluent-kafka consumer %7d records/s   anomaly-detector replay %7d records/s   (%s)\n' \
    "$run" "$rate_a" "${rate_b:-0}" "$(printf '%s\n' "$out" | sed -n 's/^replay of [^:]*: //p')"
done
a="$(printf '%s\n' "${python_rates[@]}" | median)"; b="$(printf '%s\n' "${ours[@]}" | median)"
printf 'throughput  python consumer (limits + EWMA z-score + rate + stuck)  median %7.0f records/s\n' "$a"
printf 'throughput  anomaly-detector (default rules, ISA-18.2 lifecycle)     median %7.0f records/s   ratio %.1f\n' "$b" \
  "$(awk -v a="$b" -v b="$a" 'BEGIN {print (b > 0 ? a / b : 0)}')"
"$bin/anomaly-detector" bench --rules "$rules" --records "${BENCH_RECORDS:-2000000}" --state-devices "${STATE_DEVICES:-10000}" \
  | sed 's/^RESULT /in-process  /'
