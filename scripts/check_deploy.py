"""Project-specific cross-check of the deployment files: only what no generic tool knows.

yamllint, kubernetes-validate, checkov and the Compose schema check the files' form (scripts/check-manifests.sh
runs them). This checks that they agree with what the services read and serve, as the binaries themselves
report it (`<service> --print-config-schema`, run with SCADA_CONFIG=configmaps/<service>.yaml, which also
loads and validates that file):
  - every configmaps/ file is generated into a ConfigMap; every ConfigMap, Secret and key a pod refers to exists;
  - each service's config file, HTTP port, probe paths, SCADA_* variables and broker addresses, in every
    rendered manifest set and in docker-compose.yml;
  - NetworkPolicy egress of each service = the brokers it needs (its readiness checks);
  - the topics script creates exactly the topics the services use; Kafka voters and MongoDB members match
    the replica counts.
Usage: check_deploy.py --root DIR --bin DIR RENDERED.yaml...     Prints each problem; exit 1 if any.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import yaml

# SCADA_* variables a service reads outside the common loader (ConfigSchema.environment lists the common ones).
EXTRA_ENV = {"plc-simulator": {"SCADA_SIMULATOR_STATE"}, "api-gateway": {"SCADA_API_TOKENS", "SCADA_JWT_*"}}
BROKERS = {"mqtt": ("mosquitto", 1883, "SCADA_MQTT_URL"), "kafka": ("kafka", 9092, "SCADA_KAFKA_BROKERS"),
           "mongodb": ("mongodb", 27017, "SCADA_MONGODB_URI")}
problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def schema_of(binary, config):
    env = dict(os.environ, SCADA_CONFIG=config)
    for key in ("SCADA_MQTT_URL", "SCADA_KAFKA_BROKERS", "SCADA_MONGODB_URI", "SCADA_HTTP_PORT"):
        env.pop(key, None)
    run = subprocess.run([binary, "--print-config-schema"], env=env, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        problem(config, f"{os.path.basename(binary)} refuses it: {(run.stderr or run.stdout).strip()}")
        return None
    return json.loads(run.stdout)


def needs(schema):
    """The brokers a service cannot be ready without (its readiness checks that name one)."""
    return [check for check in schema["readinessChecks"] if check in BROKERS]


def key_paths(value, prefix=""):
    """Dotted paths of every mapping key (not into lists, not into empty free-form maps)."""
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, child in value.items():
        path = f"{prefix}{key}"
        paths |= {path} | key_paths(child, path + ".")
    return paths


def check_documented(service, schema, root):
    """A config file that says it lists every option must list each key the binary knows."""
    path = os.path.join(root, "configmaps", f"{service}.yaml")
    text = open(path).read()
    if "Every option is listed" not in text.split("\n\n")[0]:
        return
    listed = key_paths(yaml.safe_load(text) or {})
    for section, defaults in schema["sections"].items():
        if section in ("mqtt", "kafka", "mongodb", "http", "log"):
            continue  # the shared sections: each file lists those it uses
        for key in sorted(key_paths({section: defaults}) - listed):
            problem(f"configmaps/{service}.yaml", f"says every option is listed but lacks {key} "
                                                  f"(default {json.dumps(dig(defaults, key.split('.')[1:]))})")


def dig(value, keys):
    for key in keys:
        value = value[key]
    return value


def env_allowed(service, schema, name):
    allowed = set(schema["environment"]) | EXTRA_ENV.get(service, set())
    return name in allowed or any(a.endswith("*") and name.startswith(a[:-1]) for a in allowed)


def hosts_of(value):
    """host:port pairs of an mqtt:// or mongodb:// URL or a host:port,... list."""
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0].split("?")[0]
    return [(h.rsplit("@", 1)[-1].split(":")[0], int(h.split(":")[-1]) if ":" in h else None) for h in value.split(",")]


def check_configmaps(root, objects):
    kustomization = yaml.safe_load(open(os.path.join(root, "configmaps", "kustomization.yaml")))
    used = {f.split("=")[-1] for g in kustomization.get("configMapGenerator", []) for f in g.get("files", [])}
    for name in sorted(os.listdir(os.path.join(root, "configmaps"))):
        if name != "kustomization.yaml" and name not in used:
            problem(f"configmaps/{name}", "not in configmaps/kustomization.yaml's configMapGenerator: no pod can read it")
    for name in used:
        text = open(os.path.join(root, "configmaps", name)).read()
        if name.endswith(".yaml") and re.search(r"^kind: ConfigMap", text, re.M):
            problem(f"configmaps/{name}", "is a ConfigMap object; the files here are plain configuration (the generator wraps them)")


