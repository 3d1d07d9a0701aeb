"""Compatibility scenario run with kafka-python.

Usage: /usr/bin/python3 kafka_python_suite.py BOOTSTRAP
Prints one JSON object with what it observed; the Node test asserts on it.
"""
import json
import sys
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

BOOTSTRAP = sys.argv[1]
N = 10_000
CODECS = [None, "gzip", "snappy", "lz4", "zstd"]
report = {"codecs": {}, "group": {}, "admin": {}}
T0 = time.time()


def progress(what):
    print(f"[{time.time() - T0:6.1f}s] {what}", file=sys.stderr, flush=True)


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
    progress(f"codec {name}: {len(got)} consumed")
    report["codecs"][name] = {
        "count": len(got),
        "allDistinct": values == list(range(N)),
        "ordered": check_order(got),
        "keysMatch": all(k == f"key-{int(v.split('-')[1]) % 97}" for _, _, k, v in got),
    }

topic = "kp-group"
create(topic)
produce(topic, None, 0, 2000)
seen = set()
lock = threading.Lock()


class Member(threading.Thread):
    """kafka-python joins inside poll(), so each member needs its own thread."""

    def __init__(self, name):
        super().__init__(daemon=True)
        self.name_ = name
        self.stop = threading.Event()
        self.current = []
        self.committed = None
        self.ends = None

    def run(self):
        c = KafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, group_id="kp-group-g", client_id=self.name_,
                          auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=10000,
                          heartbeat_interval_ms=500, max_poll_records=100)
        while not self.stop.is_set():
            batch = c.poll(timeout_ms=100)
            for tp, msgs in batch.items():
                with lock:
                    for m in msgs:
                        seen.add(m.value.decode())
            if batch:
                c.commit()
            self.current = sorted(tp.partition for tp in c.assignment())
            time.sleep(0.01)  # keep the stream going while the group changes
        tps = [TopicPartition(topic, p) for p in range(3)]
        self.committed = [c.committed(tp) for tp in tps]
        self.ends = [c.end_offsets(tps)[tp] for tp in tps]
        c.close()


def wait_for(cond, what, timeout=60):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


a, b = Member("a"), Member("b")
a.start()
b.start()
wait_for(lambda: len(seen) > 200, "first messages")
c = Member("c")
c.start()
produce(topic, None, 2000, 2000)
wait_for(lambda: len(seen) > 2500, "more messages")
mid_stream = len(seen)
progress(f"group: {mid_stream} delivered before b leaves")
b.stop.set()
b.join()
produce(topic, None, 4000, 2000)
wait_for(lambda: len(seen) == 6000, "all 6000 messages", 90)
time.sleep(1)  # let the last batch's commit land
# Both remaining members' assignments at one moment, once the group has settled: read when each
# stops, the second one has already taken over the first one's partitions.
wait_for(lambda: sorted(a.current + c.current) == [0, 1, 2], "a and c to own the partitions between them")
settled = {"a": list(a.current), "c": list(c.current)}
c.stop.set()
c.join()
a.stop.set()
a.join()
report["group"] = {
    "delivered": len(seen),
    "deliveredBeforeLeave": mid_stream,
    "assignments": settled,
    "committed": a.committed,
    "endOffsets": a.ends,
}

report["admin"]["listed"] = sorted(t for t in admin.list_topics() if t.startswith("kp-"))
report["admin"]["partitions"] = len(admin.describe_topics(["kp-group"])[0]["partitions"])
admin.delete_topics(["kp-none"])
report["admin"]["afterDelete"] = sorted(t for t in admin.list_topics() if t.startswith("kp-"))
print(json.dumps(report))
