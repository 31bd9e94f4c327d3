"""Figures of the end-to-end benchmark (scripts/bench/e2e.py): per-run lines, medians over runs, the tables
(plain text and Markdown), the JSON summary, the PNG plots and docs/BENCHMARKS.md."""
import datetime
import os
import platform
import statistics
import subprocess

LATENCY_STAGES = [  # key in a run's "latency", label
    ("kafka", "PLC publish → Kafka consumer of scada.telemetry"),
    ("mongo", "PLC publish → document in MongoDB telemetry (polled)"),
    ("sse_telemetry", "PLC publish → gateway SSE telemetry event"),
    ("alarm_mqtt", "fault publish → MQTT alarm on scada/alerts/#"),
    ("alarm_sse", "fault publish → gateway SSE alert event"),
]
PROCESSES = ["preprocessor", "db-interface", "anomaly-detector", "api-gateway", "mosquitto", "tansu", "nx-27017"]


def quantiles(values):
    """p50, p99, max (ms) and count of a list of latencies."""
    if not values:
        return {"p50": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "max": ordered[-1], "n": len(ordered)}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def run_figures(result):
    """The figures of one run (no raw samples)."""
    flow, lat, base = result["throughput"], result["latency"], result["baseline"]
    stages = flow["stages"]
    latency = {key: quantiles([s[1] for s in lat[key]]) for key, _ in LATENCY_STAGES}
    latency["pipe_kafka"] = quantiles([s[1] for s in base["pipe"]["latency_samples"]])
    lag = {group: max((values.get(group, 0) for _, values in flow["lag"]), default=None)
           for group in ("db-interface", "anomaly-detector")}
    gateway = result["gateway"]
    return {
        "publish_rate": flow["publish_rate"],
        "rates": {name: stage["rate"] for name, stage in stages.items()},
        "delivered": {name: stage["delivered"] for name, stage in stages.items()},
        "pipe_rate": base["pipe"]["rate"], "pipe_delivered": base["pipe"]["delivered"],
        "insert_rate": base["insert"]["rate"],
        "cpu_s_per_100k": flow["cpu_s_per_100k"],
        "pipe_cpu_s_per_100k": base["pipe"]["cpu_s_per_100k"],
        "insert_client_cpu_s_per_100k": base["insert"]["client_cpu_s_per_100k"],
        "peak_rss_mb": result["peak_rss_mb"],
        "latency_ms": latency,
        "latency_expected": lat["expected"], "faults": lat["faults"], "mongo_polls": lat["mongo_polls"], "mongo_poll_ms": lat["mongo_poll_ms"],
        "max_lag_paced": {group: max((values.get(group, 0) for _, values in lat["lag"]), default=None)
                          for group in ("db-interface", "anomaly-detector")},
        "kafka_other_devices": lat["kafka_other_devices"],
        "preprocessor_histogram_ms": lat["preprocessor_publish_to_ack_ms"],
        "max_lag": lag,
        "gateway": gateway,
        "errors": {**lat["errors"], **({"lag": flow["lag_error"]} if flow["lag_error"] else {})},
        "exited": result["exited"],
    }


def run_line(result):
    f = run_figures(result)
    lat = f["latency_ms"]
    fmt = lambda q: "-" if q["p50"] is None else f"{q['p50']:.0f}/{q['p99']:.0f}"  # noqa: E731
    return (f"run {result['run']}: load {f['publish_rate']:.0f} msg/s; pipe {f['pipe_rate']:.0f}, preprocessor "
            f"{f['rates']['preprocessor']:.0f}, insert loop {f['insert_rate']:.0f}, db-interface {f['rates']['db-interface']:.0f}, "
            f"anomaly-detector {f['rates']['anomaly-detector']:.0f} msg/s; p50/p99 ms: pipe→Kafka {fmt(lat['pipe_kafka'])}, "
            f"Kafka {fmt(lat['kafka'])}, MongoDB {fmt(lat['mongo'])}, SSE {fmt(lat['sse_telemetry'])}, "
            f"alarm MQTT {fmt(lat['alarm_mqtt'])} (n={lat['alarm_mqtt']['n']}/{f['faults']}), alarm SSE {fmt(lat['alarm_sse'])}; "
            f"gateway {f['gateway'].get('gateway_rate', 0):.0f} vs nginx {f['gateway'].get('nginx_rate', 0):.0f} req/s"
            + (f"; probe errors {f['errors']}" if f["errors"] else "") + (f"; EXITED {f['exited']}" if f["exited"] else ""))


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            model = next((l.split(":", 1)[1].strip() for l in handle if l.startswith("model name")), "")
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = int(handle.readline().split()[1]) / 1024 / 1024
        with open("/proc/loadavg", encoding="ascii") as handle:
            load = handle.read().split()[:3]
    except OSError:
        memory, load = 0, []
    return {"nproc": os.cpu_count(), "cpu": model, "memory_gib": round(memory, 1), "kernel": platform.release(),
            "load_average_at_end": load}


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=os.path.dirname(__file__)).stdout.strip()
    except OSError:
        return ""


