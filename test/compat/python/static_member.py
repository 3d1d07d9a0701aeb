"""One librdkafka (confluent-kafka) consumer of a static group member (KIP-345) for
test/compat/static-membership.test.ts: subscribes, then prints one JSON line per event
(assign, revoke, lost, message, error) on stdout until it is killed or hits a fatal error.

usage: static_member.py BOOTSTRAP GROUP TOPIC INSTANCE_ID SESSION_TIMEOUT_MS [EXTRA_CONFIG_JSON]
"""
import json
import sys

from confluent_kafka import Consumer

bootstrap, group, topic, instance, session_ms = sys.argv[1:6]


def emit(event, **fields):
    sys.stdout.write(json.dumps({"ev": event, **fields}) + "\n")
    sys.stdout.flush()


def on_error(err):
    emit("error", code=err.code(), name=err.name(), fatal=err.fatal(), text=err.str())


consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "group.instance.id": instance,
    "session.timeout.ms": int(session_ms),
    "heartbeat.interval.ms": 500,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "error_cb": on_error,
    **(json.loads(sys.argv[6]) if len(sys.argv) > 6 else {}),
})


def parts(partitions):
    return sorted(p.partition for p in partitions)


consumer.subscribe(
    [topic],
    on_assign=lambda c, ps: emit("assign", parts=parts(ps)),
    on_revoke=lambda c, ps: emit("revoke", parts=parts(ps)),
    on_lost=lambda c, ps: emit("lost", parts=parts(ps)),
)
emit("started")
while True:
    msg = consumer.poll(0.2)
    if msg is None:
        continue
    err = msg.error()
    if err is not None:
        on_error(err)
        if err.fatal():
            emit("exit", reason="fatal")
            sys.exit(3)
        continue
    emit("msg", partition=msg.partition(), value=msg.value().decode())
