/** Every Nexmark query of this benchmark, by name, with Flink's published per-core throughput. */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { q0 } from './q0.ts';
import { q1 } from './q1.ts';
import { q2 } from './q2.ts';
import { q3 } from './q3.ts';
import { q4 } from './q4.ts';
import { q5 } from './q5.ts';
import { q7 } from './q7.ts';
import { q8 } from './q8.ts';
import { q9 } from './q9.ts';
import { q11 } from './q11.ts';
import { q12 } from './q12.ts';
import { q13 } from './q13.ts';
import { q14 } from './q14.ts';
import { q16 } from './q16.ts';
import { q17 } from './q17.ts';
import { q18 } from './q18.ts';
import { q19 } from './q19.ts';
import { q20 } from './q20.ts';
import { q21 } from './q21.ts';
import { q22 } from './q22.ts';

export interface NexmarkQuery {
  name: string;
  title: string;
  build: (events: DataStream<NexmarkEvent>) => DataStream<unknown>;
  /**
   * Flink 1.13's events/s per core from Nexmark's published results (8 TaskManagers x 1 slot,
   * RocksDB, exactly-once checkpoints every 3 min, 100M events), where published.
   */
  flinkPerCore?: number;
}

type Build = NexmarkQuery['build'];
/** A query entry (the result type is erased: a DataStream is invariant in its element type). */
const query = <T>(name: string, title: string, build: (events: DataStream<NexmarkEvent>) => DataStream<T>, flinkPerCore?: number): NexmarkQuery => ({
  name,
  title,
  build: build as unknown as Build,
  flinkPerCore,
});

export const QUERIES: readonly NexmarkQuery[] = [
  query('q0', 'pass-through', q0, 155_000),
  query('q1', 'currency conversion', q1, 158_000),
  query('q2', 'selection', q2, 175_000),
  query('q3', 'local item suggestion (join)', q3, 152_000),
  query('q4', 'average price per category', q4, 34_000),
  query('q5', 'hot items (sliding windows)', q5, 22_000),
  query('q7', 'highest bid (tumbling window)', q7, 12_300),
  query('q8', 'new users (window join)', q8, 146_000),
  query('q9', 'winning bids', q9, 14_200),
  query('q11', 'user sessions', q11, 39_700),
  query('q12', 'processing-time windows', q12),
  query('q13', 'side input join', (e) => q13(e)),
  query('q14', 'calculation (UDF)', q14),
  query('q16', 'channel statistics', q16, 18_700),
  query('q17', 'auction statistics', q17),
  query('q18', 'last bid (deduplication)', q18),
  query('q19', 'auction top-10 price', q19),
  query('q20', 'expand bid with auction (join)', q20, 19_000),
  query('q21', 'add channel id', q21),
  query('q22', 'get URL directories', q22),
];

export function queryByName(name: string): NexmarkQuery {
  const q = QUERIES.find((x) => x.name === name);
  if (q === undefined) throw new Error(`unknown Nexmark query '${name}'; one of ${QUERIES.map((x) => x.name).join(', ')}`);
  return q;
}
