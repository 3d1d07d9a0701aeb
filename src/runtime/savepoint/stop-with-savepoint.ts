import type { ClientSupplier } from '../../kafka/client-supplier.ts';
import { ControlChannel, STOP_WITH_SAVEPOINT, type ControlMessage, type ControlSubscription } from '../../kafka/control-channel.ts';
import { logger } from '../../util/logger.ts';
import type { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import { writeSavepoint } from './savepoint-writer.ts';

/** What the worker lends the savepoint service. */
export interface StopWithSavepointHost {
  readonly jobId: string;
  readonly coordinator: CheckpointCoordinator;
  readonly operators: ReadonlyMap<JobVertex, readonly AbstractStreamOperator<unknown>[]>;
  readonly now: () => number;
  /** Whether this worker runs tasks (the one that does writes the savepoint). */
  readonly hasTasks: () => boolean;
  /** The units (subtask indexes) of the job that other workers run: a savepoint of this worker's tasks would miss their state. */
  readonly unitsElsewhere: () => { units: number[]; of: number };
  /** A snapshot of every task (reader positions and all operator state), between two polling rounds. */
  readonly snapshot: (id: number) => JobSnapshot;
  /** Wakes the poll loop (a request arrived). */
  readonly wake: () => void;
}

/** Why a worker that runs only some of the job's units takes no savepoint, and what to do. */
export function severalWorkersRefusal(elsewhere: { units: number[]; of: number }): string {
  return (
    `the job runs on several workers: ${elsewhere.units.length === 1 ? 'unit' : 'units'} ${elsewhere.units.join(', ')} of its ${elsewhere.of} ${elsewhere.units.length === 1 ? 'runs' : 'run'} on other workers than the one answering, ` +
    'and one savepoint collected from several workers is not built (each would hold only its own units\' state). ' +
    'Stop every worker of the job but one (SIGTERM: their units move to the one left, restored from their last checkpoints), ' +
    'then take the savepoint again; after resuming from it with one worker, start the others again'
  );
}

/**
 * Flink's stop-with-savepoint, asked for through the job's control topic (`<jobId>-control`):
 * the worker subscribes while it runs; a request is served between two polling rounds, when no
 * record is in flight: a final checkpoint (sources stop at their recorded positions, asynchronous
 * operators drain, sinks flush and commit — the exactly-once transaction commits), then a snapshot
 * of all state and the reader positions, written to the requested directory; the worker
 * acknowledges with the savepoint's path and the job stops. If the savepoint cannot be written,
 * it acknowledges the failure and the job keeps running. A worker that runs only some of the job's
 * units (the others run on other workers) refuses the request the same way: its savepoint would
 * lack the other units' state.
 */
export class StopWithSavepoint {
  readonly #host: StopWithSavepointHost;
  readonly #control: ControlChannel;
  #subscription: ControlSubscription | undefined;
  readonly #pending: ControlMessage[] = [];
  #savepointPath: string | undefined;
  #stopped = false;

  constructor(host: StopWithSavepointHost, clients: ClientSupplier) {
    this.#host = host;
    this.#control = new ControlChannel(clients, host.jobId, { from: `worker-${process.pid}` });
  }

  /** Starts listening (from the control topic's current end). */
  async start(): Promise<void> {
    this.#subscription = await this.#control.subscribe((m) => {
      if (m.type !== STOP_WITH_SAVEPOINT || m.replyTo !== undefined) return;
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
      const elsewhere = this.#host.unitsElsewhere();
      if (elsewhere.units.length > 0) {
        // Each worker would write a savepoint of its own units only: refused rather than a savepoint that lacks state.
        logger.warn({ job: this.#host.jobId, unitsElsewhere: elsewhere.units, units: elsewhere.of }, 'stop-with-savepoint refused: other workers run some of the job\'s units; the job keeps running');
        await this.#ack(request, { status: 'failed', error: severalWorkersRefusal(elsewhere) });
        continue;
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
