import { SaslAuthenticationFailure } from '../errors.ts';
import type { SaslCredentials, SaslServerMechanism } from './mechanism.ts';

/**
 * SASL/PLAIN (RFC 4616): one client message `[authzid] NUL authcid NUL passwd`, checked against
 * the credential store. Messages follow Kafka's PlainSaslServer, which clients show to users.
 */
export class PlainServer implements SaslServerMechanism {
  readonly name = 'PLAIN' as const;
  readonly #credentials: SaslCredentials;
  #complete = false;
  #user = '';

  constructor(credentials: SaslCredentials) {
    this.#credentials = credentials;
  }

  get complete(): boolean {
    return this.#complete;
  }

  get authorizationId(): string {
    return this.#user;
  }

  evaluate(token: Buffer): Buffer {
    if (this.#complete) throw new SaslAuthenticationFailure('Authentication failed: unexpected SASL/PLAIN token after completion');
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) {
      throw new SaslAuthenticationFailure(`Invalid SASL/PLAIN response: expected 3 tokens, got ${Math.min(parts.length, 4)}`);
    }
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslAuthenticationFailure('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationFailure('Authentication failed: password not specified');
    if (!this.#credentials.verifyPassword(user, password)) {
      throw new SaslAuthenticationFailure('Authentication failed: Invalid username or password', `wrong password or unknown user '${user}'`);
    }
    if (authzid !== '' && authzid !== user) {
      throw new SaslAuthenticationFailure('Authentication failed: Client requested an authorization id that is different from username');
    }
    this.#user = user;
    this.#complete = true;
    return Buffer.alloc(0);
  }
}
