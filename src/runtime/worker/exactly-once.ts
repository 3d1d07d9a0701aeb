import type { RebalanceRecorder } from '../../kafka/rebalance-watch.ts';
import type { Clock } from '../../util/clock.ts';
import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import type { CheckpointSettings } from '../../core/checkpointing.ts';
import type { KafkaConnection } from '../../core/kafka-clients.ts';
import type { Sink } from '../../core/sink.ts';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../util/logger.ts';
import type { GroupMetadata } from '../../core/kafka-clients.ts';
import type { ClientSupplier, ProducerSettings } from '../../kafka/client-supplier.ts';
import { WorkerFencedError } from '../../kafka/errors.ts';
import { JobGroupMember } from '../../kafka/job-group-member.ts';
import { clusterKey } from '../../kafka/worker-clients.ts';
import { WorkerIdentity } from '../../kafka/worker-identity.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import type { StaticMembership } from './static-membership.ts';

/** Kafka's producer default of `transaction.timeout.ms`. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/** What an exactly-once KafkaSink tells the worker (duck-typed: the runtime does not know connectors). */
interface TransactionalSink extends Sink<unknown> {
  readonly transactions?: { prefix: string | undefined; timeoutMs: number };
}

/** The sinks of a worker's operators. */
export function sinksOf(operators: Iterable<readonly AbstractStreamOperator<unknown>[]>): TransactionalSink[] {
  const out: TransactionalSink[] = [];
  for (const ops of operators) {
    const sink = (ops[0] as { sink?: TransactionalSink } | undefined)?.sink;
    if (sink !== undefined) out.push(sink);
  }
  return out;
}

/** Whether checkpoints of this job are Kafka transactions. */
export function isExactlyOnce(mode: 'streaming' | 'batch', checkpoints: CheckpointSettings | undefined): boolean {
  return mode === 'streaming' && (checkpoints?.interval ?? 0) > 0 && checkpoints?.mode === 'EXACTLY_ONCE';
}

/**
 * The identity and settings of an exactly-once worker: its slot in the state directory (kept
 * across restarts: a restarted worker takes its old slot and so its transactional id, fencing its
 * previous incarnation), its transactional id `<prefix or job id>-<slot>` (`-<instance id>` for a
 * static member: the same wherever the worker restarts), and the transaction
 * timeout. Refuses the settings that cannot give exactly-once (configuration errors name them).
 */
export class ExactlyOnceWorker {
  readonly identity: WorkerIdentity;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly #static: StaticMembership | undefined;

  constructor(options: { jobId: string; stateDir: string; sinks: readonly TransactionalSink[]; interval: number; staticMember?: StaticMembership | undefined }) {
    const eoSinks = options.sinks.filter((s) => s.deliveryGuarantee === 'exactly-once');
    const timeouts = eoSinks.map((s) => s.transactions?.timeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS);
    this.transactionTimeoutMs = timeouts.length > 0 ? Math.min(...timeouts) : DEFAULT_TRANSACTION_TIMEOUT_MS;
    if (this.transactionTimeoutMs < options.interval) {
      throw new JobConfigurationError(
        `the transaction timeout (KafkaSink property 'transaction.timeout.ms' = ${this.transactionTimeoutMs} ms) is shorter than the checkpoint interval ` +
          `(env.enableCheckpointing(${options.interval})): Kafka would abort every checkpoint's transaction before it commits. ` +
          'Raise transaction.timeout.ms above the interval, or checkpoint more often',
      );
    }
    const prefix = eoSinks.map((s) => s.transactions?.prefix).find((p) => p !== undefined) ?? options.jobId;
    this.identity = WorkerIdentity.acquire({ stateDir: options.stateDir, jobId: options.jobId });
    // A static instance id names the worker wherever it runs; a slot only within one state directory.
    this.#static = options.staticMember;
    this.transactionalId = this.#static !== undefined ? `${prefix}-${this.#static.instanceId}` : this.identity.transactionalId(prefix);
  }