def summarise(runs, settings, bin_dir, elapsed):
    figures = [run_figures(r) for r in runs]
    med = lambda get: median([get(f) for f in figures])  # noqa: E731
    latency = {}
    for key in [k for k, _ in LATENCY_STAGES] + ["pipe_kafka"]:
        latency[key] = {q: med(lambda f: f["latency_ms"][key][q]) for q in ("p50", "p99", "max")}
        latency[key]["n_per_run"] = [f["latency_ms"][key]["n"] for f in figures]
    rates = {name: med(lambda f: f["rates"][name]) for name in ("preprocessor", "db-interface", "anomaly-detector")}
    return {
        "command": f"make bench  (or: bash scripts/bench.sh {bin_dir} e2e)",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(), "binaries": bin_dir, "machine": machine(), "elapsed_s": round(elapsed),
        "settings": {"runs": settings.runs, "count": settings.count, "rate": settings.rate, "seconds": settings.seconds,
                     "fault_every": settings.fault_every, "probe_devices": settings.probes, "devices": 100,
                     "wrk_seconds": settings.wrk_seconds},
        "throughput": {"load_publish_rate": med(lambda f: f["publish_rate"]), "stages": rates,
                       "pipe_rate": med(lambda f: f["pipe_rate"]), "insert_rate": med(lambda f: f["insert_rate"]),
                       "ratio_preprocessor_to_pipe": med(lambda f: ratio(f["rates"]["preprocessor"], f["pipe_rate"])),
                       "ratio_db_interface_to_insert": med(lambda f: ratio(f["rates"]["db-interface"], f["insert_rate"])),
                       "end_to_end_rate": med(lambda f: min(f["rates"].values()))},
        "latency_ms": latency,
        "preprocessor_histogram_ms": {q: med(lambda f: f["preprocessor_histogram_ms"][q]) for q in (0.5, 0.99)},
        "cpu_s_per_100k": {name: med(lambda f: f["cpu_s_per_100k"][name]) for name in PROCESSES},
        "pipe_cpu_s_per_100k": med(lambda f: f["pipe_cpu_s_per_100k"]),
        "insert_client_cpu_s_per_100k": med(lambda f: f["insert_client_cpu_s_per_100k"]),
        "peak_rss_mb": {name: med(lambda f: f["peak_rss_mb"][name]) for name in PROCESSES},
        "max_lag": {g: med(lambda f: f["max_lag"][g]) for g in ("db-interface", "anomaly-detector")},
        "max_lag_paced": {g: med(lambda f: f["max_lag_paced"][g]) for g in ("db-interface", "anomaly-detector")},
        "mongo_poll_ms": med(lambda f: f["mongo_poll_ms"]),
        "gateway": {"gateway_rate": med(lambda f: f["gateway"].get("gateway_rate")),
                    "nginx_rate": med(lambda f: f["gateway"].get("nginx_rate")),
                    "ratio": med(lambda f: ratio(f["gateway"].get("gateway_rate"), f["gateway"].get("nginx_rate"))),
                    "gateway_errors": [f["gateway"].get("gateway_errors") for f in figures]},
        "runs": figures,
    }


