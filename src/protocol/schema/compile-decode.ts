import { malformed } from '../errors.ts';
import type { Reader } from '../primitives/reader.ts';
import { defaultFactory } from './defaults.ts';
import { inRange, type FieldSchema, type Primitive } from './dsl.ts';

export type Decoder = (r: Reader) => unknown;
type Step = (r: Reader, o: Record<string, unknown>) => void;

// One closure per (primitive, encoding) shared by every field: no per-call allocation.
const plain: Record<Primitive, Decoder> = {
  bool: (r) => r.readBool(),
  int8: (r) => r.readInt8(),
  int16: (r) => r.readInt16(),
  int32: (r) => r.readInt32(),
  int64: (r) => r.readInt64(),
  uint16: (r) => r.readUInt16(),
  uint32: (r) => r.readUInt32(),
  float64: (r) => r.readFloat64(),
  uuid: (r) => r.readUuid(),
  string: (r) => r.readString(),
  bytes: (r) => r.readBytes(),
  records: (r) => r.readNullableBytes(),
};
const nullableString: Decoder = (r) => r.readNullableString();
const nullableBytes: Decoder = (r) => r.readNullableBytes();
const compactString: Decoder = (r) => r.readCompactString();
const compactNullableString: Decoder = (r) => r.readCompactNullableString();
const compactBytes: Decoder = (r) => r.readCompactBytes();
const compactNullableBytes: Decoder = (r) => r.readCompactNullableBytes();

function primitiveDecoder(type: Primitive, flexible: boolean, nullable: boolean): Decoder {
  if (type === 'string') {
    if (flexible) return nullable ? compactNullableString : compactString;
    return nullable ? nullableString : plain.string;
  }
  if (type === 'bytes') {
    if (flexible) return nullable ? compactNullableBytes : compactBytes;
    return nullable ? nullableBytes : plain.bytes;
  }
  if (type === 'records') return flexible ? compactNullableBytes : nullableBytes;
  return plain[type];
}

const FIXED: Partial<Record<Primitive, number>> = {
  bool: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, float64: 8, uuid: 16,
};

/** Smallest encoding of a field in a version: bounds hostile array counts. */
export function minSize(f: FieldSchema, version: number, flexible: boolean): number {
  if (!inRange(f.versions, version) || inRange(f.tagged, version)) return 0;
  if (f.kind === 'value') return FIXED[f.type!] ?? (flexible ? 1 : f.type === 'string' ? 2 : 4);
  if (f.kind === 'array') return flexible ? 1 : 4;
  return structMinSize(f.fields!, version, flexible);
}

function structMinSize(fields: readonly FieldSchema[], version: number, flexible: boolean): number {
  let n = flexible ? 1 : 0;
  for (const f of fields) n += minSize(f, version, flexible);
  return n;
}

function arrayDecoder(elem: Decoder, flexible: boolean, nullable: boolean, elemSize: number): Decoder {
  const size = Math.max(1, elemSize);
  return (r) => {
    const n = flexible ? r.readCompactArrayLength(size) : r.readArrayLength(size);
    // A null array where the schema does not allow one is read leniently as empty.
    if (n < 0) return nullable ? null : [];
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = elem(r);
    return out;
  };
}

function fieldDecoder(f: FieldSchema, version: number, flexible: boolean): Decoder {
  const nullable = inRange(f.nullable, version);
  if (f.kind === 'value') return primitiveDecoder(f.type!, flexible, nullable);
  if (f.kind === 'struct') {
    if (nullable) throw new Error(`nullable struct ${f.name} is not supported`);
    return structDecoder(f.fields!, version, flexible);
  }
  if (f.type !== null) {
    return arrayDecoder(primitiveDecoder(f.type, flexible, false), flexible, nullable, FIXED[f.type] ?? 1);
  }
  return arrayDecoder(
    structDecoder(f.fields!, version, flexible),
    flexible,
    nullable,
    structMinSize(f.fields!, version, flexible),
  );
}

function readTagged(tags: Map<number, { name: string; decode: Decoder }>): Step {
  return (r, o) => {
    const count = r.readUVarint();
    let last = -1;
    for (let i = 0; i < count; i++) {
      const tag = r.readUVarint();
      const size = r.readUVarint();
      if (tag <= last) throw malformed(`tagged field ${tag} out of order`);
      last = tag;
      const known = tags.get(tag);
      if (known === undefined) {
        r.skip(size);
        continue;
      }
      if (size > r.remaining) throw malformed(`tagged field ${tag} of ${size} bytes overruns the frame`);
      const end = r.pos + size;
      const outerEnd = r.end;
      r.end = end; // a tagged value may not read past its declared size
      try {
        o[known.name] = known.decode(r);
      } finally {
        r.end = outerEnd;
      }
      if (r.pos !== end) throw malformed(`tagged field ${tag} has ${end - r.pos} unread bytes`);
    }
  };
}

/** Compiles the decoder of a struct (or a whole message body) for one version. */
export function structDecoder(fields: readonly FieldSchema[], version: number, flexible: boolean): Decoder {
  const steps: Step[] = [];
  const tags = new Map<number, { name: string; decode: Decoder }>();
  // Every decoded object is cloned from this template: one shape per (struct, version), and no
  // property-adding transitions. Absent scalar fields keep the template's default.
  const template: Record<string, unknown> = {};
  for (const f of fields) {
    const name = f.name;
    const make = defaultFactory(f, version);
    template[name] = f.kind === 'value' ? make() : null;
    if (inRange(f.versions, version) && !(flexible && inRange(f.tagged, version))) {
      const decode = fieldDecoder(f, version, flexible);
      steps.push((r, o) => {
        o[name] = decode(r);
      });
      continue;
    }
    // Absent or tagged: arrays and structs need a fresh default each time.
    if (f.kind !== 'value') {
      steps.push((_r, o) => {
        o[name] = make();
      });
    }
    if (flexible && inRange(f.versions, version) && f.tag !== null) {
      tags.set(f.tag, { name, decode: fieldDecoder(f, version, flexible) });
    }
  }
  if (flexible) steps.push(tags.size === 0 ? (r) => r.skipTaggedFields() : readTagged(tags));
  const n = steps.length;
  return (r) => {
    const o = { ...template };
    for (let i = 0; i < n; i++) steps[i]!(r, o);
    return o;
  };
}
