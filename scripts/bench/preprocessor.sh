#!/usr/bin/env bash
# Benchmark of the preprocessor (called by `make bench` with the release bin path).
#
#  1. Throughput, same run, same backlog: COUNT manufacturing messages from 100 devices are queued in
#     mosquitto for a persistent session (published by `plc-simulator load`), then drained into tansu
#     (a) by the bare pipe `mosquitto_sub -q 1 | kcat -P` and (b) by the preprocessor with full
#     validation, normalisation and the idempotent acks=all producer. Rate = messages / time from
#     launching the drainer to the last message written to Kafka (start-up included, both sides).
#     RUNS runs each; medians and the ratio (b)/(a).
#  2. CPU µs per message and peak RSS of the preprocessor over the drain (from /proc).
#  3. Latency: a paced publisher (C, libmosquitto) sends RATE msg/s for LATENCY_SECONDS, each payload
#     stamped with its publish time; the preprocessor's publish→Kafka-ack histogram gives p50/p99 (after a
#     2 s warm-up), next to the same publisher's latency to a bare `mosquitto_sub -q 1` in the same run.
#
# Usage: scripts/bench/preprocessor.sh BIN_DIR
# Env: RUNS (3), COUNT (200000), RATE (20000), LATENCY_SECONDS (20)
set -uo pipefail
bin="${1:?usage: preprocessor.sh BIN_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCADA_VENV:-$root/.venv}"
py="$venv/bin/python"
lib="$root/scripts/bench/benchlib.py"
runs="${RUNS:-3}"
count="${COUNT:-200000}"
rate="${RATE:-20000}"
latency_seconds="${LATENCY_SECONDS:-20}"
export LD_LIBRARY_PATH="$venv/rdkafka${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for tool in "$bin/preprocessor" "$bin/plc-simulator" "$venv/bin/tansu"; do
  [ -x "$tool" ] || { echo "missing $tool (make release; make setup)"; exit 1; }
done
for tool in mosquitto mosquitto_sub kcat gcc; do
  command -v "$tool" >/dev/null || { echo "$tool not in PATH (make setup)"; exit 1; }
done

# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_setup preprocessor

now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# --- servers ---------------------------------------------------------------------------------------
mqtt_port="$(free_port)"; kafka_port="$(free_port)"; http_port="$(free_port)"
cat >"$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
log_dest none
CONF
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & pids+=($!); broker_pid=$!
"$venv/bin/tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
  --storage-engine "memory://tansu/" --silent >"$work/tansu.log" 2>&1 & pids+=($!); kafka_pid=$!
wait_port "$mqtt_port" && wait_port "$kafka_port" || { echo "servers did not start"; exit 1; }
brokers="127.0.0.1:$kafka_port"
"$py" "$lib" create "$brokers" scada.telemetry 3
"$py" "$lib" create "$brokers" scada.deadletter 1
"$py" "$lib" create "$brokers" scada.device-status 1
gcc -O2 -o "$work/pacedpub" "$root/scripts/bench/pacedpub.c" $(pkg-config --cflags --libs libmosquitto) -lpthread || exit 1
echo "servers: mosquitto :$mqtt_port, tansu :$kafka_port; $(nproc) cores; count=$count, runs=$runs"

cat >"$work/preprocessor.yaml" <<YAML
log: { level: warning }
preprocessor:
  input: { topics: ["factory/#"], clientID: bench-preprocessor }
