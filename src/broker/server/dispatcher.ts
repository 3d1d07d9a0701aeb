import type { BrokerContext, RequestContext } from '../broker-context.ts';
import { CloseConnection, type ClientAddress, type DispatchResult, type ResponseChunk } from './connection.ts';
import { HANDLERS } from '../handlers/index.ts';
import { unsupportedApiVersionsBody } from '../handlers/api-versions.ts';
import { decodeRequest, encodeResponse, encodeResponseChunks } from '../../protocol/codec.ts';
import { ProtocolError, ProtocolErrorCode } from '../../protocol/errors.ts';
import { ApiKey } from '../../protocol/api-keys.ts';

/** Sees every answered request with its response body (null: acks=0), e.g. for metrics. */
export type ResponseObserver = (apiKey: number, apiVersion: number, request: unknown, response: object | null) => void;

/**
 * Turns request frames into response chunks: decode, run the api's handler, encode. A frame we
 * cannot decode closes that client's connection (as Kafka does); an ApiVersions request of an
 * unknown version gets the v0 answer with UNSUPPORTED_VERSION so the client can downgrade.
 */
export function createDispatcher(broker: BrokerContext, observe?: ResponseObserver): (frame: Buffer, client: ClientAddress) => DispatchResult {
  return (frame, client) => {
    let decoded;
    try {
      decoded = decodeRequest(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      if (err.code === ProtocolErrorCode.UNSUPPORTED_VERSION && err.apiKey === ApiKey.ApiVersions && err.correlationId !== null) {
        return encodeResponse(ApiKey.ApiVersions, 0, err.correlationId, unsupportedApiVersionsBody());
      }
      throw new CloseConnection(err.message);
    }
    const { header, body } = decoded;
    const handler = HANDLERS.get(header.apiKey);
    if (!handler) throw new CloseConnection(`api key ${header.apiKey} has no handler`);
    const ctx: RequestContext = {
      broker,
      apiKey: header.apiKey,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      clientHost: client.host,
    };
    const result = handler(ctx, body);
    // Deferred chunks are the FileRegions of fetch responses (see log/file-region.ts).
    const encode = (out: object | null) => {
      observe?.(header.apiKey, header.apiVersion, body, out);
      return out === null ? null : (encodeResponseChunks(header.apiKey, header.apiVersion, header.correlationId, out) as ResponseChunk[]);
    };
    return result instanceof Promise ? result.then(encode) : encode(result);
  };
}
