"""End-to-end benchmark of the whole local pipeline (part of `make bench`, through scripts/bench/e2e.sh).

Each run starts a fresh pipeline (scripts/lib/pipeline.py: mosquitto, tansu, nx-27017 on free loopback ports) and:
  1. baselines on the same servers, before any service runs: the bare pipe `mosquitto_sub | kcat -P` (load burst
     and paced stream) and a bare pymongo insert_many loop into the same nx-27017;
  2. starts preprocessor, db-interface, anomaly-detector and api-gateway from their ConfigMaps (no demo fleet),
     warms them up with a short paced stream and waits until both consumer groups have no lag;
  3. throughput: `plc-simulator load` publishes COUNT messages (100 manufacturing devices) as fast as the
     broker takes them; each stage's rate = COUNT / (its last record - launch), from the services' own counters;
     CPU seconds per 100k messages of every process over the burst; consumer lag sampled every second;
  4. latency: the paced publisher (pacedpub.c) sends RATE msg/s for SECONDS s, every FAULT_EVERY s one message
     past the HiHi temperature limit; observed at a Kafka consumer of scada.telemetry, in MongoDB (polling the
     next seq of PROBES devices), on MQTT scada/alerts/# and on the gateway's SSE telemetry and alerts streams;
  5. the gateway's `latest` vs nginx static (wrk, WRK_SECONDS each); peak RSS of every process.
Prints the per-run lines and the median tables, writes docs/benchmarks/e2e.json and the PNG plots
(scripts/bench/e2e_report.py), and docs/BENCHMARKS.md's tables (unless E2E_WRITE_DOC=0).

Usage: e2e.py BIN_DIR    Env: RUNS (3), COUNT (30000), RATE (1000), SECONDS (20), FAULT_EVERY (1), PROBES (4),
                          WRK_SECONDS (5), E2E_OUT (docs/benchmarks), E2E_WRITE_DOC (1)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "lib")]

import benchlib  # noqa: E402
import e2e_baselines as baselines  # noqa: E402
import e2e_report as report  # noqa: E402
from e2e_probes import KafkaLatency, LagSampler, MongoLatency, MqttAlarms, SSEStream, cpu_seconds, peak_rss_mb  # noqa: E402
from pipeline import ROOT, TOKENS, Pipeline, wait_until  # noqa: E402

SERVICES = ["preprocessor", "db-interface", "anomaly-detector", "api-gateway"]
SERVERS = ["mosquitto", "tansu", "nx-27017"]
ALARM_RULE = "manufacturing-temperature-limits"
DEVICES = 100


def env_int(name, default):
    return int(os.environ.get(name, default))


class Settings:
    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.venv = os.environ.get("SCADA_VENV", os.path.join(ROOT, ".venv"))
        self.runs = env_int("RUNS", 3)
        self.count = env_int("COUNT", 30000)
        self.rate = env_int("RATE", 1000)
        self.seconds = env_int("SECONDS", 20)
        self.fault_every = float(os.environ.get("FAULT_EVERY", 1))
        self.probes = env_int("PROBES", 4)
        self.wrk_seconds = env_int("WRK_SECONDS", 5)
        self.out = os.environ.get("E2E_OUT", os.path.join(ROOT, "docs", "benchmarks"))
        self.tmp = tempfile.mkdtemp(prefix="e2e-bench-")
        self.pacedpub = os.path.join(self.tmp, "pacedpub")
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmosquitto"], capture_output=True, text=True,
                               check=True).stdout.split()
        subprocess.run(["gcc", "-O2", "-o", self.pacedpub, os.path.join(HERE, "pacedpub.c"), *flags, "-lpthread"],
                       check=True)


def metric_reader(url, name):
    def read():
        try:
            return int(sum(v for k, v in benchlib.metrics(url).items() if k == name or k.startswith(name + "{")))
        except OSError:
            return 0
    return read


def gateway_patch(config):
    # wrk is one client: the per-client limit (200/s) would answer it 429. Everything else as committed.
    config["apiGateway"]["rateLimit"] = {"enabled": True, "requestsPerSecond": 10_000_000, "burst": 10_000_000}


def run_load(settings, pipeline, first_index, count):
    """plc-simulator load: COUNT manufacturing messages over 100 devices, 2 connections, QoS 1."""
    out = subprocess.run([os.path.join(settings.bin, "plc-simulator"), "load", "--count", str(count), "--devices",
                          str(DEVICES), "--connections", "2", "--qos", "1", "--first-index", str(first_index),
                          "--url", f"mqtt://127.0.0.1:{pipeline.ports['mqtt']}"],
                         capture_output=True, text=True, timeout=600)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT")), "")
    fields = dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)
    return float(fields.get("rate", 0) or 0)


def run_paced(settings, pipeline, first_index, seconds, fault_every=0, on_fault=None):
    """pacedpub: RATE msg/s for SECONDS s over 100 devices BENCH<first>...; calls on_fault(device, seq, ms)."""
    process = subprocess.Popen([settings.pacedpub, "127.0.0.1", str(pipeline.ports["mqtt"]), str(settings.rate),
                                str(seconds), str(DEVICES), str(fault_every), str(first_index)],
                               stdout=subprocess.PIPE, text=True, bufsize=1)
    result = ""
    for line in process.stdout:
        if line.startswith("FAULT") and on_fault:
            _, device, seq, stamp = line.split()
            on_fault(device, int(seq), float(stamp))
        elif line.startswith("RESULT"):
            result = line.strip()
    process.wait(60)
    return result


def cpu_of(pipeline):
    return {name: cpu_seconds(pipeline.pid(name)) for name in SERVICES + SERVERS}


def lag_zero(sampler_groups, brokers):
    probe = LagSampler(brokers, sampler_groups)
    try:
        return wait_until(lambda: all(probe.lag(g) == 0 for g in sampler_groups) or None, 120, "consumer lag 0", 0.5)
    finally:
        for consumer in probe.consumers.values():
            consumer.close()


def throughput(settings, pipeline, first_index):
    """The load burst through the whole pipeline: per-stage rates, CPU per 100k messages, lag series."""
    ports = pipeline.ports
    readers = {
        "preprocessor": metric_reader(f"http://127.0.0.1:{ports['preprocessor']}/metrics", "preprocessor_records_produced_total"),
        "db-interface": metric_reader(f"http://127.0.0.1:{ports['db-interface']}/metrics", "db_interface_samples_written_total"),
        "anomaly-detector": metric_reader(f"http://127.0.0.1:{ports['anomaly-detector']}/metrics",
                                          "anomaly_detector_records_evaluated_total"),
    }
    before = {name: read() for name, read in readers.items()}
    brokers = f"127.0.0.1:{ports['kafka']}"
    lag = LagSampler(brokers, ["db-interface", "anomaly-detector"]).start()
    cpu_before = cpu_of(pipeline)
    started = time.time()
    publish_rate = run_load(settings, pipeline, first_index, settings.count)
    progress = baselines.track({name: (lambda read=read, name=name: read() - before[name])
                                for name, read in readers.items()}, settings.count)
    stages = {name: {"delivered": value, "rate": value / max(last - started, 1e-3), "done_at": last - started}
              for name, (value, last) in progress.items()}
    cpu_after = cpu_of(pipeline)
    time.sleep(2)  # two more lag samples after the end
    lag.stop()
    cpu = {name: (cpu_after[name] - cpu_before[name]) * 1e5 / settings.count for name in cpu_after}
    return {"publish_rate": publish_rate, "stages": stages, "cpu_s_per_100k": cpu, "started": started,
            "lag": [(t - started, values) for t, values in lag.series], "lag_error": lag.error}


def latency(settings, pipeline, first_index):
    """The paced stream with faults, observed at every stage."""
    ports = pipeline.ports
    brokers = f"127.0.0.1:{ports['kafka']}"
    probes = [f"BENCH{first_index + k}-PLC" for k in range(settings.probes)]
    token = TOKENS["viewer"]
    gateway_port = ports["api-gateway"]
    devices = {f"BENCH{first_index + k}-PLC" for k in range(DEVICES)}
    kafka = KafkaLatency(brokers, "scada.telemetry", keys=devices).start()
    lag = LagSampler(brokers, ["db-interface", "anomaly-detector"]).start()
    mongo = MongoLatency(f"mongodb://127.0.0.1:{ports['mongo']}", probes).start()
    alarms = MqttAlarms(ports["mqtt"]).start()
    sse_telemetry = SSEStream(gateway_port, f"/api/v1/telemetry/stream?device={','.join(probes)}", token, "telemetry").start()
    sse_alerts = SSEStream(gateway_port, "/api/v1/alerts/stream", token, "alert").start()
    kafka.ready.wait(10)
    for probe in (sse_telemetry, sse_alerts):
        probe.connected.wait(10)
    time.sleep(1)  # the MQTT subscription and the first polls are in place
    faults = {}
    hist_url = f"http://127.0.0.1:{ports['preprocessor']}/metrics"
    hist_before = benchlib.metrics(hist_url)
    started = time.time()
    result = run_paced(settings, pipeline, first_index, settings.seconds, settings.fault_every,
                       lambda device, seq, stamp: faults.setdefault(device, stamp))
    expected = settings.rate * settings.seconds

    def all_seen():
        alarm_ids = [f"{d}:{ALARM_RULE}:temperature" for d in faults]
        alerts_seen = {v.get("alert_id") for _, v in sse_alerts.events if v.get("transition") == "raised"}
        return (len(kafka.samples) >= expected and all(a in alarms.first for a in alarm_ids)
                and all(a in alerts_seen for a in alarm_ids)
                and len(mongo.samples) >= expected * settings.probes / DEVICES)
    try:
        wait_until(all_seen, 30, "every probe saw the stream", 0.2)
    except TimeoutError:
        pass  # reported as counts below
    hist_after = benchlib.metrics(hist_url)
    for probe in (kafka, mongo, alarms, sse_telemetry, sse_alerts, lag):
        probe.stop()
    alarm_latency, sse_alarm_latency = [], []
    raised_sse = {}
    for received, value in sse_alerts.events:
        if value.get("transition") == "raised":
            raised_sse.setdefault(value.get("alert_id"), received)
    for device, stamp in sorted(faults.items(), key=lambda item: item[1]):
        alarm = f"{device}:{ALARM_RULE}:temperature"
        if alarm in alarms.first:
            alarm_latency.append((alarms.first[alarm], alarms.first[alarm] - stamp, device))
        if alarm in raised_sse:
            sse_alarm_latency.append((raised_sse[alarm], raised_sse[alarm] - stamp, device))
    errors = {p: probe.error for p, probe in (("kafka", kafka), ("mongo", mongo), ("mqtt", alarms),
                                               ("sse_telemetry", sse_telemetry), ("sse_alerts", sse_alerts)) if probe.error}
    return {"started": started, "expected": expected, "faults": len(faults), "publisher": result,
            "kafka": kafka.samples, "mongo": mongo.samples, "mongo_polls": mongo.polls,
            "mongo_poll_ms": sorted(mongo.poll_ms)[len(mongo.poll_ms) // 2] if mongo.poll_ms else None,
            "lag": [(t - started, values) for t, values in lag.series],
            "kafka_other_devices": [kafka.skipped, sorted(kafka.skipped_keys)], "alarm_mqtt": alarm_latency,
            "alarm_sse": sse_alarm_latency, "sse_telemetry": sse_telemetry.samples, "errors": errors,
            "preprocessor_publish_to_ack_ms": {q: 1000 * benchlib.quantile(hist_before, hist_after,
                                                                           "preprocessor_publish_to_ack_seconds", q)
                                               for q in (0.5, 0.99)}}


def one_run(settings, run):
    pipeline = Pipeline(settings.bin, settings.venv)
    index = 10000 * run  # device numbers: fresh per phase and run
    try:
        pipeline.start_servers()
        pipeline.copartition_alarm_state()
        base = {"pipe": baselines.bare_pipe(pipeline, lambda: run_load(settings, pipeline, index + 1000, settings.count),
                                            lambda: run_paced(settings, pipeline, index + 2000, settings.seconds),
                                            settings.count, settings.rate * settings.seconds, settings.tmp),
                "insert": baselines.bulk_insert(pipeline, settings.count)}
        pipeline.start_services(simulator=False, patches={"api-gateway": gateway_patch})
        for name in SERVICES:
            url = f"http://127.0.0.1:{pipeline.ports[name]}/readyz"
            wait_until(lambda: pipeline.http(url)[0] == 200, 90, f"{name} ready\n" + pipeline.log_tail(name))
        run_paced(settings, pipeline, index + 3000, 2)  # warm-up: producer, consumer groups, indexes
        lag_zero(["db-interface", "anomaly-detector"], f"127.0.0.1:{pipeline.ports['kafka']}")
        flow = throughput(settings, pipeline, index + 4000)
        lag_zero(["db-interface", "anomaly-detector"], f"127.0.0.1:{pipeline.ports['kafka']}")
        lat = latency(settings, pipeline, index + 5000)
        gateway = baselines.gateway_vs_nginx(pipeline, f"BENCH{index + 5000}-PLC", TOKENS["viewer"], settings.wrk_seconds,
                                             settings.tmp)
        rss = {name: peak_rss_mb(pipeline.pid(name)) for name in SERVICES + SERVERS}
        exited = {name: process.poll() for name, process in pipeline.processes if process.poll() is not None}
        return {"run": run, "baseline": base, "throughput": flow, "latency": lat, "gateway": gateway, "peak_rss_mb": rss,
                "exited": exited}
    finally:
        pipeline.stop()


def main():
    bin_dir = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit("usage: e2e.py BIN_DIR")
    settings = Settings(bin_dir)
    print(f"e2e: {os.cpu_count()} cores; runs={settings.runs} count={settings.count} rate={settings.rate}/s "
          f"x {settings.seconds} s, faults every {settings.fault_every} s, {settings.probes} MongoDB probe devices; "
          f"binaries {bin_dir}", flush=True)
    began = time.time()
    runs = []
    for run in range(1, settings.runs + 1):
        result = one_run(settings, run)
        runs.append(result)
        print(report.run_line(result), flush=True)
    summary = report.summarise(runs, settings, bin_dir, time.time() - began)
    print(report.tables(summary))
    os.makedirs(settings.out, exist_ok=True)
    with open(os.path.join(settings.out, "e2e.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)
    report.plots(runs, summary, settings.out)
    if os.environ.get("E2E_WRITE_DOC", "1") == "1":
        report.write_doc(summary, os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    print(f"wrote {settings.out}/e2e.json and plots in {time.time() - began:.0f} s")


if __name__ == "__main__":
    main()
