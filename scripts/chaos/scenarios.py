"""The fault scenarios. Each body runs after the fleet's data flows end to end, performs its disruption, injects
its alarm faults, waits for recovery, and returns its own checks {name: (ok, detail)}; the runner then stops
the simulators, waits for the drain and does the accounting (report.account)."""
import os
import time

import kafka_topics
import malformed
from harness import Load, alarms_raised, pause
from mqtt_raw import RawPublisher
from pipeline import wait_until


def recovered(run, what, timeout=120):
    """(ok, detail): fresh data of every device stored after this moment."""
    began = time.monotonic()
    try:
        run.wait_flowing(timeout=timeout, what=what)
        return True, f"{what} after {time.monotonic() - began:.1f} s"
    except TimeoutError as error:
        return False, f"{error}; topics now: {kafka_topics.topics(run.brokers())}"


def mosquitto_restart(run):
    run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
               kind="spike", field="temperature", magnitude=40, count=1)
    with run.event("mosquitto restart"):
        down = run.pipeline.restart_server("mosquitto", down_seconds=5)
    run.log(f"mosquitto back after {down:.1f} s")
    checks = {"recovered": recovered(run, "all devices fresh after the mosquitto restart")}
    run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
    return checks


def kafka_stop(run):
    with run.event("tansu stopped 30 s") as event:
        down = run.pipeline.restart_server("tansu", down_seconds=30)
        event["closed_ms"] = run.pipeline.closed_ms["tansu"]
    run.log(f"tansu back after {down:.1f} s; topics: {sorted(kafka_topics.topics(run.brokers()))}")
    checks = {"recovered": recovered(run, "all devices fresh after the Kafka restart", timeout=75)}
    if checks["recovered"][0]:
        run.inject_standard()  # the alarm history before the restart went with tansu's memory storage
    return checks


def mongodb_stop(run):
    with run.event("nx-27017 stopped 30 s"):
        run.pipeline.stop_one("nx-27017")
        run.inject_standard()  # evaluated while MongoDB is away: the alarms do not need it
        time.sleep(max(0.0, 30 - (run.now_ms() - run.events[-1]["start_ms"]) / 1000))  # the outage itself
        run.pipeline.restart("nx-27017")
        wait_until(lambda: run.pipeline.ready("db-interface"), 60, "db-interface ready after MongoDB came back")
    return {"recovered": recovered(run, "all devices fresh after the MongoDB restart")}


def kill_service(service):
    def body(run):
        run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
                   kind="spike", field="temperature", magnitude=40, count=1)
        run.kill_and_restart(service)
        checks = {"recovered": recovered(run, f"all devices fresh after kill -9 {service}")}
        run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
        if service == "api-gateway":
            status, body = run.pipeline.api("/api/v1/devices?limit=100")
            items = (body or {}).get("items", [])
            checks["gateway completeness"] = (status == 200 and len(items) >= 6,
                                              f"GET /api/v1/devices after the restart: {status}, {len(items)} devices")
        return checks
    return body


def device_cutoff(run):
    with run.event("LINE9-PLC cut off 60 s"):
        run.proxy.cut()
        run.inject_standard()
        queued = wait_until(lambda: run.pipeline.metrics("plc-simulator-cut").get("plc_simulator_queue_depth", 0) > 0,
                            30, "LINE9-PLC queuing")
        time.sleep(60 - (run.now_ms() - run.events[-1]["start_ms"]) / 1000)  # the cut itself
        depth = run.pipeline.metrics("plc-simulator-cut").get("plc_simulator_queue_depth", 0)
        run.proxy.restore()
    run.log(f"proxy restored; LINE9-PLC had {depth:.0f} messages queued")
    checks = {"queued while cut": (bool(queued) and depth > 0, f"{depth:.0f} messages in the store-and-forward queue at the end of the cut")}
    checks["recovered"] = recovered(run, "LINE9-PLC fresh after the cut")
    wait_until(lambda: run.pipeline.metrics("plc-simulator-cut").get("plc_simulator_queue_depth", 1) == 0, 60,
               "LINE9-PLC's queue drained")
    return checks


def device_cutoff_order(run, row):
    """After the accounting: LINE9-PLC's records reached Kafka in seq order (first deliveries)."""
    import accounting
    order, _ = accounting.kafka_seqs(kafka_topics.read_topic(run.brokers(), "scada.telemetry"))
    late = accounting.out_of_order(order.get("LINE9-PLC", []))
    return late == 0, f"LINE9-PLC: {len(set(order.get('LINE9-PLC', [])))} seqs in Kafka, {late} out of order"


