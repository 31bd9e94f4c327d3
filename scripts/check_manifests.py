"""Consistency checks of the deployment files: k8s-manifests/, configmaps/, docker-compose.yml, Dockerfile.

Usage: check_manifests.py [--root DIR]      (scripts/check-manifests.sh runs it with the project venv)

Every problem is printed as `FILE: problem` and the exit status is 1 when there is any. The facts the
files must agree on (executables, ports, environment variables, configuration keys, topics, scadactl
flags) are taken from the Swift sources where they live, so a change there that the deployment files
do not follow fails here too. Nothing here needs a cluster or a Docker engine; `kubectl apply
--dry-run=client` runs in addition when kubectl and a cluster are reachable.
"""
from __future__ import annotations

import argparse
import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

NAMESPACE = "scada"
IMAGE = "ghcr.io/scada-platform/scada:latest"
# service -> (Swift module, default SCADA_HTTP_PORT)
SERVICES = {
    "plc-simulator": ("PLCSimulator", 8084),
    "preprocessor": ("Preprocessor", 8081),
    "db-interface": ("DBInterface", 8082),
    "anomaly-detector": ("AnomalyDetector", 8083),
    "api-gateway": ("APIGateway", 8000),
}
EXECUTABLES = list(SERVICES) + ["scadactl"]
# Infrastructure a service reaches by name, and the fixed port it listens on.
FIXED_PORTS = {"mosquitto": 1883, "kafka": 9092, "mongodb": 27017, "api-gateway": 8000}
TOPICS = ["scada.telemetry", "scada.deadletter", "scada.device-status", "scada.alerts", "scada.analytics"]
ENV_COMMON = ["SCADA_CONFIG", "SCADA_MQTT_URL", "SCADA_KAFKA_BROKERS", "SCADA_MONGODB_URI", "SCADA_HTTP_PORT",
              "SCADA_LOG_LEVEL"]
ENV_EXTRA = {"plc-simulator": ["SCADA_SIMULATOR_STATE"]}
# The shared configuration sections and their keys (Sources/SCADACore/CommonConfiguration.swift).
COMMON_KEYS = {
    "mqtt": {"url"},
    "kafka": {"brokers", "sessionTimeoutMs", "properties"},
    "mongodb": {"uri", "database"},
    "http": {"host", "port"},
    "log": {"level", "format"},
}
FREE_FORM = {("kafka", "properties")}
LOG_LEVELS = {"trace", "debug", "info", "notice", "warning", "error", "critical"}
API_VERSIONS = {
    "Namespace": "v1", "Service": "v1", "ConfigMap": "v1", "PersistentVolumeClaim": "v1", "Secret": "v1",
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "Job": "batch/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
    "Ingress": "networking.k8s.io/v1", "NetworkPolicy": "networking.k8s.io/v1",
}
CLUSTER_SCOPED = {"Namespace"}
WORKLOADS = {"Deployment", "StatefulSet", "Job"}
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Third-party images: the same tag in compose and Kubernetes.
THIRD_PARTY = {"mosquitto": "eclipse-mosquitto:2", "kafka": "apache/kafka:3.8.0", "mongodb": "mongo:7"}


class Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.resources: list[dict] = []      # {kind, name, ns, doc, file}

    # ---------------------------------------------------------------- helpers
    def problem(self, where, message: str) -> None:
        self.problems.append(f"{self.rel(where)}: {message}")

    def rel(self, where) -> str:
        if isinstance(where, Path):
            try:
                return str(where.relative_to(self.root))
            except ValueError:
                return str(where)
        return str(where)

    def read(self, relative: str) -> str | None:
        path = self.root / relative
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def sources(self, folder: str) -> str:
        text = []
        for path in sorted((self.root / folder).rglob("*.swift")):
            text.append(path.read_text(encoding="utf-8"))
        return "\n".join(text)

    def find(self, kind: str, name: str, ns: str = NAMESPACE) -> dict | None:
        for r in self.resources:
            if r["kind"] == kind and r["name"] == name and (r["ns"] or NAMESPACE) == ns:
                return r
        return None

    def of_kind(self, *kinds: str) -> list[dict]:
        return [r for r in self.resources if r["kind"] in kinds]

    # ---------------------------------------------------------------- facts from the sources
    def source_facts(self) -> None:
        package = self.read("Package.swift") or ""
        products = set(re.findall(r'\.executable\(name:\s*"([^"]+)"', package))
        for exe in EXECUTABLES:
            if exe not in products:
                self.problem("Package.swift", f"no executable product '{exe}' (deployment files start it)")
        for exe in sorted(products - set(EXECUTABLES)):
            self.problem("Package.swift", f"executable product '{exe}' is not deployed (add it to the Dockerfile, "
                                          "docker-compose.yml, k8s-manifests/ and scripts/check_manifests.py)")
        self.sections: dict[str, set[str]] = {}
        for service, (module, port) in SERVICES.items():
            text = self.sources(f"Sources/{module}")
            declared = re.findall(r"defaultHTTPPort\s*=\s*(\d+)", text)
            if not declared:
                self.problem(f"Sources/{module}", f"no defaultHTTPPort found for {service}")
            elif int(declared[0]) != port:
                self.problem(f"Sources/{module}", f"{service} defaultHTTPPort is {declared[0]}, the deployment "
                                                  f"files use {port}")
            self.sections[service] = set(re.findall(r'\.section\(\s*"([A-Za-z0-9_]+)"', text))
        everything = self.sources("Sources")
        for name in ENV_COMMON + [n for extra in ENV_EXTRA.values() for n in extra]:
            if f'"{name}"' not in everything:
                self.problem("Sources", f"no code reads {name}, but the deployment files may set it")
        common = self.read("Sources/SCADACore/CommonConfiguration.swift") or ""
        variables = set(re.findall(r"public var (\w+)", common))
        for section, keys in COMMON_KEYS.items():
            for key in sorted(keys | {section}):
                if key not in variables:
                    self.problem("Sources/SCADACore/CommonConfiguration.swift",
                                 f"configuration key '{key}' is not there any more (update COMMON_KEYS)")
        topics = self.read("Sources/SCADACore/Topics.swift") or ""
        for topic in TOPICS:
            if f'"{topic}"' not in topics:
                self.problem("Sources/SCADACore/Topics.swift", f"topic {topic} is not declared")
        command = self.read("Sources/SCADACtl/TopicsCommand.swift") or ""
        options = re.findall(r"@Option[^\n]*\n\s*var (\w+)(?:\s*:\s*[\w?]+)?(?:\s*=\s*(\d+))?", command)
        self.topics_flags = {"--" + re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower(): default
                             for name, default in options}
        if not self.topics_flags:
            self.problem("Sources/SCADACtl/TopicsCommand.swift", "no @Option found for `scadactl topics create`")
        self.checked.append("sources: executables, HTTP ports, SCADA_* variables, config keys, topics, scadactl flags")

    # ---------------------------------------------------------------- YAML files
    def load(self, path: Path) -> list:
        try:
            with path.open(encoding="utf-8") as handle:
                return [d for d in yaml.safe_load_all(handle)]
        except (OSError, yaml.YAMLError) as error:
            self.problem(path, f"not valid YAML: {error}".replace("\n", " "))
            return []

    def load_kubernetes(self) -> None:
        manifests = sorted(p for p in (self.root / "k8s-manifests").rglob("*") if p.suffix in (".yaml", ".yml"))
        configmaps = sorted(p for p in (self.root / "configmaps").glob("*") if p.suffix in (".yaml", ".yml"))
        if not manifests:
            self.problem("k8s-manifests", "no manifests")
        for path in manifests + configmaps:
            in_configmaps = path.parent.name == "configmaps"
            for index, doc in enumerate(self.load(path)):
                if doc is None:
                    continue
                where = f"{self.rel(path)}#{index + 1}"
                if not isinstance(doc, dict):
                    self.problem(where, "a document that is not a mapping")
                    continue
                kind, api, meta = doc.get("kind"), doc.get("apiVersion"), doc.get("metadata")
                name = meta.get("name") if isinstance(meta, dict) else None
                missing = [k for k, v in (("apiVersion", api), ("kind", kind), ("metadata.name", name)) if not v]
                if missing:
                    self.problem(where, f"missing {', '.join(missing)}")
                    continue
                where = f"{self.rel(path)}: {kind} {name}"
                if kind not in API_VERSIONS:
                    self.problem(where, f"kind {kind} is not one this check knows (extend API_VERSIONS)")
                elif api != API_VERSIONS[kind]:
                    self.problem(where, f"apiVersion {api}, expected {API_VERSIONS[kind]}")
                pattern = DNS_LABEL if kind in ("Namespace", "Service") else DNS_SUBDOMAIN
                if not isinstance(name, str) or not pattern.match(name) or len(name) > (63 if pattern is DNS_LABEL else 253):
                    self.problem(where, f"name '{name}' is not a valid Kubernetes name")
                ns = meta.get("namespace")
                if kind in CLUSTER_SCOPED:
                    if ns:
                        self.problem(where, "a cluster-scoped object has a namespace")
                elif in_configmaps:
                    if ns not in (None, NAMESPACE):
                        self.problem(where, f"namespace {ns}: configmaps/ is applied with -n {NAMESPACE}")
                elif ns != NAMESPACE:
                    self.problem(where, f"namespace is {ns!r}, expected {NAMESPACE}")
                if in_configmaps and kind != "ConfigMap":
                    self.problem(where, "configmaps/ holds ConfigMaps only")
                if not in_configmaps and kind == "ConfigMap":
                    self.problem(where, "ConfigMaps live in configmaps/, not k8s-manifests/")
                if kind != "Namespace":
                    labels = meta.get("labels") or {}
                    if labels.get("app.kubernetes.io/part-of") != "scada" or "app.kubernetes.io/name" not in labels:
                        self.problem(where, "labels app.kubernetes.io/name and app.kubernetes.io/part-of: scada missing")
                if self.find(kind, name, ns or NAMESPACE) and kind not in CLUSTER_SCOPED:
                    self.problem(where, "defined twice")
                self.resources.append({"kind": kind, "name": name, "ns": None if kind in CLUSTER_SCOPED else (ns or NAMESPACE),
                                       "doc": doc, "file": path, "where": where})
        namespaces = [r for r in self.of_kind("Namespace") if r["name"] == NAMESPACE]
        if not namespaces:
            self.problem("k8s-manifests", f"no Namespace {NAMESPACE}")
        elif ((namespaces[0]["doc"].get("metadata") or {}).get("labels") or {}).get(
                "pod-security.kubernetes.io/enforce") != "restricted":
            self.problem(namespaces[0]["where"], "label pod-security.kubernetes.io/enforce: restricted missing")
        elif manifests and namespaces[0]["file"] != [m for m in manifests if m.parent.name == "k8s-manifests"][0]:
            self.problem(namespaces[0]["file"], "the Namespace must be in the first file kubectl applies")
        self.checked.append(f"{len(manifests)} manifest files, {len(configmaps)} ConfigMap files, "
                            f"{len(self.resources)} objects: apiVersion/kind/name, namespace, labels, duplicates")

    # ---------------------------------------------------------------- Kubernetes objects
    @staticmethod
    def pod_spec(doc: dict) -> tuple[dict, dict]:
        template = ((doc.get("spec") or {}).get("template") or {})
        return template.get("metadata") or {}, template.get("spec") or {}

    def port_number(self, where: str, container: dict, port) -> int | None:
        ports = container.get("ports") or []
        if isinstance(port, int):
            if port not in [p.get("containerPort") for p in ports]:
                self.problem(where, f"probe port {port} is not a containerPort of {container.get('name')}")
            return port
        if isinstance(port, str) and port.isdigit():
            self.problem(where, f"port '{port}' is a string of digits (Kubernetes reads it as a port name)")
            return None
        for p in ports:
            if p.get("name") == port:
                return p.get("containerPort")
        self.problem(where, f"port name '{port}' is not declared by container {container.get('name')}")
        return None

    def check_workloads(self) -> None:
        configmaps = {r["name"]: r["doc"] for r in self.of_kind("ConfigMap")}
        images = set()
        for r in self.of_kind(*WORKLOADS):
            doc, where = r["doc"], r["where"]
            spec = doc.get("spec") or {}
            meta, pod = self.pod_spec(doc)
            labels = meta.get("labels") or {}
            if r["kind"] != "Job":
                selector = (spec.get("selector") or {}).get("matchLabels") or {}
                if not selector:
                    self.problem(where, "no spec.selector.matchLabels")
                for key, value in selector.items():
                    if labels.get(key) != value:
                        self.problem(where, f"selector {key}={value} does not match the pod template's labels")
                if not isinstance(spec.get("replicas", 1), int):
                    self.problem(where, f"replicas {spec.get('replicas')!r} is not an integer")
            if r["kind"] == "StatefulSet":
                service = self.find("Service", spec.get("serviceName", ""))
                if not service:
                    self.problem(where, f"serviceName {spec.get('serviceName')!r}: no such Service")
                elif (service["doc"].get("spec") or {}).get("clusterIP") != "None":
                    self.problem(where, f"serviceName {spec.get('serviceName')}: the governing Service must be headless")
            volumes = {v.get("name"): v for v in pod.get("volumes") or []}
            claim_templates = {(t.get("metadata") or {}).get("name") for t in spec.get("volumeClaimTemplates") or []}
            for name, volume in volumes.items():
                if "configMap" in volume:
                    cm_name = volume["configMap"].get("name")
                    cm = configmaps.get(cm_name)
                    if cm is None:
                        if not volume["configMap"].get("optional"):
                            self.problem(where, f"volume {name}: ConfigMap {cm_name} does not exist "
                                                "(in configmaps/)")
                    else:
                        for item in volume["configMap"].get("items") or []:
                            if item.get("key") not in (cm.get("data") or {}):
                                self.problem(where, f"volume {name}: ConfigMap {cm_name} has no key {item.get('key')}")
                if "persistentVolumeClaim" in volume:
                    claim = volume["persistentVolumeClaim"].get("claimName")
                    if not self.find("PersistentVolumeClaim", claim):
                        self.problem(where, f"volume {name}: PersistentVolumeClaim {claim} does not exist")
                if "secret" in volume and not self.find("Secret", volume["secret"].get("secretName")):
                    if not volume["secret"].get("optional"):
                        self.problem(where, f"volume {name}: Secret {volume['secret'].get('secretName')} does not exist")
            if pod.get("enableServiceLinks") is not False:
                self.problem(where, "enableServiceLinks: false missing (Service links inject KAFKA_*/MONGODB_* "
                                    "variables into every pod)")
            containers = pod.get("containers") or []
            if not containers:
                self.problem(where, "no containers")
            for container in containers + (pod.get("initContainers") or []):
                cwhere = f"{where} container {container.get('name')}"
                image = container.get("image", "")
                images.add(image)
                mounts = container.get("volumeMounts") or []
                for mount in mounts:
                    if mount.get("name") not in volumes and mount.get("name") not in claim_templates:
                        self.problem(cwhere, f"volumeMount {mount.get('name')}: no such volume")
                env = container.get("env") or []
                defined = set()
                for variable in env:
                    if "value" in variable and not isinstance(variable["value"], str):
                        self.problem(cwhere, f"env {variable.get('name')}: value {variable['value']!r} must be a "
                                             "string (quote it)")
                    for reference in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(variable.get("value", ""))):
                        if reference not in defined:
                            self.problem(cwhere, f"env {variable.get('name')} uses $({reference}) before it is defined")
                    defined.add(variable.get("name"))
                resources = container.get("resources") or {}
                for part in ("requests", "limits"):
                    for key in ("cpu", "memory"):
                        if key not in (resources.get(part) or {}):
                            self.problem(cwhere, f"resources.{part}.{key} missing")
                # The namespace enforces the "restricted" Pod Security Standard: a pod breaking it is refused.
                security = {**(pod.get("securityContext") or {}), **(container.get("securityContext") or {})}
                own = container.get("securityContext") or {}
                if not security.get("runAsNonRoot"):
                    self.problem(cwhere, "runAsNonRoot: true missing (Pod Security Standard restricted)")
                if (security.get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
                    self.problem(cwhere, "seccompProfile RuntimeDefault missing (Pod Security Standard restricted)")
                if own.get("allowPrivilegeEscalation") is not False:
                    self.problem(cwhere, "allowPrivilegeEscalation: false missing (Pod Security Standard restricted)")
                if "ALL" not in ((own.get("capabilities") or {}).get("drop") or []):
                    self.problem(cwhere, "capabilities.drop [ALL] missing (Pod Security Standard restricted)")
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    spec_probe = container.get(probe) or {}
                    for handler in ("httpGet", "tcpSocket"):
                        if handler in spec_probe:
                            self.port_number(f"{cwhere} {probe}", container, spec_probe[handler].get("port"))
                if image.startswith(IMAGE.split(":")[0]):
                    self.check_scada_container(r, container, cwhere, meta, pod, volumes, configmaps)
        for image in sorted(i for i in images if i.startswith(IMAGE.split(":")[0]) and i != IMAGE):
            self.problem("k8s-manifests", f"image {image}: every platform container uses {IMAGE}")
        self.checked.append(f"{len(self.of_kind(*WORKLOADS))} workloads: selectors, ConfigMap/PVC/Service "
                            "references, mounts, env, probes, resources")

    def check_scada_container(self, r, container, where, meta, pod, volumes, configmaps) -> None:
        command = container.get("command") or []
        exe = Path(command[0]).name if command else None
        if not command or command[0] != f"/usr/local/bin/{exe}" or exe not in EXECUTABLES:
            self.problem(where, f"command {command}: expected /usr/local/bin/<one of {', '.join(EXECUTABLES)}>")
            return
        security = {**(pod.get("securityContext") or {}), **(container.get("securityContext") or {})}
        if security.get("runAsUser") not in (None, self.image_uid):
            self.problem(where, f"runAsUser {security.get('runAsUser')} differs from the image's USER {self.image_uid}")
        if not (container.get("securityContext") or {}).get("readOnlyRootFilesystem"):
            self.problem(where, "readOnlyRootFilesystem: true missing")
        env = {v.get("name"): v.get("value") for v in container.get("env") or []}
        allowed = set(ENV_COMMON) | set(ENV_EXTRA.get(exe, []))
        for name in env:
            if name not in allowed:
                self.problem(where, f"env {name} is not one the {exe} reads ({', '.join(sorted(allowed))})")
        if exe == "scadactl":
            self.check_scadactl(where, command[1:], self.kubernetes_port)
            return
        port = SERVICES[exe][1]
        if r["name"] != exe:
            self.problem(where, f"runs {exe} but is named {r['name']}")
        ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
        if ports.get("http") != port:
            self.problem(where, f"containerPort named http should be {port} (SCADA_HTTP_PORT default), found "
                                f"{ports.get('http')}")
        if "SCADA_HTTP_PORT" in env and env["SCADA_HTTP_PORT"] != str(port):
            self.problem(where, f"SCADA_HTTP_PORT={env['SCADA_HTTP_PORT']}, expected {port}")
        for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = (container.get(probe) or {}).get("httpGet")
            if not get:
                self.problem(where, f"{probe} with httpGet missing")
                continue
            if probe != "startupProbe" and get.get("path") != path:
                self.problem(where, f"{probe} path {get.get('path')}, expected {path}")
            number = self.port_number(f"{where} {probe}", container, get.get("port"))
            if number is not None and number != port:
                self.problem(where, f"{probe} port {number}, the service listens on {port}")
        annotations = meta.get("annotations") or {}
        expected = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}
        for key, value in expected.items():
            if annotations.get(key) != value:
                self.problem(where, f"pod annotation {key}: {annotations.get(key)!r}, expected {value!r}")
        # Configuration: SCADA_CONFIG names config.yaml of ConfigMap <exe>-config mounted at its folder.
        config_path = env.get("SCADA_CONFIG")
        if config_path != f"/etc/{exe}/config.yaml":
            self.problem(where, f"SCADA_CONFIG={config_path!r}, expected /etc/{exe}/config.yaml")
        else:
            mount = next((m for m in container.get("volumeMounts") or [] if m.get("mountPath") == f"/etc/{exe}"), None)
            volume = volumes.get(mount.get("name")) if mount else None
            if not volume or (volume.get("configMap") or {}).get("name") != f"{exe}-config":
                self.problem(where, f"ConfigMap {exe}-config is not mounted at /etc/{exe}")
            else:
                items = volume["configMap"].get("items")
                cm = configmaps.get(f"{exe}-config")
                keys = [i.get("path") for i in items] if items else list(((cm or {}).get("data") or {}).keys())
                if cm is not None and "config.yaml" not in keys:
                    self.problem(where, f"ConfigMap {exe}-config provides no config.yaml")
        self.scada_pods[exe] = {"resource": r, "container": container, "labels": meta.get("labels") or {},
                                "env": env, "volumes": volumes}

    def check_scadactl(self, where: str, arguments: list[str], resolve) -> None:
        if arguments[:2] != ["topics", "create"]:
            return
        flags = {}
        i = 2
        while i < len(arguments):
            flag = arguments[i]
            if not flag.startswith("--"):
                self.problem(where, f"scadactl: unexpected argument {flag}")
                i += 1
                continue
            if flag not in self.topics_flags:
                self.problem(where, f"scadactl topics create has no option {flag} "
                                    f"(it has {', '.join(sorted(self.topics_flags))})")
            flags[flag] = arguments[i + 1] if i + 1 < len(arguments) else None
            i += 2
        brokers = flags.get("--brokers")
        if not brokers:
            self.problem(where, "scadactl topics create without --brokers")
        else:
            self.check_brokers(where, brokers, resolve)
        partitions = flags.get("--telemetry-partitions") or self.topics_flags.get("--telemetry-partitions")
        if partitions:
            self.telemetry_partitions = int(partitions)

    # ---------------------------------------------------------------- addresses
    def kubernetes_port(self, host: str) -> tuple[str | None, set[int]]:
        """The Service a host name in the cluster points to, and its ports."""
        labels = host.split(".")
        name = labels[0]
        if len(labels) > 1 and self.find("Service", labels[1]) and name.startswith(labels[1] + "-"):
            name, labels = labels[1], labels[1:]     # pod.service[.namespace...] of a headless Service
        if len(labels) > 1 and labels[1] != NAMESPACE:
            return None, set()                       # another namespace (or not a Service name at all)
        service = self.find("Service", name)
        if not service:
            return None, set()
        return name, {p.get("port") for p in (service["doc"].get("spec") or {}).get("ports") or []}

    def compose_port(self, host: str) -> tuple[str | None, set[int]]:
        if host not in self.compose_services:
            return None, set()
        return host, {FIXED_PORTS[host]} if host in FIXED_PORTS else set()

    def check_address(self, where: str, what: str, host: str | None, port: int | None, resolve) -> None:
        if not host:
            self.problem(where, f"{what}: no host")
            return
        name, ports = resolve(host)
        if name is None:
            self.problem(where, f"{what}: host {host} is not a Service/service defined here")
        elif port not in ports:
            self.problem(where, f"{what}: {host}:{port}, but {name} listens on {sorted(ports) or 'no known port'}")
        elif name in FIXED_PORTS and port != FIXED_PORTS[name]:
            self.problem(where, f"{what}: {name} port {port}, expected {FIXED_PORTS[name]}")

    def check_brokers(self, where: str, brokers: str, resolve) -> None:
        for broker in str(brokers).split(","):
            host, _, port = broker.strip().rpartition(":")
            if not host or not port.isdigit():
                self.problem(where, f"Kafka broker '{broker}' is not host:port")
                continue
            self.check_address(where, "Kafka broker", host, int(port), resolve)

    def check_url(self, where: str, what: str, url: str, schemes: tuple[str, ...], default_port: int, resolve) -> None:
        try:
            parts = urlsplit(str(url))
        except ValueError as error:
            self.problem(where, f"{what} '{url}': {error}")
            return
        if parts.scheme not in schemes:
            self.problem(where, f"{what} '{url}': scheme must be {' or '.join(schemes)}")
            return
        for address in parts.netloc.rpartition("@")[2].split(","):
            host, _, port = address.partition(":")
            if port and not port.isdigit():
                self.problem(where, f"{what} '{url}': port '{port}' is not a number")
                continue
            self.check_address(where, what, host, int(port) if port else default_port, resolve)

    # ---------------------------------------------------------------- Services and friends
    def pods_selected(self, selector: dict) -> list[dict]:
        selected = []
        for r in self.of_kind(*WORKLOADS):
            labels = self.pod_spec(r["doc"])[0].get("labels") or {}
            if selector and all(labels.get(k) == v for k, v in selector.items()):
                selected.append(r)
        return selected

    def check_services(self) -> None:
        for r in self.of_kind("Service"):
            spec = r["doc"].get("spec") or {}
            pods = self.pods_selected(spec.get("selector") or {})
            if not pods:
                self.problem(r["where"], f"selector {spec.get('selector')} matches no workload's pods")
            for port in spec.get("ports") or []:
                target = port.get("targetPort", port.get("port"))
                for pod in pods:
                    containers = self.pod_spec(pod["doc"])[1].get("containers") or []
                    declared = [(p.get("name"), p.get("containerPort")) for c in containers for p in c.get("ports") or []]
                    if target not in [n for n, _ in declared] + [n for _, n in declared]:
                        self.problem(r["where"], f"targetPort {target} is not a port of {pod['kind']} {pod['name']}")
        for exe, (_, port) in SERVICES.items():
            service = self.find("Service", exe)
            if not service:
                self.problem("k8s-manifests", f"no Service {exe}")
                continue
            ports = [p.get("port") for p in (service["doc"].get("spec") or {}).get("ports") or []]
            if port not in ports:
                self.problem(service["where"], f"port {port} missing (found {ports})")
            if exe not in self.scada_pods:
                self.problem("k8s-manifests", f"no Deployment runs {exe}")
        for name, port in FIXED_PORTS.items():
            service = self.find("Service", name)
            ports = [p.get("port") for p in ((service or {}).get("doc", {}).get("spec") or {}).get("ports") or []]
            if port not in ports:
                self.problem("k8s-manifests", f"Service {name} must expose the fixed port {port} (found {ports})")
        for r in self.of_kind("HorizontalPodAutoscaler"):
            spec = r["doc"].get("spec") or {}
            target = spec.get("scaleTargetRef") or {}
            if not self.find(target.get("kind", ""), target.get("name", "")):
                self.problem(r["where"], f"scaleTargetRef {target.get('kind')} {target.get('name')} does not exist")
            if spec.get("minReplicas", 1) > spec.get("maxReplicas", 0):
                self.problem(r["where"], "minReplicas > maxReplicas")
        for r in self.of_kind("PodDisruptionBudget"):
            selector = ((r["doc"].get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            if not self.pods_selected(selector):
                self.problem(r["where"], f"selector {selector} matches no workload's pods")
        for r in self.of_kind("Ingress"):
            for rule in (r["doc"].get("spec") or {}).get("rules") or []:
                for path in ((rule.get("http") or {}).get("paths")) or []:
                    backend = (path.get("backend") or {}).get("service") or {}
                    self.check_address(r["where"], "Ingress backend", backend.get("name"),
                                       (backend.get("port") or {}).get("number"), self.kubernetes_port)
        self.checked.append("Services, HPA, PDB, Ingress: selectors match pods, ports exist, fixed ports "
                            + "/".join(str(p) for p in FIXED_PORTS.values()))

    # ---------------------------------------------------------------- service rules
    def check_service_rules(self) -> None:
        configs = self.service_configs
        simulator = self.scada_pods.get("plc-simulator")
        if simulator:
            spec = simulator["resource"]["doc"].get("spec") or {}
            if spec.get("replicas", 1) != 1 or (spec.get("strategy") or {}).get("type") != "Recreate":
                self.problem(simulator["resource"]["where"], "plc-simulator: replicas 1 and strategy Recreate "
                             "(two simulators with the same device client ids disconnect each other)")
            state = simulator["env"].get("SCADA_SIMULATOR_STATE") or \
                (((configs.get("plc-simulator") or {}).get("simulator") or {}).get("storeAndForward") or {}).get(
                    "directory", "simulator-state")
            mounts = {m.get("mountPath"): m for m in simulator["container"].get("volumeMounts") or []}
            mount = mounts.get(str(state).rstrip("/"))
            if not mount or mount.get("readOnly"):
                self.problem(simulator["resource"]["where"], f"plc-simulator state directory {state} is not a "
                             "writable volume (the root filesystem is read-only)")
        preprocessor = self.scada_pods.get("preprocessor")
        if preprocessor:
            replicas = (preprocessor["resource"]["doc"].get("spec") or {}).get("replicas", 1)
            hpa = [r for r in self.of_kind("HorizontalPodAutoscaler")
                   if ((r["doc"].get("spec") or {}).get("scaleTargetRef") or {}).get("name") == "preprocessor"]
            most = max([replicas] + [(h["doc"].get("spec") or {}).get("maxReplicas", 1) for h in hpa])
            group = (((configs.get("preprocessor") or {}).get("preprocessor") or {}).get("input") or {}).get("sharedGroup")
            if most > 1 and not group:
                self.problem(preprocessor["resource"]["where"], f"up to {most} preprocessor replicas, but "
                             "configmaps/preprocessor.yaml sets no input.sharedGroup: every replica would get every message")
            if replicas < 2:
                self.problem(preprocessor["resource"]["where"], "the preprocessor runs 2 replicas (shared subscription)")
            if not hpa:
                self.problem(preprocessor["resource"]["where"], "no HorizontalPodAutoscaler for the preprocessor")
            budgets = []
            for r in self.of_kind("PodDisruptionBudget"):
                selector = ((r["doc"].get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
                if selector and all(preprocessor["labels"].get(k) == v for k, v in selector.items()):
                    budgets.append(r)
            if not budgets:
                self.problem(preprocessor["resource"]["where"], "no PodDisruptionBudget for the preprocessor")
        db = self.scada_pods.get("db-interface")
        if db:
            replicas = (db["resource"]["doc"].get("spec") or {}).get("replicas", 1)
            hpa = [(r["doc"].get("spec") or {}).get("maxReplicas", 1) for r in self.of_kind("HorizontalPodAutoscaler")
                   if ((r["doc"].get("spec") or {}).get("scaleTargetRef") or {}).get("name") == "db-interface"]
            most = max([replicas] + hpa)
            if self.telemetry_partitions and most > self.telemetry_partitions:
                self.problem(db["resource"]["where"], f"up to {most} db-interface replicas, but scada.telemetry has "
                             f"{self.telemetry_partitions} partitions: the extra consumers would idle")
        if not [r for r in self.of_kind("Job") if "scadactl" in str(self.pod_spec(r["doc"])[1].get("containers"))]:
            self.problem("k8s-manifests", "no Job running scadactl topics create")
        self.checked.append("service rules: simulator state volume and single replica, preprocessor shared group, "
                            "HPA and PDB, db-interface replicas <= telemetry partitions, topics Job")

    # ---------------------------------------------------------------- ConfigMap contents
    def check_configmaps(self) -> None:
        self.service_configs: dict[str, dict] = {}
        for r in self.of_kind("ConfigMap"):
            name, doc, where = r["name"], r["doc"], r["where"]
            data = doc.get("data") or {}
            for key, value in data.items():
                if not isinstance(value, str):
                    self.problem(where, f"data.{key} must be a string")
            service = name[:-len("-config")] if name.endswith("-config") else None
            if name == "mosquitto-config":
                self.check_mosquitto(r)
                continue
            if service not in SERVICES:
                self.problem(where, "not a known ConfigMap (<service>-config or mosquitto-config)")
                continue
            text = data.get("config.yaml")
            if text is None:
                self.problem(where, "no data key config.yaml")
                continue
            try:
                config = yaml.safe_load(text) or {}
            except yaml.YAMLError as error:
                self.problem(where, f"config.yaml is not valid YAML: {error}".replace("\n", " "))
                continue
            if not isinstance(config, dict):
                self.problem(where, "config.yaml: the top level must be a mapping of sections")
                continue
            self.service_configs[service] = config
            allowed = set(COMMON_KEYS) | self.sections.get(service, set())
            for section, body in config.items():
                if section not in allowed:
                    self.problem(where, f"config.yaml: section '{section}' is not read by {service} (it reads "
                                        f"{', '.join(sorted(allowed))}): the loader would ignore it silently")
                    continue
                if section in COMMON_KEYS:
                    if not isinstance(body, dict):
                        self.problem(where, f"config.yaml: {section} must be a mapping")
                        continue
                    for key in body:
                        if key not in COMMON_KEYS[section]:
                            self.problem(where, f"config.yaml: unknown key {section}.{key} (known: "
                                                f"{', '.join(sorted(COMMON_KEYS[section]))}); the service would refuse to start")
            port = SERVICES[service][1]
            http = config.get("http") or {}
            if "port" in http and http["port"] != port:
                self.problem(where, f"config.yaml: http.port {http['port']}, the Deployment and probes use {port}")
            log = config.get("log") or {}
            if "level" in log and str(log["level"]).lower() not in LOG_LEVELS:
                self.problem(where, f"config.yaml: log.level {log['level']} is not one of {', '.join(sorted(LOG_LEVELS))}")
            if "format" in log and log["format"] not in ("logfmt", "json"):
                self.problem(where, f"config.yaml: log.format {log['format']} is not logfmt or json")
            if "url" in (config.get("mqtt") or {}):
                self.check_url(where, "mqtt.url", config["mqtt"]["url"], ("mqtt", "mqtts"), 1883, self.kubernetes_port)
            if "brokers" in (config.get("kafka") or {}):
                self.check_brokers(where, config["kafka"]["brokers"], self.kubernetes_port)
            mongodb = config.get("mongodb") or {}
            if "uri" in mongodb:
                self.check_url(where, "mongodb.uri", mongodb["uri"], ("mongodb",), 27017, self.kubernetes_port)
            if "database" in mongodb and mongodb["database"] != "scada":
                self.problem(where, f"config.yaml: mongodb.database {mongodb['database']}, the platform's is scada")
        for service in SERVICES:
            if service not in self.service_configs:
                self.problem("configmaps", f"no ConfigMap {service}-config with config.yaml "
                                           f"(configmaps/{service}.yaml)")
        self.checked.append(f"{len(self.service_configs)} service configurations: YAML, sections and keys, "
                            "http.port, log, broker addresses resolve to Services")

    def check_mosquitto(self, r: dict) -> None:
        conf = (r["doc"].get("data") or {}).get("mosquitto.conf")
        compose_conf = self.read("deploy/mosquitto/mosquitto.conf")
        if conf is None:
            self.problem(r["where"], "no data key mosquitto.conf")
            return
        if compose_conf is None:
            self.problem("deploy/mosquitto/mosquitto.conf", "missing (docker-compose.yml mounts it)")
        elif compose_conf != conf:
            self.problem(r["where"], "mosquitto.conf differs from deploy/mosquitto/mosquitto.conf (keep them identical)")
        lines = [l.split() for l in conf.splitlines() if l.strip() and not l.lstrip().startswith("#")]
        if ["listener", "1883"] not in [l[:2] for l in lines]:
            self.problem(r["where"], "mosquitto.conf has no `listener 1883`")
        location = next((l[1] for l in lines if l[0] == "persistence_location" and len(l) > 1), None)
        broker = self.find("StatefulSet", "mosquitto") or self.find("Deployment", "mosquitto")
        if broker and location:
            mounts = [m.get("mountPath", "").rstrip("/") for c in self.pod_spec(broker["doc"])[1].get("containers") or []
                      for m in c.get("volumeMounts") or []]
            if location.rstrip("/") not in mounts:
                self.problem(r["where"], f"persistence_location {location} is not a volume of the mosquitto pod")
            if "/mosquitto/config" not in mounts:
                self.problem(broker["where"], "mosquitto-config is not mounted at /mosquitto/config")

    # ---------------------------------------------------------------- third-party settings
    def check_cluster_id(self, where: str, value) -> None:
        text = str(value or "")
        try:
            raw = base64.urlsafe_b64decode(text + "==")
            ok = len(text) == 22 and len(raw) == 16 and base64.urlsafe_b64encode(raw).decode().rstrip("=") == text
        except ValueError:
            ok = False
        if not ok:
            self.problem(where, f"CLUSTER_ID {text!r} is not a Kafka cluster id (22 base64url characters, "
                                "16 bytes; `kafka-storage.sh random-uuid` makes one)")

    def check_third_party(self) -> None:
        for name, image in THIRD_PARTY.items():
            workload = self.find("StatefulSet", name) or self.find("Deployment", name)
            if not workload:
                self.problem("k8s-manifests", f"no StatefulSet {name}")
                continue
            containers = self.pod_spec(workload["doc"])[1].get("containers") or []
            if not containers or containers[0].get("image") != image:
                self.problem(workload["where"], f"image should be {image} (as in docker-compose.yml)")
            if name == "kafka" and containers:
                env = {v.get("name"): v.get("value") for v in containers[0].get("env") or []}
                self.check_cluster_id(workload["where"], env.get("CLUSTER_ID"))
                if ":9092" not in str(env.get("KAFKA_ADVERTISED_LISTENERS")) or ":9092" not in str(env.get("KAFKA_LISTENERS")):
                    self.problem(workload["where"], "Kafka must listen on and advertise port 9092")
        self.checked.append("Kafka/Mosquitto/MongoDB: images, Kafka listeners and cluster id")

    # ---------------------------------------------------------------- Dockerfile
    def check_dockerfile(self) -> None:
        text = self.read("Dockerfile")
        if text is None:
            self.problem("Dockerfile", "missing")
            self.image_uid = None
            return
        args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
        stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
        expand = lambda s: re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), s)
        stages = [(expand(image), stage) for image, stage in stages]
        build = next((image for image, _ in stages if image.startswith("swift:")), None)
        if not build or not build.endswith("-noble"):
            self.problem("Dockerfile", f"build stage {build}: expected swift:<version>-noble (librdkafka >= 2.2)")
        else:
            version = tuple(int(x) for x in re.findall(r"\d+", build.split(":")[1])[:2])
            needed = self.tools_versions()
            for source, tools in needed:
                if version < tools:
                    self.problem("Dockerfile", f"build stage {build} is older than swift-tools-version "
                                               f"{'.'.join(map(str, tools))} of {source}")
        if not stages or stages[-1][0] != "ubuntu:24.04":
            self.problem("Dockerfile", f"runtime stage {stages[-1][0] if stages else None}: expected ubuntu:24.04")
        if "--static-swift-stdlib" not in text or "-c release" not in text:
            self.problem("Dockerfile", "swift build -c release --static-swift-stdlib missing")
        loops = [words.split() for words, body in re.findall(r"for \w+ in ([^;]+);\s*do(.*?)done", text, re.S)
                 if "install" in body]
        if not loops:
            self.problem("Dockerfile", "no `for exe in ...; do install ...` loop copying the executables found")
        for exe in EXECUTABLES:
            if loops and exe not in loops[0]:
                self.problem("Dockerfile", f"executable {exe} is not installed into the image")
        user = re.findall(r"^USER\s+(\S+)", text, re.M)
        uid = user[-1].split(":")[0] if user else None
        if not uid or not uid.isdigit() or uid == "0":
            self.problem("Dockerfile", f"USER {uid}: the runtime stage must run as a numeric non-root user")
            self.image_uid = None
        else:
            self.image_uid = int(uid)
        if re.search(r"^ENTRYPOINT", text, re.M):
            self.problem("Dockerfile", "ENTRYPOINT set: compose and Kubernetes give the executable as the command")
        ignore = (self.read(".dockerignore") or "").split()
        for entry in (".build", ".venv", ".git", ".run"):
            if entry not in ignore:
                self.problem(".dockerignore", f"{entry} missing")
        self.checked.append("Dockerfile: stages, swift-tools-version of the package and its checkouts, "
                            "executables, non-root user; .dockerignore")

    def tools_versions(self) -> list[tuple[str, tuple[int, int]]]:
        manifests = [self.root / "Package.swift"] + sorted((self.root / ".build" / "checkouts").glob("*/Package.swift"))
        found = []
        for path in manifests:
            try:
                first = path.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError):
                continue
            match = re.search(r"swift-tools-version:\s*(\d+)\.(\d+)", first)
            if match:
                found.append((self.rel(path), (int(match.group(1)), int(match.group(2)))))
        return found

    # ---------------------------------------------------------------- docker-compose.yml
    def check_compose(self) -> None:
        path = self.root / "docker-compose.yml"
        documents = self.load(path) if path.exists() else []
        if not path.exists():
            self.problem("docker-compose.yml", "missing")
        compose = documents[0] if documents else {}
        services = (compose or {}).get("services") or {}
        self.compose_services = set(services)
        volumes = set(((compose or {}).get("volumes")) or {})
        for required in list(THIRD_PARTY) + ["topics"] + list(SERVICES):
            if required not in services:
                self.problem("docker-compose.yml", f"no service {required}")
        if "mosquitto" in services:
            self.check_published("docker-compose.yml: mosquitto", services["mosquitto"], FIXED_PORTS["mosquitto"])
        for name, image in THIRD_PARTY.items():
            if name in services and services[name].get("image") != image:
                self.problem("docker-compose.yml", f"{name}: image should be {image} (as in k8s-manifests/)")
        kafka = (services.get("kafka") or {}).get("environment") or {}
        if kafka:
            self.check_cluster_id("docker-compose.yml: kafka", kafka.get("CLUSTER_ID"))
            if "kafka:9092" not in str(kafka.get("KAFKA_ADVERTISED_LISTENERS")):
                self.problem("docker-compose.yml", "kafka must advertise kafka:9092 to the other containers")
        for name, service in services.items():
            where = f"docker-compose.yml: {name}"
            if not isinstance(service, dict):
                self.problem(where, "not a mapping")
                continue
            depends_on = service.get("depends_on") or {}
            if isinstance(depends_on, list):
                depends_on = {dependency: {} for dependency in depends_on}
            for dependency, condition in depends_on.items():
                condition = (condition or {}).get("condition", "service_started")
                target = services.get(dependency)
                if target is None:
                    self.problem(where, f"depends_on {dependency}: no such service")
                elif condition == "service_healthy" and not target.get("healthcheck"):
                    self.problem(where, f"depends_on {dependency} healthy, but {dependency} has no healthcheck")
                elif condition == "service_completed_successfully" and str(target.get("restart", "no")) not in ("no", "False"):
                    self.problem(where, f"depends_on {dependency} completed, but {dependency} restarts")
                elif condition not in ("service_started", "service_healthy", "service_completed_successfully"):
                    self.problem(where, f"depends_on {dependency}: unknown condition {condition}")
            for volume in service.get("volumes") or []:
                source = (volume.get("source") if isinstance(volume, dict) else str(volume).split(":")[0])
                if source.startswith((".", "/")):
                    if not (self.root / source).exists():
                        self.problem(where, f"volume source {source} does not exist")
                elif source not in volumes:
                    self.problem(where, f"named volume {source} is not declared under volumes:")
            build = service.get("build")
            if build is not None or str(service.get("image", "")).startswith(IMAGE.split(":")[0]):
                self.check_compose_scada(name, service, where)
        self.checked.append(f"docker-compose.yml: {len(services)} services, images, depends_on, volumes, "
                            "environment, health checks, published ports")

    def check_compose_scada(self, name: str, service: dict, where: str) -> None:
        build = service.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context", ".")
        if not (self.root / context / "Dockerfile").exists():
            self.problem(where, f"build context {context} has no Dockerfile")
        if service.get("image") != IMAGE:
            self.problem(where, f"image {service.get('image')}, expected {IMAGE}")
        command = service.get("command")
        command = command.split() if isinstance(command, str) else list(command or [])
        entrypoint = service.get("entrypoint") or []
        if name == "topics":
            script = " ".join(command)
            match = re.search(r"/usr/local/bin/scadactl (topics create[^;&]*)", script)
            if not match:
                self.problem(where, "does not run /usr/local/bin/scadactl topics create")
            else:
                self.check_scadactl(where, match.group(1).split(), self.compose_port)
            return
        if entrypoint or not command or command[0] != f"/usr/local/bin/{name}":
            self.problem(where, f"command should start with /usr/local/bin/{name}")
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
        allowed = set(ENV_COMMON) | set(ENV_EXTRA.get(name, []))
        for variable in environment:
            if variable not in allowed:
                self.problem(where, f"environment {variable} is not one {name} reads ({', '.join(sorted(allowed))})")
        port = SERVICES[name][1] if name in SERVICES else None
        if port and str(environment.get("SCADA_HTTP_PORT", port)) != str(port):
            self.problem(where, f"SCADA_HTTP_PORT={environment.get('SCADA_HTTP_PORT')}, expected {port}")
        if "SCADA_CONFIG" in environment:
            self.problem(where, "SCADA_CONFIG set: the ConfigMaps are Kubernetes objects, not configuration files")
        if "SCADA_MQTT_URL" in environment:
            self.check_url(where, "SCADA_MQTT_URL", environment["SCADA_MQTT_URL"], ("mqtt", "mqtts"), 1883, self.compose_port)
        if "SCADA_KAFKA_BROKERS" in environment:
            self.check_brokers(where, environment["SCADA_KAFKA_BROKERS"], self.compose_port)
        if "SCADA_MONGODB_URI" in environment:
            self.check_url(where, "SCADA_MONGODB_URI", environment["SCADA_MONGODB_URI"], ("mongodb",), 27017, self.compose_port)
        test = " ".join(str(t) for t in ((service.get("healthcheck") or {}).get("test") or []))
        if port and f"http://127.0.0.1:{port}/healthz" not in test:
            self.problem(where, f"healthcheck should get http://127.0.0.1:{port}/healthz")
        if name == "plc-simulator":
            state = environment.get("SCADA_SIMULATOR_STATE", "simulator-state")
            targets = [(v.get("target") if isinstance(v, dict) else str(v).split(":")[1]) for v in service.get("volumes") or []]
            if service.get("read_only") and state not in targets:
                self.problem(where, f"read-only container, but the state directory {state} is not a volume")
        if name in FIXED_PORTS and name in SERVICES:
            self.check_published(where, service, FIXED_PORTS[name])

    def check_published(self, where: str, service: dict, port: int) -> None:
        """The fixed port must be published on the host as the same number."""
        for entry in service.get("ports") or []:
            if isinstance(entry, dict):
                host, target = entry.get("published"), entry.get("target")
            else:
                parts = str(entry).split("/")[0].split(":")
                host, target = (parts[-2] if len(parts) > 1 else None), parts[-1]
            if str(host) == str(port) and str(target) == str(port):
                return
        self.problem(where, f"must be published on the host as {port}:{port}")

    # ---------------------------------------------------------------- schemas, kubectl
    def schemas(self) -> None:
        """Strict OpenAPI schema validation, offline, when the PyPI package kubernetes-validate is installed."""
        try:
            import kubernetes_validate
        except ImportError:
            self.checked.append("schemas: kubernetes-validate not installed in the venv, schema validation skipped")
            return
        version = kubernetes_validate.latest_version()
        for r in self.resources:
            try:
                kubernetes_validate.validate(r["doc"], version, strict=True)
            except Exception as error:              # ValidationError, or a kind the schemas lack
                message = str(getattr(error, "message", error)).splitlines()[0]
                path = "/".join(str(p) for p in getattr(error, "absolute_path", []))
                self.problem(r["where"], f"schema (Kubernetes {version}): {path + ': ' if path else ''}{message}")
        self.checked.append(f"schemas: {len(self.resources)} objects validated strictly against Kubernetes {version}")

    def kubectl(self) -> None:
        if not shutil.which("kubectl"):
            self.checked.append("kubectl: not installed, client dry-run skipped")
            return
        probe = subprocess.run(["kubectl", "version", "--request-timeout=5s", "-o", "yaml"], capture_output=True, text=True)
        if probe.returncode != 0 or "serverVersion" not in probe.stdout:
            self.checked.append("kubectl: no cluster reachable (it needs the API for discovery), client dry-run skipped")
            return
        for folder in ("configmaps", "k8s-manifests"):
            run = subprocess.run(["kubectl", "apply", "--dry-run=client", "-n", NAMESPACE, "-f", str(self.root / folder)],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                self.problem(folder, "kubectl apply --dry-run=client failed: " + run.stderr.strip().replace("\n", " | "))
        self.checked.append("kubectl apply --dry-run=client")

    def run(self) -> int:
        self.scada_pods: dict[str, dict] = {}
        self.telemetry_partitions = None
        self.compose_services = set()
        self.source_facts()
        self.check_dockerfile()
        self.load_kubernetes()
        self.check_compose()           # first: the compose service names resolve addresses below
        self.check_configmaps()
        self.check_workloads()
        self.check_services()
        self.check_service_rules()
        self.check_third_party()
        self.schemas()
        self.kubectl()
        for line in self.checked:
            print(f"  checked  {line}")
        if self.problems:
            for line in self.problems:
                print(f"PROBLEM  {line}")
            print(f"check-manifests: {len(self.problems)} problem(s)")
            return 1
        print("check-manifests: OK")
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                        help="project folder (default: the one holding this script)")
    root = Path(parser.parse_args().root).resolve()
    return Checker(root).run()


if __name__ == "__main__":
    sys.exit(main())
