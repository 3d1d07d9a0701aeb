import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from '../../../src/broker/group/error-codes.ts';
import { CLIENT, advanceUntilSettled, joinNew, setup, stableGroup, sync } from './helpers.ts';

describe('GroupCoordinator ListGroups / DescribeGroups / DeleteGroups', () => {
  it('reports each state as the group moves through a rebalance', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const states = () => c.listGroups({ statesFilter: [], typesFilter: [] }, 5).groups.map((g) => `${g.groupId}:${g.groupState}`);
    const describe1 = (id = 'g') => c.describeGroups({ groups: [id], includeAuthorizedOperations: false }, 5).groups[0]!;

    assert.deepEqual(describe1(), {
      errorCode: E.NONE, groupId: 'g', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648,
    });
    assert.deepEqual(describe1(''), {
      errorCode: E.NONE, groupId: '', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648,
    }, 'the empty group id is described like any absent group (Kafka refuses only a null id)');
    const a = await joinNew(c);
    assert.deepEqual(states(), ['g:PreparingRebalance']);
    assert.equal(describe1().members[0]!.memberMetadata.length, 0, 'no metadata before Stable');
    await advanceUntilSettled(c, clock, [a.join]);
    assert.deepEqual(states(), ['g:CompletingRebalance']);
    await sync(c, a.memberId, 1, [[a.memberId, 'assigned']]);
    assert.deepEqual(states(), ['g:Stable']);
    const d = describe1();
    assert.equal(d.protocolType, 'consumer');
    assert.equal(d.protocolData, 'range');
    assert.deepEqual(d.members, [{
      memberId: a.memberId, groupInstanceId: null, clientId: CLIENT.clientId, clientHost: CLIENT.clientHost,
      memberMetadata: Buffer.from('sub'), memberAssignment: Buffer.from('assigned'),
    }]);
    c.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId }] }, 3);
    assert.deepEqual(states(), ['g:Empty']);
    assert.deepEqual(c.deleteGroups({ groupsNames: ['g'] }, 2).results, [{ groupId: 'g', errorCode: E.NONE }]);
    assert.deepEqual(states(), []);
    assert.equal(describe1().groupState, 'Dead');
  });

  it('filters by state (v4) and type (v5), case-insensitively', async () => {
    const { coordinator: c, clock } = setup();
    await stableGroup(c, clock, 1);
    c.offsetCommit({ groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 0n, committedMetadata: null }] }] }, 8);
    const list = (statesFilter: string[], typesFilter: string[] = []) => c.listGroups({ statesFilter, typesFilter }, 5).groups.map((g) => g.groupId).sort();
    assert.deepEqual(list([]), ['g', 'simple']);
    assert.deepEqual(list(['stable']), ['g']);
    assert.deepEqual(list(['Empty']), ['simple']);
    assert.deepEqual(list(['PreparingRebalance']), []);
    assert.deepEqual(list([], ['Classic']), ['g', 'simple']);
    assert.deepEqual(list([], ['consumer']), []);
    const simple = c.listGroups({}, 0).groups.find((g) => g.groupId === 'simple')!;
    assert.equal(simple.protocolType, '', 'a simple group has no protocol type');
    assert.equal(simple.groupType, 'classic');
  });

  it('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and deleted offsets', async () => {
    const { coordinator: c, clock, store } = setup();
    const g = await stableGroup(c, clock, 1);
    c.offsetCommit({ groupId: 's', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: null }] }] }, 8);
    const res = c.deleteGroups({ groupsNames: ['g', 's', 'missing', ''] }, 2).results;
    assert.deepEqual(res.map((r) => r.errorCode), [E.NON_EMPTY_GROUP, E.NONE, E.GROUP_ID_NOT_FOUND, E.GROUP_ID_NOT_FOUND], 'the empty group id is an ordinary (here: absent) group, as in Kafka');
    assert.equal(c.committedOffset('s', 't', 0), undefined);
    assert.equal(c.offsetFetch({ groupId: 's', topics: null }, 7).topics.length, 0);
    assert.deepEqual(store.entries.at(-1), { type: 'group-tombstone', groupId: 's' });
    // A member of the still-alive group is unaffected.
    assert.equal(c.heartbeat({ groupId: 'g', generationId: 1, memberId: g.leader }, 0).errorCode, E.NONE);
  });

  it('describes several groups at once, with authorized operations on request', async () => {
    const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: 1000 });
    const a = await joinNew(c, { groupId: 'one' });
    const b = await joinNew(c, { groupId: 'two' });
    await advanceUntilSettled(c, clock, [a.join, b.join]);
    await sync(c, a.memberId, 1, [], 'one');
    const res = c.describeGroups({ groups: ['one', 'two', 'three'], includeAuthorizedOperations: true }, 5).groups;
    assert.deepEqual(res.map((g) => g.groupId), ['one', 'two', 'three']);
    assert.deepEqual(res.map((g) => g.groupState), ['Stable', 'CompletingRebalance', 'Dead']);
    assert.equal(res[0]!.authorizedOperations, (1 << 3) | (1 << 6) | (1 << 8));
  });
});
