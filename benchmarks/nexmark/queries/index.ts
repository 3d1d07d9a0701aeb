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

export const QUERIES: readonly NexmarkQuery[] = [
  { name: 'q0', title: 'pass-through', build: q0, flinkPerCore: 155_000 },
  { name: 'q1', title: 'currency conversion', build: q1, flinkPerCore: 158_000 },
  { name: 'q2', title: 'selection', build: q2, flinkPerCore: 175_000 },
  { name: 'q3', title: 'local item suggestion (join)', build: q3, flinkPerCore: 152_000 },
  { name: 'q4', title: 'average price per category', build: q4, flinkPerCore: 34_000 },
  { name: 'q5', title: 'hot items (sliding windows)', build: q5, flinkPerCore: 22_000 },
  { name: 'q7', title: 'highest bid (tumbling window)', build: q7, flinkPerCore: 12_300 },
  { name: 'q8', title: 'new users (window join)', build: q8, flinkPerCore: 146_000 },
  { name: 'q9', title: 'winning bids', build: q9, flinkPerCore: 14_200 },
  { name: 'q11', title: 'user sessions', build: q11, flinkPerCore: 39_700 },
  { name: 'q12', title: 'processing-time windows', build: q12 },
  { name: 'q13', title: 'side input join', build: (e) => q13(e) },
  { name: 'q14', title: 'calculation (UDF)', build: q14 },
  { name: 'q16', title: 'channel statistics', build: q16, flinkPerCore: 18_700 },
  { name: 'q17', title: 'auction statistics', build: q17 },
  { name: 'q18', title: 'last bid (deduplication)', build: q18 },
  { name: 'q19', title: 'auction top-10 price', build: q19 },
  { name: 'q20', title: 'expand bid with auction (join)', build: q20, flinkPerCore: 19_000 },
  { name: 'q21', title: 'add channel id', build: q21 },
  { name: 'q22', title: 'get URL directories', build: q22 },
];

export function queryByName(name: string): NexmarkQuery {
  const q = QUERIES.find((x) => x.name === name);
  if (q === undefined) throw new Error(`unknown Nexmark query '${name}'; one of ${QUERIES.map((x) => x.name).join(', ')}`);
  return q;
}
