/** Running the benchmark's job processes and measuring end-to-end latency through Kafka. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer } from '@platformatic/kafka';
import type { JobResult } from './job-result.ts';

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

/** Starts `node FILE ARGS` (FILE relative to this folder); logs at warn level only. */
export function startProcess(file: string, args: string[], extraNodeArgs: string[] = []): ChildProcess {
  const path = file === 'sluice' ? CLI : fileURLToPath(new URL(file, import.meta.url));
  return spawn(process.execPath, ['--no-warnings', ...extraNodeArgs, path, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
  });
}

/** Runs a process to its end; resolves with its stdout, rejects with its stderr on failure. */
export function runProcess(file: string, args: string[], extraNodeArgs: string[] = []): Promise<string> {
  const child = startProcess(file, args, extraNodeArgs);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${file} ${args.join(' ')} exited with ${code ?? signal}: ${err.slice(-2000)}`))));
  });
}

/** Runs a job process and returns the JobResult it printed last. */
export async function runJob(file: string, args: string[], extraNodeArgs: string[] = []): Promise<JobResult> {
  const out = await runProcess(file, args, extraNodeArgs);
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as JobResult;
}

export async function createTopics(bootstrap: string, names: string[], partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'nexmark-bench-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: names, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/**
 * End-to-end latency of a Sluice query at a fixed rate: the job runs (unbounded) on a fresh
 * input topic; the generator, in its own process, writes `rate` events per second for `seconds`
 * with event time = wall-clock time; a consumer of the output topic takes, for every row, its
 * arrival time minus its Kafka timestamp (the row's event time: a bid's dateTime, a window's last
 * millisecond, a timer's time). Rows of the first second are left out (warm-up).
 */
export async function measureLatency(query: string, bootstrap: string, stateDir: string, rate: number, seconds: number): Promise<Latency> {
  const input = `lat-in-${query}`;
  const output = `lat-out-${query}`;
  await createTopics(bootstrap, [input, output], 3);
  const job = startProcess('./kafka-job.ts', [query, bootstrap, input, output, stateDir, 'unbounded']);
  let jobErr = '';
  job.stderr!.on('data', (d: Buffer) => (jobErr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    job.stdout!.on('data', (d: Buffer) => d.toString().includes('running') && resolve());
    job.once('exit', (code) => reject(new Error(`latency job ${query} exited with ${code}: ${jobErr.slice(-2000)}`)));
  });
  await new Promise((r) => setTimeout(r, 2000)); // the source's consumer joins and starts fetching
  const reader = new Consumer({ clientId: 'nexmark-lat-reader', groupId: `lat-reader-${query}`, bootstrapBrokers: [bootstrap], maxWaitTime: 5 });
  const stream = await reader.consume({ topics: [output], mode: 'earliest' });
  const samples: number[] = [];
  const start = Date.now();
  stream.on('data', (m) => {
    const ts = Number(m.timestamp);
    if (ts >= start + 1000) samples.push(Date.now() - ts);
  });
  try {
    await runProcess('sluice', ['--bootstrap', bootstrap, 'nexmark', 'generate', '--topic', input, '--events', String(rate * seconds), '--rate', String(rate), '--base-time', 'now', '--acks', '1']);
    // Windows and timers fire 4 s (the out-of-orderness) after their time, plus the watermark interval.
    await new Promise((r) => setTimeout(r, 6000));
  } finally {
    const exited = new Promise((r) => job.once('exit', r));
    job.kill('SIGTERM');
    await exited;
    await stream.close();
    await reader.close(true);
  }
  const sorted = samples.sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), samples: sorted.length };
}

