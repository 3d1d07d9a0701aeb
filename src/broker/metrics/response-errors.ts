/**
 * Counts the error codes of a response body, as Kafka's `errorCounts()` does for its
 * ErrorsPerSec meter: every `errorCode` field (top-level, per topic, per partition, per group),
 * NONE included. Record sets and byte fields are not walked.
 */
export function countErrorCodes(body: unknown, into: Map<number, number>): void {
  if (body === null || typeof body !== 'object') return;
  if (Array.isArray(body)) {
    for (const item of body) if (item !== null && typeof item === 'object') countErrorCodes(item, into);
    return;
  }
  if (Buffer.isBuffer(body) || 'deferredLength' in body) return;
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key];
    if (key === 'errorCode') {
      if (typeof value === 'number') into.set(value, (into.get(value) ?? 0) + 1);
    } else if (key !== 'records' && value !== null && typeof value === 'object') {
      countErrorCodes(value, into);
    }
  }
}
