/**
 * Kafka UUIDs (topic ids) are 16 bytes on the wire. In bodies they are strings in the form Kafka's
 * own tools print: 22 characters of unpadded base64url. The all-zero uuid means "none".
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

const UUID_RE = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** True for a string `writeUuid` accepts (22 base64url characters that decode to 16 bytes). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Converts a uuid string to the canonical 8-4-4-4-12 hex form (for logs and other clients). */
export function uuidToHex(value: string): string {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Converts a hex uuid (with or without dashes) to our base64url form. */
export function uuidFromHex(hex: string): string {
  return Buffer.from(hex.replaceAll('-', ''), 'hex').toString('base64url');
}
