"""Observers of the end-to-end benchmark (scripts/bench/e2e.py), each on a thread of its own: where a message
stamped by the paced publisher (payload `timestamp`, wall-clock ms) is seen next, and when. Every observer keeps
`samples`, a list of (receive wall-clock ms, latency ms, key), and stops with stop().

- KafkaLatency: a consumer of a topic (all partitions, from the end), latency = receive - stamp;
- MongoLatency: polls MongoDB for the next `seq` of a few probe devices by `_id` (`<device>:<seq>`, the
  primary key db-interface writes), latency = first seen - stamp (resolution: the poll interval);
- MqttAlarms: `mosquitto_sub` on scada/alerts/#, first retained-or-live non-empty message of each alarm id;
- SSEStream: a raw HTTP/1.1 client of a gateway Server-Sent-Events route, latency = receive - event_time;
- LagSampler: committed offset vs high watermark of consumer groups, once a second;
- cpu_seconds / peak_rss_mb: from /proc.
"""
import json
import os
import socket
import subprocess
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time() * 1000.0


def cpu_seconds(pid):
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / HZ
    except (OSError, IndexError, ValueError):
        return 0.0


def peak_rss_mb(pid):
    """VmHWM (peak resident set) of a process in MiB, or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


class Probe:
    """A daemon thread running self.loop() until stop()."""

    def __init__(self):
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error = None

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        try:
            self.loop()
        except Exception as error:  # noqa: BLE001 - reported by the caller, never silent
            self.error = repr(error)

    def stop(self):
        self.stopping.set()
        self.thread.join(15)
        return self


class KafkaLatency(Probe):
    """Consumes TOPIC from its end; each JSON value's `stamp_field` (ms) against the receive time."""

    def __init__(self, brokers, topic, stamp_field="event_time", key_field="device_id", keys=None):
        super().__init__()
        from confluent_kafka import OFFSET_END, Consumer, TopicPartition
        self.consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"bench-e2e-{os.getpid()}-{topic}",
                                  "enable.auto.commit": False, "fetch.wait.max.ms": 5, "fetch.min.bytes": 1})
        metadata = self.consumer.list_topics(topic, timeout=10)
        self.consumer.assign([TopicPartition(topic, p, OFFSET_END) for p in metadata.topics[topic].partitions])
        self.stamp_field, self.key_field, self.keys = stamp_field, key_field, keys
        self.ready = threading.Event()
        self.skipped, self.skipped_keys = 0, set()  # records of other devices (when keys are given)

    def loop(self):
        # The assignment takes effect at the first poll: ready once every partition has a position.
        while not self.stopping.is_set():
            batch = self.consumer.consume(1000, 0.05)
            self.ready.set()
            received = now_ms()
            for message in batch:
                if message.error() or not message.value():
                    continue
                try:
                    value = json.loads(message.value())
                    stamp = float(value[self.stamp_field])
                except (ValueError, KeyError, TypeError):
                    continue
                key = value.get(self.key_field) or value.get("plc_id")
                if self.keys is not None and key not in self.keys:
                    self.skipped += 1
                    if len(self.skipped_keys) < 5:
                        self.skipped_keys.add(key)
                    continue
                self.samples.append((received, received - stamp, key))
        self.consumer.close()


class MongoLatency(Probe):
    """Polls `telemetry` for the next seq of each probe device (ids `<device>:<seq>`, seqs from 1)."""

    def __init__(self, uri, devices, database="scada", interval=0.02, window=20):
        super().__init__()
        from pymongo import MongoClient
        self.client = MongoClient(uri, tz_aware=True)
        self.collection = self.client[database]["telemetry"]
        self.next = {device: 1 for device in devices}
        self.interval, self.window = interval, window
        self.polls, self.poll_ms = 0, []  # the duration of each poll: the resolution of this probe

    def loop(self):
        while not self.stopping.is_set():
            ids = [f"{device}:{seq + k}" for device, seq in self.next.items() for k in range(self.window)]
            sent = now_ms()
            found = list(self.collection.find({"_id": {"$in": ids}}, {"ts": 1, "device_id": 1, "seq": 1}))
            seen = now_ms()
            self.polls += 1
            self.poll_ms.append(seen - sent)
            for document in found:
                device, seq = document["device_id"], int(document["seq"])
                if seq >= self.next.get(device, seq + 1):
                    stamp = document["ts"].timestamp() * 1000.0
                    self.samples.append((seen, seen - stamp, device))
            for document in found:
                device, seq = document["device_id"], int(document["seq"])
                self.next[device] = max(self.next[device], seq + 1)
            self.stopping.wait(self.interval)
        self.client.close()


