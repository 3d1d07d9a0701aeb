"""Produce, consume in a group, and (confluent-kafka) a transaction against a secured broker.

Usage: secured_clients.py '<json>' where json has client ('confluent' | 'kafka-python'),
bootstrap, topic, group, and security: {protocol, mechanism?, username?, password?, ca?, cert?, key?}.
Prints one JSON line: {"produced": n, "consumed": n, "transactional": n | null} or {"error": "..."}.
"""
import json
import sys
import time

args = json.loads(sys.argv[1])
sec = args['security']
N = 20


def confluent():
    from confluent_kafka import Consumer, KafkaException, Producer
    conf = {'bootstrap.servers': args['bootstrap'], 'security.protocol': sec['protocol']}
    if 'mechanism' in sec:
        conf.update({'sasl.mechanisms': sec['mechanism'], 'sasl.username': sec['username'], 'sasl.password': sec['password']})
    if 'ca' in sec:
        conf['ssl.ca.location'] = sec['ca']
    if 'cert' in sec:
        conf.update({'ssl.certificate.location': sec['cert'], 'ssl.key.location': sec['key']})
    errors = []
    p = Producer({**conf, 'enable.idempotence': True, 'error_cb': lambda e: errors.append(str(e))})
    delivered = []
    for i in range(N):
        p.produce(args['topic'], value=f'v{i}'.encode(), on_delivery=lambda err, msg: delivered.append(err))
    deadline = time.time() + 30
    while len(delivered) < N and time.time() < deadline and not any('Authentication' in e or 'SASL' in e for e in errors):
        p.poll(0.2)
    if len([d for d in delivered if d is None]) < N:
        return {'error': '; '.join(errors) or str([str(d) for d in delivered if d is not None][:1]) or 'not delivered'}
    t = Producer({**conf, 'transactional.id': args['group'] + '-txn'})
    t.init_transactions(30)
    t.begin_transaction()
    for i in range(5):
        t.produce(args['topic'], value=f't{i}'.encode())
    t.commit_transaction(30)
    c = Consumer({**conf, 'group.id': args['group'], 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
    c.subscribe([args['topic']])
    got = 0
    deadline = time.time() + 40
    while got < N + 5 and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            got += 1
    c.commit(asynchronous=False)
    c.close()
    return {'produced': N, 'consumed': got, 'transactional': 5}


def kafka_python():
    from kafka import KafkaConsumer, KafkaProducer
    conf = {'bootstrap_servers': args['bootstrap'], 'security_protocol': sec['protocol']}
    if 'mechanism' in sec:
        conf.update({'sasl_mechanism': sec['mechanism'], 'sasl_plain_username': sec['username'], 'sasl_plain_password': sec['password']})
    if 'ca' in sec:
        conf.update({'ssl_cafile': sec['ca'], 'ssl_check_hostname': True})
    if 'cert' in sec:
        conf.update({'ssl_certfile': sec['cert'], 'ssl_keyfile': sec['key']})
    try:
        p = KafkaProducer(**conf, acks='all')
    except Exception as e:  # noqa: BLE001 - report whatever the client raised
        return {'error': f'{type(e).__name__}: {e}'}
    for i in range(N):
        p.send(args['topic'], f'v{i}'.encode()).get(timeout=30)
    p.close()
    c = KafkaConsumer(args['topic'], **conf, group_id=args['group'], auto_offset_reset='earliest', consumer_timeout_ms=15000)
    got = 0
    for _ in c:
        got += 1
        if got >= N:
            break
    c.commit()
    c.close()
    return {'produced': N, 'consumed': got, 'transactional': None}


try:
    result = confluent() if args['client'] == 'confluent' else kafka_python()
except Exception as e:  # noqa: BLE001
    result = {'error': f'{type(e).__name__}: {e}'}
print(json.dumps(result), flush=True)
