import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerConnection } from '../../src/cli/wire/broker-connection.ts';
import { ApiKey } from '../../src/protocol/api-keys.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { runPythonSuite } from './python-suite.ts';

/**
 * Static group membership (KIP-345) against the embedded broker with librdkafka
 * (confluent-kafka-python, `group.instance.id`): each consumer is its own process, so it can be
 * SIGKILLed like a crashed service and restarted with the same instance id.
 */

const SCRIPT = fileURLToPath(new URL('./python/static_member.py', import.meta.url));
const PARTITIONS = [0, 1, 2, 3];
const WAIT_MS = 90_000;

interface MemberEvent {
  ev: 'started' | 'assign' | 'revoke' | 'lost' | 'msg' | 'error' | 'exit';
  parts?: number[];
  partition?: number;
  value?: string;
  name?: string;
  fatal?: boolean;
  text?: string;
}

/** A librdkafka consumer process and everything it reported. */
class StaticConsumer {
  readonly events: MemberEvent[] = [];
  readonly #changed = new EventEmitter();
  readonly #child: ChildProcess;
  #stderr = '';
  readonly instance: string;

  constructor(bootstrap: string, group: string, topic: string, instance: string, sessionMs: number, extra: Record<string, unknown> = {}) {
    this.instance = instance;
    this.#child = spawn('/usr/bin/python3', [SCRIPT, bootstrap, group, topic, instance, String(sessionMs), JSON.stringify(extra)], { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as MemberEvent);
      this.#changed.emit('event');
    });
    this.#child.stderr!.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    this.#child.once('exit', () => this.#changed.emit('event'));
  }

  /** The partitions it owns: assignments add, revocations and losses remove (eager and cooperative alike). */
  get owned(): number[] {
    const owned = new Set<number>();
    for (const e of this.events) {
      if (e.ev === 'assign') for (const p of e.parts!) owned.add(p);
      if (e.ev === 'revoke' || e.ev === 'lost') for (const p of e.parts!) owned.delete(p);
    }
    return [...owned].sort((a, b) => a - b);
  }

  /** Events from index `from` that change the assignment. */
  rebalancesSince(from: number): MemberEvent[] {
    return this.events.slice(from).filter((e) => e.ev === 'assign' || e.ev === 'revoke' || e.ev === 'lost');
  }

  received(value: string): boolean {
    return this.events.some((e) => e.ev === 'msg' && e.value === value);
  }

  async waitFor(what: string, done: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!done()) {
      if (this.#child.exitCode !== null && !done()) {
        throw new Error(`${this.instance} exited (${this.#child.exitCode}) before ${what}: ${JSON.stringify(this.events.slice(-5))}\n${this.#stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.instance}: timed out waiting for ${what}; events ${JSON.stringify(this.events.slice(-8))}\n${this.#stderr}`);
      await Promise.race([once(this.#changed, 'event'), new Promise((r) => setTimeout(r, Math.min(left, 1000)))]);
    }
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGKILL');
    await exited;
  }
}

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let kafka: Kafka;
let wire: BrokerConnection;
const consumers: StaticConsumer[] = [];

before(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'static-membership', logLevel: logLevel.NOTHING });
  wire = await BrokerConnection.open(broker.bootstrap, { clientId: 'static-membership-admin' });
});
after(async () => {
  await Promise.all(consumers.map((c) => c.kill()));
  wire.close();
  await broker.stop();
});

async function topicFor(name: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: PARTITIONS.length }], waitForLeaders: true });
  await admin.disconnect();
  return name;
}

function member(group: string, topic: string, instance: string, sessionMs: number, extra: Record<string, unknown> = {}): StaticConsumer {
  const c = new StaticConsumer(broker.bootstrap, group, topic, instance, sessionMs, extra);
  consumers.push(c);
  return c;
}

/** Waits until the members own disjoint shares that cover every partition. */
async function settled(members: StaticConsumer[]): Promise<void> {
  const covered = () => {
    const all = members.flatMap((m) => m.owned).sort((a, b) => a - b);
    return members.every((m) => m.owned.length > 0) && JSON.stringify(all) === JSON.stringify(PARTITIONS);
  };
  await members[0]!.waitFor(`the group to cover ${PARTITIONS} with ${members.map((m) => m.instance)}`, covered);
}

/** Produces `<tag>-<p>` to every partition and waits until the owner of each partition got it. */
async function markersReach(topic: string, tag: string, members: StaticConsumer[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: PARTITIONS.map((p) => ({ partition: p, value: `${tag}-${p}` })) });
  await producer.disconnect();
  for (const p of PARTITIONS) {
    const owner = members.find((m) => m.owned.includes(p));
    assert.ok(owner, `partition ${p} has an owner`);
    await owner.waitFor(`marker ${tag}-${p}`, () => owner.received(`${tag}-${p}`));
  }
}

async function describe_(group: string) {
  const r = await wire.request(ApiKey.DescribeGroups, { groups: [group], includeAuthorizedOperations: false });
  return r.groups[0]!;
}

