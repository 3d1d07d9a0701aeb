/** Upper bounds (ms) of the request latency buckets, from sub-millisecond answers to long polls. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;

/**
 * A Prometheus histogram kept as plain numbers: `observe` is a short loop over 15 bounds and two
 * additions, cheap enough for every request; the families read it at scrape time.
 */
export class LatencyHistogram {
  /** Observations ≤ each bound, not cumulative (made cumulative when read). */
  readonly #counts = new Array<number>(LATENCY_BUCKETS_MS.length).fill(0);
  count = 0;
  sum = 0;

  observe(ms: number): void {
    this.count++;
    this.sum += ms;
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      if (ms <= LATENCY_BUCKETS_MS[i]!) {
        this.#counts[i]!++;
        return;
      }
    }
  }

  /** `[le, cumulative count]` per bound, then `+Inf`. */
  cumulative(): Array<[le: string, count: number]> {
    const out: Array<[string, number]> = [];
    let n = 0;
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      n += this.#counts[i]!;
      out.push([String(LATENCY_BUCKETS_MS[i]), n]);
    }
    out.push(['+Inf', this.count]);
    return out;
  }
}
