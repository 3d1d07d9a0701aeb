/**
 * Nexmark engine-only with exactly-once checkpoints beside Flink's published per-core figures:
 * runs engine-eo-job.ts for each query with a published Flink figure, in rounds whose query order
 * alternates, against one embedded broker (its own process: the checkpoint storage, its CPU not
 * counted), each run with its own job id and LMDB directory. Prints the Markdown table.
 *
 *   node benchmarks/nexmark/engine-eo-run.ts [--rounds R] [--interval MS] [--queries q0,q7] [--scale X]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { fmt, machineLine, median } from '../bench-report.ts';
import type { JobResult } from './job-result.ts';
import { runJob } from './measure.ts';
import { QUERIES } from './queries/index.ts';

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(flag('--rounds') ?? 5);
const INTERVAL_MS = Number(flag('--interval') ?? 2_000);
const SCALE = Number(flag('--scale') ?? 1);
const only = flag('--queries')?.split(',');
/** Events per run: about 5–10 s of work per query on this machine (the engine-only table's counts, doubled). */
const EVENTS: Record<string, number> = { q0: 8e6, q1: 6e6, q2: 8e6, q3: 3e6, q4: 6e5, q5: 6e5, q7: 4e6, q8: 3e6, q9: 8e5, q11: 1.5e6, q16: 6e5, q20: 1.5e6 };
const queries = QUERIES.filter((q) => q.flinkPerCore !== undefined && (only === undefined || only.includes(q.name)));

const work = tempDir('sluice-bench-nexmark-eo-');
const loadStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const { bootstrap, child: broker } = await spawnBrokerProcess(join(work.dir, 'broker'));
type EoResult = JobResult & { checkpoints: number };
const results = new Map<string, EoResult[]>();
const stamp = Date.now().toString(36);
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? queries : [...queries].reverse();
    for (const q of order) {
      const events = Math.round(EVENTS[q.name]! * SCALE);
      const id = `nexmark-eo-${stamp}-${q.name}-${r}`;
      process.env.SLUICE_JOB_ID = id;
      process.env.SLUICE_STATE_DIR = join(work.dir, 'state', id);
      const result = (await runJob('engine-eo-job.ts', [q.name, String(events), join(work.dir, 'lmdb', id), bootstrap, String(INTERVAL_MS)])) as EoResult;
      results.set(q.name, [...(results.get(q.name) ?? []), result]);
      console.log(`${q.name} round ${r + 1}: ${fmt(result.events / result.cpuSeconds)} events/s per core (${result.seconds.toFixed(1)} s, ${result.checkpoints} checkpoints)`);
    }
  }
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  work.cleanup();
}

const perCore = (r: JobResult): number => r.events / r.cpuSeconds;
console.log(`\n- Machine: ${machineLine()}; load average ${loadStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
console.log(`- Command: \`node benchmarks/nexmark/engine-eo-run.ts --rounds ${ROUNDS} --interval ${INTERVAL_MS}${SCALE !== 1 ? ` --scale ${SCALE}` : ''}${only ? ` --queries ${only.join(',')}` : ''}\``);
console.log('\n| query | what | events per run | checkpoints per run | events/s per core, median (range) | Flink 1.13 per core | Sluice / Flink | target | met? |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
for (const q of queries) {
  const runs = results.get(q.name) ?? [];
  const xs = runs.map(perCore);
  const m = median(xs);
  const ratio = m / q.flinkPerCore!;
  const stateless = ['q0', 'q1', 'q2', 'q7'].includes(q.name);
  const target = stateless ? '≥ 1×' : '≥ 0.5× (within 2×)';
  const met = stateless ? ratio >= 1 : ratio >= 0.5;
  console.log(`| ${q.name} | ${q.title} | ${fmt(Math.round(EVENTS[q.name]! * SCALE))} | ${median(runs.map((r) => r.checkpoints))} | ${fmt(Math.round(m))} (${fmt(Math.round(Math.min(...xs)))} – ${fmt(Math.round(Math.max(...xs)))}) | ${fmt(q.flinkPerCore!)} | ${ratio.toFixed(2)}× | ${target} | ${met ? 'yes' : 'no'} |`);
}