describe('static membership (KIP-345) with librdkafka', () => {
  for (const strategy of ['range', 'cooperative-sticky']) {
    it(`${strategy}: a static member SIGKILLed and restarted within the session keeps its partitions; the other member never rebalances`, async () => {
      const group = `sm-restart-${strategy}`;
      const topic = await topicFor(`sm-restart-${strategy}-t`);
      const assignor = { 'partition.assignment.strategy': strategy };
      const a = member(group, topic, 'i-a', 30_000, assignor);
      const b = member(group, topic, 'i-b', 30_000, assignor);
      await settled([a, b]);
      await markersReach(topic, 'before', [a, b]);

      // Follower (or leader: whichever b is) restarts.
      const aMark = a.events.length;
      const bParts = b.owned;
      await b.kill();
      const b2 = member(group, topic, 'i-b', 30_000, assignor);
      await b2.waitFor('its assignment', () => b2.owned.length > 0);
      assert.deepEqual(b2.owned, bParts, 'the restarted member gets the partitions of the instance it replaces');
      await markersReach(topic, 'after-b', [a, b2]);
      assert.deepEqual(a.rebalancesSince(aMark), [], 'the other member was not rebalanced');

      // Now the other one restarts.
      const b2Mark = b2.events.length;
      const aParts = a.owned;
      await a.kill();
      const a2 = member(group, topic, 'i-a', 30_000, assignor);
      await a2.waitFor('its assignment', () => a2.owned.length > 0);
      assert.deepEqual(a2.owned, aParts);
      await markersReach(topic, 'after-a', [a2, b2]);
      assert.deepEqual(b2.rebalancesSince(b2Mark), [], 'the other member was not rebalanced');

      const d = await describe_(group);
      assert.equal(d.groupState, 'Stable');
      assert.deepEqual(d.members.map((m) => m.groupInstanceId).sort(), ['i-a', 'i-b']);
    });
  }

  it('a second consumer with the same instance id fences the first (fatal FENCED_INSTANCE_ID) and takes its partitions', async () => {
    const group = 'sm-dup';
    const topic = await topicFor('sm-dup-t');
    const a = member(group, topic, 'i-a', 30_000);
    const b = member(group, topic, 'i-b', 30_000);
    await settled([a, b]);
    const aMark = a.events.length;
    const bParts = b.owned;
    const c = member(group, topic, 'i-b', 30_000);
    await c.waitFor('its assignment', () => c.owned.length > 0);
    assert.deepEqual(c.owned, bParts);
    // librdkafka raises it as its fatal error (_FATAL): the consumer must be closed.
    const isFatal = (e: MemberEvent) => e.ev === 'error' && (e.fatal === true || e.name === '_FATAL');
    await b.waitFor('being fenced', () => b.events.some(isFatal));
    const fenced = b.events.find(isFatal)!;
    assert.match(fenced.text!, /fenced|instance/i, 'librdkafka names the fencing');
    await markersReach(topic, 'dup', [a, c]);
    assert.deepEqual(a.rebalancesSince(aMark), [], 'the other member was not rebalanced');
  });

  it('LeaveGroup naming only the instance id (admin removal) frees a dead static member\'s partitions at once', async () => {
    const group = 'sm-leave';
    const topic = await topicFor('sm-leave-t');
    // A session far longer than the test: only the LeaveGroup can free b's partitions.
    const long = { 'max.poll.interval.ms': 900_000 };
    const a = member(group, topic, 'i-a', 600_000, long);
    const b = member(group, topic, 'i-b', 600_000, long);
    await settled([a, b]);
    await b.kill();
    const left = await wire.request(ApiKey.LeaveGroup, { groupId: group, members: [{ memberId: '', groupInstanceId: 'i-b', reason: 'scaled down' }] });
    assert.equal(left.errorCode, 0);
    assert.deepEqual(left.members.map((m) => [m.groupInstanceId, m.errorCode]), [['i-b', 0]]);
    await a.waitFor('every partition', () => JSON.stringify(a.owned) === JSON.stringify(PARTITIONS));
    await markersReach(topic, 'leave', [a]);
    const d = await describe_(group);
    assert.deepEqual(d.members.map((m) => m.groupInstanceId), ['i-a']);
  });

  it('a static member that stays away past its session timeout is removed and the group rebalances', async () => {
    const group = 'sm-expiry';
    const topic = await topicFor('sm-expiry-t');
    const a = member(group, topic, 'i-a', 6_000);
    const b = member(group, topic, 'i-b', 6_000);
    await settled([a, b]);
    await b.kill();
    await a.waitFor('every partition', () => JSON.stringify(a.owned) === JSON.stringify(PARTITIONS));
    await markersReach(topic, 'expiry', [a]);
    const d = await describe_(group);
    assert.deepEqual(d.members.map((m) => m.groupInstanceId), ['i-a']);
  });

  it('KIP-447 offsets of a static member: TxnOffsetCommit with its instance id commits; once another consumer took the id, the old metadata is fenced', async (t) => {
    const r = await runPythonSuite('static_txn_offsets.py', broker.bootstrap);
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.committedByMember, 2);
    const refused = r.zombieSend ?? r.zombieCommit;
    assert.ok(refused, `the fenced member's offsets are refused: ${JSON.stringify(r)}`);
    assert.match(`${refused.name} ${refused.str}`, /FENCED_INSTANCE_ID|fenced/i);
    assert.equal(r.committedAfterZombie, 2, 'nothing of the fenced transaction committed');
    assert.equal(r.committedByNewMember, 3);
  });
});