YAML
# Removes a persistent session (connect with a clean start), so it stops collecting later backlogs.
forget_session() { mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -V mqttv5 -i "$1" -t 'forget/none' -E >/dev/null 2>&1; }
start_preprocessor() {
  SCADA_CONFIG="$work/preprocessor.yaml" SCADA_MQTT_URL="mqtt://127.0.0.1:$mqtt_port" SCADA_KAFKA_BROKERS="$brokers" \
    SCADA_HTTP_PORT="$http_port" "$bin/preprocessor" >>"$work/preprocessor.log" 2>&1 &
  pp=$!; pids+=("$pp")
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null && return 0; sleep 0.05; done
  echo "preprocessor not ready:"; tail -5 "$work/preprocessor.log"; exit 1
}
stop_preprocessor() { kill -TERM "$pp" 2>/dev/null; wait "$pp" 2>/dev/null; }
backlog() {  # queue COUNT messages for the sessions that are offline
  "$bin/plc-simulator" load --count "$count" --devices 100 --connections 2 --qos 1 --url "mqtt://127.0.0.1:$mqtt_port" \
    >"$work/load.log" 2>&1 || { echo "load failed:"; tail -3 "$work/load.log"; exit 1; }
}
baseline_rates=(); pp_rates=(); cpu_us=(); pipe_cpu_us=(); rss_mb=()
for run in $(seq 1 "$runs"); do
  # (a) bare pipe: create the persistent session, queue the backlog, then drain it.
  topic="bench.baseline.$run"
  "$py" "$lib" create "$brokers" "$topic" 3
  mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -V mqttv5 -i "bench-pipe-$run" -c -x 3600 -q 1 -t 'factory/#' -E >/dev/null
  backlog
  t0="$(now)"
  mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -V mqttv5 -i "bench-pipe-$run" -c -x 3600 -q 1 -t 'factory/#' \
    | kcat -P -b "$brokers" -t "$topic" -X acks=all -X linger.ms=5 -X queue.buffering.max.messages=1000000 2>>"$work/kcat.log" &
  pipe=$!; pids+=("$pipe")
  read -r rate_a delivered_a <<<"$("$py" "$lib" wait-count "$brokers" "$topic" "$count" "$t0")"
  # CPU of both ends of the pipe over their whole life (start-up included, as for the preprocessor).
  pipe_ticks=$(( $(cpu_ticks "$(pgrep -f "bench-pipe-$run" | head -1)") + $(cpu_ticks "$pipe") ))
  pipe_cpu_us+=("$(awk -v t="$pipe_ticks" -v hz="$(getconf CLK_TCK)" -v n="$count" 'BEGIN {printf "%.2f\n", t / hz * 1e6 / n}')")
  pkill -f "bench-pipe-$run" 2>/dev/null; kill "$pipe" 2>/dev/null; wait "$pipe" 2>/dev/null
  forget_session "bench-pipe-$run"
  baseline_rates+=("$rate_a")

  # (b) preprocessor: create its session, stop it, queue the backlog, start it and drain.
  start_preprocessor; stop_preprocessor
  backlog
  t0="$(now)"
  start_preprocessor
  ticks_before=0  # CPU over the whole process life, start-up included
  read -r rate_b delivered_b <<<"$("$py" "$lib" wait-metric "http://127.0.0.1:$http_port/metrics" preprocessor_records_produced_total "$count" "$t0")"
  ticks_after="$(cpu_ticks "$pp")"
  hz="$(getconf CLK_TCK)"
  cpu_us+=("$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$count" 'BEGIN {printf "%.2f\n", t / hz * 1e6 / n}')")
  rss_mb+=("$(awk '/VmHWM/ {printf "%.1f\n", $2/1024}' "/proc/$pp/status")")
  stop_preprocessor
  forget_session bench-preprocessor
  pp_rates+=("$rate_b")
  printf 'run %d: bare pipe %7d msg/s (%d/%d delivered, cpu %s µs/msg)   preprocessor %7d msg/s (%d/%d)   cpu %s µs/msg   peak RSS %s MB\n' \
    "$run" "$rate_a" "$delivered_a" "$count" "${pipe_cpu_us[-1]}" "$rate_b" "$delivered_b" "$count" "${cpu_us[-1]}" "${rss_mb[-1]}"
done
base_median="$(printf '%s\n' "${baseline_rates[@]}" | median)"
pp_median="$(printf '%s\n' "${pp_rates[@]}" | median)"
printf 'throughput  bare pipe (mosquitto_sub | kcat -P) median %7.0f msg/s\n' "$base_median"
printf 'throughput  preprocessor                        median %7.0f msg/s   ratio %.2f\n' "$pp_median" \
  "$(awk -v a="$pp_median" -v b="$base_median" 'BEGIN {print (b > 0 ? a / b : 0)}')"
cpu_median="$(printf '%s\n' "${cpu_us[@]}" | median)"; pipe_cpu_median="$(printf '%s\n' "${pipe_cpu_us[@]}" | median)"
printf 'cpu         preprocessor median %s µs/msg, bare pipe (mosquitto_sub + kcat) %s µs/msg, ratio %.2f;  peak RSS median %s MB\n' \
  "$cpu_median" "$pipe_cpu_median" "$(awk -v a="$cpu_median" -v b="$pipe_cpu_median" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
  "$(printf '%s\n' "${rss_mb[@]}" | median)"

