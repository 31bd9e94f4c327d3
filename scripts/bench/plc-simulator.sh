#!/usr/bin/env bash
# Benchmark of plc-simulator (called by `make bench` with the release bin path).
#
#  1. Load mode: acknowledged QoS 1 messages per second into a local mosquitto, 5 runs each with 1, 2 and
#     4 connections; medians printed.
#  2. Same-run baseline: a minimal C publisher on libmosquitto (compiled here with gcc), one connection,
#     the same payload size and the same window of in-flight QoS 1 publishes, timed from first publish to
#     last PUBACK.
#     It is what "as fast as the broker acknowledges" looks like without our code; we print our/C ratios.
#  3. Steady simulation: 1,000 devices at 1 msg/s for 20 s with the default configuration (connections
#     mode auto: a fleet this size shares 4 gateway connections); CPU % of one core and peak RSS from /proc,
#     delivered rate from /metrics. For reference, 150 devices with a connection each (per-device mode).
#
# Usage: scripts/bench/plc-simulator.sh BIN_DIR   Env: RUNS (5), COUNT (100000), WINDOW (256), STEADY_SECONDS (20)
set -uo pipefail
bin="${1:?usage: plc-simulator.sh BIN_DIR}"
sim="$bin/plc-simulator"
runs="${RUNS:-5}"
count="${COUNT:-100000}"
steady="${STEADY_SECONDS:-20}"
window="${WINDOW:-256}"  # publishes in flight per connection, for both publishers
[ -x "$sim" ] || { echo "missing $sim (build with: swift build -c release)"; exit 1; }
command -v mosquitto >/dev/null || { echo "mosquitto not in PATH (apt-get install mosquitto)"; exit 1; }

# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
bench_setup plcsim


port="$(free_port)"
cat >"$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
log_dest none
CONF
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &
broker=$!; pids+=("$broker")
wait_port "$port" || { echo "mosquitto did not start"; exit 1; }
url="mqtt://127.0.0.1:$port"
echo "broker: mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on $url (max_queued_messages 0); $(nproc) cores; count=$count, window=$window, runs=$runs"

# --- 1. load mode ---------------------------------------------------------------------------------
declare -A rate_median
for connections in 1 2 4; do
  rates=()
  for run in $(seq 1 "$runs"); do
    out="$(SCADA_MQTT_URL="$url" "$sim" load --count "$count" --devices 100 --connections "$connections" --qos 1 --window "$window" 2>&1)"
    rate="$(sed -n 's/.*RESULT rate=\([0-9]*\).*/\1/p' <<<"$out")"
    failed="$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$out")"
    [ -n "$rate" ] || { echo "load run failed: $out"; rate=0; }
    rates+=("$rate")
    [ "${failed:-0}" = 0 ] || echo "  run $run: $failed messages not acknowledged"
  done
  rate_median[$connections]="$(printf '%s\n' "${rates[@]}" | median_int)"
  printf 'load  qos1 %d connection(s): median %7d msg/s   runs: %s\n' "$connections" "${rate_median[$connections]}" "${rates[*]}"
done

# --- 2. C libmosquitto reference publisher ---------------------------------------------------------
baseline=0
if command -v gcc >/dev/null && pkg-config --exists libmosquitto 2>/dev/null; then
  cat >"$work/refpub.c" <<'C'
/* Reference QoS 1 publisher: N messages, at most W in flight, timed until the last PUBACK. */
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long acked = 0, inflight = 0, connected = 0;
static void on_connect(struct mosquitto *m, void *u, int rc) { pthread_mutex_lock(&lock); connected = rc == 0 ? 1 : -1; pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock); }
static void on_publish(struct mosquitto *m, void *u, int mid) { pthread_mutex_lock(&lock); acked++; inflight--; pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock); }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  if (argc < 5) return 2;
  const char *host = argv[1]; int port = atoi(argv[2]); long count = atol(argv[3]); long window = atol(argv[4]);
  char payload[] = "{\"plc_id\":\"LINE1001-PLC\",\"timestamp\":1736928000000,\"seq\":1,\"production_count\":1247,\"line_speed\":105.2,"
                   "\"temperature\":26.8,\"pressure\":1.25,\"vibration\":0.45,\"quality_rate\":98.7,\"alarm\":false,\"status\":\"running\"}";
  mosquitto_lib_init();
  struct mosquitto *m = mosquitto_new("refpub", true, NULL);
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, window > 65535 ? 65535 : (int)window);
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_publish_callback_set(m, on_publish);
  if (mosquitto_connect(m, host, port, 30) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "connect failed\n"); return 1; }
  mosquitto_loop_start(m);
  pthread_mutex_lock(&lock); while (connected == 0) pthread_cond_wait(&changed, &lock); pthread_mutex_unlock(&lock);
  double start = now();
  for (long i = 0; i < count; i++) {
    pthread_mutex_lock(&lock); while (inflight >= window) pthread_cond_wait(&changed, &lock); inflight++; pthread_mutex_unlock(&lock);
    char topic[32]; snprintf(topic, sizeof topic, "factory/line%ld", 1001 + i % 100);
    if (mosquitto_publish(m, NULL, topic, (int)strlen(payload), payload, 1, false) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "publish failed\n"); return 1; }
  }
  pthread_mutex_lock(&lock); while (acked < count) pthread_cond_wait(&changed, &lock); pthread_mutex_unlock(&lock);
  double seconds = now() - start;
  printf("RESULT rate=%ld acked=%ld seconds=%.3f\n", (long)(count / seconds), acked, seconds);
  mosquitto_disconnect(m); mosquitto_loop_stop(m, false); mosquitto_destroy(m); mosquitto_lib_cleanup();
  return 0;
}
C
  if gcc -O2 -o "$work/refpub" "$work/refpub.c" $(pkg-config --cflags --libs libmosquitto) -lpthread 2>"$work/gcc.log"; then
    rates=()
    for run in $(seq 1 "$runs"); do
      out="$("$work/refpub" 127.0.0.1 "$port" "$count" "$window" 2>&1)"
      rates+=("$(sed -n 's/.*RESULT rate=\([0-9]*\).*/\1/p' <<<"$out")")
    done
    baseline="$(printf '%s\n' "${rates[@]}" | median_int)"
    printf 'C libmosquitto reference, 1 connection: median %7d msg/s   runs: %s\n' "$baseline" "${rates[*]}"
  else
    echo "C reference publisher did not compile (see below); no baseline"; cat "$work/gcc.log"
  fi
