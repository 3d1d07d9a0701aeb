/**
 * A compact way to write Kafka message schemas in TypeScript. The facts (field names, types,
 * versions, tags, defaults) come from Kafka's JSON message definitions; names are lowerCamelCase.
 *
 *   message('ProduceRequest', '0-11', '9+', [
 *     field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
 *     array('topicData', '0+', [field('name', 'string', '0+'), ...]),
 *   ])
 *
 * Schemas are plain data; `compile.ts` turns them into encode/decode closures once at load.
 */

export type Primitive =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'uint32'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export type Scalar = number | bigint | boolean | string | null;

/** Inclusive version range; `max` is Infinity for 'N+', and min > max for 'none'. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export interface FieldOptions {
  /** Versions in which the field may be null, e.g. '3+'. */
  readonly nullable?: string;
  /** Tag number, for a tagged field. */
  readonly tag?: number;
  /** Versions in which the field is tagged (defaults to all of its versions when `tag` is set). */
  readonly tagged?: string;
  /** Value when absent from a version (or omitted when encoding). */
  readonly default?: Scalar;
}

export interface FieldSchema {
  readonly name: string;
  /** 'value': one primitive; 'array': array of primitives or of structs; 'struct': one struct. */
  readonly kind: 'value' | 'array' | 'struct';
  /** Primitive type of a value or of array elements; null for struct(s). */
  readonly type: Primitive | null;
  /** Fields of a struct or of a struct array's elements. */
  readonly fields: readonly FieldSchema[] | null;
  readonly versions: VersionRange;
  readonly nullable: VersionRange;
  readonly tag: number | null;
  readonly tagged: VersionRange;
  /** Explicit default, or undefined for the type's zero value. */
  readonly default: Scalar | undefined;
}

export interface MessageSchema {
  readonly name: string;
  readonly versions: VersionRange;
  readonly flexible: VersionRange;
  readonly fields: readonly FieldSchema[];
}

const NONE: VersionRange = { min: 1, max: 0 };

/** Parses '0+', '3-5', '4' or 'none'. */
export function versions(spec: string): VersionRange {
  if (spec === 'none') return NONE;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`bad version range "${spec}"`);
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

function build(
  name: string,
  kind: FieldSchema['kind'],
  type: Primitive | null,
  fields: readonly FieldSchema[] | null,
  spec: string,
  opts: FieldOptions,
): FieldSchema {
  const v = versions(spec);
  return {
    name,
    kind,
    type,
    fields,
    versions: v,
    nullable: opts.nullable === undefined ? NONE : versions(opts.nullable),
    tag: opts.tag ?? null,
    tagged: opts.tagged !== undefined ? versions(opts.tagged) : opts.tag !== undefined ? v : NONE,
    default: opts.default,
  };
}

/** A primitive field, or an array of primitives when the type is written '[]int32'. */
export function field(
  name: string,
  type: Primitive | `[]${Primitive}`,
  spec: string,
  opts: FieldOptions = {},
): FieldSchema {
  if (type.startsWith('[]')) return build(name, 'array', type.slice(2) as Primitive, null, spec, opts);
  return build(name, 'value', type as Primitive, null, spec, opts);
}

/** An array of structs. */
export function array(name: string, spec: string, fields: readonly FieldSchema[], opts: FieldOptions = {}): FieldSchema {
  return build(name, 'array', null, fields, spec, opts);
}

/** A single nested struct. */
export function struct(name: string, spec: string, fields: readonly FieldSchema[], opts: FieldOptions = {}): FieldSchema {
  return build(name, 'struct', null, fields, spec, opts);
}

export function message(name: string, valid: string, flexible: string, fields: readonly FieldSchema[]): MessageSchema {
  return { name, versions: versions(valid), flexible: versions(flexible), fields };
}
