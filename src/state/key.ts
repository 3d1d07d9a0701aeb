/**
 * Keys used as Map keys inside state and timers. Primitive keys are used as they are; object keys
 * (tuples, records) are identified by their JSON text, so two equal tuples are the same key.
 */
export function toStateKey(key: unknown): unknown {
  return typeof key === 'object' && key !== null ? stableJson(key) : key;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (v instanceof Map) return [...v.entries()];
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    if (typeof v === 'bigint') return `${v}n`;
    return v;
  });
}
