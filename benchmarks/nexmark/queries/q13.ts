/**
 * Nexmark q13, bounded side input join: each bid enriched with a value looked up by
 * `auction % 10000` in a static table (Nexmark's side input: rows `i,i` for i < 10,000).
 *
 *   SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
 *   FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
 *   JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S ON mod(B.auction, 10000) = S.key
 *
 * The table is loaded once per parallel instance in `open()` (a lookup join with a full cache).
 */
import { RichMapFunction, type DataStream } from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q13Row {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  value: string;
}

export const SIDE_INPUT_ROWS = 10_000;

/** Nexmark's side input: key i has the value `String(i)`. */
export function nexmarkSideInput(rows = SIDE_INPUT_ROWS): Map<number, string> {
  return new Map(Array.from({ length: rows }, (_, i) => [i, String(i)] as const));
}

class SideInputLookup extends RichMapFunction<Bid, Q13Row | undefined> {
  load: () => Map<number, string> | Promise<Map<number, string>>;
  table: Map<number, string> = new Map();
  rows = 0;
  constructor(load: () => Map<number, string> | Promise<Map<number, string>>) {
    super();
    this.load = load;
  }
  override async open(): Promise<void> {
    this.table = await this.load();
    this.rows = this.table.size;
  }
  map(b: Bid): Q13Row | undefined {
    const value = this.table.get(b.auction % this.rows);
    return value === undefined ? undefined : { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, value };
  }
}

export function q13(events: DataStream<NexmarkEvent>, loadSideInput: () => Map<number, string> | Promise<Map<number, string>> = nexmarkSideInput): DataStream<Q13Row> {
  return bids(events)
    .map(new SideInputLookup(loadSideInput))
    .filter((r): r is Q13Row => r !== undefined)
    .name('Q13 Side Input Join') as DataStream<Q13Row>;
}
