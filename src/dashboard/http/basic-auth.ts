import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../util/clock.ts';

/** What the dashboard's users may do on Kafka resources (Kafka's ACL operation and resource names). */
export type DashboardOperation = 'DESCRIBE' | 'READ';
export type DashboardResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER';

/**
 * HTTP Basic authentication and per-user authorization for the dashboard, e.g. a broker's users
 * and ACLs (`RunningBroker.access`). A user is the Kafka principal `User:<name>`.
 */
export interface DashboardAuth {
  /** Whether `password` is `user`'s. */
  verifyPassword(user: string, password: string): boolean;
  /** Whether `user`, connecting from `host`, may do `operation` on the resource. Absent: every authenticated user sees everything. */
  authorize?(request: { user: string; host: string; operation: DashboardOperation; resourceType: DashboardResourceType; name: string }): boolean;
}

/** Who made a request and what they may see. */
export interface Viewer {
  /** The authenticated user; undefined without HTTP Basic. */
  readonly user: string | undefined;
  can(operation: DashboardOperation, resourceType: DashboardResourceType, name: string): boolean;
}

/** The viewer of a dashboard without user authentication: everything is visible. */
export const EVERYONE: Viewer = { user: undefined, can: () => true };

/** How long a checked password is remembered, and how many are: each check costs a PBKDF2 derivation. */
const REMEMBER_MS = 30_000;
const MAX_REMEMBERED = 1024;
/**
 * Most password checks per second (remembered logins excluded). A check is synchronous PBKDF2
 * (2–20 ms): unbounded, a flood of wrong logins would stall the process — the broker itself when
 * the dashboard runs inside it. Beyond the budget a login is answered 429, not checked.
 */
export const MAX_CHECKS_PER_SECOND = 20;

/** The outcome of a request's credentials. */
export type Authentication = { ok: true; viewer: Viewer } | { ok: false; reason: 'missing' | 'wrong' | 'busy' };

/**
 * Checks `Authorization: Basic` headers. Successful logins are remembered for 30 s under a keyed
 * hash of user and password (never the password itself), so that a page polling every 2 s does not
 * derive a SCRAM key on every request; a changed password therefore stops working within 30 s.
 */
export class BasicAuthenticator {
  readonly #auth: DashboardAuth;
  readonly #clock: Clock;
  readonly #key = randomBytes(32);
  readonly #remembered = new Map<string, number>();
  #windowStart = -Infinity;
  #checksInWindow = 0;

  constructor(auth: DashboardAuth, clock: Clock) {
    this.#auth = auth;
    this.#clock = clock;
  }

  /** Who sent the request (`host`: the client's address), or why nobody is logged in. */
  authenticate(req: IncomingMessage, host: string): Authentication {
    const credentials = basicCredentials(req.headers.authorization);
    if (credentials === undefined) return { ok: false, reason: 'missing' };
    const { user, password } = credentials;
    const verdict = this.#verified(user, password);
    if (verdict !== 'ok') return { ok: false, reason: verdict };
    const authorize = this.#auth.authorize?.bind(this.#auth);
    return {
      ok: true,
      viewer: { user, can: (operation, resourceType, name) => authorize === undefined || authorize({ user, host, operation, resourceType, name }) },
    };
  }

  #verified(user: string, password: string): 'ok' | 'wrong' | 'busy' {
    const now = this.#clock.now();
    const key = createHmac('sha256', this.#key).update(user).update('\0').update(password).digest('base64');
    const until = this.#remembered.get(key);
    if (until !== undefined && until > now) return 'ok';
    this.#remembered.delete(key);
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#checksInWindow = 0;
    }
    if (this.#checksInWindow >= MAX_CHECKS_PER_SECOND) return 'busy';
    this.#checksInWindow++;
    if (!this.#auth.verifyPassword(user, password)) return 'wrong';
    if (this.#remembered.size >= MAX_REMEMBERED) {
      for (const [k, t] of this.#remembered) if (t <= now) this.#remembered.delete(k);
      if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.delete(this.#remembered.keys().next().value!);
    }
    this.#remembered.set(key, now + REMEMBER_MS);
    return 'ok';
  }
}

/** User and password of an `Authorization: Basic base64(user:password)` header (RFC 7617, UTF-8). */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
