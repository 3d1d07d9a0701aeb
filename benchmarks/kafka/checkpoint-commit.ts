/**
 * The cost of one exactly-once checkpoint commit on the Kafka substrate, against the embedded
 * broker in its own process: a changelog batch of N keyed-state changes (128 key-group
 * partitions, compacted), source offsets of 4 partitions sent with the group's metadata (one
 * TxnOffsetCommit), and EndTxn — for N = 0, 1k, 10k, 100k. Median of ROUNDS rounds (the N values
 * alternate within each round), with the range. Writes the `## Kafka substrate: checkpoint commit`
 * section of BENCHMARKS.md.
 * Usage: `npm run bench:checkpoint [-- --rounds 7]`.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ClientSupplier } from '../../src/kafka/client-supplier.ts';
import { ChangelogWriter } from '../../src/kafka/changelog-writer.ts';
import { ChangelogReader } from '../../src/kafka/changelog-reader.ts';
import { InternalTopics } from '../../src/kafka/internal-topics.ts';
import { JobGroupMember } from '../../src/kafka/job-group-member.ts';
import { TransactionalCommitter } from '../../src/kafka/transactional-committer.ts';
import type { ChangelogChange } from '../../src/kafka/changelog-codec.ts';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { median } from '../bench-report.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, writeBenchmarkSection } from '../bench-report.ts';

const arg = process.argv.indexOf('--rounds');
const ROUNDS = arg > 0 ? Number(process.argv[arg + 1]) : 7;
const SIZES = [0, 1_000, 10_000, 100_000];
const MAX_PARALLELISM = 128;
const SOURCE_PARTITIONS = 4;

interface Sample {
  /** CPU ms of this process and of the broker process during the commit. */
  cpu: number;
  total: number;
  changelog: number;
  offsets: number;
  endTxn: number;
  bytes: number;
}

/** A checkpoint's worth of changes: running counts and a window sum per key (value ~40 bytes). */
function changes(n: number, round: number): ChangelogChange[] {
  const out: ChangelogChange[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i % 2 === 0
      ? { state: 'count', key: `user-${i}`, namespace: null, value: round * 1_000_000 + i }
      : { state: 'window-sum', key: `user-${i}`, namespace: { start: round * 10_000, end: (round + 1) * 10_000 }, value: { sum: i * 3, count: i }, ttlTimestamp: 1_700_000_000_000 + i };
  }
  return out;
}

/** CPU time (ms) a process has used so far, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : fmt(x));

async function main(): Promise<void> {
  const { dir, cleanup } = tempDir('sluice-bench-checkpoint-');
  const { bootstrap, child } = await spawnBrokerProcess(dir);
  const clients = new ClientSupplier({
    connection: { bootstrapBrokers: [bootstrap] },
    clientId: 'bench-checkpoint-worker-0',
    producer: { kind: 'transactional', transactionalId: 'bench-checkpoint-0', transactionTimeoutMs: 60_000 },
  });
  try {
    await new InternalTopics(clients.wire('admin')).ensure([
      { name: 'bench-counter-changelog', partitions: MAX_PARALLELISM, configs: { 'cleanup.policy': 'compact' } },
      { name: 'bench-in', partitions: SOURCE_PARTITIONS },
    ]);
    const member = new JobGroupMember(clients, { groupId: 'bench-job', topics: ['bench-in'], worker: { host: hostname(), pid: process.pid, slot: 0 } });
    await member.join();
    const committer = new TransactionalCommitter(clients);
    await committer.init();
    const writer = new ChangelogWriter({ topic: 'bench-counter-changelog', maxParallelism: MAX_PARALLELISM });

    const samples = new Map<number, Sample[]>(SIZES.map((n) => [n, []]));
    // One warm-up checkpoint per size (connections, metadata, JIT), not counted.
    for (let round = -1; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? SIZES : [...SIZES].reverse();
      for (const n of order) {
        const batch = changes(n, round + 2);
        const offsets = Array.from({ length: SOURCE_PARTITIONS }, (_, p) => ({ topic: 'bench-in', partition: p, offset: BigInt((round + 2) * 1000 + p) }));
        const c0 = ownCpuMs() + processCpuMs(child.pid!);
        const t0 = performance.now();
        const written = await writer.write(batch, committer);
        const t1 = performance.now();
        await committer.sendOffsets(offsets, member.groupMetadata(), `checkpoint-${round}`);
        const t2 = performance.now();
        await committer.commit();
        const t3 = performance.now();
        const cpu = ownCpuMs() + processCpuMs(child.pid!) - c0;
        if (round >= 0) samples.get(n)!.push({ cpu, total: t3 - t0, changelog: t1 - t0, offsets: t2 - t1, endTxn: t3 - t2, bytes: written.bytes });
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
    await member.close();

    // Restore: the whole changelog read back read_committed (what a task restart costs).
    const reader = new ChangelogReader(clients.consumer('restore'));
    const restore = await reader.restore('bench-counter-changelog', Array.from({ length: MAX_PARALLELISM }, (_, i) => i), () => {});

    const rows = SIZES.map((n) => {
      const s = samples.get(n)!;
      const totals = s.map((x) => x.total);
      const med = median(totals);
      const perChange = n > 0 ? `${((median(s.map((x) => x.changelog)) * 1000) / n).toFixed(1)} µs` : '—';
      return `| ${fmt(n)} | ${ms(med)} ms (${ms(Math.min(...totals))}–${ms(Math.max(...totals))}) | ${ms(median(s.map((x) => x.cpu)))} ms | ${ms(median(s.map((x) => x.changelog)))} ms | ${ms(median(s.map((x) => x.offsets)))} ms | ${ms(median(s.map((x) => x.endTxn)))} ms | ${perChange} | ${fmt(median(s.map((x) => x.bytes)) / 1024)} KiB |`;
    });
    const body = [
      `Command: \`npm run bench:checkpoint\` (${ROUNDS} rounds; sizes alternate in each round; median with min–max range).`,
      `Machine: ${machineLine()}; load average at the end ${loadavg()[0]!.toFixed(2)}.`,
      '',
      `One exactly-once checkpoint commit through the Kafka substrate (\`src/kafka\`): a \`ChangelogWriter\` batch of N keyed-state changes into a`,
      `${MAX_PARALLELISM}-partition compacted changelog inside the worker's transaction (sent and acknowledged), the offsets of ${SOURCE_PARTITIONS} source partitions`,
      "with the job group's generation and member id (AddOffsetsToTxn + one TxnOffsetCommit), then EndTxn. Embedded broker in its own process,",
      'default flush policy; @platformatic/kafka client in this process.',
      '',
      'Wall times are medians with their range; CPU is client + broker process CPU for the whole commit (robust to other load on the machine; /proc, 10 ms ticks).',
      '',
      '| changes N | commit total (wall) | CPU (client + broker) | changelog write | offsets | EndTxn | changelog per change | changelog bytes |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `Restore of the whole changelog afterwards (\`ChangelogReader\`, all ${MAX_PARALLELISM} key groups, read_committed, not compacted yet): ` +
        `${fmt(restore.records)} records, ${(restore.bytes / 1024 / 1024).toFixed(1)} MiB in ${restore.seconds.toFixed(2)} s = ${fmt(restore.records / restore.seconds)} records/s.`,
    ].join('\n');
    console.log(body);
    writeBenchmarkSection('Kafka substrate: checkpoint commit', body);
  } finally {
    await clients.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    cleanup();
  }
}

await main();
