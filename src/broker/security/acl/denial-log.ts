import type { Clock } from '../../../util/clock.ts';
import { formatPrincipal } from '../principal.ts';
import type { Session } from './authorizer.ts';
import { operationName, resourceTypeName } from './acl-types.ts';

/** The part of a pino logger the denial log uses. */
export interface DenialSink {
  info(fields: object, message: string): void;
}

/** One denied action, as logged. */
export interface Denial {
  readonly session: Session;
  readonly operation: number;
  readonly resourceType: number;
  readonly name: string;
  /** The API that asked, e.g. 'Produce'. */
  readonly api: string;
  /** Why: the rule that decided (`DENY ACL ...`, `DefaultDeny`, `no ALLOW ACL matches`). */
  readonly rule: string;
}

/**
 * Logs denied actions, one record each with principal, host, operation and resource (Kafka's
 * authorizer audit log), at most `maxPerWindow` per `windowMs`: a client retrying a denied fetch
 * in a loop must not flood the log. Records dropped in a window are counted and reported with
 * the next record that is logged.
 */
export class DenialLog {
  readonly #sink: DenialSink;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #windowMs: number;
  #windowStart = -Infinity;
  #inWindow = 0;
  #suppressed = 0;

  constructor(sink: DenialSink, clock: Clock, options: { maxPerWindow?: number; windowMs?: number } = {}) {
    this.#sink = sink;
    this.#clock = clock;
    this.#max = options.maxPerWindow ?? 20;
    this.#windowMs = options.windowMs ?? 10_000;
  }

  record(d: Denial): void {
    const now = this.#clock.now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (this.#inWindow >= this.#max) {
      this.#suppressed++;
      return;
    }
    this.#inWindow++;
    const fields: Record<string, unknown> = {
      principal: formatPrincipal(d.session.principal),
      host: d.session.host,
      operation: operationName(d.operation),
      resource: `${resourceTypeName(d.resourceType)}:${d.name}`,
      api: d.api,
      rule: d.rule,
    };
    if (this.#suppressed > 0) {
      fields.suppressedBefore = this.#suppressed;
      this.#suppressed = 0;
    }
    this.#sink.info(fields, `authorization denied: ${fields.principal} ${fields.operation} on ${fields.resource} (${d.api})`);
  }
}
