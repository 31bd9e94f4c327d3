"""One chaos run: the real local pipeline (scripts/lib/pipeline.py) with mosquitto persistence, an accounting
fleet, optional replicas and a second simulator behind a cuttable proxy; helpers to inject alarm faults, wait
for recovery, stop the simulators, wait for the pipeline to drain, and account for every seq."""
import contextlib
import json
import os
import signal
import threading
import time
from dataclasses import dataclass

import pymongo

import accounting
import kafka_topics
from mqtt_raw import RawPublisher
from pipeline import Pipeline, wait_until
from tcp_proxy import CuttableProxy

SERVICES = ("db-interface", "anomaly-detector", "preprocessor")


@dataclass
class Load:
    """The simulator's load: the alarm-checked devices publish every second, `devices` vehicles every `interval` s."""
    devices: int = 20
    interval: float = 0.1


def fleet(load):
    return [
        {"profile": "manufacturing", "count": 2, "interval": 1},   # LINE1-PLC, LINE2-PLC (factory/line1, /line2)
        {"profile": "energy", "count": 1, "interval": 1},          # ENERGY1-PLC (factory/energy)
        {"profile": "environment", "count": 1, "interval": 2},     # ENV1-PLC
        {"profile": "fish_tank", "count": 1, "interval": 1},       # tank_01
        {"profile": "vehicle", "count": load.devices, "interval": load.interval},  # vehicle_01...: the load
    ]


# The device of the second simulator (behind the proxy): LINE9-PLC on factory/line9, 5 messages/s.
CUT_FLEET = [{"profile": "manufacturing", "count": 1, "firstIndex": 9, "interval": 0.2}]
COMMAND_TOPICS = {"LINE1-PLC": "factory/line1", "LINE2-PLC": "factory/line2", "ENERGY1-PLC": "factory/energy",
                  "ENV1-PLC": "factory/environment", "tank_01": "factory/fishtank/tank_01", "LINE9-PLC": "factory/line9"}


