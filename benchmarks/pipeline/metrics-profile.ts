/**
 * Where the pipeline job's metrics time goes (writes the `## Pipeline: where the metrics time goes`
 * section of BENCHMARKS.md): the Sluice job of `bench:pipeline-metrics`
 * (KafkaSource → map → KafkaSink, its own process) over N messages under `node --cpu-prof`, with
 * metrics on and off, R rounds each (alternating); per profile, the share of the main thread's
 * working time spent in metrics code (benchmarks/metrics/profile-share.ts), and per round the
 * difference on − off (diagnostics_channel runs a little with metrics off too). Functions that V8
 * inlined into their callers count for the caller, and the per-record counting of the edge outputs
 * runs on both sides, so this is what the metrics add beyond counting; the paired CPU-seconds of
 * `bench:pipeline-metrics` are the other view. Profiles sample wall-clock time: on a loaded
 * machine their totals grow, but shares stay comparable.
 *
 *   node benchmarks/pipeline/metrics-profile.ts [--messages 300000] [--rounds 3]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { machineLine, median, writeBenchmarkSection } from '../bench-report.ts';
import { metricsShare, type CpuProfile } from '../metrics/profile-share.ts';
import { endOffsets, fill, startContender, type Contender } from './measure.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--messages', 300_000);
const ROUNDS = arg('--rounds', 3);
const EXIT_ON_SIGTERM = fileURLToPath(new URL('./exit-on-sigterm.ts', import.meta.url));

const { dir, cleanup } = tempDir('sluice-bench-metrics-profile-');
const { bootstrap, child: broker } = await spawnBrokerProcess(join(dir, 'data'));
const loadAtStart = loadavg().map((x) => x.toFixed(1)).join(' ');
const report: string[] = [];
const say = (line: string): void => {
  console.log(line);
  report.push(line);
};
const shares: Record<'on' | 'off', number[]> = { on: [], off: [] };
const top = new Map<string, number>();
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['prof-in', ...Array.from({ length: ROUNDS * 2 }, (_, i) => `prof-out-${i}`)], partitions: 3, replicas: 1 });
  await admin.close();
  await fill(bootstrap, 'prof-in', N);
  const probe = new Consumer({ clientId: 'bench-probe', groupId: 'bench-probe', bootstrapBrokers: [bootstrap] });
  for (let i = 0; i < ROUNDS * 2; i++) {
    const side = (i + Math.floor(i / 2)) % 2 === 0 ? 'on' : 'off'; // on off, off on, on off, ...
    const profDir = join(dir, `prof-${i}`);
    const c: Contender = {
      name: side,
      file: './sluice-job.ts',
      env: { SLUICE_METRICS: side, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profDir} --import=${EXIT_ON_SIGTERM}` },
    };
    const job = startContender(c, bootstrap, 'prof-in', `prof-out-${i}`, `prof-${i}`);
    const exited = new Promise((r) => job.once('exit', r));
    while ((await endOffsets(probe, `prof-out-${i}`)) < N) {
      if (job.exitCode !== null) throw new Error(`the job (metrics ${side}) exited with ${job.exitCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    job.kill('SIGTERM');
    await exited;
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no profile written in ${profDir}`);
    const s = metricsShare(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile);
    shares[side].push(s.metricsUs / s.busyUs);
    if (side === 'on') for (const t of s.top) top.set(t.fn, (top.get(t.fn) ?? 0) + t.us / s.busyUs);
    say(`round ${Math.floor(i / 2) + 1}, metrics ${side}: ${(s.busyUs / 1e6).toFixed(2)} s of main-thread work, ${(s.metricsUs / 1e3).toFixed(1)} ms in metrics code (${((100 * s.metricsUs) / s.busyUs).toFixed(2)} %), ${((100 * s.gcUs) / s.busyUs).toFixed(1)} % in GC`);
  }
  await probe.close();
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  cleanup();
}
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
// node:diagnostics_channel also runs with metrics off (module loading, the client library's untraced checks): the
// difference of the two sides' shares, per round, is what the metrics add.
const added = shares.on.map((x, r) => x - shares.off[r]!);
say(`metrics on − off, per round: median ${pct(median(added))} (${pct(Math.min(...added))} – ${pct(Math.max(...added))}) of main-thread work`);
for (const side of ['on', 'off'] as const) say(`metrics ${side}: share of main-thread work in metrics code, median ${pct(median(shares[side]))} (${pct(Math.min(...shares[side]))} – ${pct(Math.max(...shares[side]))})`);
say('largest with metrics on (mean share over the rounds):');
for (const [fn, share] of [...top].sort((a, b) => b[1] - a[1]).slice(0, 8)) say(`  ${pct(share / ROUNDS)}  ${fn}`);

writeBenchmarkSection(
  'Pipeline: where the metrics time goes',
  [
    'The job of "Pipeline: metrics overhead" under `node --cpu-prof`, metrics on and off alternating; per profile, the share of',
    "the main thread's working time (samples other than `(idle)`) whose function lies in metrics code: src/metrics, the runtime's",
    'binding (task-metrics.ts), the Kafka client watchers (client-error-watch.ts, rebalance-watch.ts), prom-client and',
    "node:diagnostics_channel. Functions V8 inlined count for their caller, and the edge outputs' counting runs on both sides.",
    'Profiles sample wall-clock time, so their totals grow with the machine\'s load; shares stay comparable.',
    '',
    `- ${N.toLocaleString('en-US')} messages, ${ROUNDS} rounds; machine: ${machineLine()}; load average (1, 5, 15 min) ${loadAtStart} at the start, ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`,
    `- Command: \`npm run bench:metrics-profile -- --messages ${N} --rounds ${ROUNDS}\``,
    '',
    '```',
    ...report,
    '```',
  ].join('\n'),
);
