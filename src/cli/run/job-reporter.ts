import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { jobRunningChannel, sinkUids, type JobRunningEvent } from '../../runtime/executor/job-events.ts';
import { SluiceErrorCodes } from '../../core/errors/codes.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** The line that says a job runs: its name, mode, parallelism, sources and operators. */
export function startedLine(e: JobRunningEvent): string {
  const { graph } = e;
  const sources = graph.vertices.filter((v) => v.t.kind === 'source').map((v) => v.name.replace(/^Source: /, ''));
  const operators = graph.vertices.filter((v) => v.t.kind !== 'source').map((v) => v.name);
  const ps = [...new Set(graph.stages.map((s) => s.parallelism))].sort((a, b) => a - b);
  const parallelism = ps.length === 1 ? `${ps[0]}` : `${ps[0]}-${ps.at(-1)}`;
  return `job '${graph.jobName}' started (${e.mode}, parallelism ${parallelism}): ${sources.length === 1 ? 'source' : 'sources'} ${sources.join(', ')}; ${operators.length === 1 ? 'operator' : 'operators'} ${operators.join(', ')}`;
}

/** Records read by the sources and written by the sinks so far. */
function counts(e: JobRunningEvent): { read: number; written: number } {
  const m = e.metrics();
  const sinks = sinkUids(e.graph);
  return {
    read: m.sources.reduce((n, s) => n + s.recordsOut, 0),
    written: m.operators.filter((o) => sinks.has(o.uid)).reduce((n, o) => n + (o.recordsIn ?? 0), 0),
  };
}

/**
 * Tells `write` about every job of the process: one line when it runs, one when it ends (finished
 * or cancelled: records read and written, duration). A failed job says nothing here: its error
 * is the command's last line. Returns the jobs seen (to wait for) and a function to stop listening.
 */
export function reportJobs(write: (line: string) => void): { jobs: Set<Promise<unknown>>; stop: () => void } {
  const jobs = new Set<Promise<unknown>>();
  const onRunning = (message: unknown): void => {
    const e = message as JobRunningEvent;
    const name = e.graph.jobName;
    const t0 = performance.now();
    write(startedLine(e));
    const ended = e.result.then(
      (r) => {
        const { read, written } = counts(e);
        if (r.savepointPath !== undefined) return write(`job '${name}' stopped with a savepoint after ${seconds(performance.now() - t0)}: read ${plural(read, 'record')}, wrote ${written}; savepoint ${r.savepointPath}`);
        write(`job '${name}' finished in ${seconds(performance.now() - t0)}: read ${plural(read, 'record')}, wrote ${written}`);
      },
      (err: unknown) => {
        if ((err as { code?: unknown })?.code !== SluiceErrorCodes.JOB_CANCELLED) return;
        const { read, written } = counts(e);
        write(`job '${name}' cancelled after ${seconds(performance.now() - t0)}: read ${plural(read, 'record')}, wrote ${written}`);
      },
    );
    jobs.add(ended);
  };
  subscribe(jobRunningChannel.name, onRunning);
  return { jobs, stop: () => void unsubscribe(jobRunningChannel.name, onRunning) };
}
