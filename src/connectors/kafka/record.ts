/**
 * A Kafka record as the source's deserializers see it. Valid during the `deserialize` call.
 */
export interface KafkaConsumerRecord<K = Buffer | null> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Record timestamp in ms (CreateTime, or LogAppendTime on topics configured so). */
  readonly timestamp: number;
  /** The key: raw bytes, or what the source's `keyDeserializer` made of them. */
  readonly key: K;
  /** The raw key bytes. */
  readonly keyBytes: Buffer | null;
  /** Headers in record order (a name may repeat). */
  readonly headers: ReadonlyArray<readonly [string, Buffer | null]>;
}

/** A header a KafkaSink writes (string values are UTF-8 encoded). */
export type KafkaHeaders = Record<string, string | Buffer> | ReadonlyArray<readonly [string, string | Buffer]>;

/** The first header of that name, as bytes. */
export function headerValue(record: Pick<KafkaConsumerRecord<unknown>, 'headers'>, name: string): Buffer | null | undefined {
  for (const [k, v] of record.headers) if (k === name) return v;
  return undefined;
}