  /**
   * Joins the job's consumer group (group id = job id) with static membership per slot: a worker
   * restarted in its slot replaces its old member without a rebalance; a replacement in another
   * slot waits until the group expelled a frozen one, whose later offset commits then carry a stale
   * generation and are refused (KIP-447), aborting its transaction.
   */
  async join(
    clients: ClientSupplier,
    jobId: string,
    topics: readonly string[],
    sessionTimeoutMs: number,
    onFenced: (e: Error) => void,
    /** Rebalances of the job group (metrics): from revocation to the next assignment; the first join is not one. */
    rebalances?: { stats: RebalanceRecorder; clock: Clock },
  ): Promise<void> {
    const fenced = (reason: string): void => onFenced(new WorkerFencedError(jobId, reason));
    const r = rebalances;
    this.member = new JobGroupMember(clients, {
      groupId: jobId,
      topics,
      worker: { host: hostname(), pid: process.pid, slot: this.identity.slot },
      groupInstanceId: this.#static?.instanceId ?? `${jobId}-worker-${this.identity.slot}`,
      sessionTimeoutMs,
      heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 3)),
      listener: {
        onLost: (_a, reason) => fenced(reason),
        onError: (e) => onFenced(e),
        ...(r && { onRevoked: () => r.stats.started(r.clock.now()), onAssigned: () => r.stats.ended(r.clock.now(), true) }),
      },
      rejoinWhenFenced: false,
    });
    await this.member.join();
  }

  member: JobGroupMember | undefined;

  /**
   * The group metadata the checkpoint's offsets carry: the job group's generation and member id.
   * Throws once the group went on without this worker: its transaction must not commit.
   */
  groupMetadata(): GroupMetadata | undefined {
    this.checkMember();
    return this.member?.groupMetadata();
  }

  /**
   * Waits while another member of the job group runs the job's tasks: the assignor gives every
   * task to the group's leader, so a worker that is not the leader (and is assigned nothing) stands
   * by, heartbeating, until the group makes it the leader (the running worker left, died or was
   * fenced). `check` throws to stop waiting (the worker was cancelled or failed).
   */
  async standBy(jobId: string, check: () => void): Promise<void> {
    const m = this.member;
    const runs = (): boolean => m === undefined || (m.stable && (m.leader || m.assignment.partitions.length > 0));
    if (runs()) return;
    logger.info({ job: jobId, transactionalId: this.transactionalId }, 'standing by: another worker of this job runs its tasks; this worker takes over when that one stops or is fenced');
    while (!runs()) {
      check();
      this.checkMember();
      await sleep(200);
    }
    logger.info({ job: jobId, transactionalId: this.transactionalId }, 'this worker now runs the job');
  }

  /** Throws a WorkerFencedError when the job group fenced this worker. */
  checkMember(): void {
    if (this.member?.fenced === true) throw new WorkerFencedError(this.member.groupMetadata().groupId, 'the job group went on without this worker');
  }

  async close(): Promise<void> {
    // A static worker told to remain in the group keeps its membership for its restart.
    await this.member?.close({ leave: this.#static?.remainInGroupOnStop !== true }).catch(() => {});
    this.identity.release();
  }

  producerSettings(): ProducerSettings {
    return { kind: 'transactional', transactionalId: this.transactionalId, transactionTimeoutMs: this.transactionTimeoutMs };
  }

  /** One transaction cannot span clusters: every exactly-once sink must write to the state's cluster. */
  static async checkClusters(sinks: readonly TransactionalSink[], state: KafkaConnection): Promise<void> {
    for (const s of sinks) {
      if (s.deliveryGuarantee !== 'exactly-once' || typeof s.kafkaConnection !== 'function') continue;
      const c = await s.kafkaConnection();
      if (clusterKey(c) !== clusterKey(state)) {
        throw new JobConfigurationError(
          `an exactly-once KafkaSink writes to ${String(c.bootstrapBrokers)}, but the job's sources and state live on ${String(state.bootstrapBrokers)}; ` +
            'one Kafka transaction cannot span two clusters: write to the same cluster, or use deliveryGuarantee at-least-once for this sink',
        );
      }
    }
  }
}

/** An exactly-once sink in a job whose checkpoints are not transactions is a configuration error. */
export function checkGuarantees(sinks: readonly TransactionalSink[], exactlyOnce: boolean): void {
  if (exactlyOnce) return;
  if (sinks.some((s) => s.deliveryGuarantee === 'exactly-once')) {
    throw new JobConfigurationError(
      "a KafkaSink has deliveryGuarantee 'exactly-once', but the job does not checkpoint exactly-once: its records would never commit. " +
        "Call env.enableCheckpointing(ms, CheckpointingMode.EXACTLY_ONCE), or use deliveryGuarantee 'at-least-once'",
    );
  }
}
