/**
 * Profiles one Nexmark query (`--cpu-prof`) and prints where the time goes: the top functions by
 * self time and the share of each area (engine, state, Kafka client, JSON, GC, ...).
 *
 *   node benchmarks/nexmark/profile.ts QUERY engine|engine-heap|kafka|flow [EVENTS]
 *
 * `kafka` starts the embedded broker in its own process, fills a topic with the generator and
 * profiles the job reading it (as `npm run bench:nexmark` runs it); `flow` the same with the
 * @kafkats/flow version of the query.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { createTopics, runJob, runProcess } from './measure.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [query, mode = 'engine', eventsArg] = process.argv.slice(2) as [string, string, string | undefined];
const { dir, cleanup } = tempDir('sluice-nexmark-profile-');
const profDir = join(dir, 'prof');
const prof = ['--cpu-prof', '--cpu-prof-dir', profDir];
try {
  if (mode === 'kafka' || mode === 'flow') {
    const events = eventsArg ?? '300000';
    const broker = await spawnBrokerProcess(join(dir, 'broker'));
    try {
      await createTopics(broker.bootstrap, ['nexmark', 'out'], 3);
      await runProcess('sluice', ['--bootstrap', broker.bootstrap, 'nexmark', 'generate', '--topic', 'nexmark', '--events', events, '--event-rate', '10000000', '--base-time', 'now', '--acks', '1']);
      const job =
        mode === 'flow'
          ? runJob('./flow/flow-job.ts', [query, broker.bootstrap, 'nexmark', 'out', events], prof)
          : runJob('./kafka-job.ts', [query, broker.bootstrap, 'nexmark', 'out', join(dir, 'state'), 'bounded'], prof);
      console.log(JSON.stringify(await job));
    } finally {
      broker.child.kill('SIGTERM');
    }
  } else {
    const args = [query, eventsArg ?? '2000000', join(dir, 'state'), ...(mode === 'engine-heap' ? ['heap'] : [])];
    console.log(JSON.stringify(await runJob('./engine-job.ts', args, prof)));
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Profile);
} finally {
  cleanup();
}

/** Which part of the system a function belongs to, by its file. */
function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)' || name === '(idle)') return name;
  if (url.includes('/src/state/lmdb') || url.includes('node_modules/lmdb') || url.includes('msgpackr')) return 'LMDB state backend (incl. lmdb, msgpackr)';
  if (url.includes('/src/state/')) return 'keyed state (heap)';
  if (url.includes('/src/runtime/') || url.includes('/src/api/') || url.includes('/src/time/')) return 'engine (runtime, api, time)';
  if (url.includes('/src/connectors/')) return 'Sluice Kafka connector';
  if (url.includes('@platformatic/kafka')) return '@platformatic/kafka';
  if (url.includes('/src/nexmark/')) return 'Nexmark generator / JSON format';
  if (url.includes('/benchmarks/nexmark/')) return 'query functions';
  if (url === '') return name === 'parse' || name === 'stringify' ? `JSON.${name}` : 'V8 built-ins';
  if (url.startsWith('node:')) return `Node (${url.slice(5).split('/')[0]})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) return pkg;
  if (url.includes('/src/')) return `Sluice (${url.replace(/^.*\/src\//, 'src/')})`;
  return `other (${url})`;
}

function summarize(p: Profile): void {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (t === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url.replace(/^.*\/(src|benchmarks|node_modules)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  console.log(`\nself time by area (${(total / 1e6).toFixed(2)} s sampled):`);
  for (const [a, t] of [...byArea].sort((x, y) => y[1] - x[1])) console.log(`  ${pct(t)}  ${a}`);
  console.log('\ntop functions by self time:');
  for (const [f, t] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${pct(t)}  ${f}`);
}
