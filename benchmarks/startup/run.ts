/**
 * Start-up of the package as a user installs it: packs the project, installs the tarball into a
 * new project (as test/package does) and times, in rounds that alternate every command with a bare
 * `node -e ''` start, `import('sluice')`, `import('sluice/broker')`, `import('sluice/testing')`,
 * `npx sluice --version` and `node node_modules/.bin/sluice --version` (npx's own cost apart),
 * `sluice topics list|produce|consume`, `groups list|describe` and `users list` against a running broker, `sluice run` of an empty job file
 * and `sluice broker` until it listens. Wall time, and CPU time of the command and what it started.
 * Every command runs, in each round, both from this checkout's package and from the package of
 * another commit ("before", default `main`), each right after its own bare start, so that both see
 * the same machine load. Writes the `## Start-up` section of BENCHMARKS.md.
 *
 *   npm run bench:startup [-- --rounds N] [-- --before REF | --no-before] [-- --verbose]
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnBrokerProcess } from '../../test/helpers/broker.ts';
import { packAndInstall, runCommand, succeeded } from '../../test/helpers/installed-package.ts';
import { tempDir } from '../../test/helpers/tmp-dir.ts';
import { machineLine, writeBenchmarkSection } from '../bench-report.ts';
import { median } from '../bench-report.ts';
import { bareNodeLike, timeStart, type Case, type Sample } from './measure.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg('--rounds', 9);
const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
/** An already installed project (skips packing; for profiling the benchmark itself). */
const PROJECT = flag('--project');
const VERBOSE = process.argv.includes('--verbose');
/** The commit whose package is the "before" column, packed from `git archive` of it. */
const BEFORE_REF = process.argv.includes('--no-before') ? undefined : (flag('--before') ?? 'main');
const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TARGET_MS = 150;
const TOPIC = 'startup-bench';
/** A group with a committed offset, made before the timing, for `groups describe`. */
const GROUP = 'startup-bench-group';

/** Per command: median and range of the wall time, median of (command − the bare start just before it), median CPU. */
interface Figures {
  wall: number;
  min: number;
  max: number;
  beyondBare: number;
  cpu: number;
  /** Median of (command's CPU − the bare start's CPU just before it). */
  cpuBeyondBare: number;
  bareWall: number;
  bareCpu: number;
}
type Side = 'after' | 'before';
const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

function cases(bootstrap: string, dataDir: string): Case[] {
  const sluice = ['node', 'node_modules/.bin/sluice'];
  return [
    { name: "node -e \"import('sluice')\"", argv: ['node', '-e', "await import('sluice')"] },
    { name: "node -e \"import('sluice/broker')\"", argv: ['node', '-e', "await import('sluice/broker')"] },
    { name: "node -e \"import('sluice/testing')\"", argv: ['node', '-e', "await import('sluice/testing')"] },
    { name: 'npx sluice --version', argv: ['npx', 'sluice', '--version'] },
    { name: 'node node_modules/.bin/sluice --version', argv: [...sluice, '--version'] },
    { name: 'sluice topics list', argv: [...sluice, '--bootstrap', bootstrap, 'topics', 'list'] },
    { name: 'sluice produce (one line)', argv: [...sluice, '--bootstrap', bootstrap, 'produce', TOPIC, '--file', 'one-line.txt'] },
    { name: 'sluice consume -n 1', argv: [...sluice, '--bootstrap', bootstrap, 'consume', TOPIC, '--from-beginning', '-n', '1'] },
    { name: 'sluice groups list', argv: [...sluice, '--bootstrap', bootstrap, 'groups', 'list'] },
    { name: 'sluice groups describe', argv: [...sluice, '--bootstrap', bootstrap, 'groups', 'describe', GROUP] },
    { name: 'sluice users list', argv: [...sluice, '--bootstrap', bootstrap, 'users', 'list'] },
    { name: 'sluice run empty-job.mjs', argv: [...sluice, 'run', 'empty-job.mjs'] },
    { name: 'sluice broker (until it listens)', argv: [...sluice, 'broker', '--port', '0', '--data-dir', dataDir], until: /listening on/ },
  ];
}

