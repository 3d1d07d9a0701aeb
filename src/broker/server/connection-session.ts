import type { Session } from '../security/acl/authorizer.ts';
import type { SaslAuthenticator } from '../security/sasl/authenticator.ts';
import { ANONYMOUS, type Principal } from '../security/principal.ts';
import type { Listener } from './listener.ts';

/** A close the dispatcher asked for: after the response is written and `delayMs` passed. */
export interface PendingClose {
  readonly delayMs: number;
  readonly reason: string;
}

/**
 * The security state of one connection: its listener, the principal from TLS (client
 * certificate) or SASL, and the SASL state machine on SASL listeners. The dispatcher reads and
 * drives it; the connection honours `pendingClose` once the answer is written.
 */
export class ConnectionSession {
  readonly listener: Listener;
  /** The client IP as ACL hosts name it. */
  readonly host: string;
  readonly sasl: SaslAuthenticator | null;
  readonly #tlsPrincipal: Principal;
  pendingClose: PendingClose | null = null;

  constructor(listener: Listener, host: string, tlsPrincipal: Principal | null, sasl: SaslAuthenticator | null) {
    this.listener = listener;
    this.host = host;
    this.#tlsPrincipal = tlsPrincipal ?? ANONYMOUS;
    this.sasl = sasl;
  }

  /** The SASL principal on SASL listeners (ANONYMOUS before authentication), else the certificate's. */
  get principal(): Principal {
    if (this.sasl) return this.sasl.principal ?? ANONYMOUS;
    return this.#tlsPrincipal;
  }

  /** What the authorizer sees. */
  get authorizationSession(): Session {
    return { principal: this.principal, host: this.host };
  }
}
