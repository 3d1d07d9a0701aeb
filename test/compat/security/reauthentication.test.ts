// KIP-368 with a real client: with connections.max.reauth.ms set, kafkajs re-authenticates on its
// open connection before the session ends and keeps producing; nothing is closed for expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startSecuredBroker, USER, PASSWORD } from './secured-broker.ts';
import { capturingLogger } from '../../broker/security/wire-client.ts';

test('kafkajs re-authenticates within connections.max.reauth.ms and its producer keeps working', async () => {
  const captured = capturingLogger();
  const s = await startSecuredBroker({ connectionsMaxReauthMs: 3000, logger: captured.logger });
  try {
    // kafkajs re-authenticates once less than reauthenticationThreshold (default 10 s) is left: keep it
    // below the lifetime, as against Kafka (which also refuses a re-authentication within 1 s of the last).
    const kafka = new Kafka({ brokers: [s.bootstrap('SASL_PLAINTEXT')], logLevel: logLevel.NOTHING, reauthenticationThreshold: 1000, sasl: { mechanism: 'scram-sha-256', username: USER, password: PASSWORD } });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic: 'reauth', messages: [{ value: `m${i}` }] });
      await new Promise((r) => setTimeout(r, 1500)); // 6 s in all: two session lifetimes
    }
    await producer.disconnect();
    assert.deepEqual(captured.lines.filter((l) => /expired/.test(l.reason ?? '')), [], 'no session expired');
    const authenticated = captured.lines.filter((l) => /SASL|authenticat/i.test(JSON.stringify(l)));
    assert.equal(authenticated.filter((l) => /failed/.test(l.reason ?? '')).length, 0);
  } finally {
    await s.stop();
  }
});
