import { ApiKey } from '../../../protocol/api-keys.ts';
import { ErrorCode } from '../../../protocol/error-codes.ts';
import type { SaslAuthenticateResponse } from '../../../protocol/messages/sasl-authenticate.ts';
import type { SaslHandshakeResponse } from '../../../protocol/messages/sasl-handshake.ts';
import type { Clock } from '../../../util/clock.ts';
import { SaslAuthenticationFailure } from '../errors.ts';
import { formatPrincipal, userPrincipal, type Principal } from '../principal.ts';
import { isSaslMechanism, type SaslCredentials, type SaslMechanismName, type SaslServerMechanism } from './mechanism.ts';
import { PlainServer } from './plain.ts';
import { ScramServer } from './scram.ts';

/** Settings of a SASL listener. */
export interface SaslAuthenticatorOptions {
  /** Mechanisms enabled on this listener (`sasl.enabled.mechanisms`), in the order clients see them. */
  readonly mechanisms: readonly SaslMechanismName[];
  readonly credentials: SaslCredentials;
  readonly clock: Clock;
  /** `connections.max.reauth.ms`: sessions end this long after authentication; 0 (default) = never. */
  readonly maxReauthMs?: number;
  /** `connection.failed.authentication.delay.ms`: wait before closing after a failure. Default 100. */
  readonly failedAuthenticationDelayMs?: number;
  /** `sasl.server.max.receive.size`: largest frame accepted before authentication. Default 512 KiB. */
  readonly maxReceiveBytes?: number;
}

/** What the connection does with a Kafka request, decided from its api key alone. */
export type SaslGate =
  /** Hand it to the normal handler. */
  | { readonly action: 'dispatch' }
  /** A SaslHandshake: answer with `handshake()`. */
  | { readonly action: 'handshake' }
  /** A SaslAuthenticate: answer with `authenticate()`. */
  | { readonly action: 'authenticate' }
  /** Close the connection without an answer (one log line with `reason`). */
  | { readonly action: 'close'; readonly reason: string };

/** After a response: carry on, or close once it is written (after `delayMs`). */
export type SaslNext = { readonly then: 'continue' } | { readonly then: 'close'; readonly delayMs: number; readonly reason: string };

export interface SaslReply<T> {
  readonly response: T;
  readonly next: SaslNext;
}

/** A raw token of the v0 flow: bytes to send back size-prefixed (or none), then what next. */
export interface SaslRawReply {
  readonly token: Buffer | null;
  readonly next: SaslNext;
}

type State =
  | 'handshake' // before SaslHandshake: ApiVersions and SaslHandshake only
  | 'authenticate' // after SaslHandshake v1: SaslAuthenticate only
  | 'authenticate-raw' // after SaslHandshake v0: raw SASL tokens, no Kafka framing
  | 'authenticated'
  | 'reauthenticate' // KIP-368: SaslHandshake v1 received on an authenticated connection
  | 'failed';

const CONTINUE: SaslNext = { then: 'continue' };
const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

/**
 * The SASL state of one connection, free of I/O (Kafka's SaslServerAuthenticator as a state
 * machine). The connection layer asks `gate()` about every request, feeds SaslHandshake and
 * SaslAuthenticate bodies to `handshake()` / `authenticate()`, and while `expectsRawToken` is
 * true it hands whole frames to `rawToken()` instead of decoding them (the v0 flow of
 * kafka-python and older librdkafka). After authentication, a session with a lifetime
 * (`maxReauthMs`) closes on the first request after it expires unless the client
 * re-authenticates first (KIP-368: SaslHandshake + SaslAuthenticate on the same connection,
 * same mechanism, same principal).
 */
export class SaslAuthenticator {
  readonly #o: SaslAuthenticatorOptions;
  #state: State = 'handshake';
  #server: SaslServerMechanism | null = null;
  #mechanism: SaslMechanismName | null = null;
  #principal: Principal | null = null;
  #expiresAt: number | null = null;
  #lastReauthStart = -Infinity;
  /** Set when a re-authentication handshake named another mechanism: the next token fails. */
  #badReauthMechanism: string | null = null;

