import { createHmac, randomBytes } from 'node:crypto';
import type { SaslCredentials } from '../sasl/mechanism.ts';
import { createCredential, passwordMatches, sameBytes, SCRAM_MECHANISMS, type ScramCredential, type ScramMechanismName } from '../sasl/scram-crypto.ts';
import type { ScramCredentialStore } from './scram-credential-store.ts';

/** Per-process key to compare passwords in constant time whatever their lengths. */
const COMPARE_KEY = randomBytes(32);
const digest = (s: string): Buffer => createHmac('sha256', COMPARE_KEY).update(s, 'utf8').digest();

/**
 * Every way a user can prove who they are, behind the interface the SASL mechanisms use:
 *
 * - users of the development file (`--sasl-users`) log in with any mechanism: PLAIN compares the
 *   password; SCRAM uses a credential derived from it on first use;
 * - SCRAM users (AlterUserScramCredentials, `sluice users`) log in with their SCRAM mechanisms,
 *   and also with PLAIN (the password is checked against the stored StoredKey), which is what
 *   the dashboard's HTTP Basic login uses too. A SCRAM credential wins over a file user's
 *   derived one.
 */
export class CredentialStore implements SaslCredentials {
  readonly #scram: ScramCredentialStore;
  readonly #plain: ReadonlyMap<string, string>;
  readonly #derived = new Map<string, ScramCredential>();

  constructor(scram: ScramCredentialStore, plainUsers: ReadonlyMap<string, string> = new Map()) {
    this.#scram = scram;
    this.#plain = plainUsers;
  }

  /** The SCRAM store (for Describe/AlterUserScramCredentials). */
  get scram(): ScramCredentialStore {
    return this.#scram;
  }

  verifyPassword(user: string, password: string): boolean {
    const expected = this.#plain.get(user);
    if (expected !== undefined) return sameBytes(digest(password), digest(expected));
    for (const { mechanism } of this.#scram.credentialsOf(user)) {
      if (passwordMatches(SCRAM_MECHANISMS[mechanism], this.#scram.get(user, mechanism)!, password)) return true;
    }
    return false;
  }

  scramCredential(user: string, mechanism: ScramMechanismName): ScramCredential | undefined {
    const stored = this.#scram.get(user, mechanism);
    if (stored !== undefined) return stored;
    const password = this.#plain.get(user);
    if (password === undefined) return undefined;
    const key = `${mechanism}\0${user}`;
    let derived = this.#derived.get(key);
    if (derived === undefined) this.#derived.set(key, (derived = createCredential(SCRAM_MECHANISMS[mechanism], password)));
    return derived;
  }
}
