/**
 * Large state (issue 10, "What it must show" 4): a keyed job counting per key in ValueState on the
 * LMDB backend over KEYS distinct keys (default 5,000,000), at-least-once checkpoints to Kafka
 * (the embedded broker in its own process). Measures, for the job's process:
 *   1. the first run over all keys: time, peak heap and peak RSS;
 *   2. recovery from the local LMDB copy stamped with the last committed checkpoint (after kill -9);
 *   3. recovery from the changelog (after kill -9 and the local files lost).
 * Writes the `## Large state` section of BENCHMARKS.md. Usage:
 * `npm run bench:large-state [-- --keys N --checkpoint-ms MS]`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { kill, spawnSluice, type Child } from '../../test/connectors/kafka-helpers.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';
import { fill } from '../pipeline/measure.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const KEYS = arg('--keys', 5_000_000);
const CHECKPOINT_MS = arg('--checkpoint-ms', 10_000);
const write = !process.argv.includes('--no-write');
const MB = 1024 * 1024;

interface BenchLine {
  bench: string;
  heapUsed: number;
  peakHeap: number;
  rss: number;
  processed: number;
  id?: number;
}

/** The job's JSON report lines and log lines so far. */
function lines(child: Child): { bench: BenchLine[]; logs: Array<Record<string, unknown>> } {
  const bench: BenchLine[] = [];
  const logs: Array<Record<string, unknown>> = [];
  for (const l of child.stderr().split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (typeof o.bench === 'string') bench.push(o as unknown as BenchLine);
      else logs.push(o);
    } catch {
      // a partial line
    }
  }
  return { bench, logs };
}

/** Peak resident set size of a process (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

async function until<T>(what: string, child: Child, check: () => T | undefined, timeoutMs = 3_600_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (child.process.exitCode !== null) throw new Error(`the job exited while waiting for ${what}: ${child.stderr().slice(-3000)}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${child.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const { dir, cleanup } = tempDir('sluice-bench-large-state-');
const { bootstrap, child: broker } = await spawnBrokerProcess(join(dir, 'data'));
const jobId = `large-state-${Date.now()}`;
const stateDir = join(dir, 'lmdb');
const env = { SLUICE_BOOTSTRAP: bootstrap, SLUICE_LOG_LEVEL: 'info', INPUT: 'large-in', JOB_ID: jobId, STATE_DIR: stateDir, CHECKPOINT_MS: String(CHECKPOINT_MS), SLUICE_STATE_DIR: join(dir, 'workers') };
const JOB = ['run', 'benchmarks/state/large-state-job.ts'];
const load: string[] = [];
const sampleLoad = (): void => void load.push(loadavg()[0]!.toFixed(2));
const rows: string[] = [];
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['large-in'], partitions: 4, replicas: 1 });
  await admin.close();
  console.log(`writing ${fmt(KEYS)} records with distinct keys ...`);
  await fill(bootstrap, 'large-in', KEYS);
  sampleLoad();

  // 1. The first run over every key, until a checkpoint covers all of them.
  let started = performance.now();
  let job = spawnSluice(JOB, env);
  const done = await until('a checkpoint after every key', job, () => lines(job).bench.find((b) => b.bench === 'checkpoint' && b.processed >= KEYS));
  const runSeconds = (performance.now() - started) / 1000;
  const reports = lines(job).bench;
  const peakHeap = Math.max(...reports.map((b) => b.peakHeap));
  const rss1 = peakRss(job.process.pid!);
  const progress = reports.filter((b) => b.bench === 'progress');
  console.log(`run: ${fmt(KEYS)} keys in ${runSeconds.toFixed(1)} s; peak heap ${fmt(peakHeap / MB)} MB, peak RSS ${fmt(rss1 / MB)} MB (checkpoint ${done.id})`);
  rows.push(`| first run over ${fmt(KEYS)} keys (until a checkpoint covers all) | ${runSeconds.toFixed(1)} s | ${fmt(peakHeap / MB)} MB | ${fmt(rss1 / MB)} MB | heap at 1/4, 1/2, 3/4, all keys: ${[0.25, 0.5, 0.75, 1].map((f) => progress.find((b) => b.processed >= f * KEYS)).map((b) => (b ? fmt(b.heapUsed / MB) : '?')).join(', ')} MB |`);
  sampleLoad();
  await kill(job, 'SIGKILL'); // right after a completed checkpoint: the local copy carries its stamp

  // 2. and 3. Restarts: from the stamped local copy, then (files deleted) from the changelog.
  for (const source of ['local', 'changelog'] as const) {
    if (source === 'changelog') rmSync(stateDir, { recursive: true, force: true });
    started = performance.now();
    job = spawnSluice(JOB, env);
    const restored = await until(`the restore (${source})`, job, () => lines(job).logs.find((l) => l.operator === 'count' && typeof l.msg === 'string' && l.msg.startsWith('keyed state restored')));
    const running = await until('the job running', job, () => (/sluice: job '.*' started/.test(job.stderr()) ? performance.now() : undefined));
    const first = await until('its first checkpoint', job, () => lines(job).bench.find((b) => b.bench === 'checkpoint'));
    const rss = peakRss(job.process.pid!);
    const wall = (running - started) / 1000;
    if (restored.source !== source) console.log(`expected a restore from ${source}: ${lines(job).logs.filter((l) => String(l.msg).includes('local copy')).map((l) => String(l.msg)).join('; ')}`);
    const records = restored.records === undefined ? '0 read from Kafka' : `${fmt(Number(restored.records))} changelog records`;
    console.log(`restore from ${source} (${restored.source}): ${String(restored.seconds)} s restoring, ${wall.toFixed(1)} s from process start to running; peak heap ${fmt(first.peakHeap / MB)} MB, peak RSS ${fmt(rss / MB)} MB; ${records}`);
    rows.push(`| recovery after kill -9 from the ${source === 'local' ? 'stamped local LMDB copy' : 'changelog (local files deleted)'} | ${String(restored.seconds)} s restoring; ${wall.toFixed(1)} s from process start to running | ${fmt(first.peakHeap / MB)} MB | ${fmt(rss / MB)} MB | source '${String(restored.source)}', ${records} |`);
    sampleLoad();
    await kill(job, 'SIGKILL');
  }
} finally {
  broker.kill('SIGKILL');
  cleanup();
}

const body = `Issue 10: a keyed job (running count per key in \`ValueState\`) on the \`lmdb\` backend over
${fmt(KEYS)} distinct keys, at-least-once checkpoints every ${CHECKPOINT_MS / 1000} s to the embedded broker (own
process); figures of the job's process (\`sluice run\`). Peak heap is sampled every 100 ms inside
the job; peak RSS is the kernel's VmHWM. ${machineLine()}; load average during the run: ${load.join(', ')}.
Reproduce: \`npm run bench:large-state -- --keys ${KEYS}\`.

| phase | time | peak heap | peak RSS | notes |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
console.log(body);
if (write) writeBenchmarkSection('Large state', body);
