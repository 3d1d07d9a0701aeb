import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

// Client quotas (KIP-546) through @platformatic/kafka's admin and over the wire: values are set,
// replaced and removed per entity, described with Kafka's filters (exact, default, any; strict or
// not), refused with Kafka's errors, and kept across a restart. They are not enforced.

const { dir, cleanup } = tempDir('sluice-quotas-');
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let admin: Admin;
let client: RawClient;

/** The two admin calls, typed loosely: the library's literal types would need casts at every line. */
interface QuotaAdmin {
  alterClientQuotas(options: object): Promise<Array<{ errorCode: number }>>;
  describeClientQuotas(options: object): Promise<Parameters<typeof shown>[0]>;
}
const quotaAdmin = (): QuotaAdmin => admin as unknown as QuotaAdmin;

const clientId = (name: string | null) => [{ entityType: 'client-id', entityName: name }];
const set = (key: string, value: number) => ({ key, value, remove: false });

async function describe(components: Array<{ entityType: string; matchType: number; match?: string | null }>, strict = false) {
  const r = await client.call(ApiKey.DescribeClientQuotas, 1, { components: components.map((c) => ({ match: null, ...c })), strict });
  return r;
}

/** The described entities as sortable strings, e.g. "user=alice,client-id=<default>: producer_byte_rate=1024". */
function shown(entries: Array<{ entity: Array<{ entityType: string; entityName: string | null }>; values: Array<{ key: string; value: number }> }>): string[] {
  return entries
    .map((e) => `${e.entity.map((c) => `${c.entityType}=${c.entityName ?? '<default>'}`).join(',')}: ${e.values.map((v) => `${v.key}=${v.value}`).sort().join(',')}`)
    .sort();
}

before(async () => {
  broker = await startTestBroker({ dataDir: dir });
  admin = new Admin({ clientId: 'quota-test', bootstrapBrokers: [broker.bootstrap], retries: 0 });
  client = await RawClient.open(broker.port);
});

after(async () => {
  await admin?.close();
  client?.close();
  await broker?.stop();
  cleanup();
});

test('@platformatic/kafka alterClientQuotas and describeClientQuotas: set, describe, replace, remove', async () => {
  const altered = await quotaAdmin().alterClientQuotas({
    entries: [
      { entities: clientId('app-1'), ops: [set('producer_byte_rate', 1024), set('request_percentage', 12.5)] },
      { entities: clientId(null), ops: [set('consumer_byte_rate', 4096)] },
      { entities: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'app-1' }], ops: [set('producer_byte_rate', 2048)] },
      { entities: [{ entityType: 'ip', entityName: '10.0.0.1' }], ops: [set('connection_creation_rate', 5)] },
    ],
  });
  assert.deepEqual(altered.map((e) => e.errorCode), [0, 0, 0, 0]);
  const exact = await quotaAdmin().describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 0, match: 'app-1' }] });
  assert.deepEqual(shown(exact), ['client-id=app-1: producer_byte_rate=1024,request_percentage=12.5', 'user=alice,client-id=app-1: producer_byte_rate=2048']);
  const strict = await quotaAdmin().describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 0, match: 'app-1' }], strict: true });
  assert.deepEqual(shown(strict), ['client-id=app-1: producer_byte_rate=1024,request_percentage=12.5'], 'strict leaves out entities with other types');

  await quotaAdmin().alterClientQuotas({ entries: [{ entities: clientId('app-1'), ops: [set('producer_byte_rate', 999), { key: 'request_percentage', value: 0, remove: true }] }] });
  assert.deepEqual(shown((await describe([{ entityType: 'client-id', matchType: 0, match: 'app-1' }], true)).entries), ['client-id=app-1: producer_byte_rate=999']);
  await quotaAdmin().alterClientQuotas({ entries: [{ entities: clientId('app-1'), ops: [{ key: 'producer_byte_rate', value: 0, remove: true }] }] });
  assert.deepEqual((await describe([{ entityType: 'client-id', matchType: 0, match: 'app-1' }], true)).entries, [], 'an entity without values is gone');
});