class ChaosRun:
    def __init__(self, bin_dir, venv, name, load=None, replicas=1, cut_device=False, keep_logs=False):
        self.name = name
        self.load = load or Load()
        self.replicas = replicas
        self.keep_logs = keep_logs
        self.pipeline = Pipeline(bin_dir, venv, prefix=f"scada-chaos-{name}-")
        self.proxy = None
        self.cut_device = cut_device
        self.simulators = ["plc-simulator"] + (["plc-simulator-cut"] if cut_device else [])
        self.events = []  # {"what", "start_ms", "end_ms"}
        self.gaps = {}  # (simulator, device) -> gap of the seq_gap fault injected there
        self.expected_alarms = []  # alarm ids that must be raised exactly once
        self.injected = []  # descriptions of the injected alarm faults
        self.injected_at = {}  # expected alarm id -> wall-clock ms its fault was sent (its raise comes after)
        self.rss_peak_kb, self.rss_series = {}, {}
        self.sampling = False
        self.restarts = []  # services this run restarted on purpose
        self.started_at = time.monotonic()

    # ---- start and stop -------------------------------------------------------------------------
    def instances(self, service):
        count = self.replicas if service in SERVICES else 1
        return [service] + [f"{service}-{k}" for k in range(2, count + 1)]

    @property
    def services(self):
        return [instance for service in (*SERVICES, "api-gateway") for instance in self.instances(service)]

    def start(self):
        p = self.pipeline
        p.start_servers(mosquitto_persistence=True, co_partitioned_alarm_state=True)
        for instance in self.instances("db-interface"):
            p.service("db-interface", instance=instance)
        for instance in self.instances("anomaly-detector"):
            p.service("anomaly-detector", instance=instance)
        p.service("api-gateway")
        for instance in self.instances("preprocessor"):
            p.service("preprocessor", self._client_id(instance), instance=instance)
        p.gateway = f"http://127.0.0.1:{p.ports['api-gateway']}"
        for instance in self.services:
            wait_until(lambda instance=instance: p.ready(instance), 120, f"{instance} ready\n" + p.log_tail(instance))
        self._start_simulator("plc-simulator", fleet(self.load), p.ports["mqtt"])
        if self.cut_device:
            self.proxy = CuttableProxy(p.ports["mqtt"])
            self._start_simulator("plc-simulator-cut", CUT_FLEET, self.proxy.port)
        threading.Thread(target=self._sample_rss, daemon=True).start()

    @staticmethod
    def _client_id(instance):
        def patch(config):
            config["preprocessor"]["input"]["clientID"] = f"chaos-{instance}"
        return patch

    def _start_simulator(self, instance, devices, mqtt_port):
        state = os.path.join(self.pipeline.dir, f"{instance}-state")

        def patch(config):
            simulator = config["simulator"]
            simulator.update(seed=17, faults=[], devices=devices)
            simulator["storeAndForward"]["directory"] = state

        self.pipeline.service("plc-simulator", patch, instance=instance,
                              env={"SCADA_SIMULATOR_STATE": state, "SCADA_MQTT_URL": f"mqtt://127.0.0.1:{mqtt_port}"})
        wait_until(lambda: self.pipeline.ready(instance), 60, f"{instance} ready\n" + self.pipeline.log_tail(instance))

    def close(self, failed=False):
        self.sampling = False
        if self.proxy:
            self.proxy.close()
        self.pipeline.stop(keep_logs=self.keep_logs or failed)

    # ---- time line ------------------------------------------------------------------------------
    @staticmethod
    def now_ms():
        return int(time.time() * 1000)

    @contextlib.contextmanager
    def event(self, what):
        """Records the wall-clock window of a disruption (for naming the cause of a gap)."""
        entry = {"what": what, "start_ms": self.now_ms(), "end_ms": None}
        self.events.append(entry)
        try:
            yield entry
        finally:
            entry["end_ms"] = self.now_ms()

    def log(self, text):
        print(f"  [{self.name} +{time.monotonic() - self.started_at:5.1f}s] {text}", flush=True)

    # ---- MongoDB --------------------------------------------------------------------------------
    def mongo(self):
        return pymongo.MongoClient(f"mongodb://127.0.0.1:{self.pipeline.ports['mongo']}", serverSelectionTimeoutMS=3000)

    def newest_per_device(self, devices):
        """{device: event ms of its highest stored seq} (nx-27017's $max of dates comes back as text: a find)."""
        out = {}
        with self.mongo() as client:
            for device in devices:
                for document in client.scada.telemetry.find({"device_id": device}, {"ts": 1}).sort("seq", -1).limit(1):
                    out[device] = accounting.millis(document["ts"])
        return out

    def wait_flowing(self, after_ms=None, timeout=90, what="data of every device stored"):
        """Waits until every device has a sample stored whose event time is after `after_ms` (default now):
        the whole pipeline carries fresh data again."""
        after_ms = self.now_ms() if after_ms is None else after_ms
        devices = set(COMMAND_TOPICS) - ({"LINE9-PLC"} if not self.cut_device else set())

        def fresh():
            newest = self.newest_per_device(devices)
            return all(newest.get(device, 0) > after_ms for device in devices)
        wait_until(fresh, timeout, what, interval=0.5)

    # ---- faults ---------------------------------------------------------------------------------
    def inject(self, device, expected_alarm, **params):
        """Sends `inject_fault` to a device (QoS 1) and waits for the simulator's `fault injected` log line."""
        simulator = "plc-simulator-cut" if device == "LINE9-PLC" else "plc-simulator"
        log_path = os.path.join(self.pipeline.dir, f"{simulator}.log")
        before = _count_lines(log_path, "fault injected", device)
        publisher = RawPublisher(self.pipeline.ports["mqtt"], f"chaos-injector-{os.getpid()}")
        # A fault raises its alarm only when the alarm is not active already (one alarm per device, rule and
        # metric): wait until what the scenario's own disruption raised (e.g. seq jumps while a dead replica's
        # share was stranded) has cleared.
        wait_until(lambda: not alarm_active(self.brokers(), expected_alarm), 90,
                   f"{expected_alarm} not active before the fault is injected", interval=2)
        self.injected_at.setdefault(expected_alarm, self.now_ms())
        command = {"command_id": f"chaos-{len(self.injected)}-{self.now_ms()}", "command": "inject_fault", "params": params}
        publisher.publish(f"{COMMAND_TOPICS[device]}/commands", json.dumps(command).encode())
        publisher.close()
        wait_until(lambda: _count_lines(log_path, "fault injected", device) > before, 30, f"{params['kind']} injected on {device}")
        if params["kind"] == "seq_gap":
            self.gaps[(simulator, device)] = int(params.get("gap", 5))
        self.expected_alarms.append(expected_alarm)
        self.injected.append(f"{params['kind']} on {device}")

    def inject_standard(self):
        """The two alarm faults most scenarios carry: a temperature spike on LINE1-PLC (limits alarm) and a
        seq gap of 5 on ENERGY1-PLC (sequence-gap alarm)."""
        self.inject("LINE1-PLC", "LINE1-PLC:manufacturing-temperature-limits:temperature",
                    kind="spike", field="temperature", magnitude=40, count=1)
        self.inject("ENERGY1-PLC", "ENERGY1-PLC:sequence-gap:seq", kind="seq_gap", gap=5, count=1)

    # ---- processes ------------------------------------------------------------------------------
    def kill_and_restart(self, instance):
        """`kill -9` of a service mid-stream, then the same service started again (same port and config)."""
        with self.event(f"kill -9 {instance}"):
            self.pipeline.kill(instance)
            self.restarts.append(instance)
            self.pipeline.restart(instance)
            wait_until(lambda: self.pipeline.ready(instance), 120, f"{instance} ready again\n" + self.pipeline.log_tail(instance))

    def _sample_rss(self):
        self.sampling = True
        while self.sampling:
            for instance in self.services + self.simulators:
                rss = self.pipeline.rss_kb(instance)
                if rss:
                    self.rss_peak_kb[instance] = max(self.rss_peak_kb.get(instance, 0), rss)
                    self.rss_series.setdefault(instance, []).append((round(time.monotonic() - self.started_at, 1), rss))
            time.sleep(0.5)

    def unexpected_exits(self):
        """Service processes that died without the scenario killing them."""
        return [instance for instance in self.services if not self.pipeline.alive(instance)]

    # ---- the end --------------------------------------------------------------------------------
    def stop_simulators(self):
        """A clean stop: each simulator saves its seq and queues what the broker never acknowledged.
        The expected alarms are waited for first (bounded), since the last fault may be seconds old."""
        try:
            wait_until(lambda: all(alarms_raised(self.brokers()).get(alarm) for alarm in self.expected_alarms), 30,
                       "the expected alarms raised", interval=1)
        except TimeoutError:
            pass  # the accounting names what is missing
        self.simulators_stopped_ms = self.now_ms()
        for instance in self.simulators:
            self.pipeline.stop_one(instance, timeout=30)

    def expected(self):
        out, skipped, queued = {}, {}, {}
        for instance in self.simulators:
            state = os.path.join(self.pipeline.dir, f"{instance}-state")
            log_path = os.path.join(self.pipeline.dir, f"{instance}.log")
            mine, skip, queue = accounting.simulator_expected(
                state, log_path, lambda device, instance=instance: self.gaps.get((instance, device), 5))
            out.update(mine)
            skipped.update(skip)
            queued.update(queue)
        return out, skipped, queued

    def drain(self, expected, timeout=90, quiet_seconds=15):
        """Waits until MongoDB holds every expected seq, or nothing new arrived for `quiet_seconds`."""
        total = sum(len(seqs) for seqs in expected.values())
        deadline, last_count, last_change = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            stored, _ = accounting.stored(self.pipeline.ports["mongo"])
            have = sum(len(expected[device] & set(stored.get(device, {}))) for device in expected)
            if have >= total:
                break
            if have != last_count:
                last_count, last_change = have, time.monotonic()
            elif time.monotonic() - last_change > quiet_seconds:
                break
            time.sleep(1)
        # db-interface's registry flush (every 2 s) settles the duplicate counters.
        settle = time.monotonic() + 4
        previous = None
        while time.monotonic() < settle + 10:
            now = accounting.registry(self.pipeline.ports["mongo"])
            if now == previous and time.monotonic() >= settle:
                break
            previous = now
            time.sleep(1)

    def brokers(self):
        return f"127.0.0.1:{self.pipeline.ports['kafka']}"


