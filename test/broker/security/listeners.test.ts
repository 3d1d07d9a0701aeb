import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advertisedEndpoints, parseListeners, parseProtocolMap, unauthenticatedExposureWarning } from '../../../src/broker/security/listeners.ts';
import { SecurityError } from '../../../src/broker/security/errors.ts';

const configError = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof SecurityError && e.code === 'SLUICE_SECURITY_CONFIG' && re.test(e.message));

test('listeners: several kinds at once, names upper-cased, any interface, IPv6', () => {
  assert.deepEqual(parseListeners('plaintext://127.0.0.1:9092, SASL_SSL://:9093,SSL://[::1]:9094'), [
    { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: 9092 },
    { name: 'SASL_SSL', protocol: 'SASL_SSL', host: '', port: 9093 },
    { name: 'SSL', protocol: 'SSL', host: '::1', port: 9094 },
  ]);
  const map = parseProtocolMap('INTERNAL:PLAINTEXT, external:sasl_ssl');
  assert.deepEqual(parseListeners('INTERNAL://127.0.0.1:0,EXTERNAL://0.0.0.0:0', map).map((l) => [l.name, l.protocol]), [['INTERNAL', 'PLAINTEXT'], ['EXTERNAL', 'SASL_SSL']]);
});

test('listeners: Kafka\'s rules as typed errors', () => {
  configError(() => parseListeners('PLAINTEXT://localhost'), /is not NAME:\/\/host:port/);
  configError(() => parseListeners('INTERNAL://localhost:9092'), /'INTERNAL' has no security protocol/);
  configError(() => parseListeners('PLAINTEXT://a:9092,plaintext://b:9093'), /different name/);
  configError(() => parseListeners('PLAINTEXT://a:9092,SSL://b:9092'), /different port/);
  configError(() => parseListeners('PLAINTEXT://[zz]:9092'), /not NAME|not an IPv6/);
  configError(() => parseProtocolMap('INTERNAL:TLS'), /NAME:PROTOCOL/);
  configError(() => parseListeners(''), /no listener/);
});

test('advertised listeners: defaults to the bind address, names must exist, 0.0.0.0 cannot be advertised', () => {
  const map = parseProtocolMap(undefined);
  const listeners = parseListeners('PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093', map);
  assert.deepEqual([...advertisedEndpoints(listeners, undefined, map, 'broker-1.internal').values()].map((l) => `${l.name} ${l.host}:${l.port}`), ['PLAINTEXT 127.0.0.1:9092', 'SASL_SSL broker-1.internal:9093']);
  const adv = advertisedEndpoints(listeners, 'SASL_SSL://kafka.example.com:443', map, 'x');
  assert.equal(adv.get('SASL_SSL')!.host, 'kafka.example.com');
  assert.equal(adv.get('SASL_SSL')!.port, 443);
  assert.equal(adv.get('PLAINTEXT')!.host, '127.0.0.1');
  configError(() => advertisedEndpoints(listeners, 'SSL://h:1', map, 'x'), /'SSL' is not one of the listeners/);
  configError(() => advertisedEndpoints(listeners, 'SASL_SSL://0.0.0.0:9093', map, 'x'), /non-routable/);
});

test('the start-up warning: reachable from other machines and authenticating nobody', () => {
  const l = (text: string) => parseListeners(text);
  assert.equal(unauthenticatedExposureWarning(l('PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093'), 'none'), null);
  assert.equal(unauthenticatedExposureWarning(l('SSL://0.0.0.0:9093'), 'required'), null);
  assert.match(unauthenticatedExposureWarning(l('PLAINTEXT://0.0.0.0:9092'), 'none')!, /^listener PLAINTEXT:\/\/0\.0\.0\.0:9092 accepts connections from other machines without authentication/);
  assert.match(unauthenticatedExposureWarning(l('PLAINTEXT://:9092,SSL://10.1.2.3:9093'), 'requested')!, /listeners PLAINTEXT:\/\/\*:9092, SSL:\/\/10\.1\.2\.3:9093 accept/);
});