else
  echo "gcc or libmosquitto-dev missing: no C baseline"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "ratios: simulator 1 conn / C reference = $(ratio "${rate_median[1]}" "$baseline");" \
     "2 conn / 1 conn = $(ratio "${rate_median[2]}" "${rate_median[1]}"); 4 conn / 1 conn = $(ratio "${rate_median[4]}" "${rate_median[1]}")"
echo "target: >= 30000 msg/s acknowledged from one process: best median $(printf '%s\n' "${rate_median[@]}" | sort -n | tail -1) msg/s"

# --- 3. steady simulation: 1,000 devices at 1 msg/s ----------------------------------------------------
steady_run() { # label, devices per profile (manufacturing energy environment cnc vehicle fish_tank)
  local label="$1" http; http="$(free_port)"; shift
  local counts=("$@") total=0
  for c in "${counts[@]}"; do total=$((total + c)); done
  cat >"$work/steady-$label.yaml" <<YAML
simulator:
  seed: 1
  storeAndForward: {directory: $work/state-$label}
  devices:
    - {profile: manufacturing, count: ${counts[0]}, interval: 1}
    - {profile: energy, count: ${counts[1]}, interval: 1}
    - {profile: environment, count: ${counts[2]}, interval: 1}
    - {profile: cnc, count: ${counts[3]}, interval: 1}
    - {profile: vehicle, count: ${counts[4]}, interval: 1}
    - {profile: fish_tank, count: ${counts[5]}, interval: 1}
YAML
  SCADA_CONFIG="$work/steady-$label.yaml" SCADA_MQTT_URL="$url" SCADA_HTTP_PORT="$http" SCADA_LOG_LEVEL=warning \
    "$sim" run >"$work/steady-$label.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  local ready=0
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && { ready=1; break; }
    sleep 0.1
  done
  [ "$ready" = 1 ] || { echo "steady ($label): not ready after 30 s"; tail -5 "$work/steady-$label.log"; kill "$pid"; return; }
  sleep 3  # settle: births, first messages
  local tck; tck="$(getconf CLK_TCK)"
  local acked0; acked0="$(curl -fs "http://127.0.0.1:$http/metrics" | awk '/^plc_simulator_messages_acked_total/ {print $2}')"
  local t0; t0="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  local w0; w0="$(date +%s.%N)"
  sleep "$steady"
  local t1; t1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  local w1; w1="$(date +%s.%N)"
  local acked1; acked1="$(curl -fs "http://127.0.0.1:$http/metrics" | awk '/^plc_simulator_messages_acked_total/ {print $2}')"
  local hwm; hwm="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  local anon; anon="$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")"
  local threads; threads="$(awk '/Threads/ {print $2}' "/proc/$pid/status")"
  local connections; connections="$(curl -fs "http://127.0.0.1:$http/metrics" | awk '/^plc_simulator_connections_up/ {print $2}')"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  awk -v t0="$t0" -v t1="$t1" -v w0="$w0" -v w1="$w1" -v tck="$tck" -v a0="$acked0" -v a1="$acked1" -v kb="$hwm" -v anon="$anon" \
      -v th="$threads" -v n="$total" -v c="$connections" \
    'BEGIN { cpu = (t1 - t0) / tck / (w1 - w0) * 100; printf "steady %d devices @1 msg/s (%d MQTT connections, %d threads): CPU %.1f %% of one core, peak RSS %.1f MB (anonymous %.1f MB), delivered %.0f msg/s\n", n, c, th, cpu, kb / 1024, anon / 1024, (a1 - a0) / (w1 - w0) }'
}
steady_run fleet1000 300 100 100 200 250 50
echo "targets for 1,000 devices: < 10 % of one core, < 50 MB RSS"
steady_run perdevice150 45 15 15 30 40 5
