import type { RequestContext } from '../broker-context.ts';
import type { FetchRequest } from '../../protocol/messages/fetch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { BASE_OFFSET, BATCH_HEADER_SIZE, BATCH_LENGTH, LAST_OFFSET_DELTA, LOG_OVERHEAD } from '../../protocol/records/index.ts';
import { OffsetOutOfRangeError, type PartitionLog } from '../log/partition-log.ts';
import type { Topic } from '../log/log-manager.ts';

const READ_COMMITTED = 1;

/** Last offset covered by the whole batches in `records`. */
function lastOffsetOf(records: Buffer): number {
  let pos = 0;
  let last = -1;
  while (records.length - pos >= BATCH_HEADER_SIZE) {
    last = Number(records.readBigInt64BE(pos + BASE_OFFSET)) + records.readInt32BE(pos + LAST_OFFSET_DELTA);
    pos += records.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
  }
  return last;
}

/** Kafka answers "no records" with an empty set, not null; librdkafka rejects null (size -1). */
const NO_RECORDS = Buffer.alloc(0);

interface Wanted {
  topic: Topic | undefined;
  topicName: string;
  topicId: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

/**
 * Fetch: reads stored batches as they are (compressed or not) from each requested partition.
 * When fewer than `minBytes` are available it long-polls: it waits for appends to any requested
 * partition or for `maxWaitMs`, then answers with whatever is there. Fetch sessions (KIP-227)
 * are declined by answering session id 0, so clients keep sending full fetch requests.
 */
export function handleFetch(ctx: RequestContext, req: FetchRequest): object | Promise<object> {
  const { broker } = ctx;
  const byId = ctx.apiVersion >= 13;
  const wanted: Wanted[] = [];
  for (const t of req.topics) {
    const topic = byId ? broker.logs.topicById(t.topicId) : broker.logs.topic(t.topic);
    for (const p of t.partitions) {
      wanted.push({
        topic,
        topicName: t.topic,
        topicId: t.topicId,
        partition: p.partition,
        offset: Number(p.fetchOffset),
        maxBytes: p.partitionMaxBytes,
      });
    }
  }
  const maxBytes = ctx.apiVersion >= 3 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
  const committed = ctx.apiVersion >= 4 && req.isolationLevel === READ_COMMITTED;
  const first = readAll(ctx, wanted, maxBytes, byId, committed);
  const waitMs = Math.min(req.maxWaitMs, broker.maxFetchWaitMs);
  if (first.bytes >= req.minBytes || waitMs <= 0 || first.errors) return first.body;

  return new Promise((resolve, reject) => {
    const logs = new Set<PartitionLog>();
    for (const w of wanted) {
      const log = w.topic?.partitions[w.partition];
      if (log) logs.add(log);
    }
    let scheduled = false;
    const unsubscribe = [...logs].map((log) =>
      log.onAppend(() => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(check); // coalesce a burst of appends into one re-read
      }),
    );
    // Deferred reads run from timers: a throw there would take the whole process down, so it
    // fails this request (the connection closes) instead. Unref'd: a closed broker's pending
    // long-polls must not keep the process alive.
    const timer = setTimeout(() => {
      try {
        finish(readAll(ctx, wanted, maxBytes, byId, committed).body);
      } catch (err) {
        fail(err);
      }
    }, waitMs);
    timer.unref();
    function check() {
      scheduled = false;
      try {
        const again = readAll(ctx, wanted, maxBytes, byId, committed);
        if (again.bytes >= req.minBytes || again.errors) finish(again.body);
      } catch (err) {
        fail(err);
      }
    }
    function finish(body: object) {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
      resolve(body);
    }
    function fail(err: unknown) {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
      reject(err);
    }
  });
}

function readAll(ctx: RequestContext, wanted: Wanted[], maxBytes: number, byId: boolean, committed: boolean) {
  let bytes = 0;
  let errors = false;
  const responses: Array<{ topic: string; topicId: string; partitions: object[] }> = [];
  let current: (typeof responses)[number] | undefined;
  for (const w of wanted) {
    const key = byId ? w.topicId : w.topicName;
    if (!current || (byId ? current.topicId : current.topic) !== key) {
      current = { topic: w.topicName, topicId: w.topicId === '' ? ZERO_UUID : w.topicId, partitions: [] };
      responses.push(current);
    }
    // Looked up again on every read: a long-poll can outlive its topic (deleted meanwhile).
    const topic = byId ? ctx.broker.logs.topicById(w.topicId) : ctx.broker.logs.topic(w.topicName);
    const log = topic?.partitions[w.partition];
    if (!log) {
      errors = true;
      current.partitions.push(partitionError(w.partition, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      continue;
    }
    const lso = log.lastStableOffset;
    const base = {
      partitionIndex: w.partition,
      highWatermark: BigInt(log.logEndOffset),
      lastStableOffset: BigInt(lso),
      logStartOffset: BigInt(log.logStartOffset),
      abortedTransactions: null as Array<{ producerId: bigint; firstOffset: bigint }> | null,
    };
    // The first partition with data may exceed maxBytes by one batch (KIP-74): progress first.
    const budget = Math.min(w.maxBytes, Math.max(maxBytes - bytes, 0));
    if (budget <= 0 && bytes > 0) {
      current.partitions.push({ ...base, errorCode: ErrorCode.NONE, records: NO_RECORDS });
      continue;
    }
    try {
      // read_committed readers see nothing past the LSO, plus the aborted ranges to skip.
      const records = log.read(w.offset, Math.max(budget, 1), committed ? lso : log.logEndOffset);
      if (records) bytes += records.length;
      if (committed && records) {
        base.abortedTransactions = log
          .abortedTransactions(w.offset, lastOffsetOf(records) + 1)
          .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
      }
      current.partitions.push({ ...base, errorCode: ErrorCode.NONE, records: records ?? NO_RECORDS });
    } catch (err) {
      if (!(err instanceof OffsetOutOfRangeError)) throw err;
      errors = true;
      current.partitions.push({ ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: NO_RECORDS });
    }
  }
  return { bytes, errors, body: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses } };
}

function partitionError(partitionIndex: number, errorCode: number): object {
  return { partitionIndex, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, records: NO_RECORDS };
}
