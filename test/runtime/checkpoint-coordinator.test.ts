import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceReader } from '../../src/core/source.ts';
import type { CommitStrategy } from '../../src/kafka/commit-strategy.ts';
import { WorkerFencedError } from '../../src/kafka/errors.ts';
import type { WorkerClients } from '../../src/kafka/worker-clients.ts';
import { CheckpointStatsTracker } from '../../src/metrics/checkpoint-stats.ts';
import { CheckpointCoordinator } from '../../src/runtime/checkpoint/checkpoint-coordinator.ts';
import { PositionCommitter } from '../../src/runtime/checkpoint/position-committer.ts';
import { ProcessingTimeService } from '../../src/runtime/timers/processing-time-service.ts';
import { ManualClock } from '../../src/util/clock.ts';

// Issue 10, the zombie: an exactly-once worker that learns it was fenced while its checkpoint is
// in flight must not commit that checkpoint's transaction.

test('exactly-once: a worker fenced while its checkpoint sends the offsets aborts instead of committing', async () => {
  const calls: string[] = [];
  let failure: Error | undefined;
  const strategy: CommitStrategy = {
    exactlyOnce: true,
    send: async () => {},
    sendOffsets: async () => {
      calls.push('sendOffsets');
      // The group's heartbeat answers UNKNOWN_MEMBER_ID meanwhile: the worker fails.
      failure = new WorkerFencedError('job', 'UNKNOWN_MEMBER_ID');
    },
    commit: async () => void calls.push('commit'),
    abort: async () => void calls.push('abort'),
    close: async () => {},
  };
  const clients = { clients: () => ({}) } as unknown as WorkerClients;
  const positions = new PositionCommitter(clients, () => strategy);
  const reader = {
    positionsToCommit: () => ({ connection: { bootstrapBrokers: ['localhost:1'] }, group: { groupId: 'job', generationId: 1, memberId: 'm', groupInstanceId: null }, offsets: [{ topic: 'in', partition: 0, offset: 10n }] }),
  } as unknown as SourceReader<unknown>;
  const clock = new ManualClock(0);
  const coordinator = new CheckpointCoordinator({
    settings: { interval: 1000, timeout: 60_000, minPause: 0, tolerableFailures: 0 },
    clock,
    pts: new ProcessingTimeService(clock),
    jobName: 'job',
    participants: { readers: () => [reader], operators: () => [], drain: async () => {}, failure: () => failure, fail: (e) => void (failure ??= e) },
    positions,
    stats: new CheckpointStatsTracker(),
    restoredId: 0,
    exactlyOnce: true,
  });
  await assert.rejects(coordinator.checkpoint(false), WorkerFencedError);
  assert.deepEqual(calls, ['sendOffsets', 'abort'], 'the transaction is aborted, never committed');
});