def check_references(label, objects):
    """Every ConfigMap/Secret (and key) a pod names exists: kustomize and the schemas do not check this."""
    data = {(o["kind"], o["metadata"]["name"]): set((o.get("data") or {}) | (o.get("stringData") or {}))
            for o in objects if o["kind"] in ("ConfigMap", "Secret")}
    for o in objects:
        pod = pod_spec(o)
        if not pod:
            continue
        where = f"{label} {o['kind']}/{o['metadata']['name']}"
        for v in pod.get("volumes", []):
            for kind, field, key in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
                if field in v and (kind, v[field][key]) not in data:
                    problem(where, f"volume {v['name']}: {kind} {v[field][key]} does not exist")
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            for e in c.get("envFrom", []):
                for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if field in e and (kind, e[field]["name"]) not in data:
                        problem(where, f"envFrom: {kind} {e[field]['name']} does not exist")
            for e in c.get("env", []):
                for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    ref = (e.get("valueFrom") or {}).get(field)
                    if ref and ref["key"] not in data.get((kind, ref["name"]), set()):
                        problem(where, f"env {e['name']}: {kind} {ref['name']} has no key {ref['key']}")


def pod_spec(o):
    if o["kind"] in ("Deployment", "StatefulSet", "Job"):
        return o["spec"]["template"]["spec"]
    return None


def container_env(c, objects):
    """The container's variables: env values (None when from a secret) and every envFrom key."""
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    for e in c.get("envFrom", []):
        ref = e.get("configMapRef") or e.get("secretRef")
        for o in objects:
            if o["metadata"]["name"] == ref["name"] and o["kind"] in ("ConfigMap", "Secret"):
                values = o.get("data") or {}
                env.update({k: (v if o["kind"] == "ConfigMap" else None) for k, v in values.items()})
    return env


