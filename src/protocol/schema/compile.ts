import { structDecoder, type Decoder } from './compile-decode.ts';
import { structEncoder, type Encoder } from './compile-encode.ts';
import { inRange, type MessageSchema } from './dsl.ts';

/** Encoders and decoders of one message by version, each compiled when first asked for. */
export interface CompiledMessage {
  readonly schema: MessageSchema;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version, or null if no version is flexible. */
  readonly flexibleFrom: number | null;
  /** The decoder of `version`; undefined outside the message's versions. */
  decoder(version: number): Decoder | undefined;
  /** The encoder of `version`; undefined outside the message's versions. */
  encoder(version: number): Encoder | undefined;
  isFlexible(version: number): boolean;
}

/**
 * Compiles the versions of a message on demand, each once: a process pays only for the versions
 * its peers speak (compiling all of them for the 36 APIs is tens of milliseconds at start-up).
 */
export function compileMessage(schema: MessageSchema): CompiledMessage {
  const { min, max } = schema.versions;
  const decoders: Array<Decoder | undefined> = [];
  const encoders: Array<Encoder | undefined> = [];
  const known = (v: number): boolean => Number.isInteger(v) && v >= min && v <= max;
  const flexibleFrom = schema.flexible.min <= schema.flexible.max ? schema.flexible.min : null;
  return {
    schema,
    minVersion: min,
    maxVersion: max,
    flexibleFrom,
    decoder: (v) => decoders[v] ?? (known(v) ? (decoders[v] = structDecoder(schema.fields, v, inRange(schema.flexible, v))) : undefined),
    encoder: (v) => encoders[v] ?? (known(v) ? (encoders[v] = structEncoder(schema.fields, v, inRange(schema.flexible, v), `${schema.name} v${v}`)) : undefined),
    // Versions above the max follow the same rule, so headers of newer requests parse too.
    isFlexible: (version) => flexibleFrom !== null && version >= flexibleFrom,
  };
}
