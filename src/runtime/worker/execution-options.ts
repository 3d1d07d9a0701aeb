import type { CheckpointSettings } from '../../core/checkpointing.ts';
import type { GlobalJobParameters } from '../../core/job-parameters.ts';
import type { StateBackend } from '../../state/backend.ts';
import type { Clock } from '../../util/clock.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobMembership } from '../executor/job-membership.ts';
import type { WatermarkInterval } from '../operators/timestamps-watermarks.ts';
import type { WorkerShare } from './worker-share.ts';

export type { WorkerShare } from './worker-share.ts';

/** A clock that tells listeners when it moves (the testing module's manual clock). */
export interface ObservableClock extends Clock {
  onAdvance(listener: () => void): () => void;
}
export function isObservable(c: Clock): c is ObservableClock {
  return typeof (c as Partial<ObservableClock>).onAdvance === 'function';
}

/** How a job runs. */
export interface ExecutionOptions {
  mode: 'streaming' | 'batch';
  clock: Clock;
  autoWatermarkInterval: WatermarkInterval;
  trackStateChanges?: boolean;
  stateBackend?: StateBackend | undefined;
  restoreFrom?: JobSnapshot | undefined;
  /** Called when the job should stop early (executeAndCollect with a limit). */
  stopSignal?: { stopped: boolean };
  /** Periodic checkpoints (flush sinks, then commit source positions); absent or interval 0 = off. */
  checkpoints?: CheckpointSettings;
  globalJobParameters?: GlobalJobParameters;
  /** The job's id (internal topics, transactional ids); default `$SLUICE_JOB_ID` (`sluice run --job-id`), else the job name. */
  jobId?: string;
  /** Exactly-once: session timeout of the job group (default `$SLUICE_GROUP_SESSION_TIMEOUT_MS`, else 45 s). */
  groupSessionTimeoutMs?: number;
  /** Local state of the job's workers (worker slots); default `$SLUICE_STATE_DIR` or `./.sluice/state`. */
  stateDir?: string;
  /**
   * `'kafka'`: every exchange between stages (keyBy, rebalance…) goes through a repartition topic
   * on the job's Kafka cluster (distributed mode, what several workers need); `'local'`: direct
   * calls. Default `$SLUICE_EXCHANGES` (`sluice run --exchanges kafka`), else `'local'`.
   */
  exchanges?: 'local' | 'kafka';
  /**
   * This worker's share of the job when several workers run it (`sluice run --workers N`, or
   * `SLUICE_WORKERS` / `SLUICE_WORKER_INDEX`): it runs subtask i of every stage when
   * `i % count === index`. Needs exchanges through Kafka. Default: every task.
   */
  workerShare?: WorkerShare;
  /**
   * Static membership in the job group (Kafka's KIP-345 group.instance.id): a worker restarted with
   * the same id within the group's session timeout gets its tasks back while the other workers go
   * on without a rebalance; under exactly-once it also names the worker's transactional id, so the
   * restart fences its previous incarnation's transaction. Unique per running worker. Default
   * `$SLUICE_INSTANCE_ID` (`sluice run --instance-id ID`; `--workers N` threads get `ID-<i>`).
   */
  instanceId?: string;
  /**
   * With `instanceId`: on stop (SIGTERM, cancel) keep the membership instead of leaving the group,
   * because the worker is coming back (rolling restart); its tasks wait for it up to the session
   * timeout. Default `$SLUICE_REMAIN_IN_GROUP` (`sluice run --remain-in-group`), else false: a
   * stopping worker leaves and its tasks move to the others at once.
   */
  remainInGroupOnStop?: boolean;
  /** Distributed jobs with durable state: the worker's membership in the job group (its tasks come from the group's assignment). */
  membership?: JobMembership;
  /**
   * Distributed jobs with durable state: warm standby replicas of each unit's keyed state on N
   * other workers (Kafka Streams' `num.standby.replicas`); a unit that moves to a worker holding
   * its replica restores only the changelog tail. Default `$SLUICE_STANDBY_REPLICAS`
   * (`sluice run --standby-replicas N`), else 0.
   */
  standbyReplicas?: number;
  /** Task, operator and checkpoint metrics (Prometheus, dashboard). Default: on unless SLUICE_METRICS=off. */
  metrics?: boolean;
}

