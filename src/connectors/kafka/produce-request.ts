import { channel } from 'node:diagnostics_channel';
import type { Base, Broker } from '@platformatic/kafka';
import { errorCodeName } from '../../protocol/error-codes.ts';
import { produceApi, type ProduceRequest, type ProduceResponse } from '../../protocol/messages/produce.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import { compileMessage } from '../../protocol/schema/compile.ts';
import { libraryConnection, negotiatedVersion, sendOnLibraryConnection, type ClientLibrary } from './library-connection.ts';

/** One Produce request to one leader: one record batch per partition. */
export interface CodecProduceRequest {
  readonly transactionalId: string | null;
  /** -1 (all in-sync replicas) or 1; 0 is not supported (there would be no answer to read). */
  readonly acks: -1 | 1;
  readonly timeoutMs: number;
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly batch: Buffer }>;
}

/** A partition of the answer. */
export interface CodecProducedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: bigint;
  readonly errorMessage: string | null;
}

/** The client library's negotiated Produce is older than record batches v2 (Kafka < 0.11). */
export class ProduceVersionError extends Error {
  constructor(version: number) {
    super(`the Kafka cluster offers Produce only up to version ${version}; Sluice needs version 3 or newer (Kafka 0.11+)`);
  }
}

const PRODUCE = produceApi.apiKey;
/** A retried batch the broker already holds: acknowledged, not an error. */
const DUPLICATE_SEQUENCE_NUMBER = 46;
/** First version whose request and response headers carry tagged fields. */
const FLEXIBLE_FROM = 9;
/** First version carrying record batches v2 (and a transactional id). */
const MIN_VERSION = 3;
/**
 * Where @platformatic/kafka reports a failed send (`{ client, error }`), which the worker counts in
 * `numKafkaClientErrors` (src/kafka/client-error-watch.ts): these requests report there too.
 */
const sendErrors = channel('tracing:plt:kafka:producer:sends:error');
const requestCodec = compileMessage(produceApi.request);
const responseCodec = compileMessage(produceApi.response);

/**
 * Sends one Produce to `broker` on the producer's own connection to it (TLS, SASL and
 * re-authentication stay the client library's), with the request written and the answer read by
 * Sluice's codec (`src/protocol`), at the version the library negotiated. The batches are sent as
 * they are: their producer id, epoch and sequences are the caller's. Network failures reject; the
 * partitions' error codes are in the answer.
 */
export async function produceWithCodec(lib: ClientLibrary, client: Base, broker: Broker, request: CodecProduceRequest): Promise<CodecProducedPartition[]> {
  const version = Math.min(await negotiatedVersion(lib, client, 'Produce'), responseCodec.maxVersion);
  if (version < MIN_VERSION) throw new ProduceVersionError(version);
  const connection = await libraryConnection(lib, client, broker);

  const topics = new Map<string, ProduceRequest['topicData'][number]>();
  for (const p of request.partitions) {
    let t = topics.get(p.topic);
    if (t === undefined) topics.set(p.topic, (t = { name: p.topic, partitionData: [] }));
    t.partitionData.push({ index: p.partition, records: p.batch });
  }
  const body: ProduceRequest = { transactionalId: request.transactionalId, acks: request.acks, timeoutMs: request.timeoutMs, topicData: [...topics.values()] };
  const w = new Writer();
  requestCodec.encoder(version)!(w, body);
  const bytes = await sendOnLibraryConnection(lib, connection, PRODUCE, version, w, version >= FLEXIBLE_FROM, (error) => {
    if (sendErrors.hasSubscribers) sendErrors.publish({ client, error });
  });
  const response = responseCodec.decoder(version)!(new Reader(bytes)) as ProduceResponse;
  const out: CodecProducedPartition[] = [];
  for (const t of response.responses) {
    for (const p of t.partitionResponses) {
      out.push({ topic: t.name, partition: p.index, errorCode: p.errorCode, baseOffset: p.baseOffset, errorMessage: p.errorMessage });
    }
  }
  if (sendErrors.hasSubscribers) {
    const failed = out.filter((p) => p.errorCode !== 0 && p.errorCode !== DUPLICATE_SEQUENCE_NUMBER);
    if (failed.length > 0) sendErrors.publish({ client, error: Object.assign(new Error('Produce: partitions refused the batch'), { errors: failed.map(producePartitionError) }) });
  }
  return out;
}

/** A partition's refusal, in the shape the client library gives errors (named by `apiId`), so Sluice's classification reads it. */
export function producePartitionError(p: CodecProducedPartition): Error {
  const name = errorCodeName(p.errorCode);
  return Object.assign(new Error(`Produce to ${p.topic}/${p.partition}: ${name}${p.errorMessage ? ` (${p.errorMessage})` : ''}`), { apiId: name });
}
