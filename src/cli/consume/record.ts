/** A record as the consume command sees it. */
export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null | undefined;
  value: Buffer | null | undefined;
}

/** Where records come from: a group member or a reader of assigned partitions. */
export interface RecordReader {
  /** The next records (possibly none after a poll interval); empty and `done` once closed. */
  poll(): Promise<ConsumedRecord[]>;
  /** Records that `record` has been printed (a group reader commits up to it). */
  printed(record: ConsumedRecord): void;
  /** Commits what was printed (group reader), leaves the group, closes connections. */
  close(): Promise<void>;
}

/** `value`, or `key<TAB>value`; a null key or value prints as `null`, like Kafka's console consumer. */
export function formatRecord(record: ConsumedRecord, printKey: boolean): string {
  const value = record.value == null ? 'null' : record.value.toString('utf8');
  if (!printKey) return value;
  const key = record.key == null ? 'null' : record.key.toString('utf8');
  return `${key}\t${value}`;
}
