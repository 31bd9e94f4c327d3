"""The result of one scenario (sent, stored, duplicates, lost, alarms, verdict, named gaps) and the table."""
import accounting
import kafka_topics
from harness import alarms_raised, raised_transitions

KNOWN_GAP = "kill -9 preprocessor"  # libmosquitto acknowledges on read, before Kafka has the record
# tansu keeps records in memory only: what it had acknowledged, and the db-interface had not read yet, goes
# with it when it stops. A broker with a log on disk (Kafka, acks=all) keeps them.
BROKER_MEMORY = "tansu stopped"
BROKER_MEMORY_CAUSE = "acknowledged by tansu before it stopped, lost with its memory storage"


def _lost_with_broker(run, cause, first, last, stored_times):
    """A run of samples made before tansu had stopped (the sample before them was made before tansu closed its
    port; it goes on acknowledging while it shuts down) and absent from the restarted
    broker: tansu had acknowledged them (records it had not are re-sent by the producer after the restart)."""
    if not cause.startswith(BROKER_MEMORY):
        return False
    event = next(event for event in run.events if event["what"] == cause)
    closed = event.get("closed_ms", event["start_ms"])
    before, after = stored_times.get(first - 1), stored_times.get(last + 1)
    # Both neighbours stored, both made before tansu had closed its port: the run lies inside that moment.
    return before is not None and after is not None and before <= closed and after <= closed + 1000


def _cause(run, device, first, last, stored_times):
    """The disruption whose window holds the lost run's neighbouring samples."""
    times = [stored_times[seq] for seq in (first - 1, last + 1) if seq in stored_times]
    for event in run.events:
        end = event["end_ms"] or run.now_ms()
        if any(event["start_ms"] - 3000 <= t <= end + 5000 for t in times):
            return event["what"]
    return "no disruption at that time"


