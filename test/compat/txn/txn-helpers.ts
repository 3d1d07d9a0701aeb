import { Kafka, logLevel } from 'kafkajs';

// Helpers shared by the transactional compatibility tests. Readers stop at a SENTINEL record
// written (outside any transaction) to every partition after the scenario: once a reader has
// seen it on a partition, it has seen everything before it there, whatever its isolation level
// delivers or skips. No quiet-period timers, so a missing record cannot pass unnoticed.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
export const SENTINEL = '__end__';

export function kafkaAt(bootstrap: string, clientId = 'txn-helper'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

export async function createTopics(bootstrap: string, topics: Array<{ topic: string; numPartitions: number }>): Promise<void> {
  const admin = kafkaAt(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Appends SENTINEL to every partition of `topic` with a plain (non-transactional) producer. */
export async function writeSentinels(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const producer = kafkaAt(bootstrap).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: SENTINEL })) });
  } finally {
    await producer.disconnect();
  }
}

/** Committed offsets of `groupId` on `topic` (OffsetFetch), -1 where none: index = partition. */
export async function committedOffsets(bootstrap: string, groupId: string, topic: string): Promise<number[]> {
  const admin = kafkaAt(bootstrap).admin();
  await admin.connect();
  try {
    const [res] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return res!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

/** Reads `topic` from the beginning with kafkajs until SENTINEL on every partition; values sorted. */
export async function kafkajsRead(bootstrap: string, topic: string, partitions: number, isolation: 'committed' | 'uncommitted'): Promise<string[]> {
  const consumer = kafkaAt(bootstrap).consumer({
    groupId: `read-${topic}-${isolation}-${process.hrtime.bigint()}`,
    readUncommitted: isolation === 'uncommitted',
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  const seen: string[] = [];
  const ended = new Set<number>();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} (${isolation}): sentinels seen on ${ended.size}/${partitions} partitions; got ${seen.length} records`)), 20_000);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const value = message.value!.toString();
            if (value === SENTINEL) ended.add(partition);
            else seen.push(value);
            if (ended.size === partitions) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

/** Every message, code and error name in an error and its causes (clients nest them). */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ['name', 'message', 'code', 'apiId', 'type']) if (o[k] !== undefined) parts.push(String(o[k]));
    walk(o.cause);
    if (Array.isArray(o.errors)) o.errors.forEach(walk);
  };
  walk(err);
  return parts.join(' | ');
}

/** True when an error says the producer was fenced (PRODUCER_FENCED or INVALID_PRODUCER_EPOCH). */
export function isFencing(err: unknown): boolean {
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|ProducerFenced|fenced/i.test(errorText(err));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
