/**
 * Which source subtask reads a partition. Flink's rule: the topic's hash picks the subtask of
 * partition 0, the following partitions go round-robin from there, so the partitions of one topic
 * spread evenly and several topics do not all start on subtask 0. Deterministic: every subtask
 * computes the same assignment without talking to the others.
 */
export function subtaskForPartition(topic: string, partition: number, parallelism: number): number {
  const start = (Math.imul(javaStringHash(topic), 31) & 0x7fffffff) % parallelism;
  return (start + partition) % parallelism;
}

/** Java's `String.hashCode()` (as Flink computes it). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
