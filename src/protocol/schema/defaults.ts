import { ZERO_UUID } from '../primitives/uuid.ts';
import { inRange, type FieldSchema, type Primitive, type Scalar } from './dsl.ts';

const EMPTY = Buffer.alloc(0);

/** The zero value of a primitive when the schema gives no default. */
function zero(type: Primitive): Scalar | Buffer {
  switch (type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
    case 'records':
      // An omitted records field is written empty, as Kafka brokers do, not null.
      return EMPTY;
    default:
      return 0;
  }
}

/** Default of a primitive field (explicit default, else zero value). int64 defaults are bigints. */
export function scalarDefault(f: FieldSchema): Scalar | Buffer {
  if (f.default === undefined) return zero(f.type!);
  if (f.type === 'int64' && typeof f.default === 'number') return BigInt(f.default);
  return f.default;
}

/**
 * A function returning a fresh default for a field in a version. Arrays and structs get a new
 * object each time so that callers may mutate what they decoded.
 */
export function defaultFactory(f: FieldSchema, version: number): () => unknown {
  if (f.kind === 'value') {
    const v = scalarDefault(f);
    return () => v;
  }
  if (f.default === null) return () => null;
  if (f.kind === 'array') return () => [];
  const makers = f.fields!.map((c) => [c.name, defaultFactory(c, version)] as const);
  return () => {
    const o: Record<string, unknown> = {};
    for (const [name, make] of makers) o[name] = make();
    return o;
  };
}

/**
 * Compiles "does this value equal the field's default" for one version (tagged fields equal to
 * their default are omitted from the wire). undefined counts as the default.
 */
export function compileIsDefault(f: FieldSchema, version: number): (value: unknown) => boolean {
  if (f.kind === 'value') {
    const d = scalarDefault(f);
    if (Buffer.isBuffer(d)) return (v) => v === undefined || (Buffer.isBuffer(v) && v.length === 0);
    if (typeof d === 'bigint') return (v) => v === undefined || v === d || (typeof v === 'number' && BigInt(v) === d);
    return (v) => v === undefined || v === d;
  }
  if (f.default === null) return (v) => v === undefined || v === null;
  if (f.kind === 'array') return (v) => v === undefined || (v !== null && (v as unknown[]).length === 0);
  const checks = f.fields!
    .filter((c) => inRange(c.versions, version))
    .map((c) => [c.name, compileIsDefault(c, version)] as const);
  return (v) => {
    if (v === undefined) return true;
    if (v === null) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < checks.length; i++) if (!checks[i]![1](o[checks[i]![0]])) return false;
    return true;
  };
}