  constructor(options: SaslAuthenticatorOptions) {
    this.#o = options;
  }

  /** The authenticated principal (`User:<name>`), or null before authentication. */
  get principal(): Principal | null {
    return this.#principal;
  }

  /** The mechanism of the current session, or null. */
  get mechanism(): SaslMechanismName | null {
    return this.#mechanism;
  }

  get authenticated(): boolean {
    return this.#principal !== null && this.#state !== 'failed';
  }

  /** True after SaslHandshake v0: the next frame is a raw SASL token, not a Kafka request. */
  get expectsRawToken(): boolean {
    return this.#state === 'authenticate-raw';
  }

  /** When the session ends (epoch ms), or null when it does not. */
  get sessionExpiresAt(): number | null {
    return this.#expiresAt;
  }

  /** Largest frame to accept now: small until authenticated (a client may not send 100 MB unauthenticated). */
  maxFrameBytes(connectionMax: number): number {
    return this.#principal === null ? Math.min(connectionMax, this.#o.maxReceiveBytes ?? 512 * 1024) : connectionMax;
  }

  /** Decides what happens to a request of this api key in the current state. */
  gate(apiKey: number): SaslGate {
    const name = API_NAMES.get(apiKey) ?? `api key ${apiKey}`;
    switch (this.#state) {
      case 'handshake':
        if (apiKey === ApiKey.ApiVersions) return { action: 'dispatch' };
        if (apiKey === ApiKey.SaslHandshake) return { action: 'handshake' };
        return this.#close(`Unexpected Kafka request of type ${name} during SASL handshake`);
      case 'authenticate':
      case 'reauthenticate':
        if (apiKey === ApiKey.SaslAuthenticate) return { action: 'authenticate' };
        return this.#close(`Unexpected Kafka request of type ${name} during SASL authentication`);
      case 'authenticate-raw':
        return this.#close('a Kafka request arrived where a raw SASL token (SaslHandshake v0 flow) was expected');
      case 'failed':
        return { action: 'close', reason: 'SASL authentication failed earlier on this connection' };
      case 'authenticated': {
        const now = this.#o.clock.now();
        if (apiKey === ApiKey.SaslHandshake) {
          // KIP-368: a handshake on an authenticated connection with a session lifetime starts
          // re-authentication (at most once a second); otherwise Kafka answers ILLEGAL_SASL_STATE.
          if (this.#expiresAt !== null && now - this.#lastReauthStart >= 1000) {
            this.#lastReauthStart = now;
            this.#state = 'reauthenticate';
          }
          return { action: 'handshake' };
        }
        if (this.#expiresAt !== null && now > this.#expiresAt) {
          return this.#close(`SASL session of ${formatPrincipal(this.#principal!)} expired (connections.max.reauth.ms) and was not re-authenticated`);
        }
        return apiKey === ApiKey.SaslAuthenticate ? { action: 'authenticate' } : { action: 'dispatch' };
      }
    }
  }

