"""Reads a topic from the beginning with librdkafka until a sentinel on every partition.

Usage: /usr/bin/python3 read_topic.py BOOTSTRAP TOPIC PARTITIONS read_committed|read_uncommitted
Prints a JSON list of the values read (sentinels excluded), sorted. librdkafka sorts the aborted
transactions of a fetch itself (as the Java client does), so it judges the broker's read_committed
answers (last stable offset, aborted index) without the shortcuts some JavaScript clients take.
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException

bootstrap, topic, partitions, isolation = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
SENTINEL = "__end__"
c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"r-{uuid.uuid4()}", "auto.offset.reset": "earliest",
              "enable.auto.commit": False, "isolation.level": isolation, "fetch.wait.max.ms": 100})
c.subscribe([topic])
seen, ended = [], set()
deadline = time.time() + 25
while len(ended) < partitions:
    if time.time() > deadline:
        raise SystemExit(f"{topic} {isolation}: sentinels on {len(ended)}/{partitions}, got {len(seen)}")
    m = c.poll(0.2)
    if m is None:
        continue
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            continue
        raise KafkaException(m.error())
    v = m.value().decode()
    if v == "__end__":
        ended.add(m.partition())
    else:
        seen.append(v)
c.close()
print(json.dumps(sorted(seen)))