def account(run, checks):
    port = run.pipeline.ports["mongo"]
    expected, skipped, queued = run.expected()
    stored, documents = accounting.stored(port)
    registry = accounting.registry(port)
    telemetry = kafka_topics.read_topic(run.brokers(), "scada.telemetry")
    kafka_order, kafka_duplicates = accounting.kafka_seqs(telemetry)
    in_kafka = {device: set(seqs) for device, seqs in kafka_order.items()}
    sent = sum(len(seqs) for seqs in expected.values())
    stored_count = sum(len(seqs & set(stored.get(device, {}))) for device, seqs in expected.items())
    gaps, known, unexplained = [], 0, 0
    for device, seqs in sorted(expected.items()):
        missing = seqs - set(stored.get(device, {}))
        for first, last in accounting.ranges(missing):
            count = last - first + 1
            cause = _cause(run, device, first, last, stored.get(device, {}))
            absent = sum(1 for seq in range(first, last + 1) if seq not in in_kafka.get(device, set()))
            where = "not in Kafka" if absent == count else f"{count - absent} of them in Kafka"
            is_known = absent == count and (cause.startswith(KNOWN_GAP)
                                            or _lost_with_broker(run, cause, first, last, stored.get(device, {})))
            if is_known and cause.startswith(BROKER_MEMORY):
                cause = BROKER_MEMORY_CAUSE
            known += count if is_known else 0
            unexplained += 0 if is_known else count
            gaps.append({"device": device, "seqs": [first, last], "count": count, "cause": cause, "where": where,
                         "known": is_known})
    lost = known + unexplained
    extra = sum(len(set(stored.get(device, {})) - expected.get(device, set())) for device in stored
                if device in expected)
    duplicates = sum(int(entry.get("duplicates") or 0) for entry in registry.values())
    transitions = raised_transitions(run.brokers())
    # An expected alarm counts from the moment its fault was sent: a raise of the same alarm before that is
    # the disruption's own doing (e.g. the seq jumps a device shows while a dead replica's share is stranded),
    # reported apart, not as the injected fault raised twice.
    # Raises caused by the simulators' clean stop (last wills `offline`, then the last samples arriving after
    # them) are not the scenario's either.
    injected_at = getattr(run, "injected_at", {})
    stopped_ms = getattr(run, "simulators_stopped_ms", None)
    raised, before_injection = {}, {}
    for alarm, event_time in transitions:
        if alarm in injected_at and event_time < injected_at[alarm]:
            before_injection[alarm] = before_injection.get(alarm, 0) + 1
        elif stopped_ms is None or event_time < stopped_ms:
            raised[alarm] = raised.get(alarm, 0) + 1
    # Alarms of the simulators' clean stop (last will `offline` → device-silence) are not the scenario's.
    before_stop = alarms_raised(run.brokers(), before_ms=getattr(run, "simulators_stopped_ms", None), transitions=transitions)
    alarm_problems = [f"{alarm} raised {raised.get(alarm, 0)}x" for alarm in run.expected_alarms if raised.get(alarm, 0) != 1]
    other_alarms = {alarm: count for alarm, count in before_stop.items() if alarm not in run.expected_alarms}
    failures = [f"{name}: {detail}" for name, (ok, detail) in checks.items() if not ok]
    exits = run.unexpected_exits()
    if exits:
        failures.append(f"processes died: {', '.join(exits)}")
    failures += alarm_problems
    if unexplained:
        failures.append(f"{unexplained} acknowledged messages missing from MongoDB")
    verdict = "FAIL" if failures else ("GAP" if known else "PASS")
    notes = [f"{gap['cause']}: {gap['count']} messages" for gap in gaps if gap["known"]]
    return {
        "scenario": run.name, "sent": sent, "stored": stored_count, "duplicates": duplicates,
        "kafka_duplicates": kafka_duplicates, "lost": lost, "lost_known": known, "lost_unexplained": unexplained,
        "stored_not_expected": extra, "documents": documents,
        "alarms_expected": len(run.expected_alarms),
        "alarms_raised": sum(1 for alarm in run.expected_alarms if raised.get(alarm, 0) >= 1),
        "alarms_raised_twice": [alarm for alarm in run.expected_alarms if raised.get(alarm, 0) > 1],
        "other_alarms": other_alarms, "expected_alarms_raised_before_injection": before_injection, "injected": run.injected, "skipped_by_seq_gap": sum(len(s) for s in skipped.values()),
        "queued_at_stop": sum(len(s) for s in queued.values()), "gaps": gaps, "events": run.events,
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
        "rss_peak_mb": {name: round(kb / 1024, 1) for name, kb in sorted(run.rss_peak_kb.items())},
        "failures": failures, "notes": notes, "verdict": verdict,
    }


COLUMNS = [("scenario", 26), ("sent", 7), ("stored", 7), ("dups", 5), ("lost", 5), ("alarms exp/raised", 17),
           ("seconds", 7), ("verdict", 7)]


def table(rows):
    lines = ["  ".join(name.ljust(width) for name, width in COLUMNS)]
    lines.append("  ".join("-" * width for _, width in COLUMNS))
    for row in rows:
        values = [row["scenario"], row.get("sent", "-"), row.get("stored", "-"), row.get("duplicates", "-"),
                  row.get("lost", "-"), f"{row.get('alarms_expected', 0)}/{row.get('alarms_raised', 0)}",
                  row.get("seconds", "-"), row["verdict"]]
        lines.append("  ".join(str(value).ljust(width) for value, (_, width) in zip(values, COLUMNS)))
    return "\n".join(lines)


def details(rows):
    """The named gaps, failed checks and notes under the table."""
    out = []
    for row in rows:
        for gap in row.get("gaps", []):
            out.append(f"{row['scenario']}: {gap['device']} seq {gap['seqs'][0]}-{gap['seqs'][1]} ({gap['count']}) lost, "
                       f"{gap['where']}; cause: {gap['cause']}{' (known gap)' if gap['known'] else ''}")
        for failure in row.get("failures", []):
            out.append(f"{row['scenario']}: FAIL {failure}")
        for note in row.get("notes", []):
            out.append(f"{row['scenario']}: {note}")
        for name, check in row.get("checks", {}).items():
            if check["ok"]:
                out.append(f"{row['scenario']}: ok {name}: {check['detail']}")
    return "\n".join(out)