  /** Answers a SaslHandshake (after `gate()` said 'handshake'). */
  handshake(version: number, mechanism: string): SaslReply<SaslHandshakeResponse> {
    const mechanisms = [...this.#o.mechanisms];
    if (this.#state === 'authenticated') {
      return { response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }, next: CONTINUE };
    }
    const enabled = isSaslMechanism(mechanism) && this.#o.mechanisms.includes(mechanism);
    if (!enabled) {
      this.#state = 'failed';
      return { response: { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }, next: this.#closeNext(`unsupported SASL mechanism '${mechanism}'`) };
    }
    if (this.#state === 'reauthenticate') {
      if (version === 0) {
        this.#state = 'failed';
        return { response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }, next: this.#closeNext('re-authentication needs SaslHandshake v1 and SaslAuthenticate') };
      }
      if (mechanism !== this.#mechanism) {
        this.#badReauthMechanism = `SASL mechanism '${mechanism}' requested by client is not supported for re-authentication of mechanism '${this.#mechanism}'`;
      }
    } else {
      this.#state = version === 0 ? 'authenticate-raw' : 'authenticate';
    }
    this.#server = createMechanism(mechanism, this.#o.credentials);
    return { response: { errorCode: ErrorCode.NONE, mechanisms }, next: CONTINUE };
  }

  /** Answers a SaslAuthenticate (after `gate()` said 'authenticate'). */
  authenticate(authBytes: Buffer): SaslReply<SaslAuthenticateResponse> {
    if (this.#state === 'authenticated') {
      return {
        response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n },
        next: CONTINUE,
      };
    }
    const reauth = this.#state === 'reauthenticate';
    try {
      const token = this.#step(authBytes);
      const lifetime = this.#server!.complete ? this.#finish() : 0;
      return { response: { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: token, sessionLifetimeMs: BigInt(lifetime) }, next: CONTINUE };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationFailure)) throw err;
      this.#state = 'failed';
      const message = reauth ? err.clientMessage.replace('during authentication', 'during re-authentication') : err.clientMessage;
      return {
        response: { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n },
        next: this.#closeNext(`SASL ${reauth ? 're-authentication' : 'authentication'} failed: ${err.detail}`),
      };
    }
  }

  /** Handles one frame of the v0 flow: a raw SASL token (no Kafka header). */
  rawToken(frame: Buffer): SaslRawReply {
    if (this.#state !== 'authenticate-raw') return { token: null, next: this.#closeNext('unexpected raw SASL token') };
    try {
      const token = this.#step(frame);
      if (this.#server!.complete) this.#finish();
      return { token, next: CONTINUE };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationFailure)) throw err;
      this.#state = 'failed';
      return { token: null, next: this.#closeNext(`SASL authentication failed: ${err.detail}`) };
    }
  }

  #step(token: Buffer): Buffer {
    if (this.#badReauthMechanism !== null) throw new SaslAuthenticationFailure(this.#badReauthMechanism);
    return this.#server!.evaluate(token);
  }

  /** Records the session; returns its lifetime in ms (0 = unlimited) for the response. */
  #finish(): number {
    const principal = userPrincipal(this.#server!.authorizationId);
    if (this.#principal !== null && formatPrincipal(this.#principal) !== formatPrincipal(principal)) {
      const was = this.#principal;
      throw new SaslAuthenticationFailure(`Cannot change principals during re-authentication from ${was.type}.${was.name}: ${principal.type}.${principal.name}`);
    }
    const lifetime = Math.max(0, this.#o.maxReauthMs ?? 0);
    this.#principal = principal;
    this.#mechanism = this.#server!.name;
    this.#expiresAt = lifetime > 0 ? this.#o.clock.now() + lifetime : null;
    this.#state = 'authenticated';
    this.#server = null;
    return lifetime;
  }

  #close(reason: string): SaslGate {
    this.#state = 'failed';
    return { action: 'close', reason };
  }

  #closeNext(reason: string): SaslNext {
    return { then: 'close', delayMs: this.#o.failedAuthenticationDelayMs ?? 100, reason };
  }
}

function createMechanism(name: SaslMechanismName, credentials: SaslCredentials): SaslServerMechanism {
  return name === 'PLAIN' ? new PlainServer(credentials) : new ScramServer(name, credentials);
}

/**
 * Kafka's answers on a listener without SASL (PLAINTEXT, SSL): SaslHandshake and SaslAuthenticate
 * get ILLEGAL_SASL_STATE and the connection stays open.
 */
export const NO_SASL = {
  handshake: (): SaslHandshakeResponse => ({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }),
  authenticate: (): SaslAuthenticateResponse => ({
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received on a listener without SASL',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0n,
  }),
};
