"""Compatibility scenario run with kafka-python.

Usage: /usr/bin/python3 kafka_python_suite.py BOOTSTRAP
Prints one JSON object with what it observed; the Node test asserts on it.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

BOOTSTRAP = sys.argv[1]
N = 10_000
CODECS = [None, "gzip", "snappy", "lz4", "zstd"]
report = {"codecs": {}, "group": {}, "admin": {}}

admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP)
report["apiVersion"] = list(admin.config["api_version"] or ())


def create(topic, partitions=3):
    admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])


def produce(topic, codec, start, count):
    p = KafkaProducer(bootstrap_servers=BOOTSTRAP, compression_type=codec, linger_ms=5, acks="all")
    for i in range(start, start + count):
        p.send(topic, key=f"key-{i % 97}".encode(), value=f"value-{i}".encode())
    p.flush(30)
    p.close()


def read_all(topic, expected):
    c = KafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, group_id=f"reader-{topic}", auto_offset_reset="earliest",
                      enable_auto_commit=False)
    out = []
    deadline = time.time() + 60
    while len(out) < expected and time.time() < deadline:
        for tp, msgs in c.poll(timeout_ms=500).items():
            for m in msgs:
                out.append((m.partition, m.offset, m.key.decode(), m.value.decode()))
    c.close()
    return out


def check_order(records):
    by_partition = {}
    for p, o, k, v in records:
        by_partition.setdefault(p, []).append((o, k, int(v.split("-")[1])))
    for rows in by_partition.values():
        if [r[0] for r in rows] != sorted(r[0] for r in rows):
            return False
        last = {}
        for _, k, n in rows:
            if last.get(k, -1) >= n:
                return False
            last[k] = n
    return True


for codec in CODECS:
    name = codec or "none"
    topic = f"kp-{name}"
    create(topic)
    produce(topic, codec, 0, N)
    got = read_all(topic, N)
    values = sorted(int(v.split("-")[1]) for _, _, _, v in got)
    report["codecs"][name] = {
        "count": len(got),
        "allDistinct": values == list(range(N)),
        "ordered": check_order(got),
        "keysMatch": all(k == f"key-{int(v.split('-')[1]) % 97}" for _, _, k, v in got),
    }

topic = "kp-group"
create(topic)
produce(topic, None, 0, 3000)
seen = set()


def member(name):
    return KafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, group_id="kp-group-g", client_id=name,
                         auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=10000,
                         heartbeat_interval_ms=500, max_poll_records=50)


def poll_round(consumers, rounds=1):
    for _ in range(rounds):
        for c in consumers:
            for tp, msgs in c.poll(timeout_ms=50).items():
                for m in msgs:
                    seen.add(m.value.decode())
            c.commit()


a, b = member("a"), member("b")
poll_round([a, b], 20)
c = member("c")
poll_round([a, b, c], 20)
b.close()
produce(topic, None, 3000, 3000)
deadline = time.time() + 90
while len(seen) < 6000 and time.time() < deadline:
    poll_round([a, c])
poll_round([a, c], 3)
tps = [TopicPartition(topic, p) for p in range(3)]
report["group"] = {
    "delivered": len(seen),
    "assignments": {"a": sorted(tp.partition for tp in a.assignment()), "c": sorted(tp.partition for tp in c.assignment())},
    "committed": [a.committed(tp) for tp in tps],
    "endOffsets": [a.end_offsets(tps)[tp] for tp in tps],
}
a.close()
c.close()

report["admin"]["listed"] = sorted(t for t in admin.list_topics() if t.startswith("kp-"))
report["admin"]["partitions"] = len(admin.describe_topics(["kp-group"])[0]["partitions"])
admin.delete_topics(["kp-none"])
report["admin"]["afterDelete"] = sorted(t for t in admin.list_topics() if t.startswith("kp-"))
print(json.dumps(report))
