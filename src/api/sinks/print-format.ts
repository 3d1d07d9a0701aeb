/**
 * How `print()` writes a record, as close to Flink's `toString()` output as JavaScript values allow:
 *
 * - strings as they are; numbers, booleans and bigints as their decimal text;
 * - arrays as Flink tuples: `(hello,1)`, nested arrays too (`(a,(b,c))`) — JavaScript uses
 *   arrays where Flink programs use Tuple2/Tuple3;
 * - objects with their own `toString()` (classes that define one, Date, Error, Buffer) through it;
 * - Map as `{k=v, k2=v2}` and Set as `[a, b]` (Java's collection format);
 * - other objects (plain records, classes without toString) as JSON, where Java would print
 *   `ClassName@hash`;
 * - null as `null`, undefined as `undefined`.
 */
export function formatRecord(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'symbol':
    case 'function':
      return String(v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return `(${v.map(formatRecord).join(',')})`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatRecord(k)}=${formatRecord(x)}`).join(', ')}}`;
  if (v instanceof Set) return `[${[...v].map(formatRecord).join(', ')}]`;
  if ((v as { toString?: unknown }).toString !== Object.prototype.toString && typeof (v as { toString?: unknown }).toString === 'function') return String(v);
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v); // cyclic
  }
}
