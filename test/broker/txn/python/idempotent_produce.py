"""Idempotent librdkafka producer for the connection-cut test.

Usage: /usr/bin/python3 idempotent_produce.py BOOTSTRAP TOPIC COUNT
Produces COUNT messages "rd-<i>" in batches of 10 (one Produce request each, flushed one after the
other so that the proxy can count requests) and prints {"delivered": n, "errors": [...]}.
"""
import json
import sys

from confluent_kafka import Producer

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 1,
              "retry.backoff.ms": 100, "reconnect.backoff.ms": 50, "message.timeout.ms": 30000})
delivered, errors = [0], []


def on_delivery(err, msg):
    if err is not None:
        errors.append(err.str())
    else:
        delivered[0] += 1


for start in range(0, count, 10):
    for i in range(start, min(start + 10, count)):
        p.produce(topic, value=f"rd-{i}", partition=i % 2, on_delivery=on_delivery)
    p.flush(30)
p.flush(30)
print(json.dumps({"delivered": delivered[0], "errors": errors}))
