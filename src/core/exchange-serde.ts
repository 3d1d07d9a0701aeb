/**
 * How the records of one exchange (keyBy, rebalance, shuffle, global, partitionCustom) become
 * bytes and back when the exchange crosses workers through a Kafka repartition topic
 * (distributed mode). Set it with `withExchangeSerde(serde)` right after the exchange. In-process
 * exchanges hand records over as they are and never call it. The default is Sluice's portable
 * encoding (JSON values plus undefined, bigint, NaN/±Infinity, Date, Map, Set and bytes; class
 * instances arrive as plain objects). A keyBy's record key is not affected: its bytes are the
 * key-group rule's (docs/internals/key-groups.md), which keyed state is split by too.
 *
 * @example
 * ```ts
 * import type { ExchangeSerde } from 'sluice';
 * class Point {
 *   x: number; y: number;
 *   constructor(x: number, y: number) { this.x = x; this.y = y; }
 *   norm(): number { return Math.hypot(this.x, this.y); }
 * }
 * const points: ExchangeSerde<Point> = {
 *   serialize: (p) => Buffer.from(`${p.x},${p.y}`),
 *   deserialize: (b) => { const [x, y] = b.toString().split(',').map(Number); return new Point(x!, y!); },
 * };
 * stream.keyBy((p) => p.x).withExchangeSerde(points).map((p) => p.norm());
 * ```
 */
export interface ExchangeSerde<T> {
  serialize(value: T): Uint8Array;
  deserialize(bytes: Buffer): T;
}
