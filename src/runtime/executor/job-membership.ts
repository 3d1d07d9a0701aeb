import { hostname } from 'node:os';
import type { GroupMetadata, KafkaConnection } from '../../core/kafka-clients.ts';
import { WorkerFencedError } from '../../kafka/errors.ts';
import { JobGroupMember } from '../../kafka/job-group-member.ts';
import type { MemberAssignment } from '../../kafka/group-protocol.ts';
import { WorkerClients } from '../../kafka/worker-clients.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { WorkerShare } from '../worker/worker-share.ts';
import type { StaticMembership } from '../worker/static-membership.ts';
import { unitAssignor, unitsOf, type UnitsInfo } from './task-assignor.ts';
import type { StandbyReplicas } from '../checkpoint/standby-replica.ts';
import { preferStandbyHolders, standbysOf, withStandbys } from './standby-assignor.ts';

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
  /** Warm standby replicas per unit (`standbyReplicas`), kept by `standbys`; 0 = none. */
  readonly standbyReplicas?: number;
  readonly standbys?: StandbyReplicas | undefined;
  /** Static membership (KIP-345): the worker's group.instance.id, and whether it stays in the group when it stops. */
  readonly staticMember?: StaticMembership | undefined;
}

/** The job group's protocol: units assigned cooperatively (`assignUnitsCooperatively` in task-assignor.ts). */
export const COOPERATIVE_PROTOCOL = 'sluice-units-cooperative';

/** The membership's view of the worker it runs (set by the executor for each incarnation). */
export interface RunningTasks {
  /** Stops the tasks (aborting what is in flight) and resolves once they stopped. */
  stop(): Promise<void>;
  /** The membership cannot go on (fenced under exactly-once, or the group is unusable). */
  fail(e: Error): void;
  /** A worker that changes its units while it runs (cooperative rebalancing); without it, every change stops the worker. */
  units?: UnitControl;
  /** A cooperative rebalance ended for this worker: `pauseMs` is what it paused (0: its units kept running; else releasing units, or the added units' wait). */
  rebalanced?(pauseMs: number): void;
}

/** How the membership changes the units of a running worker (see src/runtime/worker/unit-set.ts). */
export interface UnitControl {
  /** A rebalance starts: resolves once no checkpoint is in flight; none starts until `release` (its commit would carry a stale generation). */
  hold(): Promise<void>;
  /** The new generation is known: checkpoints may run again. */
  release(): void;
  /** Takes a checkpoint of every task, then stops the tasks of `units`; resolves once they stopped. */
  revoke(units: readonly number[]): Promise<void>;
  /** Builds, restores and starts the tasks of `units`; resolves once they run. */
  add(units: readonly number[]): Promise<void>;
}

