import { SluiceError } from '../../core/errors/sluice-error.ts';

/** Stable codes of the security layer's errors. */
export const SecurityErrorCode = {
  /** A security setting is wrong (users file, mapping rules, super.users, listener settings). */
  CONFIG: 'SLUICE_SECURITY_CONFIG',
  /** A persisted security file (ACLs, SCRAM credentials) cannot be read: refuse to start rather than reset it. */
  STATE_UNREADABLE: 'SLUICE_SECURITY_STATE_UNREADABLE',
} as const;

export type SecurityErrorCode = (typeof SecurityErrorCode)[keyof typeof SecurityErrorCode];

/**
 * A security setting or persisted security state is wrong. Thrown at broker start (or when a CLI
 * reads its settings), never because of what a client sent.
 */
export class SecurityError extends SluiceError {
  constructor(code: SecurityErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A SASL exchange failed. `clientMessage` is safe to send to the client (it never says whether
 * the user exists); `detail` is for the broker's log.
 */
export class SaslAuthenticationFailure extends SluiceError {
  readonly clientMessage: string;
  readonly detail: string;
  constructor(clientMessage: string, detail: string = clientMessage) {
    super('SLUICE_SASL_AUTHENTICATION_FAILED', `${clientMessage} (${detail})`);
    this.clientMessage = clientMessage;
    this.detail = detail;
  }
}
