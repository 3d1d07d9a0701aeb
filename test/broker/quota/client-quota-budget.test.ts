import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientQuotaError, ClientQuotaStore, MAX_CLIENT_QUOTA_ENTITIES } from '../../../src/broker/quota/client-quotas.ts';

// The number of client quota entities is a budget: a client cannot make the broker keep (and
// rewrite on every alteration) an unbounded file. Entities already kept can still be changed.

const clientId = (name: string) => [{ entityType: 'client-id', entityName: name }];
const set = (value: number) => [{ key: 'producer_byte_rate', value, remove: false }];

test('a new entity beyond the budget is refused with INVALID_REQUEST; existing ones can still change or go', () => {
  assert.equal(MAX_CLIENT_QUOTA_ENTITIES, 10_000);
  const store = new ClientQuotaStore(null, 3);
  for (const name of ['a', 'b', 'c']) store.alter(clientId(name), set(1), false);
  assert.throws(() => store.alter(clientId('d'), set(1), false), (err: unknown) => err instanceof ClientQuotaError && err.kafkaError === 'INVALID_REQUEST' && /at most 3/.test(err.message));
  assert.throws(() => store.alter(clientId('d'), set(1), true), ClientQuotaError, 'validateOnly answers as the real alteration would');
  store.alter(clientId('a'), set(2), false);
  store.alter(clientId('b'), [{ key: 'producer_byte_rate', value: 0, remove: true }], false);
  store.alter(clientId('d'), set(1), false);
  const names = store.describe([], false).map((e) => `${e.entity[0]?.entityName}=${e.values[0]?.value}`).sort();
  assert.deepEqual(names, ['a=2', 'c=1', 'd=1']);
});
