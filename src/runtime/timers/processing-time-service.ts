import type { Clock } from '../../util/clock.ts';

/** A callback scheduled at a processing time; returns a handle to cancel it. */
export interface ScheduledCallback {
  cancel(): void;
}

interface Scheduled {
  ts: number;
  seq: number;
  cb: (now: number) => void;
  cancelled: boolean;
}

/**
 * Processing time of one job: reads the injected clock, and runs callbacks at or after their
 * time. The executor calls `fireDue()` between source batches and when the clock advances, so a
 * manual clock drives timers and periodic watermarks deterministically.
 */
export class ProcessingTimeService {
  readonly clock: Clock;
  readonly #heap: Scheduled[] = [];
  #seq = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  now(): number {
    return this.clock.now();
  }

  schedule(ts: number, cb: (now: number) => void): ScheduledCallback {
    const s: Scheduled = { ts, seq: this.#seq++, cb, cancelled: false };
    this.#push(s);
    return { cancel: () => void (s.cancelled = true) };
  }

  /** Calls `cb` every `interval` ms from now on. */
  scheduleAtFixedRate(interval: number, cb: (now: number) => void): ScheduledCallback {
    let handle: ScheduledCallback | undefined;
    let cancelled = false;
    const tick = (now: number): void => {
      if (cancelled) return;
      cb(now);
      handle = this.schedule(now + interval, tick);
    };
    handle = this.schedule(this.now() + interval, tick);
    return {
      cancel: () => {
        cancelled = true;
        handle?.cancel();
      },
    };
  }

  /** Time of the next pending callback, or +Infinity. */
  nextTime(): number {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
    return this.#heap.length === 0 ? Number.POSITIVE_INFINITY : this.#heap[0]!.ts;
  }

  /** Runs every callback due at `now` (default: the clock); returns how many ran. */
  fireDue(now = this.now()): number {
    let n = 0;
    while (this.#heap.length > 0 && this.#heap[0]!.ts <= now) {
      const s = this.#pop();
      if (s.cancelled) continue;
      s.cb(now);
      n++;
    }
    return n;
  }

  #less(a: Scheduled, b: Scheduled): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }
  #push(s: Scheduled): void {
    const h = this.#heap;
    h.push(s);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  #pop(): Scheduled {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
