import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** The message by which the main thread forwards SIGINT/SIGTERM to its worker threads. */
const STOP_MESSAGE = 'sluice-stop';

/**
 * `sluice run JOB --workers N`: N workers of the job in this process, one per worker thread, each
 * running the whole `sluice run` (without `--workers`) with `SLUICE_WORKERS=N` and its
 * `SLUICE_WORKER_INDEX`: its own Kafka clients and its share of the subtasks; exchanges go through
 * repartition topics. Resolves with the exit code: 0 when every worker finished, else the first
 * failure's. A signal stops every worker as it stops a process (they resume from their last
 * checkpoint); a second one terminates them.
 */
export async function runWorkerThreads(count: number, say: (line: string) => void): Promise<number> {
  const entry = process.argv[1]!;
  const argv = withoutWorkersOption(process.argv.slice(2));
  const threads = Array.from(
    { length: count },
    (_, index) =>
      new Worker(entry, {
        argv,
        env: {
          ...process.env,
          SLUICE_WORKERS: String(count),
          SLUICE_WORKER_INDEX: String(index),
          SLUICE_EXCHANGES: 'kafka',
          // Each thread is a worker of its own in the job group: static ids must differ.
          ...(process.env.SLUICE_INSTANCE_ID ? { SLUICE_INSTANCE_ID: `${process.env.SLUICE_INSTANCE_ID}-${index}` } : {}),
        },
        stdout: false,
        stderr: false,
      }),
  );
  // A signal stops each thread like a process (its jobs are cancelled, it leaves the job group
  // unless told to remain); a second signal terminates them at once.
  let signalled = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (signalled) {
      for (const t of threads) void t.terminate();
      return;
    }
    signalled = true;
    for (const t of threads) t.postMessage({ type: STOP_MESSAGE, signal });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  say(`${count} workers in worker threads`);
  const codes = await Promise.all(threads.map((t) => new Promise<number>((resolve) => t.once('exit', resolve).once('error', () => resolve(1)))));
  return codes.find((c) => c !== 0) ?? 0;
}

/**
 * The command line without `--workers N` / `--workers=N`, nor `--instance-id ID` (each thread
 * gets its own id through SLUICE_INSTANCE_ID).
 */
export function withoutWorkersOption(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (a === '--workers' || a === '--instance-id') i++;
    else if (!a.startsWith('--workers=') && !a.startsWith('--instance-id=')) out.push(a);
  }
  return out;
}

/**
 * A worker thread of `sluice run --workers N` gets no signals: the main thread forwards them as a
 * message, so the thread stops its jobs the same way (and leaves the job group unless told to
 * remain). The port does not keep the thread alive.
 */
export function onStopFromMainThread(stop: (signal: NodeJS.Signals) => void): void {
  if (isMainThread || parentPort === null) return;
  parentPort.on('message', (m: unknown) => {
    const message = m as { type?: unknown; signal?: unknown } | null;
    if (message?.type === STOP_MESSAGE && (message.signal === 'SIGINT' || message.signal === 'SIGTERM')) stop(message.signal);
  });
  parentPort.unref();
}
