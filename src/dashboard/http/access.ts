import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'sluice_dashboard';

/** Whether `host` (an address or name to bind to) only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** A fresh random token (32 url-safe characters). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token a dashboard bound to `host` requires: the given one, else a fresh one off loopback. */
export function tokenFor(host: string, given: string | undefined): string | undefined {
  return given ?? (isLoopbackHost(host) ? undefined : generateToken());
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export type AccessDecision =
  | { ok: true; cookie?: string; redirect?: string }
  | { ok: false; status: 401 | 403; message: string };

/**
 * Who may use the dashboard:
 * - bound to loopback, anyone on this machine — but only under a loopback host name, so that a web
 *   page cannot reach the dashboard through a DNS name rebound to 127.0.0.1;
 * - with a token (required when bound to another address), requests carry it as
 *   `Authorization: Bearer <token>`, the dashboard cookie, or `?token=` once: a browser opening
 *   the printed address gets the cookie and is sent on to the same page without the token.
 */
export class AccessControl {
  readonly #loopback: boolean;
  readonly #token: Buffer | undefined;

  constructor(bindHost: string, token: string | undefined) {
    this.#loopback = isLoopbackHost(bindHost);
    this.#token = token === undefined ? undefined : digest(token);
  }

  check(req: IncomingMessage, url: URL): AccessDecision {
    if (this.#loopback && !isLoopbackHost(hostName(req.headers.host ?? ''))) {
      return { ok: false, status: 403, message: 'this dashboard only answers to localhost, 127.0.0.1 or [::1]' };
    }
    if (this.#token === undefined) return { ok: true };
    if (this.#matches(bearer(req)) || this.#matches(cookie(req))) return { ok: true };
    const query = url.searchParams.get('token');
    if (this.#matches(query ?? undefined)) {
      const cookieValue = `${TOKEN_COOKIE}=${encodeURIComponent(query!)}; HttpOnly; SameSite=Strict; Path=/`;
      const navigating = (req.headers.accept ?? '').includes('text/html');
      if (!navigating) return { ok: true, cookie: cookieValue };
      const clean = new URL(url);
      clean.searchParams.delete('token');
      return { ok: true, cookie: cookieValue, redirect: clean.pathname + clean.search + clean.hash };
    }
    return { ok: false, status: 401, message: 'a token is required: open the address the dashboard printed (it ends in ?token=...), or send "Authorization: Bearer <token>"' };
  }

  #matches(candidate: string | undefined): boolean {
    return candidate !== undefined && candidate !== '' && timingSafeEqual(digest(candidate), this.#token!);
  }
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon >= 0 ? hostHeader.slice(0, colon) : hostHeader;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function cookie(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
