"""Same-run baselines of the end-to-end benchmark (scripts/bench/e2e.py), on the very servers the pipeline uses:

- bridge: the bare pipe `mosquitto_sub -q 1 | kcat -P` (as scripts/bench/preprocessor.sh), throughput of a
  `plc-simulator load` burst and latency of the paced publisher's stream to a Kafka consumer;
- historian: a bare pymongo `insert_many` loop (batches of 1,000, unordered) into a collection with the
  indexes db-interface creates (as scripts/bench/db-interface.sh), in another database of the same nx-27017;
- gateway: nginx (one worker) serving the gateway's own `latest` answer as a static file, both loaded by wrk.
"""
import datetime
import os
import re
import subprocess
import time

from e2e_probes import KafkaLatency


def wait_progress(read, target, stall_seconds=20.0, interval=0.05, deadline_seconds=300.0):
    """Polls read() until it reaches target or stops moving for stall_seconds. Returns (value, wall-clock time
    of the last change)."""
    value, last_change, moved = read(), time.time(), time.monotonic()
    started = time.monotonic()
    while value < target and time.monotonic() - moved < stall_seconds and time.monotonic() - started < deadline_seconds:
        time.sleep(interval)
        new = read()
        if new != value:
            value, last_change, moved = new, time.time(), time.monotonic()
    return value, last_change


def track(readers, target, stall_seconds=20.0, interval=0.1, deadline_seconds=300.0):
    """Polls every reader ({name: read()}) together until each reaches target or none moved for stall_seconds.
    Returns {name: (value, wall-clock time of its last change)}."""
    state = {name: (read(), time.time()) for name, read in readers.items()}
    moved, started = time.monotonic(), time.monotonic()
    while (any(value < target for value, _ in state.values()) and time.monotonic() - moved < stall_seconds
           and time.monotonic() - started < deadline_seconds):
        time.sleep(interval)
        for name, read in readers.items():
            value = read()
            if value != state[name][0]:
                state[name] = (value, time.time())
                moved = time.monotonic()
    return state


def start_pipe(pipeline, topic, tmp, count=None):
    """`mosquitto_sub -q 1 -t factory/# [-C COUNT] | kcat -P -t TOPIC`: (sub, kcat) processes. With COUNT,
    mosquitto_sub exits after that many messages and kcat after it has delivered them all (acks=all)."""
    brokers = f"127.0.0.1:{pipeline.ports['kafka']}"
    sub_command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(pipeline.ports["mqtt"]), "-V", "mqttv5", "-q", "1",
                   "-t", "factory/#"] + (["-C", str(count)] if count else [])
    with open(os.path.join(tmp, "pipe.err"), "ab") as errors:
        sub = subprocess.Popen(sub_command, stdout=subprocess.PIPE, stderr=errors)
        kcat = subprocess.Popen(["kcat", "-P", "-b", brokers, "-t", topic, "-X", "acks=all", "-X", "linger.ms=5",
                                 "-X", "queue.buffering.max.messages=1000000"], stdin=sub.stdout, stderr=errors)
    sub.stdout.close()
    return sub, kcat


