#!/bin/sh
# Creates the platform's Kafka topics with the Kafka distribution's own kafka-topics.sh (apache/kafka image).
# Idempotent: --if-not-exists leaves existing topics alone, so it runs at every `docker compose up` and
# every `kubectl apply -k`. Run by the compose service `topics` and the Kubernetes Job scada-topics.
# Settings (ConfigMap scada-topics / compose environment):
#   KAFKA_BOOTSTRAP           bootstrap servers (kafka:9092)
#   TELEMETRY_PARTITIONS      scada.telemetry and scada.alarm-state (co-partitioned: the same count) (6)
#   TOPIC_PARTITIONS          every other topic (3)
#   TOPIC_REPLICATION_FACTOR  1 for one broker, 3 in production (1)
#   TOPIC_MIN_INSYNC_REPLICAS 1 for one broker, 2 in production (1)
set -eu
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
telemetry_partitions="${TELEMETRY_PARTITIONS:-6}"
partitions="${TOPIC_PARTITIONS:-3}"
replication="${TOPIC_REPLICATION_FACTOR:-1}"
min_isr="${TOPIC_MIN_INSYNC_REPLICAS:-1}"
topics_tool="${KAFKA_TOPICS_TOOL:-/opt/kafka/bin/kafka-topics.sh}"

create() { # topic, partitions, extra --config arguments...
  topic="$1"; count="$2"; shift 2
  "$topics_tool" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions "$count" --replication-factor "$replication" --config "min.insync.replicas=$min_isr" "$@"
}

create scada.telemetry "$telemetry_partitions"
create scada.deadletter "$partitions"
create scada.device-status "$partitions"
create scada.alerts "$partitions"
create scada.alert-actions "$partitions"
# The whole current state of every alarm, keyed by alarm id: compacted, co-partitioned with scada.telemetry.
create scada.alarm-state "$telemetry_partitions" --config cleanup.policy=compact
create scada.analytics "$partitions"

# An existing topic keeps its partition count: co-partitioning breaks silently if the two differ.
count() { "$topics_tool" --bootstrap-server "$bootstrap" --describe --topic "$1" | grep -c 'Partition: '; }
telemetry="$(count scada.telemetry)"
state="$(count scada.alarm-state)"
if [ "$telemetry" != "$state" ]; then
  echo "kafka-topics: scada.telemetry has $telemetry partitions but scada.alarm-state has $state: they must match" >&2
  exit 1
fi
echo "kafka-topics: every topic exists (scada.telemetry and scada.alarm-state: $telemetry partitions)"