test('filters: default name, any name, no components (everything)', async () => {
  assert.deepEqual(shown((await describe([{ entityType: 'client-id', matchType: 1 }])).entries), ['client-id=<default>: consumer_byte_rate=4096']);
  assert.deepEqual(shown((await describe([{ entityType: 'client-id', matchType: 2 }])).entries), ['client-id=<default>: consumer_byte_rate=4096', 'user=alice,client-id=app-1: producer_byte_rate=2048']);
  assert.deepEqual(shown((await describe([{ entityType: 'ip', matchType: 2 }])).entries), ['ip=10.0.0.1: connection_creation_rate=5']);
  assert.equal((await describe([])).entries.length, 3);
});

test('refusals: Kafka error codes per entity, nothing changed; validateOnly changes nothing', async () => {
  const r = await client.call(ApiKey.AlterClientQuotas, 1, {
    validateOnly: false,
    entries: [
      { entity: clientId('x'), ops: [set('no_such_quota', 1)] },
      { entity: clientId('x'), ops: [set('producer_byte_rate', 1.5)] },
      { entity: clientId('x'), ops: [set('producer_byte_rate', -1)] },
      { entity: [{ entityType: 'group', entityName: 'g' }], ops: [set('producer_byte_rate', 1)] },
      { entity: [], ops: [set('producer_byte_rate', 1)] },
      { entity: [{ entityType: 'ip', entityName: '1.2.3.4' }, { entityType: 'user', entityName: 'u' }], ops: [set('connection_creation_rate', 1)] },
      { entity: [{ entityType: 'ip', entityName: 'not an address' }], ops: [set('connection_creation_rate', 1)] },
      { entity: [{ entityType: 'ip', entityName: '1.2.3.4' }], ops: [set('producer_byte_rate', 1)] },
      { entity: clientId('x'), ops: [set('producer_byte_rate', 1), set('producer_byte_rate', 2)] },
      { entity: clientId(''), ops: [set('producer_byte_rate', 1)] },
    ],
  });
  assert.deepEqual(r.entries.map((e: { errorCode: number }) => e.errorCode), Array(10).fill(ErrorCode.INVALID_REQUEST));
  assert.ok(r.entries.every((e: { errorMessage: string | null }) => e.errorMessage && e.errorMessage.length > 0), 'each refusal says why');
  const dry = await client.call(ApiKey.AlterClientQuotas, 0, { validateOnly: true, entries: [{ entity: clientId('dry'), ops: [set('producer_byte_rate', 10)] }] });
  assert.equal(dry.entries[0].errorCode, ErrorCode.NONE);
  assert.deepEqual((await describe([{ entityType: 'client-id', matchType: 0, match: 'x' }])).entries, []);
  assert.deepEqual((await describe([{ entityType: 'client-id', matchType: 0, match: 'dry' }])).entries, []);
});

test('bad filters are top-level errors with null entries', async () => {
  const cases: Array<[object[], number]> = [
    [[{ entityType: 'client-id', matchType: 0, match: null }], ErrorCode.INVALID_REQUEST],
    [[{ entityType: 'client-id', matchType: 1, match: 'x' }], ErrorCode.INVALID_REQUEST],
    [[{ entityType: 'client-id', matchType: 9, match: null }], ErrorCode.INVALID_REQUEST],
    [[{ entityType: 'client-id', matchType: 2, match: null }, { entityType: 'client-id', matchType: 2, match: null }], ErrorCode.INVALID_REQUEST],
    [[{ entityType: 'ip', matchType: 2, match: null }, { entityType: 'user', matchType: 2, match: null }], ErrorCode.INVALID_REQUEST],
    [[{ entityType: 'group', matchType: 2, match: null }], ErrorCode.UNSUPPORTED_VERSION],
  ];
  for (const [components, code] of cases) {
    const r = await client.call(ApiKey.DescribeClientQuotas, 0, { components, strict: false });
    assert.equal(r.errorCode, code, JSON.stringify(components));
    assert.equal(r.entries, null);
    assert.ok(r.errorMessage);
  }
});

test('quotas survive a restart', async () => {
  await admin.close();
  client.close();
  await broker.stop();
  broker = await startTestBroker({ dataDir: dir });
  admin = new Admin({ clientId: 'quota-test', bootstrapBrokers: [broker.bootstrap], retries: 0 });
  client = await RawClient.open(broker.port);
  assert.equal((await describe([])).entries.length, 3);
  assert.deepEqual(shown((await describe([{ entityType: 'user', matchType: 0, match: 'alice' }])).entries), ['user=alice,client-id=app-1: producer_byte_rate=2048']);
});
