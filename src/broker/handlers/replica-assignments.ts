/**
 * Checks manual replica assignments the way Kafka's controller does, for a cluster whose only
 * broker is `nodeId`: every listed partition (CreateTopics: a consecutive 0-based sequence) names
 * existing brokers, without duplicates, with `replicas` replicas each (the topic's replication
 * factor when it exists). Returns the problem (INVALID_REPLICA_ASSIGNMENT) or null.
 */
export function assignmentProblem(
  assignments: ReadonlyArray<{ partitionIndex?: number; brokerIds: readonly number[] }>,
  replicas: number,
  nodeId: number,
): string | null {
  let expected = replicas > 0 ? replicas : (assignments[0]?.brokerIds.length ?? 0);
  const indexes = assignments.map((a) => a.partitionIndex).filter((i): i is number => i !== undefined);
  if (indexes.length > 0) {
    const sorted = [...indexes].sort((a, b) => a - b);
    if (sorted.some((p, i) => p !== i)) return 'partitions should be a consecutive 0-based integer sequence';
  }
  for (const a of assignments) {
    if (a.brokerIds.length === 0) return 'the manual partition assignment includes an empty replica list';
    if (new Set(a.brokerIds).size !== a.brokerIds.length) return `the manual partition assignment includes duplicate replicas: ${a.brokerIds.join(',')}`;
    const unknown = a.brokerIds.find((id) => id !== nodeId);
    if (unknown !== undefined) return `the manual partition assignment includes broker ${unknown}, but no such broker is registered (the only broker is ${nodeId})`;
    if (a.brokerIds.length !== expected) {
      return `the manual partition assignment includes a partition with ${a.brokerIds.length} replica(s), but this is not consistent with the others, which have ${expected} replica(s)`;
    }
    expected = a.brokerIds.length;
  }
  return null;
}
