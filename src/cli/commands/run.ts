import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { drainStdio, exitWhenDrained } from '../exit.ts';
import { errorLine } from '../format-error.ts';
import { addDashboardOptions, startDashboardFromFlag, type DashboardFlag } from '../dashboard-flag.ts';

// This file runs as TypeScript in a clone and as bundled JavaScript from an installed package:
// `sluice` inside a job file means the same build as the command itself. The package resolves its
// own name (a self-reference through its exports), wherever the bundle put this code.
const OWN_FORMAT = import.meta.url.endsWith('.ts') ? 'module-typescript' : 'module';
/** What `import ... from 'sluice'` (and `sluice/testing`, `sluice/broker`) means inside a job file. */
const PACKAGE_ENTRIES: Record<string, string> = {
  sluice: import.meta.resolve('sluice'),
  'sluice/testing': import.meta.resolve('sluice/testing'),
  'sluice/broker': import.meta.resolve('sluice/broker'),
};

let hooked = false;
/** Job files import `sluice` from anywhere (no install next to them): it resolves to this package. */
function resolveSluiceToThisPackage(): void {
  if (hooked) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = PACKAGE_ENTRIES[specifier];
      return url !== undefined ? { url, shortCircuit: true, format: OWN_FORMAT } : nextResolve(specifier, context);
    },
  });
}

const cancelJobs = (): Promise<unknown> => import('../../api/environment.ts').then((m) => m.cancelRunningJobs());

/**
 * `sluice run JOB.ts [--parallelism N] [--job-id ID] [--state-dir DIR]`: runs a job file written against the Sluice API. The file
 * builds its job and calls `env.execute()` (at top level); the command returns when the job does.
 * `--parallelism` becomes the default parallelism of `StreamExecutionEnvironment.getExecutionEnvironment()`
 * (through SLUICE_PARALLELISM) and the global `--bootstrap` is exported as SLUICE_BOOTSTRAP.
 * stdout belongs to the job; the command's own lines (job started, summary, errors) go to stderr.
 * Every way out waits until what the job printed has drained, however slow the reader.
 */
