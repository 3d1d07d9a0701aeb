// Helpers to drive @platformatic/kafka's per-version protocol functions (apis/<group>/<api>-vN.js).
// The package only exports its root, so its files are loaded by path.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../../node_modules/@platformatic/kafka/dist/', import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Payload = { buffer: Buffer };
interface Captured {
  apiKey: number;
  apiVersion: number;
  createPayload: () => Payload | Promise<Payload>;
  parseResponse: (correlationId: number, apiKey: number, apiVersion: number, reader: any) => any;
  requestHeaderTags: boolean;
  responseHeaderTags: boolean;
}

async function load(path: string): Promise<any> {
  return import(new URL(path, DIST).href);
}

const { Writer } = await load('protocol/writer.js');
const { Reader } = await load('protocol/reader.js');

/** Versions of an API file family that the installed client implements, e.g. ('consumer', 'fetch'). */
export function platformaticVersions(group: string, name: string): number[] {
  const re = new RegExp(`^${name}-v(\\d+)\\.js$`);
  return readdirSync(fileURLToPath(new URL(`apis/${group}/`, DIST)))
    .map((f) => re.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Calls the client's `api` with a fake connection to capture what it would send. */
async function capture(group: string, name: string, version: number, args: unknown[]): Promise<Captured> {
  const mod = await load(`apis/${group}/${name}-v${version}.js`);
  let captured: Captured | undefined;
  const connection = {
    send(apiKey: number, apiVersion: number, createPayload: Captured['createPayload'], parseResponse: Captured['parseResponse'], reqTags = true, resTags = true) {
      captured = { apiKey, apiVersion, createPayload, parseResponse, requestHeaderTags: reqTags, responseHeaderTags: resTags };
    },
  };
  mod.api(connection, ...args, () => {});
  return captured!;
}

/** The request frame (without size prefix) exactly as the client's connection would build it. */
export async function platformaticRequest(group: string, name: string, version: number, args: unknown[]): Promise<{ frame: Buffer; apiKey: number }> {
  const c = await capture(group, name, version, args);
  const payload = await c.createPayload();
  const header = Writer.create().appendInt16(c.apiKey).appendInt16(c.apiVersion).appendInt32(77).appendString('plt', false);
  if (c.requestHeaderTags) header.appendTaggedFields();
  return { frame: Buffer.concat([header.buffer, payload.buffer]), apiKey: c.apiKey };
}

/**
 * Parses a response frame (after size prefix) as the client's connection does. Error codes make
 * the client throw a ResponseError that carries the parsed response: unwrap it.
 */
export async function platformaticParse(group: string, name: string, version: number, frame: Buffer): Promise<any> {
  const c = await capture(group, name, version, []);
  const reader = Reader.from(frame);
  const correlationId = reader.readInt32();
  if (c.responseHeaderTags) reader.readTaggedFields();
  try {
    return c.parseResponse(correlationId, c.apiKey, c.apiVersion, reader);
  } catch (e: any) {
    if (e?.response !== undefined) return e.response;
    throw e;
  }
}
