import { SluiceError } from '../core/errors/sluice-error.ts';

/** Stable codes of the errors the wire codec throws. */
export const ProtocolErrorCode = {
  /** The api key or version is not one we implement: answer UNSUPPORTED_VERSION. */
  UNSUPPORTED_VERSION: 'SLUICE_PROTOCOL_UNSUPPORTED_VERSION',
  /** The bytes do not follow the schema (truncated, bad length, garbage). */
  MALFORMED: 'SLUICE_PROTOCOL_MALFORMED',
  /** A body handed to an encoder does not fit its schema (e.g. null for a non-nullable field). */
  INVALID_BODY: 'SLUICE_PROTOCOL_INVALID_BODY',
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/**
 * The only error the codec throws. When the request header could be read, `apiKey`,
 * `apiVersion` and `correlationId` are set so that the broker can still answer the client.
 */
export class ProtocolError extends SluiceError {
  apiKey: number | null = null;
  apiVersion: number | null = null;
  correlationId: number | null = null;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Shorthand for the common case: input bytes that cannot be decoded. */
export function malformed(message: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.MALFORMED,
    `Malformed Kafka protocol frame: ${message}. The client sent bytes that do not match the Kafka protocol; check the client version.`,
  );
}