/**
 * A worker's membership in its job's consumer group (group id = job id) when the job runs
 * distributed with durable state: the group's leader assigns the job's units (subtask indices)
 * over the members, balanced and sticky ({@link unitAssignor}). It outlives the worker's
 * incarnations. Rebalances are cooperative and incremental (KIP-429 applied to units): a running
 * worker keeps the units it keeps without stopping them, releases the revoked ones and rejoins,
 * and starts the added ones (see `#assigned`). A worker that cannot change its units while it
 * runs falls back to the eager behaviour: at a rebalance the group revokes its units,
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
  /** When this worker noticed the rebalance that gave it its pending added units (their pause starts). */
  #rebalanceStartedAt: number | undefined;

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
      worker: () => ({ host: hostname(), pid: process.pid, slot: hint?.index ?? 0, owned: this.#owned, ...(hint !== undefined && { hint: { index: hint.index, count: hint.count } }), ...this.#standbyInfo() } satisfies UnitsInfo & Record<string, unknown>),
      sessionTimeoutMs,
      ...(this.#o.staticMember !== undefined && { groupInstanceId: this.#o.staticMember.instanceId }),
      // Kafka's default (3 s) at most: the other members notice a rebalance at their next heartbeat.
      heartbeatIntervalMs: Math.max(100, Math.min(3_000, Math.floor(sessionTimeoutMs / 3))),
      assignor: withStandbys(unitAssignor(this.#o.units, (this.#o.standbyReplicas ?? 0) > 0 ? preferStandbyHolders : undefined), this.#o.units, this.#o.standbyReplicas ?? 0),
      protocolName: COOPERATIVE_PROTOCOL,
      rejoinWhenFenced: !exactlyOnce,
      listener: {
        onRevoked: () => this.#rebalanceStarts(),
        onAssigned: (a, group) => {
          // Before the units change: replicas of units that become active here wait for their restore.
          this.#assignStandbys(a);
          return this.#assigned(unitsOf(a) ?? [], group);
        },
        onLost: async (_a, reason) => {
          this.#owned = []; // others may own them now
          if (exactlyOnce) return this.#failWith(new WorkerFencedError(jobId, reason));
          await this.#revoke(`this worker left the job group (${reason})`);
        },
        onError: (e) => this.#failWith(e),
      },
    });
    this.#o.standbys?.attach(connection);
    await this.#member.join();
  }

  /** Where the worker's restore finds warm standby replicas (undefined without standbys). */
  get standbys(): StandbyReplicas | undefined {
    return this.#o.standbys;
  }

  #standbyInfo(): { standbys?: number[]; caughtUp?: number[]; standbyLag?: Record<string, number> } {
    return this.#o.standbys?.info() ?? {};
  }

  #assignStandbys(a: MemberAssignment): void {
    this.#o.standbys?.assign(standbysOf(a), unitsOf(a) ?? []);
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

  /**
   * A rebalance starts (cooperative): a worker that changes its units keeps running them all and
   * only holds its checkpoints (their commits would carry the generation that ends); one that
   * cannot stops its tasks.
   */
  async #rebalanceStarts(): Promise<void> {
    this.#rebalanceStartedAt ??= this.#o.clock.now();
    const control = this.#running?.units;
    if (control === undefined) return this.#revoke('the job group is rebalancing');
    this.#units = undefined;
    this.#changed?.();
    await control.hold();
  }

  /**
   * The group's new generation gives this worker `units`. Kept units go on; revoked ones are
   * released (a checkpoint of every task, then their tasks stop) and the worker rejoins at once,
   * so that the follow-up rebalance hands them to their new owner; added ones are restored and
   * started while the kept ones run.
   */
  async #assigned(units: number[], group: GroupMetadata): Promise<void> {
    const { jobId } = this.#o;
    const previous = this.#owned;
    const revoked = previous.filter((u) => !units.includes(u));
    const added = units.filter((u) => !previous.includes(u));
    const kept = units.filter((u) => previous.includes(u));
    logger.info({ job: jobId, generation: group.generationId, member: group.memberId, units, kept, revoked, added }, 'job group: tasks assigned to this worker');
    const running = this.#running;
    const control = running?.units;
    if (running === undefined || control === undefined || (revoked.length > 0 && kept.length === 0)) {
      // No worker runs, or it does not run yet (it stopped when the rebalance started, or it checks
      // its first assignment itself): the executor builds one for `units`. Or every unit it runs goes: it stops.
      if (control !== undefined) await this.#revoke('every unit of this worker moves');
      this.#units = units;
      this.#owned = units;
      this.#rebalanceStartedAt = undefined;
      this.#changed?.();
      if (revoked.length > 0) this.#rejoinSoon('released its units');
      return;
    }
    control.release();
    if (revoked.length > 0) {
      const started = this.#o.clock.now();
      try {
        await control.revoke(revoked);
      } catch (e) {
        // The worker stopped meanwhile (failed or cancelled): nothing of it runs any more.
        logger.debug({ job: jobId, err: e }, 'job group: the worker stopped before it released its units');
        await this.#revoke('the worker stopped while releasing units');
        this.#units = units;
        this.#owned = units;
        this.#changed?.();
        this.#rejoinSoon('released its units');
        return;
      }
      const releaseMs = this.#o.clock.now() - started;
      running.rebalanced?.(releaseMs);
      logger.info({ job: jobId, released: revoked, kept, releaseMs, at: this.#o.clock.now() }, 'job group: units released to their new owner (checkpoint of every task taken, their tasks stopped); rejoining');
    }
    this.#units = units;
    this.#owned = units;
    this.#changed?.();
    if (revoked.length > 0) this.#rejoinSoon('released revoked units');
    const since = this.#rebalanceStartedAt;
    this.#rebalanceStartedAt = undefined;
    if (added.length === 0) {
      if (revoked.length === 0) running.rebalanced?.(0);
      logger.info({ job: jobId, units, kept, keptUnitsStopped: 0 }, 'job group: this worker runs its tasks (its units kept running through the rebalance)');
      return;
    }
    void control.add(added).then(
      () => {
        const now = this.#o.clock.now();
        const pause = since === undefined ? undefined : now - since;
        if (pause !== undefined) this.pauses.push(pause);
        running.rebalanced?.(pause ?? 0);
        logger.info({ job: jobId, units, kept, added, keptUnitsStopped: 0, pauseMs: pause, at: now }, 'job group: this worker runs its tasks (added units restored and started; kept units never stopped)');
      },
      (e: unknown) => logger.debug({ job: jobId, err: e, added }, 'job group: the added units did not start (the worker stopped)'),
    );
  }

  /** Rejoins outside the member's current callback (a rejoin waits for it). */
  #rejoinSoon(why: string): void {
    const m = this.#member;
    if (m === undefined) return;
    setImmediate(() => void m.rejoin(why).catch((e: unknown) => this.#failWith(e as Error)));
  }

  async #revoke(why: string): Promise<void> {
    this.#revokedAt ??= this.#o.clock.now();
    this.#units = undefined;
    const running = this.#running;
    logger.info({ job: this.#o.jobId, reason: why, units: this.#owned }, 'job group rebalance: stopping this worker\'s tasks (the worker restarts with its new units from the last committed checkpoint)');
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
