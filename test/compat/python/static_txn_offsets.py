"""KIP-447 offsets of a static member (KIP-345) through librdkafka (confluent-kafka-python), for
test/compat/static-membership.test.ts: a transactional producer sends a static consumer's
offsets with its group metadata (TxnOffsetCommit v3+ carries group.instance.id); once another
consumer took over the instance id, the old metadata is fenced and nothing of it commits.
Prints one JSON report line.

usage: static_txn_offsets.py BOOTSTRAP
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka_error_report import error_of

BOOTSTRAP = sys.argv[1]
TOPIC, GROUP = "sm-txn-in", "sm-txn"
report = {}

admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
admin.create_topics([NewTopic(TOPIC, 1, 1)])[TOPIC].result(10)
seed = Producer({"bootstrap.servers": BOOTSTRAP})
for i in range(4):
    seed.produce(TOPIC, value=f"in-{i}", partition=0)
assert seed.flush(10) == 0


def static_consumer():
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "group.instance.id": "i-1", "session.timeout.ms": 30000,
                  "heartbeat.interval.ms": 500, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "isolation.level": "read_committed", "error_cb": lambda e: None})
    c.subscribe([TOPIC])
    return c


def poll_until(c, cond, what, timeout=30):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        c.poll(0.2)


first = static_consumer()
poll_until(first, lambda: len(first.assignment()) == 1, "the first consumer's assignment")
old_metadata = first.consumer_group_metadata()

producer = Producer({"bootstrap.servers": BOOTSTRAP, "transactional.id": "sm-txn-tx", "transaction.timeout.ms": 10000})
producer.init_transactions(10)
producer.begin_transaction()
producer.send_offsets_to_transaction([TopicPartition(TOPIC, 0, 2)], old_metadata, 10)
producer.commit_transaction(10)

checker = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "enable.auto.commit": False})
report["committedByMember"] = checker.committed([TopicPartition(TOPIC, 0)], 10)[0].offset

# Another process takes over the instance id: the first member id is fenced.
second = static_consumer()
poll_until(second, lambda: len(second.assignment()) == 1, "the second consumer's assignment")
producer.begin_transaction()
report["zombieSend"] = error_of(lambda: producer.send_offsets_to_transaction([TopicPartition(TOPIC, 0, 4)], old_metadata, 10))
report["zombieCommit"] = error_of(lambda: producer.commit_transaction(10))
if report["zombieSend"] is not None or report["zombieCommit"] is not None:
    error_of(lambda: producer.abort_transaction(10))
report["committedAfterZombie"] = checker.committed([TopicPartition(TOPIC, 0)], 10)[0].offset

# The new member's metadata commits.
producer.begin_transaction()
producer.send_offsets_to_transaction([TopicPartition(TOPIC, 0, 3)], second.consumer_group_metadata(), 10)
producer.commit_transaction(10)
report["committedByNewMember"] = checker.committed([TopicPartition(TOPIC, 0)], 10)[0].offset
for c in (checker, second):
    c.close()
print(json.dumps(report))
