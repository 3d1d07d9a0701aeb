import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// FindCoordinator key types: 0 group and 1 transactional id are coordinated by this broker;
// Kafka refuses any other type (2, share groups, when they are off; unknown types) with
// INVALID_REQUEST rather than naming a coordinator.

const NODE_ID = 1; // the default node id
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
});

after(async () => {
  client?.close();
  await broker?.stop();
});

test('group and transaction keys name this broker (v1 and v4)', async () => {
  for (const keyType of [0, 1]) {
    const v1 = await client.call(ApiKey.FindCoordinator, 1, { key: 'k', keyType });
    assert.deepEqual([v1.errorCode, v1.nodeId, v1.port], [ErrorCode.NONE, NODE_ID, broker.port]);
    const v4 = await client.call(ApiKey.FindCoordinator, 4, { keyType, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(v4.coordinators.map((c: any) => [c.key, c.errorCode, c.nodeId]), [['a', ErrorCode.NONE, NODE_ID], ['b', ErrorCode.NONE, NODE_ID]]);
  }
});

test('other key types are INVALID_REQUEST, with no coordinator', async () => {
  for (const keyType of [2, 5, -1]) {
    const v1 = await client.call(ApiKey.FindCoordinator, 1, { key: 'k', keyType });
    assert.deepEqual([v1.errorCode, v1.nodeId], [ErrorCode.INVALID_REQUEST, -1], `v1 key type ${keyType}`);
    assert.ok(v1.errorMessage);
    const v4 = await client.call(ApiKey.FindCoordinator, 4, { keyType, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(v4.coordinators.map((c: any) => [c.key, c.errorCode, c.nodeId]), [['a', ErrorCode.INVALID_REQUEST, -1], ['b', ErrorCode.INVALID_REQUEST, -1]], `v4 key type ${keyType}`);
  }
});
