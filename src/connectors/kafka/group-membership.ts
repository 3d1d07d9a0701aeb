import type { Consumer, GroupAssignment } from '@platformatic/kafka';
import type { TopicPartition } from './offsets.ts';

/**
 * A source reader's membership in the job's consumer group (`partitionAssignment: 'group'`): it
 * subscribes to the topics, joins, and hands every assignment the group protocol gives it to
 * `onAssignment`, one at a time. Heartbeats and rejoins after a rebalance are the client's.
 */
export class GroupMembership {
  readonly #consumer: Consumer;
  readonly #onAssignment: (owned: TopicPartition[]) => Promise<void>;
  readonly #onError: (e: unknown) => void;
  #counts = new Map<string, number>();
  #chain: Promise<void> = Promise.resolve();

  constructor(consumer: Consumer, onAssignment: (owned: TopicPartition[]) => Promise<void>, onError: (e: unknown) => void) {
    this.#consumer = consumer;
    this.#onAssignment = onAssignment;
    this.#onError = onError;
    consumer.on('consumer:group:join', (p) => this.#deliver(p.assignments ?? consumer.assignments ?? []));
  }

  /** Subscribes to the topics (name → partition count) and joins; resolves after the first assignment is in place. */
  async join(counts: Map<string, number>): Promise<void> {
    this.#counts = new Map(counts);
    for (const topic of counts.keys()) this.#consumer.topics.track(topic);
    await this.#consumer.joinGroup({});
    await this.#deliver(this.#consumer.assignments ?? []);
  }

  /** New topics or partitions: rejoin, so that the group leader assigns them. */
  async update(counts: Map<string, number>): Promise<void> {
    let changed = false;
    for (const [topic, n] of counts) {
      if (this.#counts.get(topic) !== n) changed = true;
      if (!this.#counts.has(topic)) this.#consumer.topics.track(topic);
    }
    if (!changed) return;
    this.#counts = new Map(counts);
    await this.#consumer.joinGroup({});
  }

  #deliver(assignments: GroupAssignment[]): Promise<void> {
    const owned = assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    this.#chain = this.#chain.then(() => this.#onAssignment(owned)).catch((e: unknown) => this.#onError(e));
    return this.#chain;
  }
}
