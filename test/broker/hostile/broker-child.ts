import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

// A broker in its own process, watched from outside as an operator would: its RSS and open file
// descriptors read from /proc, its warn lines collected, and a normal client that must still
// produce and consume after each hostile scenario.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const CLI = fileURLToPath(new URL('../../../bin/sluice.js', import.meta.url));
const MIB = 1024 * 1024;

export interface LogLine {
  level: number;
  msg: string;
  limit?: string;
  [key: string]: unknown;
}

export interface BrokerChild {
  readonly bootstrap: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every JSON log line so far (warn and above, as SLUICE_LOG_LEVEL=warn). */
  lines(): LogLine[];
  /** Warn lines naming `limit`. */
  warnings(limit: string): LogLine[];
  /** Waits (up to 10 s) until at least `n` warn lines name `limit`, then returns them all. */
  waitForWarnings(limit: string, n?: number): Promise<LogLine[]>;
  /** Output that is not a log line (the CLI's own messages). */
  text(): string;
  rssBytes(): number;
  openFds(): number;
  /** Stops with SIGTERM (clean) or SIGKILL; resolves with the exit code/signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `sluice broker` (or another entry script) on a free port, with its output captured. */
export async function startBrokerChild(dataDir: string, args: string[] = [], entry: string[] = [CLI, 'broker']): Promise<BrokerChild> {
  const child = spawn(process.execPath, [...entry, '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', NODE_TEST_CONTEXT: '' },
  });
  const lines: LogLine[] = [];
  let text = '';
  let partial = '';
  const onOutput = (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const p of parts) {
      if (p.startsWith('{')) {
        try {
          lines.push(JSON.parse(p) as LogLine);
          continue;
        } catch {
          // not JSON after all
        }
      }
      text += `${p}\n`;
    }
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start within 60 s: ${text}`)), 60_000);
    const check = () => {
      const m = /listening on (\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code}: ${text}`));
    });
  });
  return {
    bootstrap,
    port: Number(bootstrap.split(':').pop()),
    child,
    lines: () => lines,
    warnings: (limit) => lines.filter((l) => l.level === 40 && l.limit === limit),
    waitForWarnings: async (limit, n = 1) => {
      const matching = () => lines.filter((l) => l.level === 40 && l.limit === limit);
      for (let waited = 0; matching().length < n && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      // A little more time for a line that should not come.
      await new Promise((r) => setTimeout(r, 200));
      return matching();
    },
    text: () => text,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    openFds: () => readdirSync(`/proc/${child.pid}/fd`).length,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

let normalRuns = 0;

/**
 * A normal kafkajs client produces 50 keyed messages to a fresh topic and reads them back in a
 * group; fails unless all of it is done within 10 s (generous, so a loaded machine passes).
 */
export async function normalClientRoundTrip(bootstrap: string, label: string): Promise<void> {
  const topic = `normal-${process.pid}-${++normalRuns}`;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'normal', logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 100 });
  let timer: NodeJS.Timeout | undefined;
  const seen = new Set<string>();
  const work = (async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` })) });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
          if (seen.size === 50) resolve();
        },
      });
    });
  })();
  try {
    await Promise.race([
      work,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: a normal client could not produce and consume 50 messages within 10 s (consumed ${seen.size})`)), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {});
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
  assert.equal(seen.size, 50, label);
}

/** Budgets a hostile-client broker runs with (small, so the RSS bound means something). */
export const BUDGETS = {
  socketRequestMaxBytes: 16 * MIB,
  queuedMaxRequestBytes: 48 * MIB,
  fetchMaxBytes: 8 * MIB,
  maxConnections: 200,
} as const;

export const BUDGET_ARGS = [
  '--socket-request-max-bytes', String(BUDGETS.socketRequestMaxBytes),
  '--queued-max-request-bytes', String(BUDGETS.queuedMaxRequestBytes),
  '--fetch-max-bytes', String(BUDGETS.fetchMaxBytes),
  '--max-connections', String(BUDGETS.maxConnections),
  '--max-connections-per-ip', String(BUDGETS.maxConnections),
];

/**
 * The most RSS the documented budgets allow above the broker's own baseline: every request byte
 * the pool admits, a 256 KiB read piece plus the 1 MiB response backlog per connection, and
 * 96 MiB for the garbage collector's and allocator's slack.
 */
export function rssBound(baseline: number, connections: number): number {
  return baseline + BUDGETS.queuedMaxRequestBytes + connections * 1.25 * MIB + 96 * MIB;
}

/** Open descriptors a broker may hold: the segment-file cache, the connections, and ~64 of its own. */
export function fdBound(maxOpenSegmentFiles: number, connections: number): number {
  return maxOpenSegmentFiles + connections + 64;
}
