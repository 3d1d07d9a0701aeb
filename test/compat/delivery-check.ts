import assert from 'node:assert/strict';

/** One consumed record as the compatibility scenarios record it. */
export interface Seen {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/** The scenarios produce `value-i` with key `key-(i % 97)`. */
export function keyOf(i: number): string {
  return `key-${i % 97}`;
}

/**
 * Asserts that `seen` holds value-0 … value-(n-1) exactly once, each with its key, offsets rising
 * within each partition, and each key's values in production order (one key, one partition).
 */
export function assertCompleteAndOrdered(seen: Seen[], n: number, label: string): void {
  const values = seen.map((s) => Number(s.value.split('-')[1])).sort((a, b) => a - b);
  assert.equal(seen.length, n, `${label}: consumed ${seen.length} of ${n}`);
  assert.deepEqual(values, Array.from({ length: n }, (_, i) => i), `${label}: every value exactly once`);
  const lastOffset = new Map<number, number>();
  const lastValue = new Map<string, number>();
  const partitionOfKey = new Map<string, number>();
  for (const s of seen) {
    const i = Number(s.value.split('-')[1]);
    assert.equal(s.key, keyOf(i), `${label}: key of ${s.value}`);
    assert.ok((lastOffset.get(s.partition) ?? -1) < s.offset, `${label}: offsets rise in partition ${s.partition}`);
    lastOffset.set(s.partition, s.offset);
    assert.ok((lastValue.get(s.key) ?? -1) < i, `${label}: ${s.key} keeps production order`);
    lastValue.set(s.key, i);
    const p = partitionOfKey.get(s.key) ?? s.partition;
    assert.equal(p, s.partition, `${label}: ${s.key} stays in one partition`);
    partitionOfKey.set(s.key, p);
  }
}
