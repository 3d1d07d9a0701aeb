/**
 * Before/after figures for an engine change: runs engine-only Nexmark queries from this checkout
 * and from another one (e.g. `git worktree add /tmp/base main`, with node_modules), side by
 * side in one run, alternating which goes first, and prints CPU-seconds per million events
 * (median and range over the rounds) — the steady figure on a shared machine.
 *
 *   node benchmarks/nexmark/compare-checkouts.ts --base DIR [--cases q5:lmdb,q11:heap,q11:lmdb]
 *     [--events 1000000] [--rounds 7]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const rounds = Number(flag('--rounds', '7'));

function runJob(checkout: string, query: string, backend: string): Promise<JobResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-compare-'));
  const args = ['--no-warnings', join(checkout, 'benchmarks/nexmark/engine-job.ts'), query, String(events), join(dir, 'state'), ...(backend === 'heap' ? ['heap'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<JobResult>((ok, fail) => {
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code === 0) ok(JSON.parse(out.trim().split('\n').at(-1)!) as JobResult);
      else fail(new Error(`${checkout} ${query} ${backend} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const perM = (r: JobResult): number => (r.cpuSeconds * 1e6) / r.events;
const show = (xs: number[]): string => `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;

console.log(`base ${base}\nthis ${here}\n${events} events per run, ${rounds} rounds, alternating\n`);
const results = new Map<string, { base: number[]; head: number[]; outputs: Set<string> }>();
for (let r = 0; r < rounds; r++) {
  for (const [query, backend] of cases) {
    const id = `${query} ${backend}`;
    const row = results.get(id) ?? { base: [], head: [], outputs: new Set<string>() };
    results.set(id, row);
    const order: Array<['base' | 'head', string]> = r % 2 === 0 ? [['base', base], ['head', here]] : [['head', here], ['base', base]];
    for (const [which, checkout] of order) {
      const res = await runJob(checkout, query, backend);
      row[which].push(perM(res));
      row.outputs.add(`${which}:${res.outputs}`);
      console.log(`round ${r + 1} ${id.padEnd(9)} ${which}: ${perM(res).toFixed(2)} CPU-s per M events (${res.outputs} outputs)`);
    }
  }
}
console.log('\nCPU-seconds per million events, median [range]:');
for (const [id, row] of results) {
  console.log(`  ${id.padEnd(9)}  base ${show(row.base)}  this ${show(row.head)}  ratio ${(median(row.base) / median(row.head)).toFixed(2)}x  outputs ${[...row.outputs].join(' ')}`);
}
