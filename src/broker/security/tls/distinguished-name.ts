/**
 * The subject of a client certificate as Kafka names it: Java's X500Principal.getName(), i.e.
 * RFC 2253 — RDNs from the last to the first, `,` between them, no spaces, special characters
 * escaped with a backslash. Node's `X509Certificate.subject` lists RDNs first to last, one per
 * line, with multi-valued RDNs joined by ' + '.
 */

/** OpenSSL short names → the keywords Java prints; other attributes need Java's `OID=#hex` form. */
const JAVA_KEYWORDS: Readonly<Record<string, string>> = { CN: 'CN', C: 'C', L: 'L', ST: 'ST', O: 'O', OU: 'OU', street: 'STREET', DC: 'DC', UID: 'UID' };
/** Attributes Java prints as `OID=#<DER hex>`: OID and the ASN.1 string tag certificates use. */
const HEX_ATTRIBUTES: Readonly<Record<string, { oid: string; tag: number }>> = {
  emailAddress: { oid: '1.2.840.113549.1.9.1', tag: 0x16 }, // IA5String
  serialNumber: { oid: '2.5.4.5', tag: 0x13 }, // PrintableString
};
const ESCAPED = new Set([',', '=', '+', '<', '>', '#', ';', '"', '\\']);

/** RFC 2253 text of a Node `X509Certificate.subject` string. */
export function rfc2253(subject: string): string {
  const rdns = subject.split('\n').filter((l) => l !== '');
  return rdns
    .reverse()
    .map((rdn) => splitUnescaped(rdn, ' + ').map(formatAva).join('+'))
    .join(',');
}

function formatAva(ava: string): string {
  const at = ava.indexOf('=');
  const type = ava.slice(0, at);
  const value = unescapeOpenSsl(ava.slice(at + 1));
  const hex = HEX_ATTRIBUTES[type];
  if (hex !== undefined) return `${hex.oid}=#${der(hex.tag, Buffer.from(value, 'utf8')).toString('hex')}`;
  return `${JAVA_KEYWORDS[type] ?? type}=${escapeJava(value)}`;
}

function der(tag: number, content: Buffer): Buffer {
  if (content.length < 0x80) return Buffer.concat([Buffer.from([tag, content.length]), content]);
  const len: number[] = [];
  for (let n = content.length; n > 0; n >>= 8) len.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | len.length, ...len]), content]);
}

/** OpenSSL escapes special characters with '\' and non-printable bytes as '\XX'. */
function unescapeOpenSsl(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (v[i] === '\\' && i + 1 < v.length) {
      bytes.push(...Buffer.from(v[++i]!, 'utf8'));
    } else {
      bytes.push(...Buffer.from(v[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Java escapes , = + < > # ; " \ anywhere, and a leading or trailing space. */
function escapeJava(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (ESCAPED.has(c) || (c === ' ' && (i === 0 || i === v.length - 1))) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
