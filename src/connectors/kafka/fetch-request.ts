import { channel } from 'node:diagnostics_channel';
import type { Base, ClusterMetadata, Consumer } from '@platformatic/kafka';
import { errorCodeName } from '../../protocol/error-codes.ts';
import { fetchApi, type FetchRequest, type FetchResponse } from '../../protocol/messages/fetch.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import { compileMessage } from '../../protocol/schema/compile.ts';
import { libraryConnection, negotiatedVersion, sendOnLibraryConnection, type ClientLibrary } from './library-connection.ts';

/** What a partition asks for. */
export interface CodecFetchPartition {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  /** The leader epoch the reader knows (-1: unknown, no fencing). */
  readonly currentLeaderEpoch: number;
}

/** One Fetch request to one leader. */
export interface CodecFetchRequest {
  readonly node: number;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly CodecFetchPartition[] }>;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly readCommitted: boolean;
}

/** A partition of the answer: its raw record batches, not yet read. */
export interface CodecFetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly abortedTransactions: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }> | null;
  readonly records: Buffer | null;
}

/** A Fetch answered with a request-level error code (the partitions' own codes are in the answer). */
export class FetchRequestError extends Error {
  readonly errorCode: number;
  readonly apiId: string;
  constructor(errorCode: number) {
    super(`the broker refused the Fetch request with Kafka error ${errorCodeName(errorCode)} (${errorCode})`);
    this.errorCode = errorCode;
    this.apiId = errorCodeName(errorCode);
  }
}

export type { ClientLibrary } from './library-connection.ts';

const FETCH = fetchApi.apiKey;
/** First version whose request and response headers carry tagged fields. */
const FLEXIBLE_FROM = 12;
/** First version naming topics by id rather than by name. */
const TOPIC_IDS_FROM = 13;
/**
 * Where @platformatic/kafka reports a failed fetch (`{ client, error }`), which the worker counts
 * in `numKafkaClientErrors` (src/kafka/client-error-watch.ts): these fetches report there too.
 */
const fetchErrors = channel('tracing:plt:kafka:consumer:fetches:error');
const requestCodec = compileMessage(fetchApi.request);
const responseCodec = compileMessage(fetchApi.response);

/**
 * Sends one Fetch to `request.node` on the consumer's own connection to that broker (so TLS, SASL
 * and re-authentication are the client library's), with the request written and the answer read
 * by Sluice's codec (`src/protocol`): the answer's record batches stay raw bytes, for
 * `readFetchedBatches`. The version is the one the library negotiated with the broker. No fetch
 * session (KIP-227): every request lists all its partitions, as a sessionless Java consumer does.
 * `lib` is the loaded client library (`kafkaClientLibrary()`, passed in so that this module, loaded
 * apart, does not import the loader: esbuild would split it into a chunk of its own).
 */
export async function fetchWithCodec(lib: ClientLibrary, consumer: Consumer<never, never, never, never> | Consumer, metadata: ClusterMetadata, request: CodecFetchRequest): Promise<CodecFetchedPartition[]> {
  const broker = metadata.brokers.get(request.node);
  if (broker === undefined) throw new FetchRequestError(6 /* NOT_LEADER_OR_FOLLOWER: the leader left the metadata */);
  const client = consumer as unknown as Base;
  const version = Math.min(await negotiatedVersion(lib, client, 'Fetch'), responseCodec.maxVersion);
  const connection = await libraryConnection(lib, client, broker);

  const names = new Map<string, string>();
  const body: Partial<FetchRequest> = {
    replicaId: -1,
    maxWaitMs: request.maxWaitMs,
    minBytes: request.minBytes,
    maxBytes: request.maxBytes,
    isolationLevel: request.readCommitted ? 1 : 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: request.topics.map((t) => {
      const id = version >= TOPIC_IDS_FROM ? topicIdOf(metadata, t.name) : ZERO_UUID;
      if (version >= TOPIC_IDS_FROM) names.set(id, t.name);
      return {
        topic: t.name,
        topicId: id,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch,
          fetchOffset: p.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.partitionMaxBytes,
          replicaDirectoryId: ZERO_UUID,
        })),
      };
    }),
    forgottenTopicsData: [],
    rackId: '',
  };
  const w = new Writer();
  requestCodec.encoder(version)!(w, body);
  const reportFailure = (error: Error): void => {
    if (fetchErrors.hasSubscribers) fetchErrors.publish({ client: consumer, error });
  };
  const bytes = await sendOnLibraryConnection(lib, connection, FETCH, version, w, version >= FLEXIBLE_FROM, reportFailure);
  const response = responseCodec.decoder(version)!(new Reader(bytes)) as FetchResponse;
  if (response.errorCode !== 0) {
    const error = new FetchRequestError(response.errorCode);
    reportFailure(error);
    throw error;
  }
  const out: CodecFetchedPartition[] = [];
  for (const t of response.responses) {
    const topic = version >= TOPIC_IDS_FROM ? names.get(t.topicId) : t.topic;
    if (topic === undefined) continue;
    for (const p of t.partitions) {
      out.push({
        topic,
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        abortedTransactions: p.abortedTransactions,
        records: Array.isArray(p.records) ? Buffer.concat(p.records) : p.records,
      });
    }
  }
  const failed = out.filter((p) => p.errorCode !== 0);
  if (failed.length > 0) reportFailure(partitionErrors(failed));
  return out;
}

/** The partitions' error codes as one error, in the shape the library gives a partly failed response (named by `apiId`). */
function partitionErrors(failed: readonly CodecFetchedPartition[]): Error {
  const errors = failed.map((p) => Object.assign(new Error(`${p.topic}/${p.partition}: ${errorCodeName(p.errorCode)}`), { apiId: errorCodeName(p.errorCode) }));
  return Object.assign(new Error(`Fetch: ${errors.map((e) => e.message).join(', ')}`), { errors });
}

/** The library's topic id (8-4-4-4-12 hex) in the codec's form (22 characters of base64url). */
function topicIdOf(metadata: ClusterMetadata, topic: string): string {
  const id = metadata.topics.get(topic)?.id;
  if (id === undefined) throw new FetchRequestError(3 /* UNKNOWN_TOPIC_OR_PARTITION */);
  return Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
}
