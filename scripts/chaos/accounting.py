"""Exact accounting of one scenario from the per-device `seq`.

Expected: every seq each simulator had acknowledged by the broker. After a clean simulator stop its state
store (`simulator.sqlite`) holds each device's last seq and, in `queue`, what the broker never acknowledged;
the seqs a `seq_gap` fault skipped are in the simulator's log (`fault injected kind=seq_gap seq=N`, N being the
first seq after the gap). So expected = 1..last minus skipped minus still queued (a fresh state directory
starts at seq 1). Stored: the seqs in MongoDB `scada.telemetry`. Duplicates: db-interface's registry counter
(`devices.duplicates`), and (device, seq) seen more than once in Kafka `scada.telemetry`."""
import datetime
import json
import os
import re
import sqlite3

import pymongo

def _field(line, key):
    match = re.search(rf"\b{key}=(\"[^\"]*\"|\S+)", line)
    return match.group(1).strip('"') if match else None


def simulator_expected(state_dir, log_path, gap_of):
    """{device: set of acknowledged seqs}, the skipped seqs and the still-queued seqs {device: set} of one
    stopped simulator; `gap_of(device)` is the `gap` of the seq_gap fault armed on that device."""
    database = sqlite3.connect(os.path.join(state_dir, "simulator.sqlite"))
    try:
        last = dict(database.execute("SELECT device, seq FROM sequence"))
        queued = {}
        for device, seq in database.execute("SELECT device, seq FROM queue"):
            queued.setdefault(device, set()).add(seq)
            last[device] = max(last.get(device, 0), seq)
    finally:
        database.close()
    skipped = {}
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if "fault injected" not in line or _field(line, "kind") != "seq_gap":
                continue
            device, seq = _field(line, "device"), int(_field(line, "seq"))
            skipped.setdefault(device, set())
            skipped[device].update(range(seq - gap_of(device), seq))
    expected = {}
    for device, high in last.items():
        expected[device] = set(range(1, high + 1)) - skipped.get(device, set()) - queued.get(device, set())
    return expected, skipped, queued


def millis(value):
    """UTC ms of a BSON date as pymongo returns it (naive, in UTC); 0 for anything else."""
    if isinstance(value, datetime.datetime):
        return int(value.replace(tzinfo=value.tzinfo or datetime.timezone.utc).timestamp() * 1000)
    return 0


def stored(mongo_port):
    """{device: {seq: event ms}} of MongoDB scada.telemetry, and the number of documents."""
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{mongo_port}", serverSelectionTimeoutMS=10000)
    try:
        out, documents = {}, 0
        for document in client.scada.telemetry.find({}, {"device_id": 1, "seq": 1, "ts": 1}):
            documents += 1
            if document.get("seq") is None:
                continue
            out.setdefault(document["device_id"], {})[int(document["seq"])] = millis(document.get("ts"))
        return out, documents
    finally:
        client.close()


def registry(mongo_port):
    """db-interface's per-device registry: {device: {seq_min, seq_max, seq_stored, duplicates, messages}}."""
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{mongo_port}", serverSelectionTimeoutMS=10000)
    try:
        return {document["_id"]: {key: document.get(key) for key in ("seq_min", "seq_max", "seq_stored", "duplicates", "messages")}
                for document in client.scada.devices.find({})}
    finally:
        client.close()


def kafka_seqs(records):
    """From scada.telemetry records: {device: [seq in offset order per partition]} and the duplicate count."""
    order, seen, duplicates = {}, set(), 0
    for _, _, key, value, _ in sorted(records, key=lambda record: (record[0], record[1])):
        try:
            record = json.loads(value)
        except (TypeError, ValueError):
            continue
        device, seq = record.get("device_id") or (key or b"").decode(), record.get("seq")
        if seq is None:
            continue
        if (device, seq) in seen:
            duplicates += 1
        seen.add((device, seq))
        order.setdefault(device, []).append(seq)
    return order, duplicates


def ranges(numbers):
    """[(first, last)] runs of consecutive numbers."""
    out = []
    for number in sorted(numbers):
        if out and number == out[-1][1] + 1:
            out[-1][1] = number
        else:
            out.append([number, number])
    return [tuple(run) for run in out]


def out_of_order(sequence):
    """How many first deliveries in `sequence` came after a higher seq (redeliveries ignored)."""
    seen, high, count = set(), None, 0
    for seq in sequence:
        if seq in seen:
            continue
        seen.add(seq)
        if high is not None and seq < high:
            count += 1
        high = seq if high is None else max(high, seq)
    return count
