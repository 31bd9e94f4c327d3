"""Helpers for the benchmark scripts: Kafka topics and offsets, Prometheus metrics from /metrics."""
import json
import sys
import urllib.request


def kafka_create(brokers, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": brokers})
    futures = admin.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])
    for future in futures.values():
        try:
            future.result(15)
        except Exception as error:  # already exists is fine
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise


def kafka_count(brokers, topic):
    """Sum of the partitions' high watermarks (messages ever written)."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "bench-count", "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=10)
    total = 0
    for partition in metadata.topics[topic].partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        total += high
    consumer.close()
    return total


def metrics(url):
    """name{labels} -> value from a Prometheus text page."""
    values = {}
    with urllib.request.urlopen(url, timeout=5) as response:
        for line in response.read().decode().splitlines():
            if not line or line.startswith("#"):
                continue
            key, _, value = line.rpartition(" ")
            try:
                values[key] = float(value)
            except ValueError:
                pass
    return values


def histogram(snapshot, name):
    """Sorted [(upper bound, cumulative count)] of a histogram."""
    buckets = []
    for key, value in snapshot.items():
        if key.startswith(name + "_bucket{"):
            bound = key.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if bound == "+Inf" else float(bound), value))
    return sorted(buckets)


def quantile(before, after, name, q):
    """q-quantile (seconds) of the observations between two snapshots, interpolated within its bucket."""
    a, b = dict(histogram(after, name)), dict(histogram(before, name))
    bounds = sorted(a)
    counts = [a[x] - b.get(x, 0) for x in bounds]
    total = counts[-1] if counts else 0
    if total <= 0:
        return float("nan")
    rank = q * total
    previous_bound, previous_count = 0.0, 0.0
    for bound, count in zip(bounds, counts):
        if count >= rank:
            if bound == float("inf"):
                return previous_bound
            span = count - previous_count
            fraction = (rank - previous_count) / span if span > 0 else 1
            return previous_bound + (bound - previous_bound) * fraction
        previous_bound, previous_count = bound, count
    return bounds[-1]


def wait_for(read, target, started, stall_seconds=5.0, interval=0.02):
    """Polls read() until it reaches target or stops moving; prints 'RATE DELIVERED' where RATE is
    messages per second from `started` (wall-clock seconds, when the process was launched) to the
    last change."""
    import time
    first, last = started, None
    previous = -1
    moved = time.monotonic()
    value = 0
    while True:
        value = read()
        now = time.monotonic()
        if value != previous:
            previous, moved, last = value, now, time.time()
        if value >= target or now - moved > stall_seconds:
            break
        time.sleep(interval)
    duration = (last - first) if last is not None and last > first else 0.001
    print("%d %d" % (value / duration, value))


def counting_consumer(brokers, topic):
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "bench-count", "enable.auto.commit": False})
    partitions = [TopicPartition(topic, p) for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions]
    return lambda: sum(consumer.get_watermark_offsets(tp, timeout=10, cached=False)[1] for tp in partitions)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "create":
        kafka_create(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "count":
        print(kafka_count(sys.argv[2], sys.argv[3]))
    elif command == "metric":
        snapshot = metrics(sys.argv[2])
        print(int(sum(v for k, v in snapshot.items() if k == sys.argv[3] or k.startswith(sys.argv[3] + "{"))))
    elif command == "wait-count":
        wait_for(counting_consumer(sys.argv[2], sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif command == "wait-metric":
        url, name = sys.argv[2], sys.argv[3]

        def read():
            try:
                return int(sum(v for k, v in metrics(url).items() if k == name or k.startswith(name + "{")))
            except OSError:
                return 0
        wait_for(read, int(sys.argv[4]), float(sys.argv[5]))
    elif command == "snapshot":
        json.dump(metrics(sys.argv[2]), sys.stdout)
    elif command == "quantiles":
        before, after = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
        name = sys.argv[4]
        print(" ".join("%.2f" % (1000 * quantile(before, after, name, float(q))) for q in sys.argv[5:]))