def _count_lines(path, text, device):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return sum(1 for line in handle if text in line and f"device={device}" in line)
    except OSError:
        return 0


def alert_records(brokers):
    """Every record on scada.alerts, decoded (undecodable ones skipped)."""
    for _, _, _, value, _ in kafka_topics.read_topic(brokers, "scada.alerts"):
        try:
            yield json.loads(value)
        except (TypeError, ValueError):
            continue


def alarm_active(brokers, alarm):
    """Whether the latest record of `alarm` on scada.alerts says its condition is present."""
    latest = None
    for record in alert_records(brokers):
        if record.get("alert_id") == alarm and (latest is None or record.get("sequence", 0) >= latest.get("sequence", 0)):
            latest = record
    return bool(latest and latest.get("active"))


def raised_transitions(brokers):
    """[(alarm id, event time)] of every `raised` transition on scada.alerts."""
    return [(record["alert_id"], record.get("event_time", 0)) for record in alert_records(brokers)
            if record.get("transition") == "raised"]


def alarms_raised(brokers, before_ms=None, transitions=None):
    """{alarm id: number of `raised` transitions} on scada.alerts (with an event time before `before_ms`)."""
    raised = {}
    for alarm, event_time in (raised_transitions(brokers) if transitions is None else transitions):
        if before_ms is None or event_time < before_ms:
            raised[alarm] = raised.get(alarm, 0) + 1
    return raised


def pause(run, instance, stopped_seconds, running_seconds, total_seconds):
    """SIGSTOP/SIGCONT cycles of one process (a throttled server) for `total_seconds`."""
    end = time.monotonic() + total_seconds
    while time.monotonic() < end:
        run.pipeline.signal(instance, signal.SIGSTOP)
        time.sleep(stopped_seconds)  # the throttling pattern itself
        run.pipeline.signal(instance, signal.SIGCONT)
        time.sleep(running_seconds)
