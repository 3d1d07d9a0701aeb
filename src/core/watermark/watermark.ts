/**
 * Event-time constants. Timestamps and watermarks are milliseconds since the epoch (numbers).
 *
 * @example
 * ```ts
 * import { MAX_WATERMARK } from 'sluice';
 * // MAX_WATERMARK is the watermark a bounded input emits when it ends: every window fires.
 * ```
 */

/** The watermark before any watermark was seen. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
/** End of input: a watermark of +infinity. All event-time windows and timers fire. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** Timestamp of a record that has none (no timestamp assigner ran, the source gave none). */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;
