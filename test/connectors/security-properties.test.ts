import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type ConnectionOptions } from 'node:tls';
import { KafkaConfigError, KafkaSink, KafkaSource } from '../../src/index.ts';
import { COMMON_PROPERTIES, connectionOptions, parseProperties, type KafkaProperties } from '../../src/kafka/properties.ts';
import { tlsMaterial, type KeyPair, type TlsMaterial } from '../helpers/tls-material.ts';

const options = async (props: KafkaProperties) => connectionOptions('test', parseProperties('test', props, COMMON_PROPERTIES));

/** Opens a TLS connection with the connector's options to a server presenting `server`; resolves 'ok' or the error code. */
async function handshake(server: KeyPair, tls: Record<string, unknown>, extra: Partial<ConnectionOptions> = {}, requireClientCert?: TlsMaterial): Promise<string> {
  const srv = createServer({ key: server.key, cert: server.cert, ...(requireClientCert && { ca: requireClientCert.ca.cert, requestCert: true, rejectUnauthorized: true }) }, (s) => s.end('hello'));
  srv.on('tlsClientError', () => {});
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    // 'ok' once the server's first bytes arrive: with TLS 1.3 the server checks a client certificate after the client's handshake completed.
    return await new Promise<string>((resolve) => {
      const c = connect({ host: '127.0.0.1', port: (srv.address() as { port: number }).port, ...tls, ...extra });
      c.on('data', () => {
        c.destroy();
        resolve('ok');
      });
      c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      c.on('close', () => resolve('closed'));
    });
  } finally {
    srv.close();
  }
}

test('ssl.endpoint.identification.algorithm=none (or Java\'s empty value) skips the host name check only: the chain is still verified', { timeout: 30_000 }, async () => {
  const tls = tlsMaterial();
  try {
    for (const algorithm of ['none', '']) {
      const o = await options({ 'security.protocol': 'SSL', 'ssl.ca.location': tls.ca.certFile, 'ssl.endpoint.identification.algorithm': algorithm });
      assert.equal(o.tls!.rejectUnauthorized, undefined, 'chain verification stays on');
      assert.equal(await handshake(tls.otherHostServer, o.tls!), 'ok', 'a trusted certificate for another host name is accepted');
      assert.equal(await handshake(tls.rogueServer, o.tls!), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'an untrusted certificate is still refused');
    }
    const strict = await options({ 'security.protocol': 'SSL', 'ssl.ca.location': tls.ca.certFile });
    assert.equal(await handshake(tls.server, strict.tls!), 'ok');
    assert.equal(await handshake(tls.otherHostServer, strict.tls!), 'ERR_TLS_CERT_ALTNAME_INVALID', 'by default (https) the host name is checked');
  } finally {
    tls.cleanup();
  }
});

test('mutual TLS with an encrypted client key: ssl.key.password', { timeout: 30_000 }, async () => {
  const tls = tlsMaterial();
  try {
    const client = tls.client('app', '/CN=app', { passphrase: 'k3y-pass' });
    const o = await options({
      'security.protocol': 'SSL', 'ssl.ca.location': tls.ca.certFile, 'ssl.certificate.location': client.certFile, 'ssl.key.location': client.keyFile, 'ssl.key.password': 'k3y-pass',
    });
    assert.equal(await handshake(tls.server, o.tls!, {}, tls), 'ok');
    const noCert = await options({ 'security.protocol': 'SSL', 'ssl.ca.location': tls.ca.certFile });
    assert.notEqual(await handshake(tls.server, noCert.tls!, {}, tls), 'ok', 'the server requires a client certificate');
  } finally {
    tls.cleanup();
  }
});

test('OAUTHBEARER is refused with a clear typed error when the source or sink is built', () => {
  const props = { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' };
  const check = (err: unknown) => err instanceof KafkaConfigError && err.code === 'SLUICE_KAFKA_CONFIG' && /OAUTHBEARER is not supported/.test(err.message) && /SCRAM-SHA-512/.test(err.message);
  assert.throws(() => new KafkaSource({ bootstrapServers: 'k:9093', topics: ['t'], properties: props }), check);
  assert.throws(() => new KafkaSink({ bootstrapServers: 'k:9093', topic: 't', properties: props }), check);
});

test('SASL settings that cannot work fail when the source or sink is built, not when it connects', () => {
  assert.throws(() => new KafkaSource({ bootstrapServers: 'k:9093', topics: ['t'], properties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512' } }), /needs 'sasl.username' and 'sasl.password'/);
  assert.throws(() => new KafkaSink({ bootstrapServers: 'k:9093', topic: 't', properties: { 'sasl.mechanism': 'PLAIN' } }), /'sasl.mechanism' needs 'security.protocol' SASL_PLAINTEXT or SASL_SSL/);
  assert.throws(() => new KafkaSink({ bootstrapServers: 'k:9093', topic: 't', properties: { 'ssl.endpoint.identification.algorithm': 'http' } }), /'https', 'none', ''/);
  assert.ok(new KafkaSink({
    bootstrapServers: 'k:9093', topic: 't',
    properties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="s3cret";' },
  }));
});

test('SASL credentials reach the client options, from sasl.username/password or a JAAS line', async () => {
  const o = await options({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': 'x required username="app" password="p";' });
  assert.deepEqual(o.sasl, { mechanism: 'SCRAM-SHA-256', username: 'app', password: 'p' });
  assert.equal(o.tls, undefined);
  const plain = await options({ 'security.protocol': 'SASL_SSL', 'sasl.username': 'u', 'sasl.password': 'v' });
  assert.deepEqual(plain.sasl, { mechanism: 'PLAIN', username: 'u', password: 'v' });
  assert.deepEqual(plain.tls, {});
});
