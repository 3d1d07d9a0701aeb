import { hostname } from 'node:os';
import type { GroupMetadata, KafkaConnection } from '../../core/kafka-clients.ts';
import { WorkerFencedError } from '../../kafka/errors.ts';
import { JobGroupMember } from '../../kafka/job-group-member.ts';
import { WorkerClients } from '../../kafka/worker-clients.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { WorkerShare } from '../worker/execution-options.ts';
import type { StaticMembership } from '../worker/static-membership.ts';
import { unitAssignor, unitsOf, type UnitsInfo } from './task-assignor.ts';

export interface JobMembershipOptions {
  readonly jobId: string;
  /** The job's units: its largest stage parallelism (see `assignUnits`). */
  readonly units: number;
  /** `--workers N` / `SLUICE_WORKERS`: this worker's position, a hint for the first assignment. */
  readonly hint: WorkerShare | undefined;
  readonly clock: Clock;
  readonly sessionTimeoutMs: number;
  /**
   * Exactly-once: a member the group expelled does not rejoin by itself (KIP-447); the worker
   * fails with a fencing error and the executor starts a new incarnation with a new membership.
   */
  readonly exactlyOnce: boolean;
  /** Static membership (KIP-345): the worker's group.instance.id, and whether it stays in the group when it stops. */
  readonly staticMember?: StaticMembership | undefined;
}

/** The membership's view of the worker it runs (set by the executor for each incarnation). */
export interface RunningTasks {
  /** Stops the tasks (aborting what is in flight) and resolves once they stopped. */
  stop(): Promise<void>;
  /** The membership cannot go on (fenced under exactly-once, or the group is unusable). */
  fail(e: Error): void;
}

/**
 * A worker's membership in its job's consumer group (group id = job id) when the job runs
 * distributed with durable state: the group's leader assigns the job's units (subtask indices)
 * over the members, balanced and sticky ({@link unitAssignor}). It outlives the worker's
 * incarnations: at a rebalance the group revokes every member's units (classic eager protocol),
 * the membership stops the running tasks before it rejoins — an in-flight checkpoint finishes or
 * is aborted, nothing commits after — and the executor then starts the tasks of the new
 * assignment, restored from their last committed checkpoint.
 */
export class JobMembership {
  readonly #o: JobMembershipOptions;
  readonly #clients: WorkerClients;
  #member: JobGroupMember | undefined;
  #joining: Promise<void> | undefined;
  /** The units of the current generation; undefined while (re)joining. */
  #units: number[] | undefined;
  /** What this worker ran last (its subscription tells the leader, for stickiness). */
  #owned: number[] = [];
  #running: RunningTasks | undefined;
  #fatal: Error | undefined;
  /** When the current rebalance revoked this worker's tasks (the pause starts). */
  #revokedAt: number | undefined;
  #changed: (() => void) | undefined;
  /** Rebalances of this worker: revocation → tasks running again, in ms. */
  readonly pauses: number[] = [];

  constructor(options: JobMembershipOptions) {
    this.#o = options;
    this.#clients = new WorkerClients({ clientId: `sluice-${options.jobId}-membership`, producer: () => ({ kind: 'idempotent' }) });
  }

  get groupId(): string {
    return this.#o.jobId;
  }
  /** True once the worker joined the group (a job without a Kafka cluster never does). */
  get joined(): boolean {
    return this.#member !== undefined;
  }

  /** Joins the job group on `connection` (the job's state cluster); later calls wait for the first. */
  join(connection: KafkaConnection): Promise<void> {
    this.#joining ??= this.#join(connection);
    return this.#joining;
  }