def check_kubernetes(label, objects, service, schema, root):
    where = f"{label} {service}"
    found = [o for o in objects if o["kind"] in ("Deployment", "StatefulSet") and o["metadata"]["name"] == service]
    if not found:
        return problem(where, "no Deployment or StatefulSet")
    pod = pod_spec(found[0])
    c = next((c for c in pod["containers"] if c["name"] == service), None)
    if c is None or c.get("command", [""])[0] != f"/usr/local/bin/{service}":
        return problem(where, f"no container {service} running /usr/local/bin/{service}")
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    if ports.get("http") != schema["httpPort"]:
        problem(where, f"containerPort http is {ports.get('http')}, the service listens on {schema['httpPort']}")
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = (c.get(probe) or {}).get("httpGet") or {}
        if get.get("path") != path or get.get("path") not in schema["httpPaths"]:
            problem(where, f"{probe} path is {get.get('path')}, expected {path} (served: {', '.join(schema['httpPaths'])})")
        if get.get("port") not in ("http", schema["httpPort"]):
            problem(where, f"{probe} port is {get.get('port')}, the service listens on {schema['httpPort']}")
    for s in (o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == service):
        if [p.get("targetPort") for p in s["spec"]["ports"]] not in (["http"], [schema["httpPort"]]):
            problem(where, f"Service targetPort is not the http port {schema['httpPort']}")
    env = container_env(c, objects)
    for name in env:
        if name.startswith("SCADA_") and not env_allowed(service, schema, name):
            problem(where, f"sets {name}, which {service} does not read")
    config_path = env.get("SCADA_CONFIG")
    mount = next((m for m in c.get("volumeMounts", []) if config_path and config_path.startswith(m["mountPath"] + "/")), None)
    volume = next((v for v in pod.get("volumes", []) if mount and v["name"] == mount["name"]), {})
    cm = next((o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == (volume.get("configMap") or {}).get("name")), None)
    key = config_path.rsplit("/", 1)[-1] if config_path else None
    if cm is None or key not in (cm.get("data") or {}):
        problem(where, f"SCADA_CONFIG={config_path} is not a key of a mounted ConfigMap")
    elif cm["data"][key] != open(os.path.join(root, "configmaps", f"{service}.yaml")).read():
        problem(where, f"ConfigMap {cm['metadata']['name']} key {key} is not configmaps/{service}.yaml")
    services = {o["metadata"]["name"]: {p["port"] for p in o["spec"]["ports"]} for o in objects if o["kind"] == "Service"}
    for need in needs(schema):
        host, port, variable = BROKERS[need]
        if variable not in env:
            problem(where, f"needs {need} but {variable} is not set")
        elif env[variable] is not None:
            for h, p in hosts_of(env[variable]):
                if h.split(".")[0] not in services or (p or port) not in services[h.split(".")[0]]:
                    problem(where, f"{variable}={env[variable]}: no Service {h} with port {p or port}")
    policy = next((o for o in objects if o["kind"] == "NetworkPolicy" and
                   o["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == service), None)
    if policy is None:
        return problem(where, "no NetworkPolicy selects it")
    allowed = {(to["podSelector"]["matchLabels"]["app.kubernetes.io/name"], p["port"])
               for rule in policy["spec"].get("egress", []) for to in rule.get("to", []) if "podSelector" in to
               for p in rule.get("ports", [])}
    needed = {BROKERS[n][:2] for n in needs(schema)}
    if not needed <= allowed or not allowed <= {b[:2] for b in BROKERS.values()}:
        problem(where, f"NetworkPolicy egress allows {sorted(allowed)}; it must allow {sorted(needed)} (readiness) "
                       "and only broker ports")


def check_compose(root, service, schema, compose):
    where = f"docker-compose.yml {service}"
    s = compose["services"].get(service)
    if s is None:
        return problem(where, "missing")
    env = {k: str(v) for k, v in (s.get("environment") or {}).items()}
    if s.get("command", [""])[0] != f"/usr/local/bin/{service}":
        problem(where, f"command does not run /usr/local/bin/{service}")
    if env.get("SCADA_HTTP_PORT") != str(schema["httpPort"]):
        problem(where, f"SCADA_HTTP_PORT is {env.get('SCADA_HTTP_PORT')}, Kubernetes uses {schema['httpPort']}")
    test = " ".join(s.get("healthcheck", {}).get("test", []))
    if f"http://127.0.0.1:{env.get('SCADA_HTTP_PORT')}/readyz" not in test:
        problem(where, f"healthcheck does not ask /readyz on its port: {test}")
    if f"./configmaps/{service}.yaml:{env.get('SCADA_CONFIG')}:ro" not in s.get("volumes", []):
        problem(where, f"SCADA_CONFIG={env.get('SCADA_CONFIG')} is not ./configmaps/{service}.yaml mounted read-only")
    for name in env:
        if name.startswith("SCADA_") and not env_allowed(service, schema, name):
            problem(where, f"sets {name}, which {service} does not read")
    for need in needs(schema):
        host, port, variable = BROKERS[need]
        if variable not in env:
            problem(where, f"needs {need} but {variable} is not set")
        for h, p in hosts_of(env.get(variable, "")):
            if h not in compose["services"]:
                problem(where, f"{variable}: no compose service {h}")


def check_cluster_settings(label, objects, root):
    sets = {o["metadata"]["name"]: o["spec"].get("replicas", 1) for o in objects if o["kind"] == "StatefulSet"}
    data = {o["metadata"]["name"].rsplit("-", 1)[0]: o.get("data") or {} for o in objects if o["kind"] == "ConfigMap"}
    voters = data["kafka-config"]["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    expected = [f"{i}@kafka-{i}.kafka:9093" for i in range(sets["kafka"])]
    if voters != expected:
        problem(label, f"KAFKA_CONTROLLER_QUORUM_VOTERS {','.join(voters)} does not match {sets['kafka']} brokers: {','.join(expected)}")
    members = data["mongodb-replica-set"]["MONGODB_MEMBERS"].split(",")
    if members != [f"mongodb-{i}.mongodb:27017" for i in range(sets["mongodb"])]:
        problem(label, f"MONGODB_MEMBERS {','.join(members)} does not match {sets['mongodb']} MongoDB replicas")
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        workload = next((o for o in objects if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]), None)
        if workload is None:
            problem(label, f"HPA {hpa['metadata']['name']} targets a missing {target['kind']} {target['name']}")
        elif "replicas" in workload["spec"]:
            problem(label, f"{target['kind']} {target['name']} sets replicas, which fights its HPA on every apply")
    partitions = int(data["scada-topics"]["TELEMETRY_PARTITIONS"])
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        if hpa["metadata"]["name"] in ("db-interface", "anomaly-detector") and hpa["spec"]["maxReplicas"] > partitions:
            problem(label, f"HPA {hpa['metadata']['name']} allows {hpa['spec']['maxReplicas']} replicas; "
                           f"scada.telemetry has {partitions} partitions (the rest would idle)")
    rf = int(data["scada-topics"]["TOPIC_REPLICATION_FACTOR"])
    if rf > sets["kafka"]:
        problem(label, f"TOPIC_REPLICATION_FACTOR {rf} exceeds the {sets['kafka']} brokers")


def print_credentials(root):
    """`check_deploy.py --credentials`: "user password" for every MQTT credential the deployment hands out: the
    Secret example's URLs, .env.example and the compose defaults (user = the variable's prefix)."""
    for line in open(os.path.join(root, "k8s-manifests/base/secrets/mqtt-credentials.env")):
        match = re.match(r"[\w-]+=mqtts?://([^:@/]+):([^@]+)@", line.strip())
        if match:
            print(match.group(1), match.group(2), "k8s-manifests/base/secrets/mqtt-credentials.env")
    for name, pattern in ((".env.example", r"^([A-Z_]+)_MQTT_PASSWORD=(\S+)$"),
                          ("docker-compose.yml", r"\$\{([A-Z_]+)_MQTT_PASSWORD:-([^}]+)\}")):
        for match in re.finditer(pattern, open(os.path.join(root, name)).read(), re.M):
            print(match.group(1).lower().replace("_", "-"), match.group(2), name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--bin")
    parser.add_argument("--credentials", action="store_true")
    parser.add_argument("rendered", nargs="*")
    args = parser.parse_args()
    root = args.root
    if args.credentials:
        return print_credentials(root) or 0
    check_configmaps(root, None)
    services = ["preprocessor", "db-interface", "anomaly-detector", "api-gateway"]
    schemas = {}
    for service in services:
        binary = os.path.join(args.bin, service)
        if not os.access(binary, os.X_OK):
            problem(binary, "not built (swift build); the cross-check asks the binaries")
            continue
        schema = schema_of(binary, os.path.join(root, "configmaps", f"{service}.yaml"))
        if schema:
            schemas[service] = schema
    # The simulator has its own command line (no ServiceRunner.main, no --print-config-schema): its HTTP port
    # comes from its configuration file, which its unit test loads and validates.
    simulator = yaml.safe_load(open(os.path.join(root, "configmaps", "plc-simulator.yaml")))
    schemas["plc-simulator"] = {"httpPort": simulator["http"]["port"], "httpPaths": ["/healthz", "/readyz", "/metrics"],
                                "readinessChecks": ["mqtt"], "environment": ["SCADA_CONFIG", "SCADA_MQTT_URL",
                                "SCADA_KAFKA_BROKERS", "SCADA_MONGODB_URI", "SCADA_HTTP_PORT", "SCADA_LOG_LEVEL"]}
    compose = yaml.safe_load(open(os.path.join(root, "docker-compose.yml")))
    for path in args.rendered:
        label = os.path.basename(path)
        objects = [o for o in yaml.safe_load_all(open(path)) if o]
        check_references(label, objects)
        check_cluster_settings(label, objects, root)
        for service, schema in schemas.items():
            check_kubernetes(label, objects, service, schema, root)
    for service, schema in schemas.items():
        check_compose(root, service, schema, compose)
        if "sections" in schema:
            check_documented(service, schema, root)
    mosquitto = " ".join(compose["services"]["mosquitto"].get("volumes", []))
    if "./configmaps/mosquitto.conf:/mosquitto/config/mosquitto.conf" not in mosquitto:
        problem("docker-compose.yml mosquitto", "does not mount configmaps/mosquitto.conf, the one broker configuration")
    script = open(os.path.join(root, "configmaps", "kafka-topics.sh")).read()
    created = re.findall(r"^create (\S+)", script, re.M)
    for schema in (s for s in schemas.values() if "topics" in s):
        if sorted(created) != sorted(schema["topics"]):
            problem("configmaps/kafka-topics.sh", f"creates {sorted(created)}, the services use {sorted(schema['topics'])}")
            break
    # The image installs every executable the manifests run (the Dockerfile cannot be built here).
    dockerfile = open(os.path.join(root, "Dockerfile")).read()
    for names in re.findall(r"for exe in ([a-z -]+); do", dockerfile):
        for name in names.split():
            if not os.access(os.path.join(args.bin, name), os.X_OK):
                problem("Dockerfile", f"installs {name}, which is not a product of this package (no {args.bin}/{name})")
        for service in schemas:
            if service not in names.split():
                problem("Dockerfile", f"does not install {service}")
    for p in problems:
        print(f"check_deploy: {p}")
    print(f"check_deploy: {len(schemas)} services checked against {len(args.rendered)} manifest sets and compose, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