def reap(process, timeout):
    """Waits for a child to exit and returns its CPU seconds (user + system, from wait4), or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        time.sleep(0.01)
    return None


def stop_pipe(sub, kcat):
    for process in (sub, kcat):
        if process.poll() is None:
            process.terminate()
        process.wait(10)


def bare_pipe(pipeline, load, paced, count, paced_count, tmp):
    """The bare bridge on the same servers: (1) a pipe with `-C COUNT` takes the load burst (`load()`, blocking);
    its time = launch of the load → kcat's exit after delivering the last message; CPU of both ends per 100k;
    (2) a second pipe (`-C PACED_COUNT`) carries the paced stream (`paced()`, blocking) to topic bench.pipe-paced,
    where a consumer measures publish → Kafka-consumer latency."""
    from benchlib import kafka_create
    brokers = f"127.0.0.1:{pipeline.ports['kafka']}"
    kafka_create(brokers, "bench.pipe", 3)
    kafka_create(brokers, "bench.pipe-paced", 3)
    sub, kcat = start_pipe(pipeline, "bench.pipe", tmp, count)
    try:
        time.sleep(0.5)  # the subscription is in place (mosquitto_sub has no readiness signal)
        started = time.time()
        load()
        # kcat exits once stdin ended (mosquitto_sub got COUNT messages) and everything is acknowledged.
        kcat_cpu = reap(kcat, 120)
        elapsed = time.time() - started
        sub_cpu = reap(sub, 10)
        delivered = count if kcat_cpu is not None and kcat.returncode == 0 else 0
        cpu = (kcat_cpu or 0) + (sub_cpu or 0)
    finally:
        stop_pipe(sub, kcat)
    sub, kcat = start_pipe(pipeline, "bench.pipe-paced", tmp, paced_count)
    try:
        probe = KafkaLatency(brokers, "bench.pipe-paced", stamp_field="timestamp", key_field="plc_id").start()
        probe.ready.wait(10)
        time.sleep(0.5)
        paced()
        paced_delivered = reap(kcat, 30) is not None and kcat.returncode == 0  # all PACED_COUNT acknowledged
        wait_progress(lambda: len(probe.samples), paced_count, stall_seconds=3)
        probe.stop()
    finally:
        stop_pipe(sub, kcat)
    return {"rate": delivered / max(elapsed, 1e-3), "delivered": delivered,
            "cpu_s_per_100k": cpu * 1e5 / max(delivered, 1), "latency_samples": probe.samples,
            "paced_all_delivered": paced_delivered}


def bulk_insert(pipeline, count, devices=100, batch=1000):
    """pymongo insert_many of COUNT telemetry-shaped documents into benchbase.telemetry (the same indexes as
    scada.telemetry). Returns the rate and this client's CPU seconds per 100k documents."""
    from pymongo import MongoClient
    client = MongoClient(f"mongodb://127.0.0.1:{pipeline.ports['mongo']}")
    collection = client["benchbase"]["telemetry"]
    collection.create_index([("device_id", 1), ("ts", -1)], name="device_time")
    collection.create_index([("ts", 1)], name="ttl_ts", expireAfterSeconds=7 * 86400)
    base = datetime.datetime.now(datetime.timezone.utc)
    docs = []
    for i in range(count):
        device, seq = "BASE%03d-PLC" % (i % devices), i // devices + 1
        docs.append({"_id": f"{device}:{seq}", "device_id": device, "device_type": "manufacturing",
                     "ts": base + datetime.timedelta(milliseconds=seq), "receive_time": base, "seq": seq,
                     "source_topic": "factory/line1", "site": "plant-1", "line": "line1",
                     "metrics": {"production_count": float(seq), "line_speed": 100.5, "temperature": 20.0 + seq % 9,
                                 "pressure": 1.25, "vibration": 0.4, "quality_rate": 98.7},
                     "states": {"alarm": False, "status": "running"}})
    cpu_before, started = time.process_time(), time.time()
    for i in range(0, count, batch):
        collection.insert_many(docs[i:i + batch], ordered=False)
    elapsed, cpu = time.time() - started, time.process_time() - cpu_before
    client.drop_database("benchbase")
    client.close()
    return {"rate": count / elapsed, "client_cpu_s_per_100k": cpu * 1e5 / count}


def wrk(url, seconds, connections=16, token=None):
    """wrk -t1: requests/s and the count of non-2xx answers plus socket errors."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rate": float(rate.group(1)) if rate else 0.0, "errors": errors}


def gateway_vs_nginx(pipeline, device, token, seconds, tmp):
    """GET /api/v1/devices/DEVICE/latest on the gateway vs the same bytes from nginx (static file)."""
    from pipeline import free_port, wait_until, listening
    status, body = pipeline.http(f"{pipeline.gateway}/api/v1/devices/{device}/latest", token)
    if status != 200:
        return {"error": f"latest answered {status}"}
    www = os.path.join(tmp, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "latest.json"), "wb") as handle:
        handle.write(body)
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as handle:
        handle.write(f"worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
                     "events { worker_connections 4096; }\n"
                     f"http {{ access_log off; default_type application/json;\n"
                     f"  server {{ listen 127.0.0.1:{port}; root {www}; location / {{ }} }} }}\n")
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", tmp, "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: listening(port), 10, "nginx listening")
        base = wrk(f"http://127.0.0.1:{port}/latest.json", seconds)
        ours = wrk(f"{pipeline.gateway}/api/v1/devices/{device}/latest", seconds, token=token)
    finally:
        nginx.terminate()
        nginx.wait(10)
    return {"nginx_rate": base["rate"], "gateway_rate": ours["rate"], "gateway_errors": ours["errors"],
            "nginx_errors": base["errors"], "bytes": len(body)}