export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a Sluice job file (TypeScript or JavaScript; it imports from "sluice" and calls env.execute())')
    .argument('<job>', 'the job file, e.g. examples/upper-case/job.ts')
    .argument('[args...]', 'arguments for the job (its process.argv.slice(2), as with `node JOB.ts args`)')
    .option('-p, --parallelism <n>', 'default parallelism of the job')
    .option('--job-id <id>', "the job's id: its internal topics, consumer group and transactional ids (default: the name given to execute())")
    .option('--state-dir <dir>', 'local state of the job (worker slots); default ./.sluice/state')
    .option('-s, --from-savepoint <path>', 'start from this savepoint (the path `sluice savepoint` printed); replaces the job id\'s checkpoints')
    .option('--allow-non-restored-state', 'with --from-savepoint: drop savepoint state of operator uids the job no longer has, instead of refusing to start')
    .option('--workers <n>', 'run N workers of the job in this process (worker threads; exchanges through Kafka repartition topics)')
    .option('--standby-replicas <n>', 'distributed jobs: keep warm copies of each unit\'s keyed state on N other workers, so a moved unit restores only the changelog tail (default 0)')
    .option('--exchanges <where>', "'kafka': exchanges between stages through Kafka repartition topics (distributed mode, what several workers need); default 'local'")
    .option('--no-progress', 'no progress line for bounded jobs on stderr (shown only when stderr is a terminal)');
  addDashboardOptions(command).action(
    async (
      job: string,
      args: string[],
      opts: { parallelism?: string; jobId?: string; stateDir?: string; fromSavepoint?: string; allowNonRestoredState?: boolean; workers?: string; exchanges?: string; standbyReplicas?: string; progress: boolean; dashboard?: DashboardFlag; dashboardToken?: string },
      command: Command,
    ) => {
      const ctx = cliContext(command);
      if (opts.parallelism !== undefined) {
        const n = Number(opts.parallelism);
        if (!(Number.isInteger(n) && n >= 1 && n <= 1024)) throw new UsageError(`--parallelism must be an integer from 1 to 1024, got "${opts.parallelism}"`);
        process.env.SLUICE_PARALLELISM = String(n);
      }
      if (opts.jobId !== undefined) {
        if (!/^[a-zA-Z0-9._-]{1,200}$/.test(opts.jobId)) throw new UsageError(`--job-id must be letters, digits, '.', '_' or '-', got "${opts.jobId}"`);
        process.env.SLUICE_JOB_ID = opts.jobId;
      }
      if (opts.stateDir !== undefined) process.env.SLUICE_STATE_DIR = resolvePath(opts.stateDir);
      if (opts.allowNonRestoredState === true && opts.fromSavepoint === undefined) throw new UsageError('--allow-non-restored-state needs --from-savepoint');
      if (opts.fromSavepoint !== undefined) process.env.SLUICE_FROM_SAVEPOINT = resolvePath(opts.fromSavepoint);
      if (opts.allowNonRestoredState === true) process.env.SLUICE_ALLOW_NON_RESTORED_STATE = 'true';
      if (opts.exchanges !== undefined) {
        if (opts.exchanges !== 'kafka' && opts.exchanges !== 'local') throw new UsageError(`--exchanges must be 'kafka' or 'local', got "${opts.exchanges}"`);
        process.env.SLUICE_EXCHANGES = opts.exchanges;
      }
      if (opts.standbyReplicas !== undefined) {
        const n = Number(opts.standbyReplicas);
        if (!(opts.standbyReplicas.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 16)) throw new UsageError(`--standby-replicas must be an integer from 0 to 16, got "${opts.standbyReplicas}"`);
        process.env.SLUICE_STANDBY_REPLICAS = String(n);
      }
      if (opts.workers !== undefined) {
        const n = Number(opts.workers);
        if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new UsageError(`--workers must be an integer from 1 to 64, got "${opts.workers}"`);
        if (n > 1) {
          const code = await (await import('../run/worker-threads.ts')).runWorkerThreads(n, (line) => void process.stderr.write(`sluice: ${line}\n`));
          await drainStdio();
          process.exit(code);
        }
      }
      process.env.SLUICE_BOOTSTRAP = ctx.bootstrapText;
      const file = resolvePath(job);
      if (!existsSync(file)) throw new UsageError(`no job file at ${file}`);
      resolveSluiceToThisPackage();
      process.argv = [process.argv[0]!, file, ...args];
      const say = (line: string): void => void process.stderr.write(`sluice: ${line}\n`);
      const reporter = (await import('../run/job-reporter.ts')).reportJobs(say);
      const stopProgress = opts.progress ? (await import('../run/job-progress.ts')).showJobProgress() : () => {};
      const dashboard = await startJobDashboard(opts.dashboard, opts.dashboardToken, ctx.bootstrap, ctx.commandConfig);
      if (dashboard) say(`dashboard: ${dashboard.url}`);

      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        const code = signal === 'SIGINT' ? 130 : 143;
        // Offsets are committed only after the sinks flushed (at checkpoints): stopping loses nothing.
        // Cancelling closes the sources (group members leave at once) and the sinks.
        if (stopping) process.exit(code); // a second signal: now
        stopping = true;
        say(`${signal}: stopping the job (it resumes from its last checkpoint)`);
        void cancelJobs().finally(() => exitWhenDrained(code));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // The reader of stdout went away (`sluice run job.ts | head`): nobody wants more output.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (stopping) return;
        stopping = true;
        if (err.code !== 'EPIPE') say(`cannot write to stdout: ${err.message}`);
        void cancelJobs().finally(() => exitWhenDrained(err.code === 'EPIPE' ? 0 : 1));
      });
      // A job that throws outside execute() (a callback, a timer): one line, then out.
      process.on('uncaughtException', (err: unknown) => {
        if (stopping) return;
        stopping = true;
        say(`job ${job} failed: ${errorLine(err, ctx.bootstrapText)}`);
        if (ctx.verbose) process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
        void cancelJobs().finally(() => exitWhenDrained(1));
      });

      try {
        await import(pathToFileURL(file).href);
        // Jobs started without awaiting their end (executeAsync) still run: wait for them.
        await Promise.allSettled([...reporter.jobs]);
      } catch (err) {
        if (stopping) return new Promise<never>(() => {}); // exiting with the signal's status
        if (err instanceof SyntaxError) throw new CliError((await import('../run/syntax-error.ts')).syntaxErrorWhere(err, file), { cause: err });
        if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SLUICE_')) throw err;
        throw new CliError(`job ${job} failed`, { cause: err });
      } finally {
        reporter.stop();
        stopProgress();
      }
      if (stopping) return new Promise<never>(() => {});
      // Do not wait for idle client sockets; do wait for the output.
      await drainStdio();
      process.exit(0);
    },
  );
}

/** `--dashboard`: the jobs this process runs (their graph, tasks, checkpoints), /metrics and the Kafka pages (with the TLS / SASL settings of `--command-config`). */
async function startJobDashboard(flag: DashboardFlag, token: string | undefined, bootstrap: string[], commandConfig: string | undefined) {
  if (flag === undefined) return undefined;
  const security = commandConfig === undefined ? {} : await (await import('../command-config.ts')).readCommandConfig(commandConfig);
  const [{ ProcessJobs }, { LocalJobView }, { systemClock }] = await Promise.all([
    import('../../dashboard/process-jobs.ts'),
    import('../../dashboard/local-job-view.ts'),
    import('../../util/clock.ts'),
  ]);
  const jobs = new ProcessJobs(systemClock);
  return startDashboardFromFlag(flag, token, { jobs: new LocalJobView(() => jobs.jobs(), systemClock), metrics: () => jobs.registries(), kafka: { bootstrap, ...security } });
}
