import { ProtocolError, ProtocolErrorCode } from '../errors.ts';
import { Writer } from '../primitives/writer.ts';
import { compileIsDefault, defaultFactory, scalarDefault } from './defaults.ts';
import { inRange, type FieldSchema, type Primitive } from './dsl.ts';

export type Encoder = (w: Writer, v: unknown) => void;
type Step = (w: Writer, o: Record<string, unknown>) => void;

function invalid(path: string, message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_BODY, `Cannot encode ${path}: ${message}.`);
}

const plain: Record<Exclude<Primitive, 'string' | 'bytes' | 'records'>, Encoder> = {
  bool: (w, v) => w.writeBool(v as boolean),
  int8: (w, v) => w.writeInt8(v as number),
  int16: (w, v) => w.writeInt16(v as number),
  int32: (w, v) => w.writeInt32(v as number),
  int64: (w, v) => w.writeInt64(v as bigint),
  uint16: (w, v) => w.writeUInt16(v as number),
  uint32: (w, v) => w.writeUInt32(v as number),
  float64: (w, v) => w.writeFloat64(v as number),
  uuid: (w, v) => w.writeUuid(v as string),
};
const nullableString: Encoder = (w, v) => w.writeNullableString(v as string | null);
const compactNullableString: Encoder = (w, v) => w.writeCompactNullableString(v as string | null);
const nullableBytes: Encoder = (w, v) => w.writeNullableBytes(v as Buffer | null);
const compactNullableBytes: Encoder = (w, v) => w.writeCompactNullableBytes(v as Buffer | null);
const records: Encoder = (w, v) => w.writeRecords(v as Parameters<Writer['writeRecords']>[0], false);
const compactRecords: Encoder = (w, v) => w.writeRecords(v as Parameters<Writer['writeRecords']>[0], true);

/** Rejects null where the schema does not allow it, naming the field. */
function nonNull(enc: Encoder, path: string): Encoder {
  return (w, v) => {
    if (v === null) throw invalid(path, 'null is not allowed in this version');
    enc(w, v);
  };
}

function primitiveEncoder(type: Primitive, flexible: boolean, nullable: boolean, path: string): Encoder {
  let enc: Encoder;
  if (type === 'string') enc = flexible ? compactNullableString : nullableString;
  else if (type === 'bytes') enc = flexible ? compactNullableBytes : nullableBytes;
  else if (type === 'records') enc = flexible ? compactRecords : records;
  else enc = plain[type];
  return nullable ? enc : nonNull(enc, path);
}

function arrayEncoder(elem: Encoder, flexible: boolean, nullable: boolean, path: string): Encoder {
  return (w, v) => {
    if (v === null) {
      if (!nullable) throw invalid(path, 'null is not allowed in this version');
      if (flexible) w.writeUVarint(0);
      else w.writeInt32(-1);
      return;
    }
    const a = v as unknown[];
    const n = a.length;
    if (flexible) w.writeUVarint(n + 1);
    else w.writeInt32(n);
    for (let i = 0; i < n; i++) elem(w, a[i]);
  };
}

function fieldEncoder(f: FieldSchema, version: number, flexible: boolean, path: string): Encoder {
  const nullable = inRange(f.nullable, version);
  if (f.kind === 'value') return primitiveEncoder(f.type!, flexible, nullable, path);
  if (f.kind === 'struct') return nonNull(structEncoder(f.fields!, version, flexible, path), path);
  const elem =
    f.type !== null
      ? primitiveEncoder(f.type, flexible, false, `${path}[]`)
      : structEncoder(f.fields!, version, flexible, `${path}[]`);
  return arrayEncoder(elem, flexible, nullable, path);
}

interface Tagged {
  readonly tag: number;
  readonly name: string;
  readonly encode: Encoder;
  readonly isDefault: (v: unknown) => boolean;
}

function writeTagged(tagged: readonly Tagged[]): Step {
  // Schemas are not recursive, so a struct encoder never re-enters itself: the scratch array is safe.
  const present: boolean[] = tagged.map(() => false);
  const n = tagged.length;
  return (w, o) => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const t = tagged[i]!;
      present[i] = !t.isDefault(o[t.name]);
      if (present[i]) count++;
    }
    w.writeUVarint(count);
    if (count === 0) return;
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const t = tagged[i]!;
      const v = o[t.name];
      // Tagged values are rare and small: size them by encoding into a scratch writer.
      const tmp = new Writer(64);
      t.encode(tmp, v);
      const chunks = tmp.finish();
      w.writeUVarint(t.tag);
      w.writeUVarint(tmp.length);
      for (const c of chunks) w.writeRaw(c);
    }
  };
}

/** Compiles the encoder of a struct (or a whole message body) for one version. */
export function structEncoder(fields: readonly FieldSchema[], version: number, flexible: boolean, path: string): Encoder {
  const steps: Step[] = [];
  const tagged: Tagged[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue; // fields absent from a version are not written
    const name = f.name;
    const encode = fieldEncoder(f, version, flexible, `${path}.${name}`);
    if (flexible && inRange(f.tagged, version)) {
      tagged.push({ tag: f.tag!, name, encode, isDefault: compileIsDefault(f, version) });
      continue;
    }
    // An omitted (undefined) field is written as its default.
    if (f.kind === 'value') {
      const d = scalarDefault(f);
      steps.push((w, o) => {
        const v = o[name];
        encode(w, v === undefined ? d : v);
      });
    } else {
      const make = defaultFactory(f, version);
      steps.push((w, o) => {
        const v = o[name];
        encode(w, v === undefined ? make() : v);
      });
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  if (flexible) steps.push(tagged.length === 0 ? (w) => w.writeUVarint(0) : writeTagged(tagged));
  const n = steps.length;
  return (w, v) => {
    if (v === null || typeof v !== 'object') throw invalid(path, `expected an object, got ${v === null ? 'null' : typeof v}`);
    const o = v as Record<string, unknown>;
    for (let i = 0; i < n; i++) steps[i]!(w, o);
  };
}
