import type { WorkerStatus } from '../../../src/kafka/job-status/status-record.ts';

/** A worker status with every required field; `overrides` change some. */
export function status(overrides: Partial<WorkerStatus> = {}): WorkerStatus {
  return {
    jobId: 'orders',
    jobName: 'orders job',
    workerId: 'host-1-0',
    host: 'host',
    pid: 1,
    threads: 1,
    mode: 'streaming',
    state: 'RUNNING',
    startTime: 1_000,
    updatedAt: 10_000,
    intervalMs: 1_000,
    tasks: [{ id: '0.0', stage: 0, subtask: 0, name: 'Source: orders -> Map', parallelism: 1, partitions: [{ topic: 'orders', partition: 0, position: 5, end: 9, lag: 4 }], lag: 4, watermark: 5_000 }],
    ...overrides,
  };
}
