// Helpers to drive kafkajs's own protocol encoders/decoders (installed as a devDependency).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type KafkajsRequest = { apiKey: number; apiVersion: number; encode: () => Promise<unknown> };
const createRequest = require('kafkajs/src/protocol/request') as (a: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;

/** A whole request frame (size prefix included) as kafkajs would send it. */
export async function kafkajsFrame(api: string, version: number, args: unknown): Promise<Buffer> {
  const build = require(`kafkajs/src/protocol/requests/${api}/v${version}/request`) as (a: unknown) => KafkajsRequest;
  const encoder = await createRequest({ correlationId: 77, clientId: 'kafkajs', request: build(args) });
  return encoder.buffer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KafkajsDecode = (payload: Buffer) => Promise<Record<string, any>>;

/** kafkajs's response decoder of an API version (takes the frame after the correlation id). */
export function kafkajsDecoder(api: string, version: number): KafkajsDecode {
  return (require(`kafkajs/src/protocol/requests/${api}/v${version}/response`) as { decode: KafkajsDecode }).decode;
}
