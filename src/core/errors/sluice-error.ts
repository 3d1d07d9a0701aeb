import type { SluiceErrorCode } from './codes.ts';

/**
 * Base class of every error Sluice throws on purpose. `code` is stable (`SLUICE_...`, one of
 * `SluiceErrorCodes`) so that callers can branch on it; the message says what happened and what
 * to do about it.
 *
 * @example
 * ```ts
 * import { SluiceError } from 'sluice';
 * try { await env.execute('job'); } catch (e) {
 *   if (e instanceof SluiceError && e.code === 'SLUICE_USER_FUNCTION_FAILED') console.error(e.message);
 * }
 * ```
 */
export class SluiceError extends Error {
  readonly code: SluiceErrorCode;
  constructor(code: SluiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
