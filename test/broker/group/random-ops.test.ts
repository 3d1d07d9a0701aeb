import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as E from '../../../src/broker/group/error-codes.ts';
import { CLIENT, joinRequest, protocol, settled, setup } from './helpers.ts';

type Op =
  | { kind: 'join'; who: number; version: number; meta: number }
  | { kind: 'sync'; who: number }
  | { kind: 'hb'; who: number }
  | { kind: 'leave'; who: number }
  | { kind: 'commit'; who: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'delete' }
  | { kind: 'describe' };

const who = fc.integer({ min: 0, max: 4 });
// Weighted towards joins and syncs so that groups actually get to Stable and rebalance again.
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('join' as const), who, version: fc.constantFrom(0, 3, 4, 5, 9), meta: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sync' as const), who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('hb' as const, 'commit' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'describe' as const) }) },
);

/**
 * Random sequences of client actions (dynamic members 0-2, static members 3-4) against one group:
 * nothing throws, the reported state is consistent, and after close() no request is left hanging.
 */
describe('GroupCoordinator under random client behaviour', () => {
  it('never throws, never reports an inconsistent group, never leaves a request hanging', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 150 }), fc.integer({ min: 0, max: 3000 }), async (ops, delay) => {
        const { coordinator: c, clock } = setup({ initialRebalanceDelayMs: delay });
        const clients = Array.from({ length: 5 }, (_, i) => ({ memberId: '', generation: -1, instance: i >= 3 ? `i${i}` : null }));
        const inflight: Promise<unknown>[] = [];
        let lastGeneration = 0;
        for (const o of ops) {
          if (o.kind === 'advance') {
            clock.advance(o.ms);
            c.tick();
          } else if (o.kind === 'delete') {
            c.deleteGroups({ groupsNames: ['g'] }, 2);
          } else if (o.kind === 'describe') {
            c.listGroups({}, 4);
          } else {
            const cl = clients[o.who]!;
            const base = { groupId: 'g', memberId: cl.memberId, groupInstanceId: cl.instance };
            if (o.kind === 'join') {
              const p = c.joinGroup(joinRequest({ ...base, protocols: [protocol('range', `m${o.meta}`)] }), o.version, CLIENT).then((r) => {
                if (r.errorCode === E.NONE || r.errorCode === E.MEMBER_ID_REQUIRED) cl.memberId = r.memberId;
                if (r.errorCode === E.NONE) cl.generation = r.generationId;
                if (r.errorCode === E.UNKNOWN_MEMBER_ID || r.errorCode === E.FENCED_INSTANCE_ID) cl.memberId = '';
              });
              inflight.push(p);
            } else if (o.kind === 'sync') {
              const assignments = clients.filter((x) => x.memberId).map((x) => ({ memberId: x.memberId, assignment: Buffer.from('a') }));
              inflight.push(c.syncGroup({ ...base, generationId: cl.generation, assignments }, 5));
            } else if (o.kind === 'hb') {
              c.heartbeat({ ...base, generationId: cl.generation }, 4);
            } else if (o.kind === 'leave') {
              c.leaveGroup({ groupId: 'g', members: [{ memberId: cl.memberId, groupInstanceId: cl.instance }] }, 5);
            } else {
              c.offsetCommit({ ...base, generationIdOrMemberEpoch: cl.generation, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] }, 8);
            }
          }
          await new Promise((r) => setImmediate(r));
          const d = c.describeGroups({ groups: ['g'] }, 5).groups[0]!;
          assert.ok(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'].includes(d.groupState));
          if (d.groupState === 'Stable' || d.groupState === 'CompletingRebalance') assert.ok(d.members.length > 0, d.groupState);
          if (d.groupState === 'Stable') assert.equal(d.protocolData, 'range');
          const ids = d.members.map((m) => m.memberId);
          assert.equal(new Set(ids).size, ids.length, 'member ids are unique');
          const instances = d.members.map((m) => m.groupInstanceId).filter((x) => x !== null);
          assert.equal(new Set(instances).size, instances.length, 'one member per instance id');
          for (const cl of clients) if (cl.generation > lastGeneration) lastGeneration = cl.generation;
        }
        c.close();
        for (const p of inflight) assert.notEqual(await settled(p.then(() => true)), undefined, 'a request was left hanging');
      }),
      { numRuns: 200 },
    );
  });
});
