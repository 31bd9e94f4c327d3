"""Malformed telemetry of many kinds, each message marked `storm-NNNNNN` so that its dead letter can be found,
with the reason the preprocessor must give it (docs/preprocessor.md, "Reasons")."""
import json
import re
import time

MARK = re.compile(rb"storm-(\d{6})")


def _now_ms():
    return int(time.time() * 1000)


def _not_utf8(mark):
    return b'{"device_id":"' + mark + b'","timestamp":' + str(_now_ms()).encode() + b',"v":"\xff\xfe\xfd"}'


def _invalid_json(mark):
    return b'{"device_id":"' + mark + b'","timestamp":' + str(_now_ms()).encode() + b',"v":'


def _no_id(mark):
    return json.dumps({"name": mark.decode(), "timestamp": _now_ms(), "v": 1}).encode()


def _no_measurements(mark):
    return json.dumps({"device_id": mark.decode(), "timestamp": _now_ms()}).encode()


def _top_level_array(mark):
    return json.dumps([mark.decode(), 1]).encode()


def _negative_seq(mark):
    return json.dumps({"device_id": mark.decode(), "timestamp": _now_ms(), "seq": -1, "v": 1}).encode()


def _nan(mark):
    return b'{"device_id":"' + mark + b'","timestamp":' + str(_now_ms()).encode() + b',"v":NaN}'


def _overflow(mark):
    return b'{"device_id":"' + mark + b'","timestamp":' + str(_now_ms()).encode() + b',"v":1e999}'


def _bad_timestamp(mark):
    return json.dumps({"device_id": mark.decode(), "timestamp": "half past nine", "v": 1}).encode()


def _future(mark):
    return json.dumps({"device_id": mark.decode(), "timestamp": _now_ms() + 86_400_000, "v": 1}).encode()


def _too_large(mark):
    return json.dumps({"device_id": mark.decode(), "timestamp": _now_ms(), "v": 1, "pad": "x" * 70_000}).encode()


def _too_many_fields(mark):
    fields = {"device_id": mark.decode(), "timestamp": _now_ms()}
    fields.update({f"f{i}": i for i in range(300)})
    return json.dumps(fields).encode()


def _too_deep(mark):
    nested = {"v": 1}
    for _ in range(12):
        nested = {"n": nested}
    return json.dumps({"device_id": mark.decode(), "timestamp": _now_ms(), "deep": nested}).encode()


# kind: (topic, payload builder, expected scada-reason, weight)
KINDS = {
    "not_utf8": ("factory/storm/a", _not_utf8, "not_utf8", 1.0),
    "truncated_json": ("factory/storm/b", _invalid_json, "invalid_json", 1.0),
    "no_device_id": ("factory/storm/c", _no_id, "missing_field", 1.0),
    "no_measurements": ("factory/storm/d", _no_measurements, "missing_field", 1.0),
    "top_level_array": ("factory/storm/e", _top_level_array, "wrong_type", 1.0),
    "negative_seq": ("factory/storm/f", _negative_seq, "wrong_type", 1.0),
    "nan": ("factory/storm/g", _nan, "non_finite_number", 1.0),
    "number_overflow": ("factory/storm/h", _overflow, "non_finite_number", 1.0),
    "bad_timestamp": ("factory/storm/i", _bad_timestamp, "bad_timestamp", 1.0),
    "timestamp_in_future": ("factory/storm/j", _future, "timestamp_in_future", 1.0),
    "payload_too_large": ("factory/storm/k", _too_large, "payload_too_large", 0.25),
    "too_many_fields": ("factory/storm/l", _too_many_fields, "too_many_fields", 1.0),
    "too_deep": ("factory/storm/m", _too_deep, "too_deep", 1.0),
}


def plan(total):
    """[(number, kind)] for `total` messages, kinds interleaved in proportion to their weights."""
    weights = sum(kind[3] for kind in KINDS.values())
    counts = {name: int(total * spec[3] / weights) for name, spec in KINDS.items()}
    first = next(iter(KINDS))
    counts[first] += total - sum(counts.values())
    out, left = [], dict(counts)
    while len(out) < total:
        for name in KINDS:
            if left[name]:
                out.append((len(out), name))
                left[name] -= 1
    return out


def message(number, kind):
    """(topic, payload) of message `number` of `kind`."""
    topic, build, _, _ = KINDS[kind]
    return topic, build(b"storm-%06d" % number)


def expected_reason(kind):
    return KINDS[kind][2]
