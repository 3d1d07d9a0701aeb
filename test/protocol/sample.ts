// Builds a body for a schema version with a non-default value in every field, so that round
// trips exercise every field; fields absent from the version hold their defaults.
import { defaultFactory } from '../../src/protocol/schema/defaults.ts';
import { inRange, type FieldSchema, type Primitive } from '../../src/protocol/schema/dsl.ts';

let seed = 1;
function next(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
}

function value(type: Primitive, nullable: boolean): unknown {
  const n = next();
  if (nullable && n % 7 === 0) return null;
  switch (type) {
    case 'bool':
      return true;
    case 'int8':
      return (n % 100) + 1;
    case 'int16':
      return (n % 30000) + 1;
    case 'int32':
      return n + 1;
    case 'uint16':
      return (n % 65000) + 1;
    case 'uint32':
      return n * 2 + 1;
    case 'int64':
      return BigInt(n) * 1000003n + 1n;
    case 'float64':
      return n / 7;
    case 'string':
      return `s${n.toString(36)}é`;
    case 'uuid':
      return Buffer.from(`${n}`.padEnd(16, 'x').slice(0, 16)).toString('base64url');
    case 'bytes':
    case 'records':
      return Buffer.from(`b${n}`);
  }
}

const KNOWN_ERRORS = [3, 6, 15];

export function sampleStruct(fields: readonly FieldSchema[], version: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) {
      o[f.name] = defaultFactory(f, version)();
      continue;
    }
    const nullable = inRange(f.nullable, version);
    if (f.kind === 'value' && f.name.endsWith('rrorCode')) o[f.name] = KNOWN_ERRORS[next() % 3]; // real codes: clients look them up
    else if (f.kind === 'value') o[f.name] = value(f.type!, nullable);
    else if (f.kind === 'struct') o[f.name] = sampleStruct(f.fields!, version);
    else if (nullable && next() % 5 === 0) o[f.name] = null;
    else {
      const len = 1 + (next() % 2);
      const a: unknown[] = [];
      for (let i = 0; i < len; i++) a.push(f.type !== null ? value(f.type, false) : sampleStruct(f.fields!, version));
      o[f.name] = a;
    }
  }
  return o;
}
