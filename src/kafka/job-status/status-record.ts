import type { InternalTopicSpec } from '../internal-topics.ts';
import { JOB_STATUS_TOPIC, STATUS_FORMAT_VERSION } from './status-topic.ts';

export { JOB_STATUS_TOPIC, STATUS_FORMAT_VERSION };

/** Default time between two statuses of a worker; a reader calls a worker lost after 3 of them. */
export const DEFAULT_STATUS_INTERVAL_MS = 5_000;
/** Largest encoded status; bigger ones drop per-partition details, then tasks (counted in `tasksOmitted`). */
export const MAX_STATUS_BYTES = 64 * 1024;

export function jobStatusTopicSpec(): InternalTopicSpec {
  return {
    name: JOB_STATUS_TOPIC,
    partitions: 1,
    configs: {
      'cleanup.policy': 'compact,delete',
      // Finished jobs and lost workers are listed for a week after their last status.
      'retention.ms': String(7 * 24 * 3600 * 1000),
      // Segments roll hourly so that compaction and retention can act on a quiet cluster.
      'segment.ms': String(3600 * 1000),
    },
  };
}

/** A worker's state: Flink's task states, RESTARTING while a fenced worker starts its next incarnation. */
export type WorkerState = 'INITIALIZING' | 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'CANCELED' | 'FAILED';

/** A watermark in JSON: ms since the epoch, `null` before the first, `'end'` once input ended (+∞). */
export type StatusWatermark = number | null | 'end';

/** One partition a task reads: where it is, where the partition ends, and the difference. */
export interface PartitionStatus {
  topic: string;
  partition: number;
  /** The next offset the task reads. */
  position: number;
  /** The partition's end (high watermark, or LSO under read_committed) as last seen; absent when unknown. */
  end?: number;
  lag?: number;
}

/** One task (stage × subtask) a worker runs. */
export interface TaskStatus {
  /** `stage.subtask`, unique within the job. */
  id: string;
  stage: number;
  subtask: number;
  /** Flink's chain name, e.g. `Source: orders -> Map`. */
  name: string;
  parallelism: number;
  /** Key groups `[first, last]` the task owns when its stage is keyed. */
  keyGroups?: [number, number];
  partitions?: PartitionStatus[];
  /** Records lag of its partitions, summed (Kafka's records-lag). */
  lag?: number;
  watermark: StatusWatermark;
  idle?: boolean;
  /** Bytes of keyed state, when the backend can tell (LMDB). */
  stateBytes?: number;
  /** Keyed state entries of its operators (every backend). */
  stateEntries?: number;
  recordsIn?: number;
  recordsOut?: number;
}

/** What one worker publishes. Times are ms since the epoch on the worker's clock. */
export interface WorkerStatus {
  jobId: string;
  jobName: string;
  workerId: string;
  host: string;
  pid: number;
  /** Workers of the job in the worker's process (worker threads). */
  threads: number;
  mode: 'streaming' | 'batch';
  state: WorkerState;
  startTime: number;
  updatedAt: number;
  /** How often the worker publishes; a reader calls it lost after LOST_AFTER_INTERVALS of silence. */
  intervalMs: number;
  tasks: TaskStatus[];
  /** Tasks left out to keep the record under MAX_STATUS_BYTES. */
  tasksOmitted?: number;
  lastCheckpoint?: { id: number; time: number };
  /** Warm standby replicas the worker keeps (`standbyReplicas`): per unit, its entries, whether it read to the changelog's end at the last look, and its lag in changelog offsets. */
  standbys?: Array<{ unit: number; entries: number; caughtUp: boolean; lag?: number }>;
  /** Why it failed (FAILED, RESTARTING), first line, at most 500 characters. */
  error?: string;
}

/** The record key: one compacted entry per worker of a job. */
export function statusKey(s: Pick<WorkerStatus, 'jobId' | 'workerId'>): string {
  return `${s.jobId}/${s.workerId}`;
}

/** The record value (JSON with a format version), under MAX_STATUS_BYTES. */
export function encodeStatus(status: WorkerStatus): Buffer {
  let value = Buffer.from(JSON.stringify({ v: STATUS_FORMAT_VERSION, ...status }));
  if (value.length <= MAX_STATUS_BYTES) return value;
  // Too many tasks: first the per-partition details go (lag stays), then tasks from the end.
  const tasks = status.tasks.map(({ partitions: _p, ...t }) => t);
  for (let keep = tasks.length; keep >= 0; keep = keep > 8 ? Math.floor(keep * 0.75) : keep - 1) {
    const omitted = tasks.length - keep + (status.tasksOmitted ?? 0);
    value = Buffer.from(JSON.stringify({ v: STATUS_FORMAT_VERSION, ...status, tasks: tasks.slice(0, keep), ...(omitted > 0 && { tasksOmitted: omitted }) }));
    if (value.length <= MAX_STATUS_BYTES) return value;
  }
  return value;
}

/** A runtime watermark (−∞ before the first, +∞ at end of input) in JSON. */
export function statusWatermark(wm: number): StatusWatermark {
  if (wm === Number.POSITIVE_INFINITY) return 'end';
  return Number.isFinite(wm) ? wm : null;
}
