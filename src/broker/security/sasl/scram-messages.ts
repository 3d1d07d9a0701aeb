/**
 * Parsing of the two SCRAM client messages (RFC 5802 §7). Values never contain ',' (names encode
 * it as '=2C'), so messages split on commas. Parsing errors are returned as strings for the
 * log; the mechanism decides what the client is told.
 */

export interface ClientFirstMessage {
  /** 'n' (client does not support channel binding) or 'y' (it does, but thinks we do not). */
  readonly cbindFlag: 'n' | 'y';
  /** The gs2 header exactly as sent, e.g. 'n,,': the client repeats it base64-encoded in c=. */
  readonly gs2Header: string;
  /** Requested authorization id, '' when absent. */
  readonly authzid: string;
  readonly username: string;
  readonly nonce: string;
  /** client-first-message-bare, as sent: part of the AuthMessage both sides sign. */
  readonly bare: string;
  /** Extensions (`key=value` after the nonce), e.g. Kafka's `tokenauth=true`. */
  readonly extensions: ReadonlyMap<string, string>;
}

export interface ClientFinalMessage {
  readonly channelBinding: Buffer;
  readonly nonce: string;
  readonly proof: Buffer;
  /** client-final-message-without-proof, as sent. */
  readonly withoutProof: string;
}

const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EXTENSION = /^([A-Za-z]+)=([^,]*)$/;

/** saslname → name: '=2C' is ',' and '=3D' is '='; any other '=' is invalid. */
export function decodeSaslName(s: string): string | null {
  if (s === '' || /=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** name → saslname. */
export function encodeSaslName(s: string): string {
  return s.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function base64(s: string): Buffer | null {
  return BASE64.test(s) ? Buffer.from(s, 'base64') : null;
}

export function parseClientFirst(token: Buffer): ClientFirstMessage | string {
  const text = token.toString('utf8');
  if (text.includes('\0')) return 'NUL in client-first-message';
  const parts = text.split(',');
  if (parts.length < 4) return 'client-first-message has too few fields';
  const [flag, authz] = parts as [string, string];
  if (flag.startsWith('p=')) return `channel binding '${flag.slice(2)}' requested; only 'n' and 'y' are supported (no -PLUS mechanisms)`;
  if (flag !== 'n' && flag !== 'y') return `invalid gs2 channel binding flag '${flag}'`;
  let authzid = '';
  if (authz !== '') {
    if (!authz.startsWith('a=')) return 'invalid authzid in gs2 header';
    const decoded = decodeSaslName(authz.slice(2));
    if (decoded === null) return 'invalid authzid encoding';
    authzid = decoded;
  }
  const bareParts = parts.slice(2);
  if (bareParts[0]!.startsWith('m=')) return 'mandatory extension (m=) not supported';
  const [n, r, ...exts] = bareParts as [string, string, ...string[]];
  if (!n.startsWith('n=')) return 'client-first-message lacks n=';
  const username = decodeSaslName(n.slice(2));
  if (username === null) return 'invalid username encoding';
  if (!r.startsWith('r=') || !PRINTABLE.test(r.slice(2))) return 'client-first-message lacks a valid nonce';
  const extensions = new Map<string, string>();
  for (const e of exts) {
    const m = EXTENSION.exec(e);
    if (!m) return `invalid extension '${e}'`;
    extensions.set(m[1]!, m[2]!);
  }
  return { cbindFlag: flag, gs2Header: `${flag},${authz},`, authzid, username, nonce: r.slice(2), bare: bareParts.join(','), extensions };
}

export function parseClientFinal(token: Buffer): ClientFinalMessage | string {
  const text = token.toString('utf8');
  const at = text.lastIndexOf(',p=');
  if (at < 0) return 'client-final-message lacks a proof';
  const withoutProof = text.slice(0, at);
  const proof = base64(text.slice(at + 3));
  if (proof === null || proof.length === 0) return 'client-final-message proof is not base64';
  const [c, r] = withoutProof.split(',') as [string, string | undefined];
  if (!c.startsWith('c=')) return 'client-final-message lacks c=';
  const channelBinding = base64(c.slice(2));
  if (channelBinding === null) return 'client-final-message channel binding is not base64';
  if (r === undefined || !r.startsWith('r=') || !PRINTABLE.test(r.slice(2))) return 'client-final-message lacks a valid nonce';
  return { channelBinding, nonce: r.slice(2), proof, withoutProof };
}
