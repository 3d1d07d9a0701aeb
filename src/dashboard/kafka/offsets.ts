import type { Admin } from '@platformatic/kafka';

export const EARLIEST = -2n;
export const LATEST = -1n;
const READ_UNCOMMITTED = 0 as const;
const READ_COMMITTED = 1 as const;

/** Offsets of one partition: log start, high watermark, last stable offset. */
export interface PartitionOffsets {
  earliest: number;
  /** High watermark: the offset the next record gets (log end offset for a single replica). */
  latest: number;
  /** Last stable offset: what read_committed consumers may read up to. */
  lastStable: number;
}

type Wanted = Map<string, number[]>;

async function list(admin: Admin, wanted: Wanted, timestamp: bigint, isolationLevel: 0 | 1): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (wanted.size === 0) return out;
  const result = await admin.listOffsets({
    topics: [...wanted].map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
    isolationLevel,
  });
  for (const t of result) for (const p of t.partitions) if (p.offset >= 0n) out.set(`${t.name}\u0000${p.partitionIndex}`, Number(p.offset));
  return out;
}

/** Earliest, latest and last stable offsets of the given partitions, in three ListOffsets requests. */
export async function partitionOffsets(admin: Admin, wanted: Wanted): Promise<Map<string, PartitionOffsets>> {
  const [earliest, latest, stable] = await Promise.all([
    list(admin, wanted, EARLIEST, READ_UNCOMMITTED),
    list(admin, wanted, LATEST, READ_UNCOMMITTED),
    list(admin, wanted, LATEST, READ_COMMITTED),
  ]);
  const out = new Map<string, PartitionOffsets>();
  for (const [key, l] of latest) out.set(key, { earliest: earliest.get(key) ?? 0, latest: l, lastStable: stable.get(key) ?? l });
  return out;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
