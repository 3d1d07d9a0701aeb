import type { JobOverview, WorkerView } from '../../kafka/job-status/jobs-overview.ts';
import type { StatusWatermark, TaskStatus } from '../../kafka/job-status/status-record.ts';
import { formatTable } from '../table.ts';

/** `sluice jobs list` as a table: one row per job. */
export function jobsTable(jobs: readonly JobOverview[], now: number): string {
  return formatTable(
    ['JOB', 'NAME', 'STATE', 'WORKERS', 'TASKS', 'AGE', 'LAST STATUS'],
    jobs.map((j) => [j.id, j.name, j.state, workerCount(j.workers), String(j.tasks), duration(now - j.startTime), `${duration(now - j.updatedAt)} ago`]),
  );
}

/** `sluice jobs list --json`. */
export function jobsJson(jobs: readonly JobOverview[], now: number): object {
  return {
    jobs: jobs.map((j) => ({
      ...jobFields(j, now),
      workers: j.workers.length,
      lostWorkers: j.workers.filter((w) => w.status === 'LOST').length,
      tasks: j.tasks,
    })),
  };
}

/** `sluice jobs describe JOB_ID`: the job, its workers, then every task with its partitions, lag, watermark and state. */
export function describeText(j: JobOverview, now: number): string {
  let out = `Job: ${j.id}\nName: ${j.name}\nState: ${j.state}\nMode: ${j.mode}\n`;
  out += `Started: ${new Date(j.startTime).toISOString()} (${duration(now - j.startTime)} ago)\n`;
  out += `Workers: ${workerCount(j.workers)}\n\n`;
  out += formatTable(
    ['WORKER', 'STATE', 'HOST', 'PID', 'THREADS', 'TASKS', 'LAST STATUS', 'LAST CHECKPOINT'],
    j.workers.map((w) => [
      w.workerId,
      w.status,
      w.host,
      String(w.pid),
      String(w.threads),
      String(w.tasks.length + (w.tasksOmitted ?? 0)),
      `${duration(w.silentMs)} ago`,
      w.lastCheckpoint === undefined ? '-' : `${w.lastCheckpoint.id} (${duration(now - w.lastCheckpoint.time)} ago)`,
    ]),
  );
  const tasks = j.workers.flatMap((w) => w.tasks.map((t) => ({ t, w }))).sort((a, b) => a.t.stage - b.t.stage || a.t.subtask - b.t.subtask);
  if (tasks.length > 0) {
    out += '\n';
    out += formatTable(
      ['TASK', 'NAME', 'WORKER', 'INPUT', 'LAG', 'WATERMARK', 'STATE SIZE'],
      tasks.map(({ t, w }) => [t.id, t.name, w.workerId, input(t), t.lag === undefined ? '-' : String(t.lag), watermark(t.watermark), stateSize(t)]),
    );
  }
  const standbys = j.workers.flatMap((w) => (w.standbys ?? []).map((s) => ({ s, w })));
  if (standbys.length > 0) {
    out += '\n';
    out += formatTable(
      ['STANDBY OF UNIT', 'WORKER', 'ENTRIES', 'CAUGHT UP', 'LAG'],
      standbys.sort((a, b) => a.s.unit - b.s.unit).map(({ s, w }) => [String(s.unit), w.workerId, String(s.entries), s.caughtUp ? 'yes' : 'no', s.lag === undefined ? '-' : String(s.lag)]),
    );
  }
  for (const w of j.workers) {
    if (w.tasksOmitted) out += `\n(${w.tasksOmitted} more tasks of ${w.workerId} are not listed: its status is capped in size)\n`;
    if (w.error !== undefined) out += `\n${w.workerId} failed: ${w.error}\n`;
  }
  return out;
}

/** `sluice jobs describe JOB_ID --json`: everything the workers published, and the reader's view of them. */
export function describeJson(j: JobOverview, now: number): object {
  return {
    ...jobFields(j, now),
    workers: j.workers.map(({ jobId: _j, jobName: _n, status, ...w }) => ({ ...w, state: status, publishedState: w.state })),
  };
}

function jobFields(j: JobOverview, now: number) {
  return { id: j.id, name: j.name, state: j.state, mode: j.mode, startTime: j.startTime, updatedAt: j.updatedAt, ageMs: Math.max(0, now - j.startTime) };
}

function workerCount(workers: readonly WorkerView[]): string {
  const lost = workers.filter((w) => w.status === 'LOST').length;
  return lost === 0 ? String(workers.length) : `${workers.length} (${lost} lost)`;
}

/** Partitions as `topic[0,1]`, or the key groups of a keyed task. */
function input(t: TaskStatus): string {
  const byTopic = new Map<string, number[]>();
  for (const p of t.partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const parts = [...byTopic].map(([topic, ps]) => `${topic}[${ps.sort((a, b) => a - b).join(',')}]`);
  if (t.keyGroups !== undefined) parts.push(`key groups ${t.keyGroups[0]}-${t.keyGroups[1]}`);
  return parts.join(' ') || '-';
}

function watermark(w: StatusWatermark): string {
  if (w === null) return '-';
  if (w === 'end') return 'end of input';
  return new Date(w).toISOString();
}

function stateSize(t: TaskStatus): string {
  if (t.stateBytes !== undefined) return `${bytes(t.stateBytes)} (${t.stateEntries ?? 0} entries)`;
  return t.stateEntries === undefined ? '-' : `${t.stateEntries} entries`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `3s`, `4m05s`, `2h03m`, `3d04h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}