const loadAtStart = loadavg();
const work = tempDir('sluice-bench-startup-');
const commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no', 'src', 'bin') ? ' + uncommitted changes' : '');
const beforeCommit = BEFORE_REF === undefined ? undefined : git('rev-parse', '--short', BEFORE_REF);
const samples = new Map<string, Array<{ run: Sample; bare: Sample }>>();
const key = (side: Side, name: string): string => `${side} ${name}`;
let names: string[] = [];
try {
  console.log('packing and installing the package ...');
  const projects: Partial<Record<Side, string>> = {};
  projects.after = PROJECT ?? (await packAndInstall(join(work.dir, 'after'), join(HERE, 'project'))).project;
  if (beforeCommit !== undefined) {
    console.log(`packing and installing the package of ${BEFORE_REF} (${beforeCommit}) ...`);
    const source = join(work.dir, 'before-source');
    mkdirSync(source);
    execSync(`git archive ${beforeCommit} | tar -x -C '${source}'`, { cwd: ROOT });
    projects.before = (await packAndInstall(join(work.dir, 'before'), join(HERE, 'project'), source)).project;
  }
  const sides = Object.keys(projects) as Side[];
  const { bootstrap, child: broker } = await spawnBrokerProcess(join(work.dir, 'broker-data'));
  try {
    const sluice = (...args: string[]) => runCommand(process.execPath, ['node_modules/.bin/sluice', '--bootstrap', bootstrap, ...args], projects.after!);
    succeeded(await sluice('topics', 'create', TOPIC, '--partitions', '1'), 'topics create');
    succeeded(await sluice('produce', TOPIC, '--file', 'one-line.txt'), 'produce');
    succeeded(await sluice('consume', TOPIC, '--group', GROUP, '--from-beginning', '-n', '1'), 'consume --group');
    const all = cases(bootstrap, join(work.dir, 'timed-broker-data'));
    names = all.map((c) => c.name);
    for (const c of all) {
      for (const side of sides) {
        samples.set(key(side, c.name), []);
        await timeStart(c, projects[side]!); // warm the file cache; not counted
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order of the commands and of the two packages so that load from elsewhere falls on all alike.
      const order = r % 2 === 0 ? all : [...all].reverse();
      const sideOrder = r % 2 === 0 ? sides : [...sides].reverse();
      for (const c of order) {
        for (const side of sideOrder) {
          const bare = await timeStart(bareNodeLike(c), projects[side]!);
          const run = await timeStart(c, projects[side]!);
          samples.get(key(side, c.name))!.push({ run, bare });
          if (VERBOSE) console.log(`${side} ${c.name}: ${Math.round(run.wallMs)} ms, ${Math.round(run.cpuMs)} ms CPU; bare ${Math.round(bare.wallMs)} ms, ${Math.round(bare.cpuMs)} ms CPU`);
        }
      }
      console.log(`round ${r + 1}/${ROUNDS} done (load average ${loadavg()[0]!.toFixed(1)})`);
    }
  } finally {
    broker.kill('SIGTERM');
    await new Promise((r) => broker.once('exit', r));
  }
} finally {
  work.cleanup();
}

const figuresOf = (xs: Array<{ run: Sample; bare: Sample }>): Figures => {
  const walls = xs.map((x) => x.run.wallMs);
  return {
    wall: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    beyondBare: median(xs.map((x) => x.run.wallMs - x.bare.wallMs)),
    cpu: median(xs.map((x) => x.run.cpuMs)),
    cpuBeyondBare: median(xs.map((x) => x.run.cpuMs - x.bare.cpuMs)),
    bareWall: median(xs.map((x) => x.bare.wallMs)),
    bareCpu: median(xs.map((x) => x.bare.cpuMs)),
  };
};
const figures = new Map<string, Figures>();
for (const [k, xs] of samples) figures.set(k, figuresOf(xs));
const ms = (n: number): string => (Number.isNaN(n) ? 'n/a' : Math.round(n).toString());
for (const name of names) {
  for (const side of ['after', 'before'] as Side[]) {
    const f = figures.get(key(side, name));
    if (f) console.log(`${side.padEnd(6)} ${name.padEnd(42)} wall ${ms(f.wall).padStart(5)} ms (${ms(f.min)}–${ms(f.max)}), beyond bare ${ms(f.beyondBare).padStart(5)} ms, CPU ${ms(f.cpu).padStart(5)} ms`);
  }
}

const startLoad = loadAtStart.map((l) => l.toFixed(1)).join(' ');
const f0 = figures.get(key('after', names[0]!))!;
const rows = names.map((name) => {
  const f = figures.get(key('after', name))!;
  const b = figures.get(key('before', name));
  const mark = f.beyondBare <= TARGET_MS ? '' : ' ✗';
  return `| \`${name}\` | ${ms(f.wall)} | ${ms(f.min)} – ${ms(f.max)} | ${ms(f.beyondBare)}${mark} | ${ms(f.cpu)} | ${ms(f.cpuBeyondBare)} | ${b ? `${ms(b.wall)} (${ms(b.min)} – ${ms(b.max)})` : '–'} | ${b ? ms(b.beyondBare) : '–'} | ${b ? ms(b.cpu) : '–'} | ${b ? ms(b.cpuBeyondBare) : '–'} |`;
});
const npx = figures.get(key('after', 'npx sluice --version'))!.beyondBare - figures.get(key('after', 'node node_modules/.bin/sluice --version'))!.beyondBare;
writeBenchmarkSection(
  'Start-up',
  [
    'The package as a user installs it (`npm pack`, then `npm install` of the tarball into a new project: compiled JavaScript),',
    `timed in ${ROUNDS} rounds in which every command follows a bare Node start made the same way; the order of the commands`,
    `alternates between rounds${beforeCommit ? ', and every command runs from both packages (this one and "before") in each round, in alternating order' : ''}.`,
    'Wall time from spawn to exit (`sluice broker`: to its "listening on" line); "beyond bare" is the',
    "median of each run's difference with the bare start just before it (target: at most 150 ms; on a loaded machine the wall time of",
    'a start is mostly waiting for a core, so the CPU columns are the steadier measure). CPU is user + system time of',
    "the command and of the processes it waited for (bash's `times`; `sluice broker`: from /proc at the listening line, 10 ms",
    'ticks). `topics list`, `produce`, `consume`, `groups` and `users list` talk to an embedded broker running in its own process; `produce` sends one line (from a file);',
    '`groups describe` shows a group with one committed offset; `users list` finds no user.',
    '',
    `- Machine: ${machineLine()}; load average at the start ${startLoad}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (a shared machine: wall times spread, CPU times less)`,
    `- Command: \`npm run bench:startup\` (commit ${commit}${beforeCommit ? `; "before": the package of ${BEFORE_REF} at ${beforeCommit}, packed and installed the same way in the same run` : ''})`,
    `- Bare Node start (\`node -e ''\` through bash): median ${ms(f0.bareWall)} ms wall, ${ms(f0.bareCpu)} ms CPU`,
    '',
    '| command | wall (ms, median) | range | beyond bare Node (ms) | CPU (ms) | CPU beyond bare (ms) | before: wall (range) | before: beyond bare | before: CPU | before: CPU beyond bare |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `npx's own cost (\`npx sluice --version\` minus \`node node_modules/.bin/sluice --version\`, beyond bare): ${ms(npx)} ms.`,
  ].join('\n'),
);
console.log('wrote the Start-up section of BENCHMARKS.md');
