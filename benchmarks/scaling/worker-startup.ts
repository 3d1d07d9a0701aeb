/**
 * What a worker costs before it reads a record: the scaling benchmark's job (`scaling-job.ts`,
 * parallelism 4, exchanges through a repartition topic) over an empty topic, with 1 and 2 worker
 * threads, with Node's compile cache on (what `sluice` does) and off
 * (`NODE_DISABLE_COMPILE_CACHE=1`), rounds alternating the order. Reports the median CPU-seconds
 * (user + system of the `sluice run` process, /usr/bin/time) with their range, and the cost of
 * the second worker. Writes the `## Worker start-up` section of BENCHMARKS.md.
 * Usage: `node benchmarks/scaling/worker-startup.ts [--rounds R]`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { machineLine, median, writeBenchmarkSection } from '../bench-report.ts';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 7;
const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));
const JOB = fileURLToPath(new URL('./scaling-job.ts', import.meta.url));

interface Contender {
  name: string;
  workers: number;
  cache: boolean;
}
const contenders: Contender[] = [1, 2].flatMap((workers) => [true, false].map((cache) => ({ name: `${workers} worker${workers > 1 ? 's' : ''}, compile cache ${cache ? 'on' : 'off'}`, workers, cache })));

function cpuOfRun(c: Contender, bootstrap: string, jobId: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_LOG_LEVEL: 'warn', INPUT: 'startup-empty', JOB_ID: jobId, MAX_PARALLELISM: '16' };
  delete env.NODE_COMPILE_CACHE;
  if (c.cache) delete env.NODE_DISABLE_COMPILE_CACHE;
  else env.NODE_DISABLE_COMPILE_CACHE = '1';
  const args = ['-p', '4', ...(c.workers > 1 ? ['--workers', String(c.workers)] : ['--exchanges', 'kafka'])];
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, CLI, '--bootstrap', bootstrap, 'run', JOB, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || m === null) reject(new Error(`${c.name} failed (${code}):\n${err}`));
      else resolve(Number(m[1]) + Number(m[2]));
    });
  });
}

const { dir, cleanup } = tempDir('sluice-bench-startup-');
const { bootstrap, child } = await spawnBrokerProcess(join(dir, 'data'));
const cpu = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
const loads: number[] = [];
try {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({ topics: ['startup-empty'], partitions: 4, replicas: 1 });
  await admin.close();
  // One untimed run fills the compile cache, as any earlier start of `sluice` would have.
  await cpuOfRun(contenders[0]!, bootstrap, 'startup-warm');
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [k, c] of order.entries()) {
      loads.push(loadavg()[0]!);
      const s = await cpuOfRun(c, bootstrap, `startup-r${r}-${k}`);
      cpu.get(c.name)!.push(s);
      console.log(`round ${r + 1}: ${c.name}: ${s.toFixed(2)} CPU-s`);
    }
  }
} finally {
  child.kill('SIGTERM');
  cleanup();
}

const med = (name: string): number => median(cpu.get(name)!);
const lines = contenders.map((c) => {
  const xs = cpu.get(c.name)!;
  return `| ${c.name} | ${med(c.name).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}) |`;
});
const second = (cache: boolean): string => (med(`2 workers, compile cache ${cache ? 'on' : 'off'}`) - med(`1 worker, compile cache ${cache ? 'on' : 'off'}`)).toFixed(2);
const body = [
  `Machine: ${machineLine()}. Load average (1 min) during the runs: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (the machine is shared).`,
  `Command: \`node benchmarks/scaling/worker-startup.ts --rounds ${ROUNDS}\`. The scaling benchmark's job (parallelism 4, keyBy through a repartition topic) over an empty 4-partition topic, run by \`sluice run\` from a clone (TypeScript sources); CPU-seconds are user + system of the whole process (/usr/bin/time). Compile cache off = \`NODE_DISABLE_COMPILE_CACHE=1\`. ${ROUNDS} rounds, order alternating; medians with their range.`,
  '',
  '| contender | CPU-s, median (range) |',
  '|---|---|',
  ...lines,
  '',
  `The second worker thread costs ${second(true)} CPU-s with the compile cache, ${second(false)} CPU-s without.`,
].join('\n');
writeBenchmarkSection('Worker start-up', body);
console.log(body);
