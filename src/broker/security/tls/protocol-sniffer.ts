/**
 * Tells from the first bytes of a connection which protocol the client speaks, so that a TLS
 * client on a plaintext listener (or the reverse) gets one clear log line instead of "a frame
 * of 369 MB" or an OpenSSL error.
 *
 * - TLS: a handshake record, `0x16 0x03 0x00..0x04` (SSL 3.0 to TLS 1.3 record versions).
 * - Kafka: an int32 frame size then a request header — api key and version, both small int16s.
 */
export type SniffedProtocol = 'tls' | 'kafka' | 'unknown';

/** How many bytes `sniffProtocol` needs to decide. */
export const SNIFF_BYTES = 8;

export function sniffProtocol(first: Buffer): SniffedProtocol {
  if (first.length >= 3 && first[0] === 0x16 && first[1] === 0x03 && first[2]! <= 0x04) return 'tls';
  if (first.length >= SNIFF_BYTES) {
    const size = first.readInt32BE(0);
    const apiKey = first.readInt16BE(4);
    const version = first.readInt16BE(6);
    if (size >= 4 && size < 0x10000000 && apiKey >= 0 && apiKey < 1000 && version >= 0 && version < 100) return 'kafka';
  }
  return 'unknown';
}

/** The one log line for a client that speaks the wrong protocol on a listener. */
export function wrongProtocolMessage(listener: 'plaintext' | 'tls', seen: SniffedProtocol): string | null {
  if (listener === 'plaintext' && seen === 'tls') {
    return 'a client started a TLS handshake on a plaintext listener; closing it (set security.protocol=PLAINTEXT or SASL_PLAINTEXT in the client, or connect to the TLS listener)';
  }
  if (listener === 'tls' && seen === 'kafka') {
    return 'a client sent a plaintext Kafka request to a TLS listener; closing it (set security.protocol=SSL or SASL_SSL in the client, or connect to the plaintext listener)';
  }
  return null;
}