def num(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def tables(s):
    """The result tables in Markdown (also printed as they are)."""
    t, lat = s["throughput"], s["latency_ms"]
    lines = [f"Medians of {s['settings']['runs']} runs; baselines measured in the same runs on the same servers.", "",
             "| stage | messages/s | same-run baseline | msg/s | ratio |", "| --- | ---: | --- | ---: | ---: |",
             f"| plc-simulator load (publish, QoS 1) | {num(t['load_publish_rate'])} | | | |",
             f"| preprocessor (MQTT → Kafka) | {num(t['stages']['preprocessor'])} | `mosquitto_sub -q 1 \\| kcat -P` | "
             f"{num(t['pipe_rate'])} | {num(t['ratio_preprocessor_to_pipe'], 2)} |",
             f"| db-interface (Kafka → MongoDB) | {num(t['stages']['db-interface'])} | pymongo `insert_many` loop | "
             f"{num(t['insert_rate'])} | {num(t['ratio_db_interface_to_insert'], 2)} |",
             f"| anomaly-detector (Kafka → rules) | {num(t['stages']['anomaly-detector'])} | | | |",
             f"| end to end (slowest stage) | {num(t['end_to_end_rate'])} | | | |", "",
             "Single runs (the spread is the machine's):", "",
             "| run | load msg/s | preprocessor / pipe | db-interface / insert loop | gateway / nginx | "
             "Kafka p50/p99 ms | MongoDB p50/p99 ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, f in enumerate(s["runs"], 1):
        k, m = f["latency_ms"]["kafka"], f["latency_ms"]["mongo"]
        lines.append(f"| {n} | {num(f['publish_rate'])} | {num(f['rates']['preprocessor'])} / {num(f['pipe_rate'])} = "
                     f"{num(ratio(f['rates']['preprocessor'], f['pipe_rate']), 2)} | {num(f['rates']['db-interface'])} / "
                     f"{num(f['insert_rate'])} = {num(ratio(f['rates']['db-interface'], f['insert_rate']), 2)} | "
                     f"{num(f['gateway'].get('gateway_rate'))} / {num(f['gateway'].get('nginx_rate'))} = "
                     f"{num(ratio(f['gateway'].get('gateway_rate'), f['gateway'].get('nginx_rate')), 2)} | "
                     f"{num(k['p50'])}/{num(k['p99'])} | {num(m['p50'])}/{num(m['p99'])} |")
    lines += ["",
              f"Latency at {s['settings']['rate']:,} msg/s for {s['settings']['seconds']} s (ms; medians over runs of "
              "each run's p50, p99 and max):", "",
              "| path | p50 | p99 | max | samples per run |", "| --- | ---: | ---: | ---: | --- |"]
    labels = dict(LATENCY_STAGES)
    labels["pipe_kafka"] = "baseline: PLC publish → `mosquitto_sub \\| kcat -P` → Kafka consumer"
    for key in ["pipe_kafka"] + [k for k, _ in LATENCY_STAGES]:
        q = lat[key]
        lines.append(f"| {labels[key]} | {num(q['p50'])} | {num(q['p99'])} | {num(q['max'])} | "
                     f"{', '.join(str(n) for n in q['n_per_run'])} |")
    h = s["preprocessor_histogram_ms"]
    lines += ["", f"Cross-check: the preprocessor's own publish → Kafka-ack histogram over the same stream: p50 "
              f"{num(h[0.5], 1)} ms, p99 {num(h[0.99], 1)} ms.", "",
              "| process | CPU s per 100,000 messages (load burst) | peak RSS MB |", "| --- | ---: | ---: |"]
    for name in PROCESSES:
        lines.append(f"| {name} | {num(s['cpu_s_per_100k'][name], 2)} | {num(s['peak_rss_mb'][name], 1)} |")
    lines += [f"| baseline: `mosquitto_sub` + `kcat` | {num(s['pipe_cpu_s_per_100k'], 2)} | |",
              f"| baseline: pymongo insert loop (client side) | {num(s['insert_client_cpu_s_per_100k'], 2)} | |", "",
              "Consumer lag on scada.telemetry (records; median of each run's maximum): during the load burst "
              f"db-interface {num(s['max_lag']['db-interface'])}, anomaly-detector {num(s['max_lag']['anomaly-detector'])}; "
              f"during the paced stream db-interface {num(s['max_lag_paced']['db-interface'])}, anomaly-detector "
              f"{num(s['max_lag_paced']['anomaly-detector'])}.", "",
              f"The MongoDB probe's resolution is its poll: median {num(s['mongo_poll_ms'])} ms per poll (nx-27017 answers "
              "one request at a time, so under load a poll waits behind the inserts).", "",
              "| gateway `GET /api/v1/devices/{id}/latest`, wrk -t1 -c16 | req/s |", "| --- | ---: |",
              f"| api-gateway | {num(s['gateway']['gateway_rate'])} |",
              f"| baseline: nginx static file, same bytes | {num(s['gateway']['nginx_rate'])} |",
              f"| ratio | {num(s['gateway']['ratio'], 2)} |"]
    return "\n".join(lines)


def plots(runs, summary, out):
    """latency-over-time.png (the last run) and lag-over-time.png (every run)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    last = runs[-1]["latency"]
    figure, axis = plt.subplots(figsize=(10, 5.5))
    for key, label in LATENCY_STAGES:
        samples = last[key]
        if samples:
            axis.scatter([(t - last["started"] * 1000) / 1000 for t, _, _ in samples], [max(v, 0.5) for _, v, _ in samples],
                         s=4 if key in ("kafka", "mongo", "sse_telemetry") else 24, alpha=0.5, label=label)
    axis.set_yscale("log")
    axis.set_xlabel("seconds since the paced stream started")
    axis.set_ylabel("latency, ms (log)")
    axis.set_title(f"End-to-end latency at {summary['settings']['rate']:,} msg/s, run {runs[-1]['run']} "
                   f"({summary['machine']['nproc']} shared cores, {summary['date']})")
    axis.legend(fontsize=8, markerscale=2)
    axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(os.path.join(out, "latency-over-time.png"), dpi=90)
    plt.close(figure)

    figure, axes = plt.subplots(1, 2, figsize=(12, 5))
    panels = ((axes[0], "throughput", f"{summary['settings']['count']:,}-message load burst", "load burst"),
              (axes[1], "latency", f"paced stream, {summary['settings']['rate']:,} msg/s", "paced stream"))
    for axis, phase, title, start in panels:
        for result in runs:
            series = result[phase]["lag"]
            for group, style in (("db-interface", "-"), ("anomaly-detector", "--")):
                axis.plot([t for t, _ in series], [v.get(group, 0) for _, v in series], style,
                          label=f"{group}, run {result['run']}")
        axis.set_xlabel(f"seconds since the {start} started")
        axis.set_ylabel("consumer lag on scada.telemetry, records")
        axis.set_title(f"Lag during the {title}", fontsize=10)
        axis.legend(fontsize=7, ncol=2)
        axis.grid(True, alpha=0.3)
    figure.suptitle("Consumer-group lag, sampled every second")
    figure.tight_layout()
    figure.savefig(os.path.join(out, "lag-over-time.png"), dpi=90)
    plt.close(figure)


def write_doc(summary, path):
    """docs/BENCHMARKS.md: the section between the e2e markers is replaced by the new tables."""
    begin, end = "<!-- e2e:begin -->", "<!-- e2e:end -->"
    m = summary["machine"]
    body = "\n".join([
        begin,
        f"Measured {summary['date']} at commit `{summary['commit']}` with `{summary['command']}`, binaries "
        f"`{summary['binaries']}`.",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, Linux {m['kernel']}; **shared** with other "
        f"work (load average {' '.join(m['load_average_at_end'])} at the end), so read the ratios to the same-run baselines "
        "rather than the absolute figures. Settings: " + ", ".join(f"{k}={v}" for k, v in summary["settings"].items())
        + f"; {summary['elapsed_s']} s in all.", "",
        tables(summary), "",
        "![latency over time](benchmarks/latency-over-time.png)", "",
        "![consumer lag over time](benchmarks/lag-over-time.png)", "",
        "Every figure of every run: [benchmarks/e2e.json](benchmarks/e2e.json).",
        end])
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    start, stop = text.index(begin), text.index(end) + len(end)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text[:start] + body + text[stop:])
