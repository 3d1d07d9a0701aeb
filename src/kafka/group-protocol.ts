import { kafkaClientLibrary } from './client-library.ts';

/** A topic partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What a worker tells the group about itself (subscription user data, JSON). */
export interface WorkerInfo {
  readonly host: string;
  readonly pid: number;
  readonly slot: number;
  /** Anything else a task assignor needs (e.g. the tasks it owned, for stickiness). */
  readonly [extra: string]: unknown;
}

/** One member as the leader sees it in JoinGroup. */
export interface MemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  readonly worker: WorkerInfo | undefined;
  readonly ownedPartitions: readonly TopicPartition[];
}

/** What one member is given: partitions (what Kafka tools show) plus assignor-specific data. */
export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData?: Buffer;
}

/** The protocol type of the job group: Kafka's consumer protocol, so kafka-consumer-groups and `sluice groups` describe it. */
export const PROTOCOL_TYPE = 'consumer';
/** The assignor name every Sluice worker offers. */
export const ASSIGNOR_NAME = 'sluice';

const USER_DATA_VERSION = 1;

export function encodeSubscription(topics: readonly string[], worker: WorkerInfo, owned: readonly TopicPartition[]): Buffer {
  return kafkaClientLibrary().encodeConsumerProtocolSubscription({
    version: 1,
    topics: [...topics],
    userData: Buffer.from(JSON.stringify({ v: USER_DATA_VERSION, ...worker })),
    ownedPartitions: groupByTopic(owned),
  });
}

/** Decodes a member's subscription; user data that is not Sluice's leaves `worker` undefined. */
export function decodeSubscription(memberId: string, groupInstanceId: string | null, metadata: Buffer): MemberSubscription {
  const s = kafkaClientLibrary().decodeConsumerProtocolSubscription(metadata);
  let worker: WorkerInfo | undefined;
  try {
    const parsed = JSON.parse(s.userData?.toString('utf8') ?? '') as Record<string, unknown>;
    if (parsed !== null && typeof parsed === 'object' && typeof parsed.pid === 'number') {
      const { v: _v, ...rest } = parsed;
      worker = rest as unknown as WorkerInfo;
    }
  } catch {
    worker = undefined;
  }
  return { memberId, groupInstanceId, topics: s.topics, worker, ownedPartitions: flatten(s.ownedPartitions) };
}

export function encodeAssignment(a: MemberAssignment): Buffer {
  return kafkaClientLibrary().encodeConsumerProtocolAssignment({ version: 1, assignedPartitions: groupByTopic(a.partitions), userData: a.userData ?? null });
}

export function decodeAssignment(buf: Buffer): MemberAssignment {
  const a = kafkaClientLibrary().decodeConsumerProtocolAssignment(buf);
  return { partitions: flatten(a.assignedPartitions), ...(a.userData.length > 0 && { userData: a.userData }) };
}

function groupByTopic(tps: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const m = new Map<string, number[]>();
  for (const { topic, partition } of tps) (m.get(topic) ?? m.set(topic, []).get(topic)!).push(partition);
  return [...m].map(([topic, partitions]) => ({ topic, partitions }));
}

function flatten(assignments: ReadonlyArray<{ topic: string; partitions: number[] }>): TopicPartition[] {
  return assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
}
