import { StatusTable } from '../../kafka/job-status/jobs-overview.ts';
import { JOB_STATUS_TOPIC as STATUS_TOPIC } from '../../kafka/job-status/status-topic.ts';
import type { WorkerStatus } from '../../kafka/job-status/status-record.ts';
import { logger } from '../../util/logger.ts';
import type { DashboardClients } from './clients.ts';

const FETCH_BYTES = 4 << 20;
/** Pages refresh every 2 s; one read of the topic serves every request of the same second. */
const FRESH_MS = 1_000;
const MAX_FETCHES_PER_REFRESH = 64;
const CONTROL = 1 << 5;

/**
 * Follows the cluster's status topic for the dashboard: the first read goes from the beginning,
 * later ones continue where the last stopped (Fetch at kept offsets, no group), so a page refresh
 * costs one small Fetch. Records that are not statuses are skipped (logged once per refresh).
 */
export class StatusFollower {
  readonly #clients: DashboardClients;
  readonly #table = new StatusTable();
  readonly #next = new Map<number, bigint>();
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  constructor(clients: DashboardClients) {
    this.#clients = clients;
  }

  /** The newest status of every worker (at most FRESH_MS old). Throws KafkaUnavailableError when Kafka does not answer. */
  async statuses(now: number): Promise<WorkerStatus[]> {
    if (now - this.#readAt >= FRESH_MS) {
      this.#reading ??= this.#read().finally(() => (this.#reading = undefined));
      await this.#reading;
      this.#readAt = now;
    }
    return this.#table.statuses();
  }

  async #read(): Promise<void> {
    const consumer = await this.#clients.consumer();
    const md = await this.#clients.call('reading the status topic metadata', consumer.metadata({ topics: [STATUS_TOPIC], forceUpdate: true })).catch(() => undefined);
    const t = md?.topics.get(STATUS_TOPIC);
    if (t === undefined) return; // no job has published yet
    const partitions = Array.from({ length: t.partitionsCount }, (_, p) => p);
    const ends = await this.#clients.call('listing the status topic offsets', consumer.listOffsets({ topics: [STATUS_TOPIC], partitions: { [STATUS_TOPIC]: partitions }, timestamp: -1n, isolationLevel: 0 }));
    const malformedBefore = this.#table.malformed;
    for (const p of partitions) {
      const end = ends.get(STATUS_TOPIC)?.[p] ?? 0n;
      for (let i = 0; i < MAX_FETCHES_PER_REFRESH && (this.#next.get(p) ?? 0n) < end; i++) {
        const from = this.#next.get(p) ?? 0n;
        const response = await this.#clients.call(
          'reading the status topic',
          consumer.fetch({
            node: t.partitions[p]?.leader ?? -1,
            topics: [{ topicId: t.id, partitions: [{ partition: p, fetchOffset: from, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: FETCH_BYTES }] }],
            minBytes: 1,
            maxBytes: FETCH_BYTES,
            maxWaitTime: 100,
            isolationLevel: 0,
          }),
        );
        const part = response.responses[0]?.partitions.find((x) => x.partitionIndex === p);
        if (part?.errorCode === 1 /* OFFSET_OUT_OF_RANGE: the log start moved (retention) */) {
          const starts = await this.#clients.call('listing the status topic offsets', consumer.listOffsets({ topics: [STATUS_TOPIC], partitions: { [STATUS_TOPIC]: [p] }, timestamp: -2n, isolationLevel: 0 }));
          this.#next.set(p, starts.get(STATUS_TOPIC)?.[p] ?? from);
          continue;
        }
        if (part === undefined || part.errorCode !== 0 || !part.records?.length) break;
        let next = from;
        for (const batch of part.records) {
          const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
          if (!(batch.attributes & CONTROL)) {
            for (const r of batch.records) {
              const offset = batch.firstOffset + BigInt(r.offsetDelta);
              if (offset >= from) this.#table.apply(r.key ?? null, r.value ?? null, `${STATUS_TOPIC}-${p}@${offset}`);
            }
          }
          if (last + 1n > next) next = last + 1n;
        }
        if (next === from) break;
        this.#next.set(p, next);
      }
    }
    if (this.#table.malformed > malformedBefore) {
      logger.warn({ topic: STATUS_TOPIC, skipped: this.#table.malformed - malformedBefore, first: this.#table.firstProblem }, 'skipped records of the status topic that are not worker statuses');
    }
  }
}
