import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, Producer, type Message } from '@platformatic/kafka';
import type { Sink } from '../../src/index.ts';

/** Creates topics (name → partitions). */
export async function createTopics(bootstrap: string, topics: Record<string, number>): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] });
  try {
    for (const [name, partitions] of Object.entries(topics)) await admin.createTopics({ topics: [name], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

export interface TestRecord {
  partition?: number;
  key?: string | Buffer;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  timestamp?: number;
}

/** Writes records (in one request per call) and waits for the acks. */
export async function produce(bootstrap: string, topic: string, records: TestRecord[]): Promise<void> {
  const producer = new Producer({ clientId: 'test-producer', bootstrapBrokers: [bootstrap] });
  try {
    const b = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);
    await producer.send({
      messages: records.map((r) => ({
        topic,
        ...(r.partition !== undefined && { partition: r.partition }),
        ...(r.key !== undefined && { key: b(r.key) }),
        ...(r.value !== null && { value: b(r.value) }),
        ...(r.headers !== undefined && { headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) }),
        ...(r.timestamp !== undefined && { timestamp: BigInt(r.timestamp) }),
      })),
    });
  } finally {
    await producer.close();
  }
}

/** Reads `count` records of a topic from the beginning (fails after `timeoutMs`). */
export async function readTopic(bootstrap: string, topic: string, count: number, timeoutMs = 20_000): Promise<Message[]> {
  const consumer = new Consumer({ clientId: 'test-reader', groupId: `test-reader-${Math.random()}`, bootstrapBrokers: [bootstrap] });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 100 });
  const out: Message[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (count === 0) return resolve();
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${count} records of ${topic} within ${timeoutMs} ms`)), timeoutMs);
      stream.on('data', (m) => {
        out.push(m);
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.on('error', reject);
    });
  } finally {
    await stream.close();
    await consumer.close(true);
  }
  return out;
}

/** Polls until `check` returns true (fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A sink that appends to an array in this process (every subtask into the same array). */
export function arraySink<T>(into: T[], withTimestamps?: Array<number | undefined>): Sink<T> {
  return { createWriter: () => ({ write: (v, ctx) => void (into.push(v), withTimestamps?.push(ctx.timestamp())) }) };
}

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A child process running `node ARGS...` (cwd: the repository), with its output collected. */
export interface Child {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
}
export function spawnNode(args: string[], env: Record<string, string> = {}): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...env };
  delete childEnv.NODE_TEST_CONTEXT; // the child is a program, not a test file
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { process: child, stdout: () => out, stderr: () => err, exited };
}
/** `sluice ARGS...` in a child process. */
export function spawnSluice(args: string[], env: Record<string, string> = {}): Child {
  return spawnNode([CLI, ...args], env);
}
/** Kills a child (SIGKILL unless told) and waits for it. */
export async function kill(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}
