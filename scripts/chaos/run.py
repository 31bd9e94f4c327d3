"""`make chaos`: runs fault scenarios against the real local pipeline and prints the accounting table.

Usage: run.py BIN_DIR [--fast] [--only NAME,...] [--json PATH] [--keep-logs] [--strict]
  --fast     the fast subset only (one fault per service on one pipeline; part of `make test`)
  --strict   a named known gap (preprocessor kill -9) fails the run too
Exit status 1 when a scenario fails (unexplained loss, an alarm not raised exactly once, a failed check)."""
import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report  # noqa: E402
import scenarios  # noqa: E402
from harness import ChaosRun  # noqa: E402
from pipeline import ROOT  # noqa: E402


def run_one(name, bin_dir, venv, keep_logs):
    body, options, after = scenarios.SCENARIOS[name]
    began = time.monotonic()
    run = ChaosRun(bin_dir, venv, name, keep_logs=keep_logs, **options)
    failed = True
    try:
        run.log("starting the pipeline")
        run.start()
        run.wait_flowing(what="first data of every device stored")
        run.log("data flows end to end")
        run.wait_flowing(after_ms=run.now_ms() + 10_000, what="10 s of steady flow")  # the stream is mid-way when the fault hits
        checks = body(run)
        run.log("stopping the simulators, waiting for the drain")
        run.stop_simulators()
        expected, _, _ = run.expected()
        run.drain(expected)
        row = report.account(run, checks)
        if after:
            ok, detail = after(run, row)
            row["checks"]["order"] = {"ok": ok, "detail": detail}
            if not ok:
                row["failures"].append(f"order: {detail}")
                row["verdict"] = "FAIL"
        alive_expected = getattr(run, "services_alive_expected", None)
        if alive_expected is not None:  # scale-out kills replicas on purpose
            row["failures"] = [f for f in row["failures"] if not f.startswith("processes died")]
            dead = [s for s in alive_expected if not run.pipeline.alive(s)]
            if dead:
                row["failures"].append(f"processes died: {dead}")
            row["verdict"] = "FAIL" if row["failures"] else ("GAP" if row["lost_known"] else "PASS")
        failed = row["verdict"] == "FAIL"
    except Exception as error:  # noqa: BLE001 - a scenario that could not finish is a failed row
        traceback.print_exc()
        row = {"scenario": name, "verdict": "FAIL", "failures": [f"{type(error).__name__}: {error}"],
               "logs": {instance: run.pipeline.log_tail(instance, 15) for instance in run.services}}
    finally:
        run.close(failed=failed)
    row["seconds"] = round(time.monotonic() - began)
    if failed:
        row["logs_dir"] = run.pipeline.dir
    return row


def write_json(args, rows):
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump({"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "bin_dir": args.bin_dir,
                   "command": " ".join(sys.argv), "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
                   "scenarios": rows}, handle, indent=1, default=str)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bin_dir")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--json", default=os.path.join(ROOT, ".run", "chaos-results.json"))
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    venv = os.environ.get("SCADA_VENV", os.path.join(ROOT, ".venv"))
    names = args.only.split(",") if args.only else (["fast-subset"] if args.fast else scenarios.FULL)
    unknown = [name for name in names if name not in scenarios.SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; known: {', '.join(scenarios.SCENARIOS)}")
    rows = []
    for name in names:
        print(f"chaos: {name}", flush=True)
        rows.append(run_one(name, args.bin_dir, venv, args.keep_logs))
        print(f"chaos: {name}: {rows[-1]['verdict']} ({rows[-1]['seconds']} s)", flush=True)
        for failure in rows[-1].get("failures", []):
            print(f"chaos: {name}: {failure}", flush=True)
        write_json(args, rows)  # after every scenario: a run cut short keeps what it measured
    print()
    print(report.table(rows))
    print()
    print(report.details(rows))
    print(f"\nresults: {args.json}")
    bad = [row for row in rows if row["verdict"] == "FAIL" or (args.strict and row["verdict"] == "GAP")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
