import type { ScramCredential, ScramMechanismName } from './scram-crypto.ts';

/** SASL mechanisms the broker can offer. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

export function isSaslMechanism(name: string): name is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

/** What a mechanism needs to know about users. Implemented by the credential store. */
export interface SaslCredentials {
  /** PLAIN: whether `password` is this user's password. */
  verifyPassword(user: string, password: string): boolean;
  /** SCRAM: the user's salted credential for this mechanism, or undefined when there is none. */
  scramCredential(user: string, mechanism: ScramMechanismName): ScramCredential | undefined;
}

/**
 * The server side of one SASL exchange, free of I/O: feed it each client token, send back what it
 * returns. It throws `SaslAuthenticationFailure` when the client must be refused.
 */
export interface SaslServerMechanism {
  readonly name: SaslMechanismName;
  /** Evaluates one client token and returns the server's token (possibly empty). */
  evaluate(token: Buffer): Buffer;
  /** True once the exchange succeeded. */
  readonly complete: boolean;
  /** The authenticated user name; only meaningful once `complete`. */
  readonly authorizationId: string;
}
