/**
 * Before/after figures for an engine change: runs engine-only Nexmark queries (and, with the
 * case `engine`, the `bench:engine` workloads) from this checkout and from another one (e.g.
 * `git worktree add /tmp/base main`, with node_modules), side by side in one run, alternating
 * which goes first, and prints CPU-seconds per million events (median and range over the
 * rounds) — the steady figure on a shared machine.
 *
 *   node benchmarks/nexmark/compare-checkouts.ts --base DIR [--cases q5:lmdb,q11:heap,q11:lmdb,engine]
 *     [--events 1000000] [--engine-events 2000000] [--rounds 7]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../bench-report.ts';
import type { JobResult } from './job-result.ts';

const argv = process.argv.slice(2);
const flag = (name: string, fallback?: string): string => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const base = resolve(flag('--base'));
const here = fileURLToPath(new URL('../..', import.meta.url));
const cases = flag('--cases', 'q5:lmdb,q11:heap,q11:lmdb').split(',').map((c) => c.split(':') as [string, 'heap' | 'lmdb']);
const events = Number(flag('--events', '1000000'));
const engineEvents = flag('--engine-events', '2000000');
const rounds = Number(flag('--rounds', '7'));

/** Runs `node ARGS` to its end and returns its last stdout line. */
function runNode(args: string[], what: string): Promise<string> {
  const child = spawn(process.execPath, ['--no-warnings', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<string>((ok, fail) => {
    child.once('exit', (code) => (code === 0 ? ok(out.trim().split('\n').at(-1)!) : fail(new Error(`${what} exited with ${code}: ${err.slice(-2000)}`))));
  });
}

/** CPU-s per M events and output count of one case from one checkout: `[name, figure, outputs]` rows. */
async function measure(checkout: string, query: string, backend: string | undefined): Promise<Array<[string, number, string]>> {
  if (query === 'engine') {
    const line = await runNode([join(here, 'benchmarks/engine/cpu-workloads.ts'), checkout, engineEvents], `${checkout} engine workloads`);
    return Object.entries(JSON.parse(line) as Record<string, number>).map(([name, perM]) => [`engine ${name}`, perM, '']);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-compare-'));
  try {
    const args = [join(checkout, 'benchmarks/nexmark/engine-job.ts'), query, String(events), join(dir, 'state'), ...(backend === 'heap' ? ['heap'] : [])];
    const r = JSON.parse(await runNode(args, `${checkout} ${query} ${backend}`)) as JobResult;
    return [[`${query} ${backend}`, (r.cpuSeconds * 1e6) / r.events, String(r.outputs)]];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const show = (xs: number[]): string => `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;

console.log(`base ${base}\nthis ${here}\n${events} events per run, ${rounds} rounds, alternating\n`);
const results = new Map<string, { base: number[]; head: number[]; outputs: Set<string> }>();
for (let r = 0; r < rounds; r++) {
  for (const [query, backend] of cases) {
    const order: Array<['base' | 'head', string]> = r % 2 === 0 ? [['base', base], ['head', here]] : [['head', here], ['base', base]];
    for (const [which, checkout] of order) {
      for (const [id, perM, outputs] of await measure(checkout, query, backend)) {
        const row = results.get(id) ?? { base: [], head: [], outputs: new Set<string>() };
        results.set(id, row);
        row[which].push(perM);
        if (outputs !== '') row.outputs.add(`${which}:${outputs}`);
        console.log(`round ${r + 1} ${id.padEnd(24)} ${which}: ${perM.toFixed(2)} CPU-s per M events${outputs === '' ? '' : ` (${outputs} outputs)`}`);
      }
    }
  }
}
console.log('\nCPU-seconds per million events, median [range]:');
for (const [id, row] of results) {
  console.log(`  ${id.padEnd(24)}  base ${show(row.base)}  this ${show(row.head)}  ratio ${(median(row.base) / median(row.head)).toFixed(2)}x  ${row.outputs.size > 0 ? `outputs ${[...row.outputs].join(' ')}` : ''}`);
}
