/** Broadcast state read from the non-broadcast side: no writes. */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  /** Flink's name for iterating the entries from the read-only side. */
  immutableEntries(): IterableIterator<[K, V]>;
  isEmpty(): boolean;
}

/** Broadcast state (the same contents on every parallel instance), written from the broadcast side. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  /** Puts every entry of a `Map` (or of an iterable of pairs). */
  putAll(entries: Iterable<readonly [K, V]>): void;
  remove(key: K): void;
  /** Flink's `iterator()`: the entries (writable side). */
  iterator(): IterableIterator<[K, V]>;
  clear(): void;
}
