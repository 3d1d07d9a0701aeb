import { LatencyHistogram } from './latency-histogram.ts';

/** Counters of one API (Kafka's RequestMetrics for one `request`). */
export interface ApiStats {
  /** Requests answered, by api version. */
  readonly byVersion: Map<number, number>;
  /** Error codes in the responses (Kafka's errorCounts: every errorCode field, NONE included). */
  readonly errors: Map<number, number>;
  /** Milliseconds from a request's dispatch to its response being ready. */
  readonly latency: LatencyHistogram;
}

/** RequestMetrics of every API seen, plus the socket byte totals. */
export class RequestStats {
  readonly apis = new Map<number, ApiStats>();
  incomingBytes = 0;
  outgoingBytes = 0;

  of(apiKey: number): ApiStats {
    let s = this.apis.get(apiKey);
    if (s === undefined) this.apis.set(apiKey, (s = { byVersion: new Map(), errors: new Map(), latency: new LatencyHistogram() }));
    return s;
  }

  answered(apiKey: number, apiVersion: number): void {
    const s = this.of(apiKey);
    s.byVersion.set(apiVersion, (s.byVersion.get(apiVersion) ?? 0) + 1);
  }
}
