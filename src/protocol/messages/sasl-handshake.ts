// SaslHandshake (api key 17): request and response schemas, versions 0-1.
// Facts from Kafka's SaslHandshakeRequest.json and SaslHandshakeResponse.json, in our DSL (see docs/internals/protocol.md).
// v0 is followed by raw SASL tokens (no Kafka framing); v1 by SaslAuthenticate requests.
import { defineApi } from '../schema/api.ts';
import { field, message } from '../schema/dsl.ts';

export const saslHandshakeRequestSchema = message('SaslHandshakeRequest', '0-1', 'none', [
  field('mechanism', 'string', '0+'),
]);

/** SaslHandshakeRequest body, all versions. */
export interface SaslHandshakeRequest {
  /** The SASL mechanism the client chose, e.g. 'SCRAM-SHA-512'. */
  mechanism: string;
}

export const saslHandshakeResponseSchema = message('SaslHandshakeResponse', '0-1', 'none', [
  field('errorCode', 'int16', '0+'),
  field('mechanisms', '[]string', '0+'),
]);

/** SaslHandshakeResponse body, all versions. */
export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms enabled on this listener. */
  mechanisms: string[];
}

export const saslHandshakeApi = defineApi(17, 'SaslHandshake', saslHandshakeRequestSchema, saslHandshakeResponseSchema);