  async #join(connection: KafkaConnection): Promise<void> {
    const { jobId, sessionTimeoutMs, exactlyOnce, hint } = this.#o;
    this.#member = new JobGroupMember(this.#clients.clients(connection), {
      groupId: jobId,
      topics: [`${jobId}-checkpoints`],
      worker: () => ({ host: hostname(), pid: process.pid, slot: hint?.index ?? 0, owned: this.#owned, ...(hint !== undefined && { hint: { index: hint.index, count: hint.count } }) } satisfies UnitsInfo & Record<string, unknown>),
      sessionTimeoutMs,
      ...(this.#o.staticMember !== undefined && { groupInstanceId: this.#o.staticMember.instanceId }),
      // Kafka's default (3 s) at most: the other members notice a rebalance at their next heartbeat.
      heartbeatIntervalMs: Math.max(100, Math.min(3_000, Math.floor(sessionTimeoutMs / 3))),
      assignor: unitAssignor(this.#o.units),
      rejoinWhenFenced: !exactlyOnce,
      listener: {
        onRevoked: () => this.#revoke('the job group is rebalancing'),
        onAssigned: (a, group) => {
          this.#units = unitsOf(a) ?? [];
          this.#owned = this.#units;
          logger.info({ job: jobId, generation: group.generationId, member: group.memberId, units: this.#units }, 'job group: tasks assigned to this worker');
          this.#changed?.();
        },
        onLost: async (_a, reason) => {
          this.#owned = []; // others may own them now
          if (exactlyOnce) return this.#failWith(new WorkerFencedError(jobId, reason));
          await this.#revoke(`this worker left the job group (${reason})`);
        },
        onError: (e) => this.#failWith(e),
      },
    });
    await this.#member.join();
  }

  /** The units assigned in the current generation (undefined while rebalancing). */
  assigned(): readonly number[] | undefined {
    return this.#member?.stable === true ? this.#units : undefined;
  }

  /** Waits until the group settled on an assignment for this worker. `check` throws to stop waiting. */
  async nextAssignment(check: () => void): Promise<number[]> {
    for (;;) {
      check();
      if (this.#fatal !== undefined) throw this.#fatal;
      const units = this.assigned();
      if (units !== undefined) return [...units];
      await this.#waitForChange(200);
    }
  }

  /** Waits while this worker is assigned nothing (it stands by, heartbeating) or until `check` throws. */
  async standBy(check: () => void): Promise<void> {
    logger.info({ job: this.#o.jobId }, 'job group: no tasks for this worker (more workers than units); standing by until a rebalance gives it some');
    for (;;) {
      check();
      if (this.#fatal !== undefined) throw this.#fatal;
      const units = this.assigned();
      if (units !== undefined && units.length > 0) return;
      await this.#waitForChange(200);
    }
  }

  #waitForChange(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#changed = done;
    });
  }

  /** The tasks the executor runs now (revoked at the next rebalance). */
  running(tasks: RunningTasks | undefined): void {
    this.#running = tasks;
    if (tasks !== undefined && this.#fatal !== undefined) tasks.fail(this.#fatal);
  }

  /** The tasks run again after a rebalance: its pause is logged and returned (undefined when there was none). */
  resumed(): number | undefined {
    if (!this.joined) return undefined;
    if (this.#revokedAt === undefined) {
      logger.info({ job: this.#o.jobId, units: this.#units }, 'job group: this worker runs its tasks');
      return undefined;
    }
    const pause = this.#o.clock.now() - this.#revokedAt;
    this.#revokedAt = undefined;
    this.pauses.push(pause);
    logger.info({ job: this.#o.jobId, pauseMs: pause, units: this.#units }, 'job group: this worker runs its tasks (rebalance done)');
    return pause;
  }

  /** When the current (unfinished) rebalance started, for the metrics. */
  get revokedAt(): number | undefined {
    return this.#revokedAt;
  }

  /** The metadata offset commits to the job group carry (generation, member id). Throws once the group fenced this worker. */
  groupMetadata(): GroupMetadata {
    const m = this.#member!;
    if (m.fenced) throw new WorkerFencedError(this.#o.jobId, 'the job group went on without this worker');
    return m.groupMetadata();
  }

  async #revoke(why: string): Promise<void> {
    this.#revokedAt ??= this.#o.clock.now();
    this.#units = undefined;
    const running = this.#running;
    logger.info({ job: this.#o.jobId, reason: why, units: this.#owned }, 'job group rebalance: stopping this worker\'s tasks (stop-the-world: every worker restarts its tasks of the new assignment from the last committed checkpoint)');
    this.#changed?.();
    if (running !== undefined) await running.stop();
  }

  #failWith(e: Error): void {
    this.#fatal ??= e;
    this.#running?.fail(e);
    this.#changed?.();
  }

  /**
   * Leaves the group (its units go to the others at once) unless `leave` is false (fenced: the group
   * already went on) or, by default, a static member set to remain in the group on stop (its units
   * wait for it to come back, up to the session timeout).
   */
  async close(options: { leave?: boolean } = {}): Promise<void> {
    try {
      await this.#joining?.catch(() => {});
      await this.#member?.close({ leave: options.leave ?? this.#o.staticMember?.remainInGroupOnStop !== true });
    } finally {
      await this.#clients.close();
    }
  }
}

/** Whether a worker built for `share` runs exactly `units`. */
export function runsExactly(share: WorkerShare | undefined, units: readonly number[], allUnits: number): boolean {
  const mine = Array.from({ length: allUnits }, (_, s) => s).filter((s) => share === undefined || (share.subtasks !== undefined ? share.subtasks.includes(s) : s % share.count === share.index));
  const given = [...units].sort((a, b) => a - b);
  return mine.length === given.length && mine.every((s, i) => s === given[i]);
}