def malformed_storm(run, total=10_000, rate=1000):
    pids = {instance: run.pipeline.pid(instance) for instance in run.services}
    plan = malformed.plan(total)
    run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
               kind="spike", field="temperature", magnitude=40, count=1)
    with run.event("malformed storm"):
        publisher = RawPublisher(run.pipeline.ports["mqtt"], f"chaos-storm-{os.getpid()}", window=500)
        began = time.monotonic()
        for index, (number, kind) in enumerate(plan):
            topic, payload = malformed.message(number, kind)
            publisher.publish(topic, payload)
            ahead = index / rate - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)  # pacing, so the storm mixes with the good traffic
        acked = publisher.close()
    run.log(f"storm published: {acked} of {total} acknowledged by mosquitto")
    run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
    checks = {"recovered": recovered(run, "all devices fresh after the storm")}

    def dead_letters():
        found = {}
        for _, _, _, value, headers in kafka_topics.read_topic(run.brokers(), "scada.deadletter"):
            match = malformed.MARK.search(value or b"")
            if match:
                reason = (headers.get("scada-reason") or b"").decode()
                found.setdefault(int(match.group(1)), []).append(reason)
        return found
    try:
        wait_until(lambda: len(dead_letters()) >= total, 90, "every storm message in scada.deadletter", interval=3)
    except TimeoutError:
        pass  # the check below counts what is missing
    found = dead_letters()
    wrong, twice, by_kind = [], 0, {}
    for number, kind in plan:
        reasons = found.get(number, [])
        by_kind.setdefault(kind, [0, malformed.expected_reason(kind), set()])
        if len(reasons) > 1:
            twice += 1
        if reasons and reasons[0] == malformed.expected_reason(kind):
            by_kind[kind][0] += 1
        else:
            wrong.append((number, kind, reasons))
            by_kind[kind][2].update(reasons or ["(missing)"])
    summary = ", ".join(f"{kind} {ok}x {reason}" + (f" (got {sorted(bad)})" if bad else "")
                        for kind, (ok, reason, bad) in by_kind.items())
    checks["dead letters"] = (not wrong and twice == 0 and acked == total,
                              f"{len(found)} of {total} storm messages in scada.deadletter, {len(wrong)} missing or with "
                              f"another reason, {twice} twice; {summary}"
                              + (f"; e.g. {[(number, kind) for number, kind, _ in wrong[:10]]}" if wrong else ""))
    restarted = [instance for instance, pid in pids.items() if not run.pipeline.alive(instance) or run.pipeline.pid(instance) != pid]
    checks["no restarts"] = (not restarted, f"services restarted or dead: {restarted or 'none'}")
    return checks


def slow_consumer(run, seconds=60):
    baseline = {instance: run.rss_peak_kb.get(instance, 0) for instance in run.services}
    run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
               kind="spike", field="temperature", magnitude=40, count=1)
    with run.event("nx-27017 throttled (SIGSTOP 2 s / SIGCONT 1 s)"):
        run.rss_peak_kb.clear()
        pause(run, "nx-27017", 2.0, 1.0, seconds)
    run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
    checks = {"recovered": recovered(run, "all devices fresh after the throttling")}
    growth = {instance: (run.rss_peak_kb.get(instance, 0) - baseline[instance]) / 1024 for instance in run.services}
    worst = max(growth.items(), key=lambda item: item[1])
    checks["memory bounded"] = (worst[1] < 100, "peak RSS growth while throttled (MB): "
                                + ", ".join(f"{name} {value:+.1f}" for name, value in growth.items()))
    return checks


def scale_out(run):
    victims = ["preprocessor-2", "db-interface-2", "anomaly-detector-2"]
    run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
               kind="spike", field="temperature", magnitude=40, count=1)
    with run.event("kill -9 preprocessor-2, db-interface-2, anomaly-detector-2 (not restarted)"):
        for victim in victims:
            run.pipeline.kill(victim)
    run.restarts += victims
    checks = {"recovered": recovered(run, "all devices fresh on the surviving replicas")}
    # The dead preprocessor's share reaches Kafka once the survivor has taken its session over (after the
    # takeover's grace period); until then devices show seq jumps, then late samples, which the detector rightly
    # reports as data loss. The seq-gap fault goes in after that, so its alarm is its own.
    survivor_log = os.path.join(run.pipeline.dir, "preprocessor.log")

    def taken_over():
        with open(survivor_log, errors="replace") as log:
            return "took over the session of a dead peer replica" in log.read()
    wait_until(taken_over, 60, "the surviving preprocessor takes over the dead replica's session", interval=1)
    checks["takeover"] = (True, "the surviving preprocessor took over the dead replica's MQTT session")
    run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
    run.services_alive_expected = [s for s in run.services if s not in victims]
    return checks


def chained(run):
    """The fast subset: one fault per service on one pipeline."""
    checks = {}
    run.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
               kind="spike", field="temperature", magnitude=40, count=1)
    # Raised before the faults begin: the faults must not raise it a second time (the check is "exactly once").
    wait_until(lambda: alarms_raised(run.brokers()).get(run.expected_alarms[-1]), 30, "the spike's alarm raised", interval=1)
    for service in ("db-interface", "anomaly-detector", "api-gateway", "preprocessor"):
        run.kill_and_restart(service)
        checks[f"after kill -9 {service}"] = recovered(run, f"all devices fresh after kill -9 {service}")
    with run.event("mosquitto restart"):
        run.pipeline.restart_server("mosquitto", down_seconds=2)
    checks["after mosquitto restart"] = recovered(run, "all devices fresh after the mosquitto restart")
    with run.event("nx-27017 stopped 10 s"):
        run.pipeline.restart_server("nx-27017", down_seconds=10)
    run.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)
    checks["after MongoDB restart"] = recovered(run, "all devices fresh after the MongoDB restart")
    return checks


# name: (body, ChaosRun options, check after the accounting or None)
SCENARIOS = {
    "mosquitto-restart": (mosquitto_restart, {}, None),
    "kafka-stop-30s": (kafka_stop, {}, None),
    "mongodb-stop-30s": (mongodb_stop, {}, None),
    "kill9-preprocessor": (kill_service("preprocessor"), {}, None),
    "kill9-db-interface": (kill_service("db-interface"), {}, None),
    "kill9-anomaly-detector": (kill_service("anomaly-detector"), {}, None),
    "kill9-api-gateway": (kill_service("api-gateway"), {}, None),
    "device-cutoff-60s": (device_cutoff, {"cut_device": True}, device_cutoff_order),
    "malformed-storm": (malformed_storm, {}, None),
    "slow-consumer": (slow_consumer, {"load": Load(devices=40, interval=0.05)}, None),
    "scale-out": (scale_out, {"replicas": 2}, None),
    "fast-subset": (chained, {}, None),
}
FULL = [name for name in SCENARIOS if name != "fast-subset"]
