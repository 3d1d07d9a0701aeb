import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../util/logger.ts';
import type { ClientSupplier } from '../client-supplier.ts';
import { describeKafkaError } from '../error-classification.ts';
import { InternalTopicMismatchError } from '../errors.ts';
import { InternalTopics } from '../internal-topics.ts';
import { encodeStatus, JOB_STATUS_TOPIC, jobStatusTopicSpec, statusKey, type WorkerStatus } from './status-record.ts';

/** Where statuses go: the topic is made sure of once, then records are sent. */
export interface StatusTransport {
  ensureTopic(): Promise<void>;
  send(key: Buffer, value: Buffer): Promise<void>;
}

export interface StatusPublisherOptions {
  /** The worker's current status (called on the worker's thread, between polling rounds). */
  readonly snapshot: () => WorkerStatus;
  readonly transport: StatusTransport;
  /** Longest wait for the final status when the worker stops. Default 3 s. */
  readonly stopTimeoutMs?: number;
  /**
   * Whether a failure deserves a warning now (default: always). A worker whose cluster was never
   * reached fails with its own clear error; a warning about its status would only add noise.
   */
  readonly warnNow?: () => boolean;
}

/** What the publisher did, for tests and logs. */
export interface PublisherCounts {
  sent: number;
  /** Sends that failed (and the topic creation, each time it failed). */
  errors: number;
  /** Statuses replaced by a newer one while a send was in flight. */
  superseded: number;
}

/**
 * Publishes a worker's status without ever slowing or failing the job: one send in flight at a
 * time and at most one waiting (a newer status replaces the waiting one — the topic is compacted,
 * only the newest counts), errors counted and logged, never thrown. It publishes every
 * `intervalMs` of the status, and at once when the state or the tasks change (checked every
 * second).
 *
 * @example
 * ```ts
 * const publisher = new StatusPublisher({ snapshot: () => currentStatus(), transport: StatusPublisher.kafka(clients) });
 * publisher.start();
 * // ...
 * await publisher.stop(); // sends the final status (FINISHED, CANCELED or FAILED)
 * ```
 */
export class StatusPublisher {
  readonly counts: PublisherCounts = { sent: 0, errors: 0, superseded: 0 };
  readonly #options: StatusPublisherOptions;
  #topicReady: Promise<boolean> | undefined;
  #inFlight: Promise<void> | undefined;
  #waiting: WorkerStatus | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastShape = '';
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #warned = false;
  #stopped = false;

  constructor(options: StatusPublisherOptions) {
    this.#options = options;
  }

  /** The worker's producer (outside its transactions: a status must be visible at once) and admin wire. */
  static kafka(clients: ClientSupplier): StatusTransport {
    return {
      ensureTopic: async () => {
        try {
          await new InternalTopics(clients.wire('admin')).ensure([jobStatusTopicSpec()]);
        } catch (e) {
          // Created by someone else with other partitions: any count works (records are keyed).
          if (!(e instanceof InternalTopicMismatchError && e.setting === 'partition count')) throw e;
        }
      },
      send: async (key, value) => {
        await clients.nonTransactionalProducer().send({ messages: [{ topic: JOB_STATUS_TOPIC, key, value }] });
      },
    };
  }

  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    const first = this.#options.snapshot();
    this.#timer = setInterval(() => this.#tick(), Math.min(1_000, first.intervalMs));
    this.#timer.unref();
    this.publish(first);
  }

  /** Queues a status (the current one by default); returns at once. */
  publish(status: WorkerStatus = this.#options.snapshot()): void {
    this.#lastShape = shapeOf(status);
    this.#lastSentAt = status.updatedAt;
    if (this.#inFlight !== undefined) {
      if (this.#waiting !== undefined) this.counts.superseded++;
      this.#waiting = status;
      return;
    }
    this.#inFlight = this.#sendLoop(status);
  }

  /**
   * Stops publishing and sends `final` (default: the current status); with `wait` (default true)
   * waits until it is acknowledged, at most stopTimeoutMs. Never throws.
   */
  async stop(final?: WorkerStatus, wait = true): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    let status: WorkerStatus;
    try {
      status = final ?? this.#options.snapshot();
    } catch (e) {
      logger.debug({ err: e }, 'cannot build the final worker status');
      return;
    }
    this.publish(status);
    if (!wait) return;
    const timeoutMs = this.#options.stopTimeoutMs ?? 3_000;
    const done = (async () => {
      while (this.#inFlight !== undefined) await this.#inFlight;
    })();
    const timedOut = await Promise.race([done.then(() => false), sleep(timeoutMs, true, { ref: false })]);
    if (timedOut) logger.warn({ topic: JOB_STATUS_TOPIC, timeoutMs }, 'the final worker status was not acknowledged in time; readers will show this worker as lost');
  }

  #tick(): void {
    let status: WorkerStatus;
    try {
      status = this.#options.snapshot();
    } catch (e) {
      this.counts.errors++;
      logger.debug({ err: e }, 'cannot build the worker status');
      return;
    }
    if (status.updatedAt - this.#lastSentAt >= status.intervalMs || shapeOf(status) !== this.#lastShape) this.publish(status);
  }

  async #sendLoop(first: WorkerStatus): Promise<void> {
    let status: WorkerStatus | undefined = first;
    while (status !== undefined) {
      await this.#sendOne(status);
      status = this.#waiting;
      this.#waiting = undefined;
    }
    this.#inFlight = undefined;
  }

  async #sendOne(status: WorkerStatus): Promise<void> {
    try {
      this.#topicReady ??= this.#options.transport.ensureTopic().then(
        () => true,
        (e: unknown) => {
          this.#topicReady = undefined; // try again with the next status
          throw e;
        },
      );
      await this.#topicReady;
      await this.#options.transport.send(Buffer.from(statusKey(status)), encodeStatus(status));
      this.counts.sent++;
    } catch (e) {
      this.counts.errors++;
      // Once per worker at warn level: a cluster that refuses the topic would otherwise flood the log.
      const warn = !this.#warned && (this.#options.warnNow?.() ?? true);
      const log = warn ? logger.warn.bind(logger) : logger.debug.bind(logger);
      if (warn) this.#warned = true;
      log({ topic: JOB_STATUS_TOPIC, err: describeKafkaError(e) }, 'cannot publish the worker status (the job is not affected; `sluice jobs` will not show this worker as up to date)');
    }
  }
}

/** What makes a status worth sending at once: its state and its tasks with their partitions. */
function shapeOf(s: WorkerStatus): string {
  return `${s.state}|${s.tasks.map((t) => `${t.id}:${(t.partitions ?? []).map((p) => `${p.topic}/${p.partition}`).join(',')}`).join(';')}`;
}
