import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../util/logger.ts';
import type { ClientSupplier } from './client-supplier.ts';
import { describeKafkaError } from './error-classification.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';
import type { InternalTopicSpec } from './internal-topics.ts';
import { fetchRound } from './read-to-end.ts';

/**
 * A message on a job's control topic: a request (e.g. `{ type: 'stop-with-savepoint', dir }`) or
 * an acknowledgement (`replyTo` = the request's id). JSON on the wire, so any tool can read it.
 */
export interface ControlMessage {
  readonly type: string;
  readonly id: string;
  /** Who sent it (a worker id, or `cli`). */
  readonly from: string;
  /** For acknowledgements: the id of the request. */
  readonly replyTo?: string;
  readonly [field: string]: unknown;
}

const FORMAT_VERSION = 1;

/** The request `sluice savepoint` sends: stop the job with a savepoint under `dir`. */
export const STOP_WITH_SAVEPOINT = 'stop-with-savepoint';

/** A running subscription; `close` stops it. */
export interface ControlSubscription {
  close(): Promise<void>;
}

/**
 * The `<jobId>-control` topic (one partition): requests to a running job, such as
 * stop-with-savepoint, and the workers' acknowledgements. Workers consume it from its end while
 * they run (a request sent before a worker started is not for it); messages are written outside
 * transactions, so they are visible at once and never hold back the topic's LSO.
 *
 * @example
 * ```ts
 * const control = new ControlChannel(clients, 'orders');
 * const acks = await control.request({ type: 'stop-with-savepoint', dir: '/backups/sp1' }, { until: (acks) => acks.length === 3, timeoutMs: 60_000 });
 * ```
 */
export class ControlChannel {
  readonly topic: string;
  readonly #clients: ClientSupplier;
  readonly #from: string;

  constructor(clients: ClientSupplier, jobId: string, options: { from?: string } = {}) {
    this.topic = ControlChannel.topicFor(jobId);
    this.#clients = clients;
    this.#from = options.from ?? 'cli';
  }

  static topicFor(jobId: string): string {
    return `${jobId}-control`;
  }

  static spec(jobId: string): InternalTopicSpec {
    return { name: ControlChannel.topicFor(jobId), partitions: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) } };
  }

  /** Sends a message; resolves when Kafka acknowledged it. Returns it with its id. */
  async send(message: Omit<ControlMessage, 'id' | 'from'> & { id?: string }): Promise<ControlMessage> {
    const full = { ...message, id: message.id ?? randomUUID(), from: this.#from } as ControlMessage;
    const value = Buffer.from(JSON.stringify({ v: FORMAT_VERSION, ...full }));
    try {
      // Outside any transaction: a control message must be visible whatever checkpoints do.
      await this.#clients.nonTransactionalProducer().send({ messages: [{ topic: this.topic, partition: 0, key: Buffer.from(full.id), value }] });
    } catch (e) {
      throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `cannot send '${full.type}' on ${this.topic}: ${describeKafkaError(e)}`, e);
    }
    return full;
  }

  /** Delivers every message written after this call (from the topic's current end), in order. */
  async subscribe(onMessage: (message: ControlMessage) => void | Promise<void>): Promise<ControlSubscription> {
    const consumer = this.#clients.consumer('control');
    const ends = await consumer.listOffsets({ topics: [this.topic], partitions: { [this.topic]: [0] }, timestamp: -1n, isolationLevel: 1 });
    const position = new Map([[0, ends.get(this.topic)?.[0] ?? 0n]]);
    let running = true;
    const loop = (async () => {
      let failures = 0;
      while (running) {
        const batch: ControlMessage[] = [];
        try {
          await fetchRound(consumer, this.topic, [0], position, undefined, (r) => {
            const m = parse(r.value);
            if (m !== undefined) batch.push(m);
          }, { maxWaitMs: 200 });
          failures = 0;
        } catch (e) {
          if (!running) break;
          failures++;
          logger.warn({ err: describeKafkaError(e), topic: this.topic }, 'reading the control topic failed; retrying');
          await sleep(Math.min(200 * failures, 2000));
        }
        for (const m of batch) if (running) await onMessage(m);
      }
    })();
    return {
      close: async () => {
        running = false;
        // Closing the consumer first ends a fetch in flight: after a long pause (a frozen, fenced
        // worker) that fetch may never be answered, and waiting for it kept the worker from stopping.
        await consumer.close(true).catch(() => {});
        await raceTimeout(loop, 2_000);
        this.#clients.release(consumer);
      },
    };
  }

  /**
   * Sends a request and collects the acknowledgements that name it until `until(acks)` holds.
   * Fails with SLUICE_CONTROL_TIMEOUT after `timeoutMs` (default 60 s).
   */
  async request(message: Omit<ControlMessage, 'id' | 'from'>, options: { until: (acks: ControlMessage[]) => boolean; timeoutMs?: number }): Promise<ControlMessage[]> {
    const acks: ControlMessage[] = [];
    let requestId: string | undefined;
    let settle: (() => void) | undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const sub = await this.subscribe((m) => {
      if (requestId !== undefined && m.replyTo === requestId) {
        acks.push(m);
        if (options.until(acks)) settle!();
      }
    });
    try {
      const sent = await this.send(message);
      requestId = sent.id;
      const timeoutMs = options.timeoutMs ?? 60_000;
      if ((await raceTimeout(done, timeoutMs)) === 'timeout') {
        throw new KafkaRequestError(
          KAFKA_SUBSTRATE_CODES.CONTROL_TIMEOUT,
          `'${message.type}' was acknowledged by ${acks.length} worker(s) within ${timeoutMs} ms; are the job's workers running and reading ${this.topic}?`,
        );
      }
      return acks;
    } finally {
      await sub.close();
    }
  }

  /** Acknowledges `request` (sent by a worker). */
  ack(request: ControlMessage, fields: Record<string, unknown> = {}): Promise<ControlMessage> {
    return this.send({ type: `${request.type}-ack`, replyTo: request.id, ...fields });
  }
}

/**
 * 'done' when `work` resolves first (its rejection passes through), else 'timeout'; the timer is cleared either way, so a finished
 * request or close does not keep the process alive until the timeout.
 */
async function raceTimeout(work: Promise<unknown>, timeoutMs: number): Promise<'done' | 'timeout'> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then(() => 'done' as const),
      sleep(timeoutMs, 'timeout' as const, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}

function parse(value: Buffer | null): ControlMessage | undefined {
  if (value === null) return undefined;
  try {
    const m = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    if (typeof m.type !== 'string' || typeof m.id !== 'string') return undefined;
    const { v: _v, ...rest } = m;
    return rest as unknown as ControlMessage;
  } catch {
    logger.warn('ignoring a control message that is not JSON');
    return undefined;
  }
}
