"""The real pipeline on free loopback ports for the browser tests: mosquitto, tansu, nx-27017 and the built
services (db-interface, anomaly-detector, api-gateway, preprocessor, plc-simulator),
each configured from its ConfigMap in configmaps/ with a few test overrides. Everything lives in one temporary
directory and is stopped (services first) by `stop()`."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKENS = {"viewer": "hmi-viewer-token", "operator": "hmi-operator-token", "admin": "hmi-admin-token"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - a condition that cannot be checked yet
            last = error
        time.sleep(interval)
    raise TimeoutError(f"{what} within {timeout} s (last error: {last})")


def configmap(name):
    """The service's committed configuration file (configmaps/NAME.yaml, the file kustomize makes a ConfigMap of)."""
    with open(os.path.join(ROOT, "configmaps", f"{name}.yaml"), encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    if not isinstance(config, dict):
        raise KeyError(name)
    if name == "anomaly-detector":  # the rules come from the repository here (in a cluster: a mounted ConfigMap)
        config.setdefault("anomalyDetector", {})["rulesFile"] = os.path.join(ROOT, "configmaps", "anomaly-rules.yaml")
    return config


class Pipeline:
    def __init__(self, bin_dir, venv, prefix="scada-hmi-"):
        self.bin = bin_dir
        self.venv = venv
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.processes = []  # (name, Popen), in start order
        self.commands = {}  # name -> (command, env): what `restart` runs again
        self.ports = {}
        self.closed_ms = {}  # server name -> when `restart_server` saw its port closed (UTC ms)

    # ---- processes ------------------------------------------------------------------------------
    def start(self, name, command, env=None):
        log = open(os.path.join(self.dir, f"{name}.log"), "ab")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                   start_new_session=True)
        log.close()  # the child has its own descriptor
        self.processes.append((name, process))
        self.commands[name] = (command, env)
        return process

    def process(self, name):
        """The newest process started under `name` (None if never started)."""
        for started, process in reversed(self.processes):
            if started == name:
                return process
        return None

    def pid(self, name):
        return self.process(name).pid

    def alive(self, name):
        process = self.process(name)
        return process is not None and process.poll() is None

    def signal(self, name, number):
        """Sends a signal to one process (e.g. SIGKILL, SIGSTOP, SIGCONT)."""
        self.process(name).send_signal(number)

    def kill(self, name):
        """`kill -9` of one process; returns once it is gone."""
        process = self.process(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_one(self, name, timeout=15):
        """SIGTERM to one process, SIGKILL if it has not exited within `timeout`; returns its exit code."""
        process = self.process(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        return process.returncode

    def restart(self, name):
        """Starts `name` again with the same command and environment (same port, config, data directory),
        after the previous process has exited (call `stop_one` or `kill` first)."""
        previous = self.process(name)
        if previous is not None and previous.poll() is None:
            raise RuntimeError(f"{name} is still running")
        self.processes = [(started, process) for started, process in self.processes if process is not previous]
        command, env = self.commands[name]
        if name == "nx-27017":  # it refuses to start while its pid file names a process (it may be a reused pid)
            try:
                os.unlink(os.path.join(self.dir, "nx.pid"))
            except FileNotFoundError:
                pass
        return self.start(name, command, env)

    def rss_kb(self, name):
        """Resident set size of one running process, in kB (from /proc), or None."""
        try:
            with open(f"/proc/{self.pid(name)}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            return None
        return None

    def stop(self, keep_logs=False):
        """Stops everything, newest first; the run's directory is removed unless `keep_logs` (or HMI_KEEP_LOGS)."""
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)  # a paused process (SIGSTOP) cannot act on SIGTERM
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
        self.processes.clear()
        if keep_logs or os.environ.get("HMI_KEEP_LOGS"):
            print(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def pid(self, name):
        """Process id of the process started as NAME (the newest one), or None."""
        for started, process in reversed(self.processes):
            if started == name:
                return process.pid
        return None

    def log_tail(self, name, lines=30):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), encoding="utf-8", errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    # ---- servers --------------------------------------------------------------------------------
    def start_servers(self, mosquitto_persistence=False, co_partitioned_alarm_state=False):
        """mosquitto, tansu and nx-27017 on free ports, and the platform's topics. `mosquitto_persistence`:
        sessions, queued and retained messages are kept in the run's directory across a broker restart.
        `co_partitioned_alarm_state`: scada.alarm-state is created first with scada.telemetry's 6 partitions
        (compacted), which the real anomaly-detector requires; `scadactl topics create` gives it 3."""
        self.co_partitioned_alarm_state = co_partitioned_alarm_state
        mqtt, kafka, mongo = free_port(), free_port(), free_port()
        self.ports.update(mqtt=mqtt, kafka=kafka, mongo=mongo)
        os.makedirs(os.path.join(self.dir, "mosquitto"))
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w", encoding="utf-8") as handle:
            handle.write(f"listener {mqtt} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n")
            if mosquitto_persistence:
                handle.write(f"persistence true\npersistence_location {os.path.join(self.dir, 'mosquitto')}/\n")
            if os.getuid() == 0:
                handle.write("user root\n")
        self.start("mosquitto", ["mosquitto", "-c", conf])
        url = f"tcp://127.0.0.1:{kafka}"
        self.start("tansu", [os.path.join(self.venv, "bin", "tansu"), "broker", "--listener-url", url,
                             "--advertised-listener-url", url, "--storage-engine", "memory://tansu/", "--silent"])
        os.makedirs(os.path.join(self.dir, "mongo"))
        self.start("nx-27017", [os.path.join(self.venv, "bin", "nx-27017"), "--data-dir", os.path.join(self.dir, "mongo"),
                                "--host", "127.0.0.1", "-p", str(mongo), "--log-file", os.path.join(self.dir, "nx.log"),
                                "--pid-file", os.path.join(self.dir, "nx.pid")])
        for name, port in (("mosquitto", mqtt), ("tansu", kafka), ("nx-27017", mongo)):
            wait_until(lambda: listening(port), 30, f"{name} listening on {port}")
        self.create_topics()

    def create_topics(self):
        """The platform's topics (as scripts/run-local.sh creates them before anyone subscribes)."""
        if getattr(self, "co_partitioned_alarm_state", False):
            from confluent_kafka.admin import AdminClient, NewTopic
            admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{self.ports['kafka']}"})
            futures = admin.create_topics([NewTopic("scada.alarm-state", 6, 1, config={"cleanup.policy": "compact"})])
            for future in futures.values():
                future.result(30)
        subprocess.run([os.path.join(self.bin, "scadactl"), "topics", "create", "--brokers", f"127.0.0.1:{self.ports['kafka']}"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=60)

    def copartition_alarm_state(self):
        """Recreates scada.alarm-state (empty) with as many partitions as scada.telemetry when they differ: the
        anomaly-detector refuses to start otherwise, and `scadactl topics create` gives alarm-state the count of
        the other topics (3) instead of telemetry's (6). Returns True when it recreated the topic."""
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{self.ports['kafka']}"})
        topics = admin.list_topics(timeout=10).topics
        wanted = len(topics["scada.telemetry"].partitions)
        if len(topics["scada.alarm-state"].partitions) == wanted:
            return False
        for future in admin.delete_topics(["scada.alarm-state"]).values():
            future.result(15)
        wait_until(lambda: "scada.alarm-state" not in admin.list_topics(timeout=10).topics, 15, "scada.alarm-state deleted")
        new = NewTopic("scada.alarm-state", num_partitions=wanted, replication_factor=1, config={"cleanup.policy": "compact"})
        for future in admin.create_topics([new]).values():
            future.result(15)
        return True

    SERVER_PORTS = {"mosquitto": "mqtt", "tansu": "kafka", "nx-27017": "mongo"}

    def restart_server(self, name, down_seconds=0.0, kill=False):
        """Stops one server (SIGTERM, or SIGKILL with `kill`), keeps it down `down_seconds`, starts it again
        on the same port with the same data directory, and waits until it listens. Returns the downtime."""
        began = time.monotonic()
        if kill:
            self.kill(name)
        else:
            self.stop_one(name)
        port = self.ports[self.SERVER_PORTS[name]]
        wait_until(lambda: not listening(port), 10, f"{name} closed port {port}")
        self.closed_ms[name] = int(time.time() * 1000)
        remaining = down_seconds - (time.monotonic() - began)
        if remaining > 0:
            time.sleep(remaining)  # the outage itself: its length is what the scenario is about
        self.restart(name)
        wait_until(lambda: listening(port), 30, f"{name} listening again on {port}")
        return time.monotonic() - began

    # ---- services -------------------------------------------------------------------------------
    def service(self, name, patch=None, instance=None, env=None):
        """Starts the service `name` (the binary and its ConfigMap) as process `instance` (default: the name;
        replicas and second simulators get names of their own, each with its own config file, log and port).
        `env` adds or overrides environment variables."""
        instance = instance or name
        config = configmap(name)
        config.setdefault("kafka", {})["sessionTimeoutMs"] = 6000
        config.setdefault("http", {})["host"] = "127.0.0.1"
        if patch:
            patch(config)
        path = os.path.join(self.dir, f"{instance}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(config, handle)
        port = free_port()
        self.ports[instance] = port
        environment = {"SCADA_CONFIG": path, "SCADA_HTTP_PORT": str(port), "SCADA_LOG_LEVEL": "info",
                       "SCADA_MQTT_URL": f"mqtt://127.0.0.1:{self.ports['mqtt']}",
                       "SCADA_KAFKA_BROKERS": f"127.0.0.1:{self.ports['kafka']}",
                       "SCADA_MONGODB_URI": f"mongodb://127.0.0.1:{self.ports['mongo']}",
                       "SCADA_API_TOKENS": ",".join(f"{token}={role}" for role, token in TOKENS.items()),
                       "SCADA_SIMULATOR_STATE": os.path.join(self.dir, "simulator")}
        environment.update(env or {})
        self.start(instance, [os.path.join(self.bin, name)], environment)
        return port

    def ready(self, instance):
        """True when the instance's /readyz answers 200."""
        return self.http(f"http://127.0.0.1:{self.ports[instance]}/readyz")[0] == 200

    def metrics(self, instance):
        """The instance's /metrics as {"name{labels}": value} (unparseable lines skipped); {} when unreachable."""
        status, body = self.http(f"http://127.0.0.1:{self.ports[instance]}/metrics")
        values = {}
        if status != 200:
            return values
        for line in body.decode("utf-8", "replace").splitlines():
            if not line or line.startswith("#"):
                continue
            key, _, value = line.rpartition(" ")
            try:
                values[key] = float(value)
            except ValueError:
                continue
        return values

    def start_services(self, simulator=True, patches=None):
        """Starts every service and waits for the gateway. simulator=False leaves out the plc-simulator's demo
        fleet (a benchmark brings its own load); patches: {service name: function(config)} applied after the
        built-in overrides."""
        patches = patches or {}

        def patched(name, base=None):
            def apply(config):
                if base:
                    base(config)
                if name in patches:
                    patches[name](config)
            return apply

        def enrich(config):
            config["preprocessor"]["enrichment"] = {"site": "plant-1", "devices": {
                "tank_01": {"site": "aquaculture", "line": "hatchery"},
                "LINE1-PLC": {"site": "plant-1", "line": "line1"},
                "ENERGY1-PLC": {"site": "plant-1", "line": "utilities"},
                "ENV1-PLC": {"site": "plant-1", "line": "utilities"}}}

        def fleet(config):
            simulator = config["simulator"]
            simulator["seed"] = 13
            simulator["storeAndForward"]["directory"] = os.path.join(self.dir, "simulator")
            simulator["faults"] = []
            simulator["devices"] = [
                {"profile": "fish_tank", "count": 1, "interval": 1},
                {"profile": "manufacturing", "count": 1, "interval": 1},
                {"profile": "energy", "count": 1, "interval": 1},
                {"profile": "environment", "count": 1, "interval": 2},
            ]

        self.service("db-interface", patched("db-interface"))
        self.service("anomaly-detector", patched("anomaly-detector"))
        self.service("api-gateway", patched("api-gateway"))
        self.service("preprocessor", patched("preprocessor", enrich))
        if simulator:
            self.service("plc-simulator", patched("plc-simulator", fleet))
        self.gateway = f"http://127.0.0.1:{self.ports['api-gateway']}"
        wait_until(lambda: self.http(f"{self.gateway}/readyz")[0] == 200, 90,
                   "api-gateway ready\n" + self.log_tail("api-gateway"))
        url = f"http://127.0.0.1:{self.ports['anomaly-detector']}/readyz"
        wait_until(lambda: self.http(url)[0] == 200, 90, "anomaly-detector ready\n" + self.log_tail("anomaly-detector"))

    # ---- HTTP -----------------------------------------------------------------------------------
    def http(self, url, token=None, body=None, method=None):
        request = urllib.request.Request(url, method=method or ("POST" if body is not None else "GET"),
                                         data=None if body is None else json.dumps(body).encode())
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, OSError):
            return 0, b""

    def api(self, path, role="operator", body=None):
        status, data = self.http(self.gateway + path, TOKENS[role], body)
        return status, (json.loads(data) if data else None)
