// `sluice groups` on Sluice's own wire client: ListGroups, FindCoordinator, DescribeGroups and
// OffsetFetch against the broker (a live member of another client, a group that only committed
// offsets, a group nobody knows), and against a scripted peer: a coordinator that is still loading
// or has moved is looked up again, both request shapes (FindCoordinator v3 / v4+, OffsetFetch
// v7 / v8+) are read, and an error that is not about the coordinator is not retried.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, encodeConsumerProtocolAssignment } from '@platformatic/kafka';
import { API_TABLE, ApiKey } from '../../../src/protocol/api-keys.ts';
import { ClusterClient } from '../../../src/cli/wire/cluster-client.ts';
import { decodeConsumerAssignment } from '../../../src/cli/wire/consumer-assignment.ts';
import { describeGroup, listGroups } from '../../../src/cli/wire/group-admin.ts';
import { BrokerRequestError } from '../../../src/cli/wire/wire-errors.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { createTopics, waitForStableGroup } from '../fixtures.ts';
import { scriptedBroker, type Script } from './scripted-broker.ts';

const settings = { clientId: 'group-admin-test' };

describe('against the broker', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let consumer: Consumer;
  let cluster: ClusterClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await createTopics(broker.bootstrap, { clicks: 2 });
    consumer = new Consumer({ clientId: 'other-client', groupId: 'live', bootstrapBrokers: [broker.bootstrap], sessionTimeout: 20_000, heartbeatInterval: 500 });
    await consumer.consume({ topics: ['clicks'], mode: 'earliest' });
    await waitForStableGroup(broker.bootstrap, 'live', 1, 60_000);
    cluster = await ClusterClient.connect([broker.bootstrap], settings);
    // A group that only commits offsets (generation -1, no member): what tools that seek do.
    const committed = await (await cluster.any()).request(ApiKey.OffsetCommit, {
      groupId: 'offsets-only',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'clicks', partitions: [{ partitionIndex: 1, committedOffset: 3n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
    });
    assert.equal(committed.topics[0]!.partitions[0]!.errorCode, 0);
  });
  after(async () => {
    cluster?.close();
    await consumer?.close(true).catch(() => {});
    await broker?.stop();
  });

  test('listGroups finds both groups with their state and protocol type', async () => {
    const groups = (await listGroups(cluster)).sort((a, b) => a.groupId.localeCompare(b.groupId));
    assert.deepEqual(groups, [
      { groupId: 'live', state: 'Stable', protocolType: 'consumer' },
      { groupId: 'offsets-only', state: 'Empty', protocolType: '' },
    ]);
  });

  test("describeGroup reads a live member's assignment, committed offsets, and a Dead unknown group", async () => {
    const live = await describeGroup(cluster, 'live');
    assert.equal(live.group.groupState, 'Stable');
    assert.equal(live.group.protocolType, 'consumer');
    assert.equal(live.group.members.length, 1);
    const member = live.group.members[0]!;
    assert.equal(member.clientId, 'other-client');
    assert.deepEqual(decodeConsumerAssignment(member.memberAssignment)?.map((a) => [a.topic, [...a.partitions].sort()]), [['clicks', [0, 1]]]);

    const offsetsOnly = await describeGroup(cluster, 'offsets-only');
    assert.equal(offsetsOnly.group.groupState, 'Empty');
    assert.deepEqual(offsetsOnly.committed, [{ topic: 'clicks', partition: 1, offset: 3n }]);

    const nobody = await describeGroup(cluster, 'nobody');
    assert.equal(nobody.group.groupState, 'Dead');
    assert.deepEqual(nobody.committed, []);
  });
});

const assignment = encodeConsumerProtocolAssignment({ version: 1, assignedPartitions: [{ topic: 'clicks', partitions: [0] }] });
const describedGroup = (errorCode: number) => ({
  groups: [
    {
      errorCode,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/10.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment: assignment }],
      authorizedOperations: -2147483648,
    },
  ],
});
const offsets = [{ name: 'clicks', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }];

for (const [label, caps] of [
  ['newest versions (FindCoordinator v4+, OffsetFetch v8+)', {}],
  ['older versions (FindCoordinator v3, OffsetFetch v7)', { [ApiKey.FindCoordinator]: 3, [ApiKey.OffsetFetch]: 7 }],
] as const) {
  test(`a loading or moved coordinator is looked up again: ${label}`, async () => {
    let peer: Awaited<ReturnType<typeof scriptedBroker>> | undefined;
    const port = () => Number(peer!.address.split(':')[1]);
    const found = (errorCode: number) => {
      const answer = { key: 'g', nodeId: 1, host: '127.0.0.1', port: port(), errorCode, errorMessage: null };
      return { ...answer, coordinators: [answer] };
    };
    const script: Script = {};
    peer = await scriptedBroker(script, caps);
    script[ApiKey.FindCoordinator] = [found(15 /* COORDINATOR_NOT_AVAILABLE */), found(0), found(0)];
    script[ApiKey.DescribeGroups] = [describedGroup(16 /* NOT_COORDINATOR */), describedGroup(0)];
    script[ApiKey.OffsetFetch] = [{ topics: offsets, errorCode: 0, groups: [{ groupId: 'g', topics: offsets, errorCode: 0 }] }];
    const cluster = await ClusterClient.connect([peer.address], settings);
    try {
      const { group, committed } = await describeGroup(cluster, 'g');
      assert.equal(group.members[0]!.clientHost, '/10.0.0.1');
      assert.deepEqual(committed, [{ topic: 'clicks', partition: 0, offset: 7n }]);
      assert.equal(peer.asked.get(ApiKey.FindCoordinator)!.length, 3, 'asked again after COORDINATOR_NOT_AVAILABLE and after NOT_COORDINATOR');
      assert.equal(peer.asked.get(ApiKey.DescribeGroups)!.length, 2);
      const expected = ApiKey.FindCoordinator in caps ? { find: 3, fetch: 7 } : { find: API_TABLE[ApiKey.FindCoordinator]!.maxVersion, fetch: API_TABLE[ApiKey.OffsetFetch]!.maxVersion };
      assert.deepEqual([peer.asked.get(ApiKey.FindCoordinator)![0], peer.asked.get(ApiKey.OffsetFetch)![0]], [expected.find, expected.fetch]);
    } finally {
      cluster.close();
      await peer.close();
    }
  });
}

test('an error that is not about the coordinator fails at once, named', async () => {
  const script: Script = {};
  const peer = await scriptedBroker(script, {});
  const answer = { key: 'g', nodeId: 1, host: '127.0.0.1', port: Number(peer.address.split(':')[1]), errorCode: 0, errorMessage: null };
  script[ApiKey.FindCoordinator] = [{ ...answer, coordinators: [answer] }];
  script[ApiKey.DescribeGroups] = [describedGroup(30 /* GROUP_AUTHORIZATION_FAILED */)];
  const cluster = await ClusterClient.connect([peer.address], settings);
  try {
    await assert.rejects(describeGroup(cluster, 'g'), (e: unknown) => e instanceof BrokerRequestError && e.errorName === 'GROUP_AUTHORIZATION_FAILED' && /DescribeGroups of group "g"/.test(e.message));
    assert.equal(peer.asked.get(ApiKey.DescribeGroups)!.length, 1);
  } finally {
    cluster.close();
    await peer.close();
  }
});
