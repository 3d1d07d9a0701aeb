import type { ClientSupplier } from '../../kafka/client-supplier.ts';
import { ControlChannel, STOP_WITH_SAVEPOINT, type ControlMessage, type ControlSubscription } from '../../kafka/control-channel.ts';
import { logger } from '../../util/logger.ts';
import type { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import { rmSync } from 'node:fs';
import { asPart, mergeSavepointParts, partsDirectory, SAVEPOINT_PARTS_TIMEOUT_MS, SavepointReplies, unitsCovered } from './savepoint-parts.ts';
import { readSavepoint } from './savepoint-reader.ts';
import { writeSavepoint } from './savepoint-writer.ts';

const settled = (a: { readonly [field: string]: unknown }): boolean => a.status === 'completed' || a.status === 'failed';
const isPart = (a: { readonly [field: string]: unknown }): boolean => a.status === 'part';

/** What the worker lends the savepoint service. */
export interface StopWithSavepointHost {
  readonly jobId: string;
  readonly coordinator: CheckpointCoordinator;
  readonly operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>;
  readonly now: () => number;
  /** Whether this worker runs tasks (the one that does writes the savepoint). */
  readonly hasTasks: () => boolean;
  /** The job's exchanges go through repartition topics (distributed mode). */
  readonly exchangesThroughKafka: boolean;
  /** The units (subtask indexes) of the job that other workers run: a savepoint of this worker's tasks would miss their state. */
  readonly unitsElsewhere: () => { units: number[]; of: number };
  /** A snapshot of every task (reader positions and all operator state), between two polling rounds. */
  readonly snapshot: (id: number) => JobSnapshot;
  /** Wakes the poll loop (a request arrived). */
  readonly wake: () => void;
}

/**
 * Flink's stop-with-savepoint, asked for through the job's control topic (`<jobId>-control`):
 * the worker subscribes while it runs; a request is served between two polling rounds, when no
 * record is in flight: a final checkpoint (sources stop at their recorded positions, asynchronous
 * operators drain, sinks flush and commit — the exactly-once transaction commits), then a snapshot
 * of all state and the reader positions, written to the requested directory; the worker
 * acknowledges with the savepoint's path and the job stops. If the savepoint cannot be written,
 * it acknowledges the failure and the job keeps running.
 *
 * A job whose units are spread over several workers: each worker takes its final checkpoint and
 * writes the part of its own units (`<dir>/.savepoint-parts-<request>/`), acknowledged as `part`;
 * the worker running unit 0 merges the parts once they cover every unit, writes the one savepoint
 * and acknowledges it `completed`. Until then the others process nothing (stop-with-savepoint):
 * running on, or leaving the group so that their units move to a worker still running, would take
 * their units past the savepoint.
 */
export class StopWithSavepoint {
  readonly #host: StopWithSavepointHost;
  readonly #control: ControlChannel;
  #subscription: ControlSubscription | undefined;
  readonly #pending: ControlMessage[] = [];
  #savepointPath: string | undefined;
  #stopped = false;
  readonly #replies = new SavepointReplies();

  constructor(host: StopWithSavepointHost, clients: ClientSupplier) {
    this.#host = host;
    this.#control = new ControlChannel(clients, host.jobId, { from: `worker-${process.pid}` });
  }

  /** Starts listening (from the control topic's current end). */
  async start(): Promise<void> {
    this.#subscription = await this.#control.subscribe((m) => {
      if (m.replyTo !== undefined) return this.#replies.received(m.replyTo, m);
      if (m.type !== STOP_WITH_SAVEPOINT) return;
      this.#replies.expect(m.id);
      this.#pending.push(m);
      this.#host.wake();
    });
  }

  /** A request waits to be served. */
  get pending(): boolean {
    return this.#pending.length > 0 && !this.#stopped;
  }

  /** Where the job's savepoint went once it stopped with one. */
  get savepointPath(): string | undefined {
    return this.#stopped ? this.#savepointPath : undefined;
  }

  /**
   * Serves the waiting requests (between two polling rounds). Resolves true when the job must
   * stop now (its savepoint is written). A failing final checkpoint rejects (the job fails, as any
   * failing checkpoint of its mode would make it).
   */
  async serve(): Promise<boolean> {
    while (this.#pending.length > 0) {
      const request = this.#pending.shift()!;
      const dir = request.dir;
      if (typeof dir !== 'string' || dir === '') {
        await this.#ack(request, { status: 'failed', error: 'the request names no directory' });
        continue;
      }
      if (!this.#host.hasTasks()) {
        await this.#ack(request, { status: 'no-tasks' });
        continue;
      }
      if (request.stop === false && this.#host.exchangesThroughKafka) {
        // The savepoint's reader positions need the repartition records after them, which the running job deletes once it consumed them.
        await this.#ack(request, {
          status: 'failed',
          error:
            "a savepoint that lets the job run on (--no-stop) is refused for a job with exchanges through Kafka: it holds positions in the job's repartition topics, and the running job deletes the records after them once it consumed them, so it could not be restored later. Stop the job with the savepoint (without --no-stop), then start it again from it",
        });
        continue;
      }
      const elsewhere = this.#host.unitsElsewhere();
      if (elsewhere.units.length > 0) {
        const stop = await this.#servePart(request, dir, elsewhere);
        this.#replies.forget(request.id);
        if (!stop) continue;
        for (const other of this.#pending.splice(0)) await this.#ack(other, { status: 'completed', path: this.#savepointPath });
        return true;
      }
      const { coordinator } = this.#host;
      logger.info({ job: this.#host.jobId, dir }, 'stop-with-savepoint: final checkpoint, then the savepoint');
      if (!(await coordinator.checkpoint(false))) {
        await this.#ack(request, { status: 'failed', error: 'the final checkpoint did not complete (see the job log); the job keeps running, try again' });
        continue;
      }
      let path: string;
      try {
        const snapshot = coordinator.savepoint((id) => this.#host.snapshot(id));
        path = writeSavepoint(dir, snapshot, { jobId: this.#host.jobId, timestamp: this.#host.now(), operators: this.#describe() });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        logger.error({ job: this.#host.jobId, dir, err: e }, 'stop-with-savepoint failed; the job keeps running');
        await this.#ack(request, { status: 'failed', error });
        continue;
      }
      this.#savepointPath = path;
      if (request.stop === false) {
        // Flink's plain savepoint: the job goes on.
        logger.info({ job: this.#host.jobId, path }, 'savepoint written; the job keeps running');
        await this.#ack(request, { status: 'completed', path, stopped: false });
        continue;
      }
      this.#stopped = true;
      logger.info({ job: this.#host.jobId, path }, 'savepoint written; the job stops');
      await this.#ack(request, { status: 'completed', path });
      // Requests behind this one find the job stopped.
      for (const other of this.#pending.splice(0)) await this.#ack(other, { status: 'completed', path });
      return true;
    }
    return false;
  }

  /**
   * This worker runs some of the job's units: its part, then (owner of unit 0) the merge, or
   * (stop-with-savepoint) waiting for it. True when the job must stop now.
   */
  async #servePart(request: ControlMessage, dir: string, elsewhere: { units: number[]; of: number }): Promise<boolean> {
    const { coordinator, jobId } = this.#host;
    const units = Array.from({ length: elsewhere.of }, (_, u) => u).filter((u) => !elsewhere.units.includes(u));
    const stop = request.stop !== false;
    logger.info({ job: jobId, dir, units, of: elsewhere.of }, "stop-with-savepoint on several workers: final checkpoint, then this worker's part");
    if (!(await coordinator.checkpoint(false))) {
      await this.#ack(request, { status: 'failed', error: `the final checkpoint of the worker running units ${units.join(', ')} did not complete (see its log); the job keeps running, try again` });
      return false;
    }
    const partsDir = partsDirectory(dir, request.id);
    try {
      const snapshot = coordinator.savepoint((id) => this.#host.snapshot(id));
      const path = writeSavepoint(partsDir, asPart(snapshot), { jobId, timestamp: this.#host.now(), operators: this.#describe() });
      await this.#ack(request, { status: 'part', units, of: elsewhere.of, path });
    } catch (e) {
      return this.#partFailed(request, `the worker running units ${units.join(', ')} could not write its part: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    if (!units.includes(0)) {
      if (!stop) return false;
      // Held until the owner of unit 0 completed the savepoint (or gave up).
      const answer = (await this.#replies.await(request.id, (r) => r.some(settled), 2 * SAVEPOINT_PARTS_TIMEOUT_MS))?.find(settled);
      if (answer?.status !== 'completed') {
        logger.warn({ job: jobId, answer }, 'the savepoint taken in parts did not complete; the job keeps running');
        return false;
      }
      this.#savepointPath = String(answer.path);
      this.#stopped = true;
      logger.info({ job: jobId, path: this.#savepointPath }, 'savepoint written (in parts, merged by the worker running unit 0); the job stops');
      return true;
    }
    const replies = await this.#replies.await(request.id, (r) => unitsCovered(r.filter(isPart)).size >= elsewhere.of || r.some(settled), SAVEPOINT_PARTS_TIMEOUT_MS);
    const covered = unitsCovered((replies ?? []).filter(isPart));
    if (replies === undefined || covered.size < elsewhere.of) {
      const missing = Array.from({ length: elsewhere.of }, (_, u) => u).filter((u) => !covered.has(u));
      return this.#partFailed(request, `no part of units ${missing.join(', ')} arrived within ${SAVEPOINT_PARTS_TIMEOUT_MS / 1000} s (is every worker of the job running?); the job keeps running, try again`);
    }
    let path: string;
    try {
      const merged = mergeSavepointParts(replies.filter(isPart).map((a) => readSavepoint(String(a.path))));
      path = writeSavepoint(dir, merged.snapshot, { jobId, timestamp: this.#host.now(), operators: merged.operators });
      rmSync(partsDir, { recursive: true, force: true });
    } catch (e) {
      return this.#partFailed(request, `merging the parts under ${partsDir} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    this.#savepointPath = path;
    await this.#ack(request, { status: 'completed', path, ...(!stop && { stopped: false }) });
    logger.info({ job: jobId, path, parts: replies.filter(isPart).length }, stop ? 'savepoint written (merged from every worker\'s part); the job stops' : 'savepoint written (merged from every worker\'s part); the job keeps running');
    if (!stop) return false;
    this.#stopped = true;
    return true;
  }

  async #partFailed(request: ControlMessage, error: string, cause?: unknown): Promise<false> {
    logger.error({ job: this.#host.jobId, err: cause, error }, 'stop-with-savepoint failed; the job keeps running');
    await this.#ack(request, { status: 'failed', error });
    return false;
  }

  async close(): Promise<void> {
    await this.#subscription?.close();
    this.#subscription = undefined;
  }

  #describe(): Map<string, { name: string; parallelism: number; watermarks: number[] }> {
    const out = new Map<string, { name: string; parallelism: number; watermarks: number[] }>();
    for (const [v, ops] of this.#host.operators) out.set(v.uid, { name: v.name, parallelism: v.parallelism, watermarks: ops.map((op) => op.currentWatermark) });
    return out;
  }

  async #ack(request: ControlMessage, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.#control.ack(request, fields);
    } catch (e) {
      logger.warn({ job: this.#host.jobId, err: e }, 'cannot acknowledge the stop-with-savepoint request');
    }
  }
}
