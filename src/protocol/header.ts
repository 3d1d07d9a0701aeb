import { API_TABLE } from './api-keys.ts';
import { ProtocolError } from './errors.ts';
import { Reader } from './primitives/reader.ts';

/** Kafka request header, v1 or v2 (v2 adds a tagged-field section, used by flexible versions). */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Bytes taken by the header: the body starts at this offset of the frame. */
  headerSize: number;
}

const API_VERSIONS_KEY = 18;

/**
 * Whether a request of this key and version uses request header v2 (flexible). Versions above
 * our max follow the same rule, so that a newer client can still be answered UNSUPPORTED_VERSION.
 * Unknown api keys are assumed non-flexible.
 */
export function isFlexibleRequest(apiKey: number, apiVersion: number): boolean {
  const api = API_TABLE[apiKey];
  return api !== undefined && api.request.isFlexible(apiVersion);
}

/**
 * Whether a response uses response header v1 (with tagged fields). ApiVersions responses always
 * use header v0, so that a client can read the error before knowing what the broker supports.
 */
export function isFlexibleResponseHeader(apiKey: number, apiVersion: number): boolean {
  if (apiKey === API_VERSIONS_KEY) return false;
  const api = API_TABLE[apiKey];
  return api !== undefined && api.response.isFlexible(apiVersion);
}

/** Reads the header at the reader's position; on failure the error carries what was read. */
export function readRequestHeader(r: Reader): RequestHeader {
  const start = r.pos;
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  try {
    // clientId stays a classic int16-length string even in header v2.
    const clientId = r.readNullableString();
    if (isFlexibleRequest(apiKey, apiVersion)) r.skipTaggedFields();
    return { apiKey, apiVersion, correlationId, clientId, headerSize: r.pos - start };
  } catch (e) {
    if (e instanceof ProtocolError) {
      e.apiKey = apiKey;
      e.apiVersion = apiVersion;
      e.correlationId = correlationId;
    }
    throw e;
  }
}

/**
 * Decodes the header of one request frame (without its 4-byte size prefix), for any api key and
 * version. Throws ProtocolError (SLUICE_PROTOCOL_MALFORMED) if the frame is too short.
 */
export function decodeRequestHeader(frame: Buffer): RequestHeader {
  return readRequestHeader(new Reader(frame));
}
