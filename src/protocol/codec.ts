import { API_TABLE, isSupported, type ApiEntry } from './api-keys.ts';
import type { AnyRequestBody, AnyResponseBody } from './bodies.ts';
import { malformed, ProtocolError, ProtocolErrorCode } from './errors.ts';
import { isFlexibleRequest, isFlexibleResponseHeader, readRequestHeader, type RequestHeader } from './header.ts';
import { Reader } from './primitives/reader.ts';
import { Writer, type OutboundChunk } from './primitives/writer.ts';

export interface DecodedRequest {
  header: RequestHeader;
  /** The request body; cast it to the type of `header.apiKey` (e.g. `ProduceRequest`). */
  body: AnyRequestBody;
}

export interface DecodedResponse {
  correlationId: number;
  body: AnyResponseBody;
}

function unsupported(apiKey: number, apiVersion: number): ProtocolError {
  const api = API_TABLE[apiKey];
  const message =
    api === undefined
      ? `Kafka api key ${apiKey} is not supported by Sluice's broker.`
      : `${api.name} v${apiVersion} is not supported (Sluice supports v${api.minVersion}-v${api.maxVersion}); ` +
        'the client should pick a version from the ApiVersions response.';
  const e = new ProtocolError(ProtocolErrorCode.UNSUPPORTED_VERSION, message);
  e.apiKey = apiKey;
  e.apiVersion = apiVersion;
  return e;
}

function lookup(apiKey: number, apiVersion: number): ApiEntry {
  const api = API_TABLE[apiKey];
  if (api === undefined || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    throw unsupported(apiKey, apiVersion);
  }
  return api;
}

/** Anything but a ProtocolError escaping a decoder is a bug; report it as malformed input. */
function asProtocolError(e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  const p = malformed(e instanceof Error ? e.message : String(e));
  p.cause = e;
  return p;
}

function asInvalidBody(e: unknown, what: string): ProtocolError {
  if (e instanceof ProtocolError) return e;
  return new ProtocolError(
    ProtocolErrorCode.INVALID_BODY,
    `Cannot encode ${what}: ${e instanceof Error ? e.message : String(e)}.`,
    { cause: e },
  );
}

/**
 * Decodes one request frame (without its 4-byte size prefix). Throws only ProtocolError:
 * UNSUPPORTED_VERSION (with apiKey, apiVersion and correlationId set, so the broker can answer)
 * or MALFORMED. `bytes` and `records` fields are slices of `frame`, not copies.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  let header: RequestHeader | undefined;
  try {
    const r = new Reader(frame);
    header = readRequestHeader(r);
    const api = lookup(header.apiKey, header.apiVersion);
    const body = api.request.decoders[header.apiVersion]!(r) as AnyRequestBody;
    return { header, body };
  } catch (e) {
    let p = asProtocolError(e);
    // A header we cannot finish reading for a version we do not support anyway (say a newer
    // flexible one) is still answered as UNSUPPORTED_VERSION.
    if (header === undefined && p.apiKey !== null && !isSupported(p.apiKey, p.apiVersion!)) {
      const u = unsupported(p.apiKey, p.apiVersion!);
      u.correlationId = p.correlationId;
      p = u;
    }
    if (header !== undefined) {
      p.apiKey = header.apiKey;
      p.apiVersion = header.apiVersion;
      p.correlationId = header.correlationId;
    }
    throw p;
  }
}

/**
 * Encodes a response, size prefix included, as chunks to write in order (large `records`
 * buffers are separate chunks, not copies; deferred ranges stay deferred). Fields missing from
 * `body` are written as defaults.
 */
export function encodeResponseChunks(apiKey: number, apiVersion: number, correlationId: number, body: object): OutboundChunk[] {
  const api = lookup(apiKey, apiVersion);
  const w = new Writer();
  const setSize = w.reserveInt32();
  w.writeInt32(correlationId);
  if (isFlexibleResponseHeader(apiKey, apiVersion)) w.writeUVarint(0);
  try {
    api.response.encoders[apiVersion]!(w, body);
  } catch (e) {
    throw asInvalidBody(e, `${api.name} response v${apiVersion}`);
  }
  const chunks = w.finishChunks();
  setSize(w.length - 4);
  return chunks;
}

/** Encodes a response whose fields are all in memory, as buffers to write in order. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[] {
  const chunks = encodeResponseChunks(apiKey, apiVersion, correlationId, body);
  if (chunks.some((c) => !Buffer.isBuffer(c))) throw asInvalidBody(new Error('deferred bytes'), 'a response with deferred records (use encodeResponseChunks)');
  return chunks as Buffer[];
}

/** Encodes a request, size prefix included, as one buffer (for tests and tools). */
export function encodeRequest(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: object,
): Buffer {
  const api = lookup(apiKey, apiVersion);
  const w = new Writer();
  const setSize = w.reserveInt32();
  w.writeInt16(apiKey);
  w.writeInt16(apiVersion);
  w.writeInt32(correlationId);
  w.writeNullableString(clientId);
  if (isFlexibleRequest(apiKey, apiVersion)) w.writeUVarint(0);
  try {
    api.request.encoders[apiVersion]!(w, body);
  } catch (e) {
    throw asInvalidBody(e, `${api.name} request v${apiVersion}`);
  }
  const chunks = w.finish();
  setSize(w.length - 4);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Decodes one response frame (without its size prefix) of a known api key and version. */
export function decodeResponse(apiKey: number, apiVersion: number, frame: Buffer): DecodedResponse {
  const api = lookup(apiKey, apiVersion);
  try {
    const r = new Reader(frame);
    const correlationId = r.readInt32();
    if (isFlexibleResponseHeader(apiKey, apiVersion)) r.skipTaggedFields();
    const body = api.response.decoders[apiVersion]!(r) as AnyResponseBody;
    return { correlationId, body };
  } catch (e) {
    throw asProtocolError(e);
  }
}