class MqttAlarms(Probe):
    """`mosquitto_sub -t scada/alerts/#`; `first` maps an alarm id to the receive time (ms) of its first
    non-empty message."""

    def __init__(self, port, topic="scada/alerts/#"):
        super().__init__()
        self.process = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic,
                                         "-F", "%U %l %t"], stdout=subprocess.PIPE, text=True, bufsize=1)
        self.first = {}
        self.messages = 0

    def loop(self):
        for line in self.process.stdout:
            parts = line.split(" ", 2)
            if len(parts) < 3:
                continue
            self.messages += 1
            if int(parts[1]) > 0:
                alarm = parts[2].strip().rsplit("/", 1)[-1]
                self.first.setdefault(alarm, float(parts[0]) * 1000.0)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        return super().stop()


class SSEStream(Probe):
    """A Server-Sent-Events client (HTTP/1.1, chunked): every `event: EVENT` data JSON goes to on_event(receive ms,
    data), and its `event_time` (ms) against the receive time to samples."""

    def __init__(self, port, path, token, event, key_field="device_id"):
        super().__init__()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                          f"Accept: text/event-stream\r\n\r\n".encode())
        self.sock.settimeout(0.2)
        self.event, self.key_field = event.encode(), key_field
        self.events = []  # (receive ms, data dict)
        self.connected = threading.Event()

    def loop(self):
        buffer = b""
        while not self.stopping.is_set():
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            received = now_ms()
            buffer += chunk
            if not self.connected.is_set() and b"\r\n\r\n" in buffer:
                self.connected.set()
            # Chunk-size lines of the chunked encoding are never "data:" or "event:" lines: skip them.
            *complete, buffer = buffer.split(b"\n\n")
            for block in complete:
                name, data = None, None
                for line in block.split(b"\n"):
                    line = line.rstrip(b"\r")
                    if line.startswith(b"event: "):
                        name = line[7:]
                    elif line.startswith(b"data: "):
                        data = line[6:]
                if name == self.event and data:
                    try:
                        value = json.loads(data)
                    except ValueError:
                        continue
                    self.events.append((received, value))
                    if isinstance(value.get("event_time"), (int, float)):
                        self.samples.append((received, received - value["event_time"], value.get(self.key_field)))
        self.sock.close()


class LagSampler(Probe):
    """Every `interval` s: for each consumer group, sum over TOPIC's partitions of high watermark - committed
    offset. `series` is a list of (wall-clock s, {group: lag})."""

    def __init__(self, brokers, groups, topic="scada.telemetry", interval=1.0):
        super().__init__()
        from confluent_kafka import Consumer, TopicPartition
        self.consumers = {group: Consumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False})
                          for group in groups}
        any_consumer = next(iter(self.consumers.values()))
        partitions = any_consumer.list_topics(topic, timeout=10).topics[topic].partitions
        self.partitions = [TopicPartition(topic, p) for p in partitions]
        self.interval = interval
        self.series = []

    def lag(self, group):
        consumer = self.consumers[group]
        committed = consumer.committed(self.partitions, timeout=5)
        total = 0
        for partition in committed:
            high = consumer.get_watermark_offsets(partition, timeout=5, cached=False)[1]
            # tansu reports as high watermark the first offset of the partition's last batch + 1, so a committed
            # offset can be beyond it: lag never below 0 (and short of the truth by less than a batch).
            total += max(0, high - (partition.offset if partition.offset >= 0 else 0))
        return total

    def loop(self):
        while not self.stopping.is_set():
            started = time.time()
            self.series.append((started, {group: self.lag(group) for group in self.consumers}))
            self.stopping.wait(max(0.0, self.interval - (time.time() - started)))
        for consumer in self.consumers.values():
            consumer.close()
