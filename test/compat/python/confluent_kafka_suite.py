"""Compatibility scenario run with librdkafka through confluent-kafka-python.

Usage: /usr/bin/python3 confluent_kafka_suite.py BOOTSTRAP
Prints one JSON object with what it observed; the Node test asserts on it.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

BOOTSTRAP = sys.argv[1]
N = 10_000
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
report = {"codecs": {}, "group": {}, "admin": {}}
T0 = time.time()


def progress(what):
    print(f"[{time.time() - T0:6.1f}s] {what}", file=sys.stderr, flush=True)


admin = AdminClient({"bootstrap.servers": BOOTSTRAP})


def create(topic, partitions=3):
    for f in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)]).values():
        f.result(10)


def produce(topic, codec, start, count):
    p = Producer({"bootstrap.servers": BOOTSTRAP, "compression.type": codec, "linger.ms": 5})
    for i in range(start, start + count):
        p.produce(topic, key=f"key-{i % 97}", value=f"value-{i}")
        if i % 1000 == 0:
            p.poll(0)
    remaining = p.flush(30)
    assert remaining == 0, f"{remaining} messages not delivered"


def read_all(topic, expected):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"reader-{topic}", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False})
    c.subscribe([topic])
    out = []
    deadline = time.time() + 60
    while len(out) < expected and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        out.append((m.partition(), m.offset(), m.key().decode(), m.value().decode()))
    c.close()
    return out


def check_order(records):
    """Per partition, offsets increase; per key, values arrive in production order."""
    last_offset = {}
    last_value_per_key = {}
    for p, o, k, v in records:
        if last_offset.get(p, -1) >= o:
            return False
        last_offset[p] = o
        n = int(v.split("-")[1])
        if last_value_per_key.get(k, -1) >= n:
            return False
        last_value_per_key[k] = n
    return True


for codec in CODECS:
    topic = f"ck-{codec}"
    create(topic)
    produce(topic, codec, 0, N)
    got = read_all(topic, N)
    values = sorted(int(v.split("-")[1]) for _, _, _, v in got)
    progress(f"codec {codec}: {len(got)} consumed")
    report["codecs"][codec] = {
        "count": len(got),
        "allDistinct": values == list(range(N)),
        "ordered": check_order(got),
        "keysMatch": all(k == f"key-{int(v.split('-')[1]) % 97}" for _, _, k, v in got),
    }

# Group: A and B consume; C joins mid-stream; B leaves mid-stream; all messages delivered.
topic = "ck-group"
create(topic)
produce(topic, "none", 0, 2000)
seen = set()


def member(name):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "ck-group-g", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "client.id": name, "session.timeout.ms": 10000,
                  "heartbeat.interval.ms": 500})
    c.subscribe([topic])
    return c


def poll_round(consumers, rounds=1):
    for _ in range(rounds):
        for c in consumers:
            msgs = [m for m in c.consume(100, 0.05) if not m.error()]
            for m in msgs:
                seen.add(m.value().decode())
            if msgs:
                c.commit(asynchronous=False)  # the positions after this batch


def poll_until(consumers, cond, what, timeout=60):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what} ({len(seen)} delivered)")
        poll_round(consumers)


a, b = member("a"), member("b")
poll_until([a, b], lambda: len(seen) >= 500, "a and b to consume")
c = member("c")
produce(topic, "none", 2000, 2000)
poll_until([a, b, c], lambda: len(c.assignment()) > 0 and len(seen) >= 2500, "c to join")
mid_stream = len(seen)
progress(f"group: {mid_stream} delivered before b leaves")
b.close()
produce(topic, "none", 4000, 2000)
deadline = time.time() + 60
while len(seen) < 6000 and time.time() < deadline:
    poll_round([a, c])
assignments = {"a": [tp.partition for tp in a.assignment()], "c": [tp.partition for tp in c.assignment()]}
committed = a.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
ends = [a.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(3)]
a.close()
c.close()
report["group"] = {
    "delivered": len(seen),
    "deliveredBeforeLeave": mid_stream,
    "assignments": assignments,
    "committed": [tp.offset for tp in committed],
    "endOffsets": ends,
}

md = admin.list_topics(timeout=10)
report["admin"]["listed"] = sorted(t for t in md.topics if t.startswith("ck-"))
report["admin"]["partitions"] = len(md.topics["ck-group"].partitions)
for f in admin.delete_topics(["ck-none"]).values():
    f.result(10)
report["admin"]["afterDelete"] = sorted(t for t in admin.list_topics(timeout=10).topics if t.startswith("ck-"))
print(json.dumps(report))
