"""Reads whole Kafka topics (every partition, from the beginning to the current end) with confluent_kafka,
without a consumer group, so that the reading changes nothing in the pipeline."""
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition


def read_topic(brokers, topic, timeout=60):
    """[(partition, offset, key, value, headers)] of every record now in `topic`; [] if the topic does not exist.

    Reads each partition until the consumer reports its end (partition EOF, from the fetch responses). The high
    watermark that tansu answers to ListOffsets can lag its last batch (seen: partition 2 reported 3319 while
    offsets 3319-3323 were stored and fetchable), so it is not used as the end."""
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "chaos-reader", "enable.auto.commit": False,
                         "enable.partition.eof": True, "fetch.message.max.bytes": 4 * 1024 * 1024})
    try:
        metadata = consumer.list_topics(topic, timeout=15)
        described = metadata.topics.get(topic)
        if described is None or described.error is not None or not described.partitions:
            return []
        partitions = list(described.partitions)
        consumer.assign([TopicPartition(topic, partition, 0) for partition in partitions])
        records, deadline = [], time.monotonic() + timeout
        done = set()
        while len(done) < len(partitions) and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() == -191:  # _PARTITION_EOF: everything the broker has was read
                    done.add(message.partition())
                    continue
                raise KafkaException(message.error())
            done.discard(message.partition())
            records.append((message.partition(), message.offset(), message.key(), message.value(),
                            dict((name, value) for name, value in (message.headers() or []))))
        return records
    finally:
        consumer.close()


def topics(brokers):
    """{topic: partition count} of the broker now."""
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "chaos-reader"})
    try:
        return {name: len(topic.partitions) for name, topic in consumer.list_topics(timeout=15).topics.items()
                if not name.startswith("__")}
    finally:
        consumer.close()
