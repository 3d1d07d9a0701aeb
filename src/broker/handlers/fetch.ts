import type { RequestContext } from '../broker-context.ts';
import { leaderEpochError } from './leader-epoch.ts';
import type { FetchRequest } from '../../protocol/messages/fetch.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { OffsetOutOfRangeError, type PartitionLog, type PlannedRead } from '../log/partition-log.ts';
import { FileRegion } from '../log/file-region.ts';
import type { Topic } from '../log/log-manager.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl/acl-types.ts';

const READ_COMMITTED = 1;

/**
 * Record bytes of one response read at once, on the event loop (small reads from the page
 * cache); anything beyond is sent as FileRegions, read off the event loop as the socket drains.
 */
const INLINE_BYTES = 64 * 1024;

/** Kafka answers "no records" with an empty set, not null; librdkafka rejects null (size -1). */
const NO_RECORDS = Buffer.alloc(0);

interface Wanted {
  topic: Topic | undefined;
  topicName: string;
  topicId: string;
  partition: number;
  offset: number;
  maxBytes: number;
  /** The client's idea of the leader epoch (-1: unknown). */
  currentLeaderEpoch: number;
  /** Not authorized: TOPIC_AUTHORIZATION_FAILED. */
  denied: boolean;
}

/**
 * Fetch: returns stored batches as they are (compressed or not) from each requested partition.
 * When fewer than `minBytes` are available it long-polls: it waits for appends to any requested
 * partition or for `maxWaitMs`, then answers with whatever is there. The response holds at most
 * min(request max bytes, the broker's fetch.max.bytes) of records, except that the first batch
 * of the first partition with data is returned whatever its size (KIP-74). Data is planned from
 * batch headers only; it is read when the connection writes it. Fetch sessions (KIP-227) are
 * declined by answering session id 0, so clients keep sending full fetch requests.
 */
export function handleFetch(ctx: RequestContext, req: FetchRequest): object | Promise<object> {
  const { broker } = ctx;
  const byId = ctx.apiVersion >= 13;
  const wanted: Wanted[] = [];
  // A follower (replica id >= 0) needs CLUSTER_ACTION; a consumer READ on each topic.
  const replicaId = ctx.apiVersion >= 15 ? ((req as { replicaState?: { replicaId: number } }).replicaState?.replicaId ?? -1) : ((req as { replicaId?: number }).replicaId ?? -1);
  const follower = replicaId >= 0;
  const clusterAction = follower && ctx.authz.authorize(AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME);
  for (const t of req.topics) {
    const topic = byId ? broker.logs.topicById(t.topicId) : broker.logs.topic(t.topic);
    const name = byId ? topic?.name : t.topic;
    const denied = follower ? !clusterAction : name !== undefined && !ctx.authz.authorize(AclOperation.READ, ResourceType.TOPIC, name);
    for (const p of t.partitions) {
      wanted.push({
        topic,
        topicName: t.topic,
        topicId: t.topicId,
        partition: p.partition,
        offset: Number(p.fetchOffset),
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: ctx.apiVersion >= 9 ? p.currentLeaderEpoch : -1,
        denied,
      });
    }
  }
  const brokerMax = broker.settings.number('fetch.max.bytes');
  const maxBytes = Math.min(ctx.apiVersion >= 3 ? req.maxBytes : Number.MAX_SAFE_INTEGER, brokerMax);
  const committed = ctx.apiVersion >= 4 && req.isolationLevel === READ_COMMITTED;
  const first = readAll(ctx, wanted, maxBytes, byId, committed);
  const waitMs = Math.min(req.maxWaitMs, broker.maxFetchWaitMs);
  if (first.bytes >= req.minBytes || waitMs <= 0 || first.errors) return materialize(first.body);

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
        finish(materialize(readAll(ctx, wanted, maxBytes, byId, committed).body));
      } catch (err) {
        fail(err);
      }
    }, waitMs);
    timer.unref();
    function check() {
      scheduled = false;
      try {
        const again = readAll(ctx, wanted, maxBytes, byId, committed);
        if (again.bytes >= req.minBytes || again.errors) finish(materialize(again.body));
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

/**
 * Plans every partition's part of the response (batch headers only); the body holds the plans.
 * Nothing is pinned or read: `materialize` turns the chosen body into bytes and file regions.
 */
function readAll(ctx: RequestContext, wanted: Wanted[], maxBytes: number, byId: boolean, committed: boolean) {
  let bytes = 0;
  let errors = false;
  const responses: Array<{ topic: string; topicId: string; partitions: Array<Record<string, unknown>> }> = [];
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
    if (w.denied) {
      errors = true;
      current.partitions.push(partitionError(w.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
      continue;
    }
    if (!log) {
      errors = true;
      current.partitions.push(partitionError(w.partition, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      continue;
    }
    const epochError = leaderEpochError(w.currentLeaderEpoch);
    if (epochError !== null) {
      errors = true;
      current.partitions.push(partitionError(w.partition, epochError));
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
    const budget = Math.min(w.maxBytes, Math.max(maxBytes - bytes, 0));
    try {
      // read_committed readers see nothing past the LSO, plus the aborted ranges to skip.
      // KIP-74: only the first partition with data may exceed the limits, by its first batch.
      const plan = budget > 0 || bytes === 0 ? log.planRead(w.offset, budget, committed ? lso : log.logEndOffset, bytes === 0) : null;
      if (plan) bytes += plan.length;
      if (committed && plan) {
        base.abortedTransactions = log
          .abortedTransactions(w.offset, plan.endOffset)
          .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
      }
      current.partitions.push({ ...base, errorCode: ErrorCode.NONE, records: plan ?? NO_RECORDS });
    } catch (err) {
      if (!(err instanceof OffsetOutOfRangeError)) throw err;
      errors = true;
      current.partitions.push({ ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: NO_RECORDS });
    }
  }
  return { bytes, errors, body: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses } };
}

/** Turns planned reads into records: small ones read now, the rest as pinned file regions. */
function materialize(body: ReturnType<typeof readAll>['body']): object {
  let inline = INLINE_BYTES;
  for (const t of body.responses) {
    for (const p of t.partitions) {
      const plan = p.records as PlannedRead | Buffer;
      if (Buffer.isBuffer(plan)) continue;
      if (plan.length <= inline) {
        inline -= plan.length;
        p.records = plan.segment.readAt(plan.position, plan.length);
      } else p.records = new FileRegion(plan.segment, plan.position, plan.length);
    }
  }
  return body;
}

function partitionError(partitionIndex: number, errorCode: number): Record<string, unknown> {
  return { partitionIndex, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, records: NO_RECORDS };
}
