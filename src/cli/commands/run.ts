import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { cliContext } from '../context.ts';

/** What `import ... from 'sluice'` (and `sluice/testing`, `sluice/broker`) means inside a job file. */
const PACKAGE_ENTRIES: Record<string, string> = {
  sluice: new URL('../../index.ts', import.meta.url).href,
  'sluice/testing': new URL('../../testing/index.ts', import.meta.url).href,
  'sluice/broker': new URL('../../broker/index.ts', import.meta.url).href,
};

let hooked = false;
/** Job files import `sluice` from anywhere (no install next to them): it resolves to this package. */
function resolveSluiceToThisPackage(): void {
  if (hooked) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = PACKAGE_ENTRIES[specifier];
      return url !== undefined ? { url, shortCircuit: true, format: 'module-typescript' } : nextResolve(specifier, context);
    },
  });
}

/**
 * `sluice run JOB.ts [--parallelism N]`: runs a job file written against the Sluice API. The file
 * builds its job and calls `env.execute()` (at top level); the command returns when the job does.
 * `--parallelism` becomes the default parallelism of `StreamExecutionEnvironment.getExecutionEnvironment()`
 * (through SLUICE_PARALLELISM) and the global `--bootstrap` is exported as SLUICE_BOOTSTRAP.
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a Sluice job file (TypeScript or JavaScript; it imports from "sluice" and calls env.execute())')
    .argument('<job>', 'the job file, e.g. examples/upper-case/job.ts')
    .argument('[args...]', 'arguments for the job (its process.argv.slice(2), as with `node JOB.ts args`)')
    .option('-p, --parallelism <n>', 'default parallelism of the job')
    .action(async (job: string, args: string[], opts: { parallelism?: string }, command: Command) => {
      const ctx = cliContext(command);
      if (opts.parallelism !== undefined) {
        const n = Number(opts.parallelism);
        if (!(Number.isInteger(n) && n >= 1 && n <= 1024)) throw new UsageError(`--parallelism must be an integer from 1 to 1024, got "${opts.parallelism}"`);
        process.env.SLUICE_PARALLELISM = String(n);
      }
      process.env.SLUICE_BOOTSTRAP = ctx.bootstrapText;
      const file = resolvePath(job);
      if (!existsSync(file)) throw new UsageError(`no job file at ${file}`);
      resolveSluiceToThisPackage();
      process.argv = [process.argv[0]!, file, ...args];
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        // Offsets are committed only after the sinks flushed (at checkpoints): stopping loses nothing.
        // Cancelling closes the sources (group members leave at once) and the sinks.
        if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143); // a second signal: now
        stopping = true;
        process.stderr.write(`sluice: ${signal}: stopping the job (it resumes from its last checkpoint)\n`);
        void import('../../api/environment.ts')
          .then((m) => m.cancelRunningJobs())
          .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await import(pathToFileURL(file).href);
      } catch (err) {
        if (stopping) return new Promise<never>(() => {}); // exiting with the signal's status
        if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SLUICE_')) throw err;
        throw new CliError(`job ${job} failed`, { cause: err });
      }
      // The job file returned (its execute() resolved): do not wait for idle client sockets.
      process.exit(0);
    });
}
