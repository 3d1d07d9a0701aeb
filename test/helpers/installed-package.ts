import { spawn } from 'node:child_process';
import { cpSync, readdirSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as a user gets it: `npm pack` of a copy of the project (prepack builds dist/ with tsc
// and points the exports at it), installed with npm into a new project. Used by the package test
// and the start-up benchmark.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The pinned Node first on PATH: npm, npx and `#!/usr/bin/env node` then run on it, as for a user whose node is recent. */
export const PINNED_NODE_PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with the pinned Node first on PATH and npm's notices off. */
export function runCommand(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: PINNED_NODE_PATH, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extraEnv };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Throws with the command's output unless it exited with 0. */
export function succeeded(r: CommandResult, what: string): CommandResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit code ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * Packs a copy of the project into `work` (prepack rewrites package.json and builds dist/, which
 * must never happen in the working tree that tests import from) and installs the tarball into
 * `work/project`, a copy of `fixtures` (a directory with at least a package.json). `root` is the
 * project to pack (default: this checkout; the start-up benchmark passes an export of another commit).
 */
export async function packAndInstall(work: string, fixtures: string, root: string = ROOT): Promise<{ project: string; tarball: string }> {
  const source = join(work, 'source');
  const project = join(work, 'project');
  for (const entry of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'docs', 'scripts']) {
    cpSync(join(root, entry), join(source, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  succeeded(await runCommand('npm', ['pack', '--pack-destination', work], source), 'npm pack');
  const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (name === undefined) throw new Error(`npm pack made no tarball in ${work}`);
  const tarball = join(work, name);
  cpSync(fixtures, project, { recursive: true });
  // Offline where the npm cache has the dependencies (a machine that ran npm ci), else the registry.
  succeeded(await runCommand('npm', ['install', '--prefer-offline', '--no-save', tarball], project), 'npm install of the tarball');
  return { project, tarball };
}
