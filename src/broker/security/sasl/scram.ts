import { createHmac, randomBytes } from 'node:crypto';
import { SaslAuthenticationFailure } from '../errors.ts';
import type { SaslCredentials, SaslServerMechanism } from './mechanism.ts';
import { hash, hmac, sameBytes, SCRAM_MECHANISMS, xor, type ScramCredential, type ScramMechanismInfo, type ScramMechanismName } from './scram-crypto.ts';
import { parseClientFinal, parseClientFirst, type ClientFirstMessage } from './scram-messages.ts';

/** Per-process secret for the decoy salts of unknown users (same salt on every attempt). */
const DECOY_KEY = randomBytes(32);

/**
 * The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677): two client messages, two server
 * messages. Channel binding is not offered (gs2 flag 'n' or 'y'). An unknown user gets a decoy
 * challenge and fails at the proof, exactly like a wrong password, so that the exchange does
 * not reveal which users exist. What the client is told follows Kafka: a generic "invalid
 * credentials" message for anything credential-related; the log gets the detail.
 */
export class ScramServer implements SaslServerMechanism {
  readonly name: ScramMechanismName;
  readonly #m: ScramMechanismInfo;
  readonly #credentials: SaslCredentials;
  #state: 'first' | 'final' | 'complete' | 'failed' = 'first';
  #first: ClientFirstMessage | null = null;
  #serverFirst = '';
  #nonce = '';
  #credential: ScramCredential | null = null;
  #known = false;
  #user = '';

  readonly #serverNonce: () => string;

  /** `serverNonce` is for tests (RFC test vectors); by default 18 random bytes, base64. */
  constructor(mechanism: ScramMechanismName, credentials: SaslCredentials, serverNonce?: () => string) {
    this.name = mechanism;
    this.#m = SCRAM_MECHANISMS[mechanism];
    this.#credentials = credentials;
    this.#serverNonce = serverNonce ?? (() => randomBytes(18).toString('base64'));
  }

  get complete(): boolean {
    return this.#state === 'complete';
  }

  get authorizationId(): string {
    return this.#user;
  }

  evaluate(token: Buffer): Buffer {
    try {
      if (this.#state === 'first') return this.#onClientFirst(token);
      if (this.#state === 'final') return this.#onClientFinal(token);
      throw this.#fail(`unexpected SCRAM token in state ${this.#state}`);
    } catch (err) {
      this.#state = 'failed';
      this.#credential = null;
      throw err;
    }
  }

  #fail(detail: string): SaslAuthenticationFailure {
    return new SaslAuthenticationFailure(`Authentication failed due to invalid credentials with SASL mechanism ${this.name}`, detail);
  }

  #onClientFirst(token: Buffer): Buffer {
    const first = parseClientFirst(token);
    if (typeof first === 'string') throw this.#fail(`invalid SCRAM client-first-message: ${first}`);
    if (first.extensions.get('tokenauth') === 'true') throw this.#fail('delegation-token authentication is not supported');
    if (first.authzid !== '' && first.authzid !== first.username) {
      throw new SaslAuthenticationFailure('Authentication failed: Client requested an authorization id that is different from username');
    }
    const stored = this.#credentials.scramCredential(first.username, this.name);
    this.#known = stored !== undefined;
    this.#credential = stored ?? this.#decoy(first.username);
    this.#first = first;
    this.#nonce = first.nonce + this.#serverNonce();
    this.#serverFirst = `r=${this.#nonce},s=${this.#credential.salt.toString('base64')},i=${this.#credential.iterations}`;
    this.#state = 'final';
    return Buffer.from(this.#serverFirst, 'utf8');
  }

  #onClientFinal(token: Buffer): Buffer {
    const final = parseClientFinal(token);
    if (typeof final === 'string') throw this.#fail(`invalid SCRAM client-final-message: ${final}`);
    const first = this.#first!;
    if (!final.channelBinding.equals(Buffer.from(first.gs2Header, 'utf8'))) throw this.#fail('channel binding data does not match the gs2 header');
    // librdkafka before 2.6.1 (Debian's kcat and confluent-kafka among them) sends its own nonce
    // again in front of the combined one; Kafka 3.8.1-3.9 accept that (Kafka 4 does not). Exactly
    // that form is accepted, nothing looser: the server's part still proves the answer is fresh.
    if (final.nonce !== this.#nonce && final.nonce !== first.nonce + this.#nonce) throw this.#fail('invalid nonce in the client-final-message');
    const credential = this.#credential!;
    const authMessage = `${first.bare},${this.#serverFirst},${final.withoutProof}`;
    const clientSignature = hmac(this.#m, credential.storedKey, authMessage);
    const clientKey = xor(final.proof, clientSignature);
    const proofOk = final.proof.length === clientSignature.length && sameBytes(hash(this.#m, clientKey), credential.storedKey);
    if (!proofOk || !this.#known) throw this.#fail(this.#known ? `wrong password for user '${first.username}'` : `unknown user '${first.username}'`);
    const serverSignature = hmac(this.#m, credential.serverKey, authMessage);
    this.#user = first.username;
    this.#credential = null;
    this.#state = 'complete';
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }

  /** A credential nobody can match, with a salt that is stable per user name. */
  #decoy(user: string): ScramCredential {
    const salt = createHmac('sha256', DECOY_KEY).update(`${this.name}\0${user}`).digest();
    return { salt, iterations: this.#m.minIterations, storedKey: randomBytes(this.#m.keyLength), serverKey: randomBytes(this.#m.keyLength) };
  }
}
