import type { WorkerState, WorkerStatus } from './status-record.ts';
import { STATUS_FORMAT_VERSION } from './status-topic.ts';

// What a reader of the status topic accepts (`sluice jobs`, the dashboard). It imports only the
// shared names (status-topic.ts), none of the writer's module (status-record.ts, which every worker
// loads): the readers load on demand, and the package's bundle keeps `import 'sluice'` in few chunks.

/** A status silent for this many intervals is LOST (its worker was killed or cut off). */
export const LOST_AFTER_INTERVALS = 3;

export const WORKER_STATES: readonly WorkerState[] = ['INITIALIZING', 'RUNNING', 'RESTARTING', 'FINISHED', 'CANCELED', 'FAILED'];
/** States a worker leaves only by stopping: a status in one of them must be refreshed, or it is lost. */
export const LIVE_STATES: ReadonlySet<WorkerState> = new Set(['INITIALIZING', 'RUNNING', 'RESTARTING']);

/** A status read back, or why it is not one (another writer, another format, garbage). */
export type DecodedStatus = { ok: true; status: WorkerStatus } | { ok: false; reason: string };

/** Reads a record value, checking every field a reader relies on. */
export function decodeStatus(value: Buffer): DecodedStatus {
  let o: unknown;
  try {
    o = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, reason: 'not a JSON object' };
  const r = o as Record<string, unknown>;
  if (r.v !== STATUS_FORMAT_VERSION) return { ok: false, reason: `format version ${JSON.stringify(r.v)} (this reader knows ${STATUS_FORMAT_VERSION})` };
  for (const f of ['jobId', 'jobName', 'workerId', 'host'] as const) if (typeof r[f] !== 'string' || r[f] === '') return { ok: false, reason: `field ${f} is not a non-empty string` };
  for (const f of ['pid', 'threads', 'startTime', 'updatedAt', 'intervalMs'] as const) if (!isFiniteNumber(r[f])) return { ok: false, reason: `field ${f} is not a number` };
  if (!((r.intervalMs as number) > 0)) return { ok: false, reason: 'field intervalMs is not positive' };
  if (!WORKER_STATES.includes(r.state as WorkerState)) return { ok: false, reason: `unknown state ${JSON.stringify(r.state)}` };
  if (r.mode !== 'streaming' && r.mode !== 'batch') return { ok: false, reason: `unknown mode ${JSON.stringify(r.mode)}` };
  if (!Array.isArray(r.tasks)) return { ok: false, reason: 'field tasks is not a list' };
  for (const t of r.tasks as unknown[]) {
    const why = taskProblem(t);
    if (why !== undefined) return { ok: false, reason: `a task ${why}` };
  }
  const { v: _v, ...status } = r;
  return { ok: true, status: status as unknown as WorkerStatus };
}

function taskProblem(t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null) return 'is not an object';
  const x = t as Record<string, unknown>;
  if (typeof x.id !== 'string' || typeof x.name !== 'string') return 'has no id or name';
  if (!isFiniteNumber(x.stage) || !isFiniteNumber(x.subtask) || !isFiniteNumber(x.parallelism)) return 'has no stage, subtask or parallelism';
  if (!(x.watermark === null || x.watermark === 'end' || isFiniteNumber(x.watermark))) return 'has a watermark that is not a number';
  if (x.partitions !== undefined && !Array.isArray(x.partitions)) return 'has partitions that are not a list';
  for (const f of ['lag', 'stateBytes', 'stateEntries', 'recordsIn', 'recordsOut'] as const) if (x[f] !== undefined && !isFiniteNumber(x[f])) return `has a ${f} that is not a number`;
  return undefined;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
