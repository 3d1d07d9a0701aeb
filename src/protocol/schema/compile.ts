import { structDecoder, type Decoder } from './compile-decode.ts';
import { structEncoder, type Encoder } from './compile-encode.ts';
import { inRange, type MessageSchema } from './dsl.ts';

/** Encoders and decoders of one message, indexed by version (undefined outside its range). */
export interface CompiledMessage {
  readonly schema: MessageSchema;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version, or null if no version is flexible. */
  readonly flexibleFrom: number | null;
  readonly decoders: readonly (Decoder | undefined)[];
  readonly encoders: readonly (Encoder | undefined)[];
  isFlexible(version: number): boolean;
}

/** Compiles every version of a message once, at load time. */
export function compileMessage(schema: MessageSchema): CompiledMessage {
  const { min, max } = schema.versions;
  const decoders: Decoder[] = [];
  const encoders: Encoder[] = [];
  for (let v = min; v <= max; v++) {
    const flexible = inRange(schema.flexible, v);
    decoders[v] = structDecoder(schema.fields, v, flexible);
    encoders[v] = structEncoder(schema.fields, v, flexible, `${schema.name} v${v}`);
  }
  const flexibleFrom = schema.flexible.min <= schema.flexible.max ? schema.flexible.min : null;
  return {
    schema,
    minVersion: min,
    maxVersion: max,
    flexibleFrom,
    decoders,
    encoders,
    // Versions above the max follow the same rule, so headers of newer requests parse too.
    isFlexible: (version) => flexibleFrom !== null && version >= flexibleFrom,
  };
}
