import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PINNED_NODE_PATH } from '../../test/helpers/installed-package.ts';

/** One timed start of a command: wall milliseconds and the CPU milliseconds it (and what it waited for) used. */
export interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** What to start and when it counts as done: at exit, or when stdout matches `until` (then it is stopped). */
export interface Case {
  name: string;
  argv: string[];
  until?: RegExp;
}

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: PINNED_NODE_PATH, npm_config_update_notifier: 'false', SLUICE_LOG_LEVEL: 'warn' };
  delete e.NODE_TEST_CONTEXT;
  delete e.NODE_OPTIONS;
  return e;
};

/**
 * Runs a command to its exit under bash, whose `times` then reports the user+system CPU of the
 * command and of every process it waited for (npx starts npm, which starts node). bash's own start
 * is in every sample, the bare Node start's included, so it cancels out of the differences.
 */
function timeToExit(c: Case, cwd: string): Promise<Sample> {
  const script = '"$@" >/dev/null; s=$?; times >&3; exit $s';
  const started = performance.now();
  // No stdin pipe: a Node started with a pipe as stdin from a background job burns ~0.7 CPU-s before it exits.
  const child = spawn('bash', ['-c', script, 'bash', ...c.argv], { cwd, env: env(), stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let times = '';
  let stderr = '';
  child.stdio[3]!.on('data', (d: Buffer) => (times += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${c.name}: exit code ${code}\n${stderr}`));
      // `times` prints the shell's own user/system times, then its children's: "0m0.084s 0m0.020s".
      const children = times.trim().split('\n').at(-1) ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (secs.length !== 2) return reject(new Error(`${c.name}: cannot read the CPU times from bash's \`times\`: ${JSON.stringify(times)}`));
      resolve({ wallMs, cpuMs: (secs[0]! + secs[1]!) * 1000 });
    });
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a live process from /proc (Linux), in ms; NaN elsewhere. */
function cpuOfLiveProcess(pid: number): number {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return Number.NaN;
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name (in parentheses, may hold spaces): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
}

/**
 * Starts a long-running command directly (no shell) and times it until its stdout matches
 * `c.until`; its CPU then comes from /proc, at the kernel's 10 ms tick. Then stops it with SIGTERM.
 */
function timeToOutput(c: Case, cwd: string): Promise<Sample> {
  const started = performance.now();
  const [command, ...args] = c.argv;
  const child = spawn(command!, args, { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    let sample: Sample | undefined;
    child.once('error', reject);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (sample === undefined && c.until!.test(out)) {
        sample = { wallMs: performance.now() - started, cpuMs: cpuOfLiveProcess(child.pid!) };
        child.kill('SIGTERM');
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', (code) => (sample !== undefined ? resolve(sample) : reject(new Error(`${c.name}: exited with ${code} before ${c.until}:\n${out}`))));
  });
}

/** Times one start of `c` in `cwd`. */
export function timeStart(c: Case, cwd: string): Promise<Sample> {
  return c.until === undefined ? timeToExit(c, cwd) : timeToOutput(c, cwd);
}

/** The bare Node start that `c` is compared with: started the same way (through bash, or directly). */
export function bareNodeLike(c: Case): Case {
  return c.until === undefined ? { name: 'node -e ""', argv: ['node', '-e', ''] } : { name: 'node -e "<print ready, wait>"', argv: ['node', '-e', 'console.log("ready"); setInterval(() => {}, 60_000)'], until: /ready/ };
}

