"""Drives librdkafka (confluent-kafka-python) through every API it uses, for the fuzz corpus.

Usage: /usr/bin/python3 capture_librdkafka.py BOOTSTRAP
"""
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

B = sys.argv[1]
admin = AdminClient({"bootstrap.servers": B})
for f in admin.create_topics([NewTopic("rd-a", num_partitions=2, replication_factor=1, config={"retention.ms": "3600000"})]).values():
    f.result(10)
for f in admin.create_partitions([NewPartitions("rd-a", 3)]).values():
    f.result(10)
for f in admin.describe_configs([ConfigResource("topic", "rd-a"), ConfigResource("broker", "1")]).values():
    f.result(10)
for f in admin.alter_configs([ConfigResource("topic", "rd-a", set_config={"retention.ms": "7200000"})]).values():
    f.result(10)
admin.list_groups(timeout=10)
admin.list_topics(timeout=10)

p = Producer({"bootstrap.servers": B, "enable.idempotence": True, "compression.type": "lz4", "linger.ms": 5})
for i in range(200):
    p.produce("rd-a", key=f"k{i % 13}", value=f"v{i}")
p.flush(30)

tp = Producer({"bootstrap.servers": B, "transactional.id": "rd-txn", "linger.ms": 5})
tp.init_transactions(10)
c = Consumer({"bootstrap.servers": B, "group.id": "rd-g", "auto.offset.reset": "earliest", "enable.auto.commit": False})
c.subscribe(["rd-a"])
got = 0
deadline = time.time() + 30
while got < 50 and time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and not m.error():
        got += 1
tp.begin_transaction()
tp.produce("rd-a", key="t", value="in-txn")
tp.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 10)
tp.commit_transaction(10)
c.commit(asynchronous=False)
c.committed([TopicPartition("rd-a", 0)], timeout=10)
c.offsets_for_times([TopicPartition("rd-a", 0, int(time.time() * 1000) - 60_000)], timeout=10)
c.get_watermark_offsets(TopicPartition("rd-a", 0), timeout=10)
c.close()

rc = Consumer({"bootstrap.servers": B, "group.id": "rd-rc", "isolation.level": "read_committed", "auto.offset.reset": "earliest"})
rc.assign([TopicPartition("rd-a", 1, 0)])
rc.poll(1.0)
rc.close()

for f in admin.delete_topics(["rd-a"]).values():
    f.result(10)
print("done")
