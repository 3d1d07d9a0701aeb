// SaslAuthenticate (api key 36): request and response schemas, versions 0-2.
// Facts from Kafka's SaslAuthenticateRequest.json and SaslAuthenticateResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const saslAuthenticateRequestSchema = message('SaslAuthenticateRequest', '0-2', '2+', [
  field('authBytes', 'bytes', '0+'),
]);

/** SaslAuthenticateRequest body, all versions. */
export interface SaslAuthenticateRequest {
  /** The client's SASL token, as defined by the mechanism. */
  authBytes: Buffer;
}

export const saslAuthenticateResponseSchema = message('SaslAuthenticateResponse', '0-2', '2+', [
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('authBytes', 'bytes', '0+'),
  field('sessionLifetimeMs', 'int64', '1+'),
]);

/** SaslAuthenticateResponse body, all versions. */
export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  /** The server's SASL token, as defined by the mechanism. */
  authBytes: Buffer;
  /** v1+: the session ends this many ms after authentication (KIP-368); 0 = no limit. */
  sessionLifetimeMs: bigint;
}

export const saslAuthenticateApi = defineApi(36, 'SaslAuthenticate', saslAuthenticateRequestSchema, saslAuthenticateResponseSchema);
