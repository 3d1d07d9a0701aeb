/**
 * A Kafka principal: `User:alice`, `User:CN=client,O=Acme`. ACLs name principals this way, and
 * `super.users` lists them; Kafka's default principal type is `User`.
 */
export interface Principal {
  readonly type: string;
  readonly name: string;
}

/** Unauthenticated connections (PLAINTEXT, SSL without a client certificate). */
export const ANONYMOUS: Principal = { type: 'User', name: 'ANONYMOUS' };

/** `User:alice`. */
export function formatPrincipal(p: Principal): string {
  return `${p.type}:${p.name}`;
}

/**
 * Parses `type:name` (split at the first colon, as Kafka's SecurityUtils does). Returns null when
 * there is no colon or either side is empty.
 */
export function parsePrincipal(text: string): Principal | null {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return null;
  return { type: text.slice(0, at), name: text.slice(at + 1) };
}

/** A user principal, as SASL authentication produces. */
export function userPrincipal(name: string): Principal {
  return { type: 'User', name };
}
