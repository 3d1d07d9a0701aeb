"""The KafkaError a librdkafka call raised, as the JSON the compat tests assert on."""
from confluent_kafka import KafkaException


def error_of(fn):
    """Runs fn; returns None or a description of the KafkaError it raised."""
    try:
        fn()
        return None
    except KafkaException as e:
        err = e.args[0]
        return {"name": err.name(), "fatal": err.fatal(), "abortable": err.txn_requires_abort(), "str": err.str()}