# --- 3. latency at a steady rate -------------------------------------------------------------------
# Baseline, same machine and moment: the same paced publisher to a bare `mosquitto_sub -q 1`, latency
# from the publish stamp to the subscriber's receive time (the broker path alone, no Kafka). The
# preprocessor's persistent session is removed first, so the broker does not queue this traffic for it.
forget_session bench-preprocessor
timeout $((latency_seconds + 15)) mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -q 1 -t 'factory/#' -F '%U %p' >"$work/bare-latency.txt" 2>/dev/null &
sub=$!; pids+=("$sub"); sleep 0.5
"$work/pacedpub" 127.0.0.1 "$mqtt_port" "$rate" "$latency_seconds" 100 >/dev/null
sleep 1; kill "$sub" 2>/dev/null; wait "$sub" 2>/dev/null
read -r b50 b99 <<<"$(awk '{ match($0, /"timestamp":[0-9]+/); ts = substr($0, RSTART + 12, RLENGTH - 12); split($1, t, ".");
    print t[1] * 1000 + substr(t[2], 1, 3) - ts }' "$work/bare-latency.txt" | sort -n |
  awk '{ v[NR] = $1 } END { if (NR) printf "%d %d", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1]; else print "- -" }')"
start_preprocessor
# Warm-up (the producer's first connection, idempotence handshake and metadata), not measured.
"$work/pacedpub" 127.0.0.1 "$mqtt_port" "$rate" 2 100 >/dev/null; sleep 1
"$py" "$lib" snapshot "http://127.0.0.1:$http_port/metrics" >"$work/before.json"
ticks_before="$(cpu_ticks "$pp")"; broker_before="$(cpu_ticks "$broker_pid")"; kafka_before="$(cpu_ticks "$kafka_pid")"
result="$("$work/pacedpub" 127.0.0.1 "$mqtt_port" "$rate" "$latency_seconds" 100)"
sleep 1
ticks_after="$(cpu_ticks "$pp")"; broker_after="$(cpu_ticks "$broker_pid")"; kafka_after="$(cpu_ticks "$kafka_pid")"
"$py" "$lib" snapshot "http://127.0.0.1:$http_port/metrics" >"$work/after.json"
read -r p50 p99 p999 <<<"$("$py" "$lib" quantiles "$work/before.json" "$work/after.json" preprocessor_publish_to_ack_seconds 0.5 0.99 0.999)"
read -r r50 r99 <<<"$("$py" "$lib" quantiles "$work/before.json" "$work/after.json" preprocessor_receive_to_ack_seconds 0.5 0.99)"
sent="$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$result")"
printf 'latency     %s msg/s for %s s (%s sent): publish→Kafka ack p50 %s ms, p99 %s ms, p99.9 %s ms (ms-resolution stamps);  cpu %s µs/msg, %s%% of a core\n' \
  "$rate" "$latency_seconds" "$sent" "$p50" "$p99" "$p999" \
  "$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="${sent:-1}" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')" \
  "$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v s="$latency_seconds" 'BEGIN {printf "%.0f", 100 * t / hz / (s + 1)}')"
printf 'latency     of which inside the preprocessor (MQTT receive→Kafka ack): p50 %s ms, p99 %s ms\n' "$r50" "$r99"
printf 'latency     baseline, same rate: publish→receive by a bare mosquitto_sub -q 1: p50 %s ms, p99 %s ms (broker path alone)\n' "$b50" "$b99"
printf 'context     same interval: mosquitto %s%% and tansu %s%% of a core (the machine has %s cores)\n' \
  "$(awk -v t=$((broker_after - broker_before)) -v hz="$(getconf CLK_TCK)" -v s="$latency_seconds" 'BEGIN {printf "%.0f", 100 * t / hz / (s + 1)}')" \
  "$(awk -v t=$((kafka_after - kafka_before)) -v hz="$(getconf CLK_TCK)" -v s="$latency_seconds" 'BEGIN {printf "%.0f", 100 * t / hz / (s + 1)}')" "$(nproc)"
stop_preprocessor
