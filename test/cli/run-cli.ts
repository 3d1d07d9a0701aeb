import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Sets SLUICE_BOOTSTRAP for the child (omit to leave it unset). */
  bootstrap?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

function childEnv(options: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.NODE_TEST_CONTEXT;
  if (options.bootstrap === undefined) delete env.SLUICE_BOOTSTRAP;
  else env.SLUICE_BOOTSTRAP = options.bootstrap;
  return env;
}

/** Starts `sluice ARGS` as a child process. */
export function spawnCli(args: string[], options: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: childEnv(options), stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Runs `sluice ARGS` to completion. `timeoutMs` (default 120 s) only stops a command that hangs;
 * it is no measure of speed: a loaded machine may take many seconds to start a process.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawnCli(args, options);
  return collect(child, started, options);
}

/** Waits for a spawned CLI to exit and returns its output. */
export function collect(child: ChildProcess, started = Date.now(), options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Resolves once the child's stdout contains `text`. */
export function waitForOutput(child: ChildProcess, text: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" in output within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
