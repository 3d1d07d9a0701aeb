import type { BrokerContext, RequestContext } from '../broker-context.ts';
import { CloseConnection, type ClientAddress, type DispatchResult, type ResponseChunk } from './connection.ts';
import type { ConnectionSession } from './connection-session.ts';
import { HANDLERS } from '../handlers/index.ts';
import { unsupportedApiVersionsBody } from '../handlers/api-versions.ts';
import { decodeRequest, encodeResponse, encodeResponseChunks } from '../../protocol/codec.ts';
import { ProtocolError, ProtocolErrorCode } from '../../protocol/errors.ts';
import { ApiKey } from '../../protocol/api-keys.ts';
import type { SaslNext } from '../security/sasl/authenticator.ts';

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

/** Sees every answered request with its response body (null: acks=0), e.g. for metrics. */
export type ResponseObserver = (apiKey: number, apiVersion: number, request: unknown, response: object | null) => void;

/**
 * Turns request frames into response chunks: SASL first on SASL listeners (only ApiVersions,
 * SaslHandshake and SaslAuthenticate before authentication, raw tokens in the v0 flow), then
 * decode, run the api's handler with the connection's principal, encode. A frame we cannot decode
 * closes that client's connection (as Kafka does); an ApiVersions request of an unknown version
 * gets the v0 answer with UNSUPPORTED_VERSION so the client can downgrade.
 */
export function createDispatcher(broker: BrokerContext, observe?: ResponseObserver): (frame: Buffer, client: ClientAddress) => DispatchResult {
  return (frame, client) => {
    const session = client.session;
    const sasl = session.sasl;
    if (sasl !== null) {
      if (sasl.expectsRawToken) return rawSaslToken(session, frame);
      if (frame.length < 8) throw new CloseConnection('request frame too short for a request header');
      const gate = sasl.gate(frame.readInt16BE(0));
      if (gate.action === 'close') throw new CloseConnection(gate.reason, 'info');
      if (gate.action !== 'dispatch') return saslExchange(session, frame);
    }
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
      listener: session.listener,
      session,
      authz: broker.security.requestAuthorizer(session.authorizationSession, API_NAMES.get(header.apiKey) ?? String(header.apiKey)),
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

function closeLater(session: ConnectionSession, next: SaslNext): void {
  if (next.then === 'close') session.pendingClose = { delayMs: next.delayMs, reason: next.reason };
}

/** SaslHandshake / SaslAuthenticate on a SASL listener: the connection's state machine answers. */
function saslExchange(session: ConnectionSession, frame: Buffer): ResponseChunk[] {
  const sasl = session.sasl!;
  let decoded;
  try {
    decoded = decodeRequest(frame);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    throw new CloseConnection(`bad SASL request: ${err.message}`, 'info');
  }
  const { header, body } = decoded as { header: typeof decoded.header; body: { mechanism?: string; authBytes?: Buffer } };
  const reply = header.apiKey === ApiKey.SaslHandshake ? sasl.handshake(header.apiVersion, body.mechanism ?? '') : sasl.authenticate(body.authBytes ?? Buffer.alloc(0));
  closeLater(session, reply.next);
  return encodeResponse(header.apiKey, header.apiVersion, header.correlationId, reply.response);
}

/** A frame of the SaslHandshake v0 flow: a bare SASL token, answered size-prefixed. */
function rawSaslToken(session: ConnectionSession, frame: Buffer): ResponseChunk[] | null {
  const reply = session.sasl!.rawToken(frame);
  closeLater(session, reply.next);
  if (reply.token === null) return reply.next.then === 'close' ? [] : null;
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(reply.token.length, 0);
  return [size, reply.token];
}
