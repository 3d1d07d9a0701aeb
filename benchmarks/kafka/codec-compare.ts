/**
 * Produce and fetch hot paths, client side: @platformatic/kafka (what the job's KafkaSink and
 * KafkaSource use) against Sluice's own record-batch codec and wire client (src/protocol,
 * src/cli/wire), on the same records. Each measurement runs in a fresh process against one
 * embedded broker (its own process), and counts only that client process's CPU seconds while it
 * produces or fetches; contenders alternate order between rounds. Reports CPU-seconds per million
 * records, median and range.
 *
 *   node benchmarks/kafka/codec-compare.ts [--records N] [--rounds R] [--batch B] [--fetch-only]
 *
 * Fetch has a third contender, "source": what the KafkaSource does since issue 14 (the request and
 * the record batches on Sluice's codec, on @platformatic/kafka's connection).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { machineLine, median } from '../bench-report.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RECORDS = arg('--records', 300_000);
const ROUNDS = arg('--rounds', 7);
const BATCH = arg('--batch', 1000);
const PARTITIONS = 4;
const HERE = fileURLToPath(new URL('.', import.meta.url));

type Contender = 'platformatic' | 'sluice' | 'source';
const FETCH_ONLY = process.argv.includes('--fetch-only');
type Work = 'produce' | 'fetch';

/** One timed run in a child process: CPU seconds of the work only. */
function runChild(work: Work, contender: Contender, bootstrap: string, topic: string): Promise<number> {
  const child = spawn(process.execPath, [join(HERE, 'codec-compare-child.ts'), work, contender, bootstrap, topic, String(RECORDS), String(BATCH), String(PARTITIONS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const m = /cpuSeconds=([\d.]+)/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`${work} ${contender}: exit ${code}: ${out}`));
      resolve(Number(m[1]));
    });
  });
}

const work = tempDir('sluice-bench-codec-');
const loadStart = loadavg()[0]!.toFixed(1);
const { bootstrap, child: broker } = await spawnBrokerProcess(join(work.dir, 'broker'));
const cpu = new Map<string, number[]>();
const add = (k: string, v: number) => cpu.set(k, [...(cpu.get(k) ?? []), v]);
try {
  // The topic both fetchers read: filled once, by the Sluice producer (the bytes on disk are the same batches either way).
  await runChild('produce', 'sluice', bootstrap, 'fetch-source');
  const contenders: Contender[] = ['platformatic', 'sluice'];
  const fetchers: Contender[] = ['platformatic', 'sluice', 'source'];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    if (!FETCH_ONLY) for (const c of order) add(`produce ${c}`, await runChild('produce', c, bootstrap, `produce-${c}-${r}`));
    for (const c of r % 2 === 0 ? fetchers : [...fetchers].reverse()) add(`fetch ${c}`, await runChild('fetch', c, bootstrap, 'fetch-source'));
    console.log(`round ${r + 1}/${ROUNDS} (load ${loadavg()[0]!.toFixed(1)})`);
  }
} finally {
  broker.kill('SIGTERM');
  await new Promise((r) => broker.once('exit', r));
  work.cleanup();
}

const perMillion = (k: string): number[] => cpu.get(k)!.map((s) => (s / RECORDS) * 1e6);
const show = (xs: number[]): string => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)} – ${Math.max(...xs).toFixed(2)})`;
console.log(`\nMachine: ${machineLine()}; load ${loadStart} at the start, ${loadavg()[0]!.toFixed(1)} at the end`);
console.log(`Command: node benchmarks/kafka/codec-compare.ts --records ${RECORDS} --rounds ${ROUNDS} --batch ${BATCH}${FETCH_ONLY ? " --fetch-only" : ""}`);
console.log('| path | @platformatic/kafka CPU-s per M records | Sluice codec CPU-s per M records | ratio (median of rounds) |');
console.log('| --- | ---: | ---: | ---: |');
for (const w of FETCH_ONLY ? (['fetch'] as const) : (['produce', 'fetch'] as const)) {
  const p = perMillion(`${w} platformatic`);
  const s = perMillion(`${w} sluice`);
  const ratios = p.map((x, i) => x / s[i]!);
  console.log(`| ${w} | ${show(p)} | ${show(s)} | ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)} – ${Math.max(...ratios).toFixed(2)}) |`);
}
const source = perMillion('fetch source');
const before = perMillion('fetch platformatic');
const gains = before.map((x, i) => x / source[i]!);
console.log(`| fetch, the KafkaSource's path (codec on the library's connection) | ${show(before)} | ${show(source)} | ${median(gains).toFixed(2)}× (${Math.min(...gains).toFixed(2)} – ${Math.max(...gains).toFixed(2)}) |`);
