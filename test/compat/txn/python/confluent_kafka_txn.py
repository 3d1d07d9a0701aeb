"""Transactions with librdkafka (confluent-kafka-python) against the embedded broker.

Usage: /usr/bin/python3 confluent_kafka_txn.py BOOTSTRAP
The broker must cap transaction timeouts at 2000 ms (the timeout scenario asks for 1500 ms).
Prints one JSON object with what it observed; confluent-kafka-txn.test.ts asserts on it.
Readers stop at a sentinel record written to every partition after each scenario.
"""
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from kafka_error_report import error_of  # noqa: E402

BOOTSTRAP = sys.argv[1]
SENTINEL = "__end__"
report = {}
T0 = time.time()


def progress(what):
    print(f"[{time.time() - T0:6.1f}s] {what}", file=sys.stderr, flush=True)


def create(topic, partitions):
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for f in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)]).values():
        f.result(10)


def sentinels(topic, partitions):
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    for partition in range(partitions):
        p.produce(topic, value=SENTINEL, partition=partition)
    assert p.flush(10) == 0


def read(topic, partitions, isolation):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"r-{uuid.uuid4()}", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "isolation.level": isolation, "fetch.wait.max.ms": 100})
    c.subscribe([topic])
    seen, ended = [], set()
    deadline = time.time() + 20
    while len(ended) < partitions:
        if time.time() > deadline:
            raise RuntimeError(f"{topic} {isolation}: sentinels on {len(ended)}/{partitions}, got {len(seen)}")
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(m.error())
        v = m.value().decode()
        if v == SENTINEL:
            ended.add(m.partition())
        else:
            seen.append(v)
    c.close()
    return sorted(seen)


def tx_producer(txid, **extra):
    # The broker caps transactions at 2000 ms; librdkafka wants its socket and message
    # timeouts no longer than the transaction timeout.
    conf = {"bootstrap.servers": BOOTSTRAP, "transactional.id": txid, "linger.ms": 5, "transaction.timeout.ms": 2000,
            "socket.timeout.ms": 2000, "message.timeout.ms": 2000}
    conf.update(extra)
    p = Producer(conf)
    p.init_transactions(10)
    return p


# 1. commit / abort / commit
create("ck-out", 2)
p = tx_producer("ck-tx-1")
for i, outcome in enumerate(["commit", "abort", "commit"]):
    p.begin_transaction()
    for j in range(4):
        p.produce("ck-out", key=f"k{j}", value=f"{outcome}-{i}-{j}")
    if outcome == "commit":
        p.commit_transaction(10)
    else:
        p.flush(10)  # make sure the aborted records reach the log before the abort
        p.abort_transaction(10)
sentinels("ck-out", 2)
report["cac"] = {"committed": read("ck-out", 2, "read_committed"), "uncommitted": read("ck-out", 2, "read_uncommitted")}
progress("commit/abort/commit done")

# 2. consume-transform-produce with send_offsets_to_transaction
create("ck-in", 1)
create("ck-ctp-out", 1)
seed = Producer({"bootstrap.servers": BOOTSTRAP})
for i in range(10):
    seed.produce("ck-in", value=f"in-{i}", partition=0)
assert seed.flush(10) == 0
GROUP = "ck-ctp"
consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "auto.offset.reset": "earliest",
                     "enable.auto.commit": False, "isolation.level": "read_committed"})
consumer.subscribe(["ck-in"])
inputs = []
deadline = time.time() + 20
while len(inputs) < 10 and time.time() < deadline:
    m = consumer.poll(0.2)
    if m is not None and not m.error():
        inputs.append(m)
assert len(inputs) == 10, f"consumed {len(inputs)} of 10"
# OffsetFetch from another client of the group (read_uncommitted: no require_stable, so it
# answers the last committed offset at once instead of waiting for the open transaction).
checker = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "enable.auto.commit": False,
                    "isolation.level": "read_uncommitted"})


def committed():
    return checker.committed([TopicPartition("ck-in", 0)], 10)[0].offset


ctp = {}
p = tx_producer("ck-ctp-tx")
for name, batch, commit in [("t1", inputs[:5], True), ("t2", inputs[5:], False)]:
    p.begin_transaction()
    for m in batch:
        p.produce("ck-ctp-out", value=m.value().decode().upper(), partition=0)
    p.send_offsets_to_transaction([TopicPartition("ck-in", 0, batch[-1].offset() + 1)], consumer.consumer_group_metadata(), 10)
    p.flush(10)
    before = committed()
    if commit:
        p.commit_transaction(10)
    else:
        p.abort_transaction(10)
    ctp[name] = {"before": before, "after": committed(), "next": batch[-1].offset() + 1}
consumer.close()
checker.close()
sentinels("ck-ctp-out", 1)
ctp["committed"] = read("ck-ctp-out", 1, "read_committed")
report["ctp"] = ctp
progress("consume-transform-produce done")

# 3. fencing: a second producer with the same transactional.id
create("ck-fence", 1)
first = tx_producer("ck-fenced")
first.begin_transaction()
first.produce("ck-fence", value="zombie-1", partition=0)
first.flush(10)
second = tx_producer("ck-fenced")  # InitProducerId bumps the epoch and aborts first's transaction
second.begin_transaction()
second.produce("ck-fence", value="live-1", partition=0)
second.commit_transaction(10)
first.produce("ck-fence", value="zombie-2", partition=0)
fence = {"send": error_of(lambda: first.flush(5)), "commit": error_of(lambda: first.commit_transaction(10))}
sentinels("ck-fence", 1)
fence["committed"] = read("ck-fence", 1, "read_committed")
report["fence"] = fence
progress("fencing done")

# 4. a transaction left open past transaction.timeout.ms
create("ck-timeout", 1)
slow = tx_producer("ck-slow", **{"transaction.timeout.ms": 1500, "socket.timeout.ms": 1500, "message.timeout.ms": 1500})
slow.begin_transaction()
for i in range(3):
    slow.produce("ck-timeout", value=f"open-{i}", partition=0)
slow.flush(10)
sentinels("ck-timeout", 1)
time.sleep(2.5)
timeout = {"commit": error_of(lambda: slow.commit_transaction(10))}
timeout["committed"] = read("ck-timeout", 1, "read_committed")
timeout["uncommitted"] = read("ck-timeout", 1, "read_uncommitted")
too_long = Producer({"bootstrap.servers": BOOTSTRAP, "transactional.id": "ck-too-long", "transaction.timeout.ms": 5000})
timeout["tooLong"] = error_of(lambda: too_long.init_transactions(10))
report["timeout"] = timeout
progress("timeout done")

print(json.dumps(report))
