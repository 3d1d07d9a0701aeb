import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';

/** Wall-clock seconds of `fn`. */
export async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function run(cmd: string, args: string[], stdinFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
    const child = spawn(cmd, args, { stdio: [stdin, 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (typeof stdin === 'number') closeSync(stdin);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited ${code}: ${err.slice(-1000)}`));
    });
  });
}

/** librdkafka producer (kcat), one message per line of `file`, acks=1, batches of up to 10,000. */
export function kcatProduce(bootstrap: string, topic: string, file: string): Promise<void> {
  return run(
    'kcat',
    ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=1', '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000',
      '-X', 'queue.buffering.max.messages=2000000', '-X', 'queue.buffering.max.kbytes=2097151'],
    file,
  );
}

/** librdkafka consumer (kcat): reads `count` messages from the beginning. */
export function kcatConsume(bootstrap: string, topic: string, count: number): Promise<void> {
  return run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-c', String(count), '-q', '-f', '%o\n',
    '-X', 'fetch.message.max.bytes=4194304']);
}

/** Creates a topic with @platformatic/kafka's admin client. */
export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Deletes a topic (frees the disk between benchmark rows). */
export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.close();
  }
}

/** Sum of the end offsets of a topic's partitions (to check every message landed). */
export async function endOffsetTotal(bootstrap: string, topic: string): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** @platformatic/kafka producer: batches of 1,000 messages, up to 16 requests in flight, acks=1. */
export async function platformaticProduce(bootstrap: string, topic: string, count: number, payload: Buffer): Promise<void> {
  const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: [bootstrap], acks: 1 });
  try {
    const batch = 1000;
    const inFlight = new Set<Promise<unknown>>();
    for (let sent = 0; sent < count; sent += batch) {
      const messages = Array.from({ length: Math.min(batch, count - sent) }, () => ({ topic, value: payload }));
      const p: Promise<unknown> = producer.send({ messages }).then(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
}

/** @platformatic/kafka consumer: reads `count` messages from the beginning in a group. */
export async function platformaticConsume(bootstrap: string, topic: string, count: number): Promise<void> {
  const consumer = new Consumer({ clientId: 'bench-consumer', groupId: `bench-${topic}-${Date.now()}`, bootstrapBrokers: [bootstrap], maxBytes: 16 * 1024 * 1024 });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 100 });
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', () => {
        if (++n === count) resolve();
      });
      stream.on('error', reject);
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
}
