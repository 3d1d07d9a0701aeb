import type { InternalKeyedStateBackend } from '../../state/backend.ts';
import type { NamespaceSerializer } from '../../core/state/namespace.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../core/watermark/watermark.ts';
import type { ProcessingTimeService, ScheduledCallback } from './processing-time-service.ts';
import { TimerQueue, type TimerBucket } from './timer-queue.ts';

/**
 * `peek()` answers +Infinity both when the queue is empty and when its earliest timers are at
 * +Infinity (an end-of-stream timer, fired by the final watermark): tell them apart by size.
 */
/** Called when a timer fires; the backend's current key is already set to the timer's key. */
export interface Triggerable<N> {
  onEventTime(timestamp: number, namespace: N): void;
  onProcessingTime(timestamp: number, namespace: N): void;
}

/** Portable form of the timers of one operator subtask. */
export interface TimersSnapshot {
  eventTime: Array<[number, unknown, unknown]>;
  processingTime: Array<[number, unknown, unknown]>;
}

/**
 * Event-time and processing-time timers of a keyed operator, scoped by (key, namespace) and
 * deduplicated. Event-time timers fire when the watermark reaches them, in timestamp order;
 * processing-time timers fire through the job's {@link ProcessingTimeService}. In BATCH mode
 * processing time never fires a timer: all timers of a key fire when the key is done
 * ({@link InternalTimerService.fireAllAtEndOfKey}).
 */
export class InternalTimerService<N> {
  readonly #backend: InternalKeyedStateBackend;
  readonly #ns: NamespaceSerializer<N>;
  readonly #target: Triggerable<N>;
  readonly #pts: ProcessingTimeService;
  readonly #batch: boolean;
  readonly #event = new TimerQueue<N>();
  readonly #proc = new TimerQueue<N>();
  #scheduled: ScheduledCallback | undefined;
  #scheduledAt = Number.POSITIVE_INFINITY;
  /** While the timers of a finished key fire (BATCH), new registrations are ignored, as in Flink. */
  #quiesced = false;
  currentWatermark = MIN_WATERMARK;

  constructor(backend: InternalKeyedStateBackend, ns: NamespaceSerializer<N>, target: Triggerable<N>, pts: ProcessingTimeService, batch = false) {
    this.#backend = backend;
    this.#ns = ns;
    this.#target = target;
    this.#pts = pts;
    this.#batch = batch;
  }

  currentProcessingTime(): number {
    return this.#pts.now();
  }

  registerEventTimeTimer(ns: N, ts: number): void {
    if (this.#quiesced) return;
    this.#event.add(ts, this.#ns.key(ns), ns, this.#backend.sk);
  }
  deleteEventTimeTimer(ns: N, ts: number): void {
    this.#event.remove(ts, this.#ns.key(ns), this.#backend.sk);
  }
  registerProcessingTimeTimer(ns: N, ts: number): void {
    if (this.#quiesced) return;
    this.#proc.add(ts, this.#ns.key(ns), ns, this.#backend.sk);
    if (ts < this.#scheduledAt && !this.#batch) this.#schedule(ts);
  }
  deleteProcessingTimeTimer(ns: N, ts: number): void {
    this.#proc.remove(ts, this.#ns.key(ns), this.#backend.sk);
  }

  numEventTimeTimers(): number {
    return this.#event.size;
  }
  numProcessingTimeTimers(): number {
    return this.#proc.size;
  }

  /** Fires every event-time timer at or before `watermark` (timers at +Infinity at the end of input). */
  advanceWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    const q = this.#event;
    for (let ts = q.next(); ts !== undefined && ts <= watermark; ts = q.next()) this.#fire(q.pop(), ts, true);
  }

  /** Fires every processing-time timer at or before `now` (also: all of them at end of a batch job). */
  advanceProcessingTime(now: number): void {
    const q = this.#proc;
    for (let ts = q.next(); ts !== undefined && ts <= now; ts = q.next()) this.#fire(q.pop(), ts, false);
    this.#reschedule();
  }

  /**
   * BATCH: every record of the current key was processed. Its event-time timers fire in
   * timestamp order with the watermark at +Infinity, then its processing-time timers (Flink's
   * BatchExecutionInternalTimeService); timers registered meanwhile are ignored.
   */
  fireAllAtEndOfKey(): void {
    this.#quiesced = true;
    this.currentWatermark = MAX_WATERMARK;
    try {
      this.advanceWatermark(MAX_WATERMARK);
      this.advanceProcessingTime(Number.POSITIVE_INFINITY);
    } finally {
      this.#quiesced = false;
      this.currentWatermark = MIN_WATERMARK;
    }
  }

  #fire(bucket: TimerBucket<N>, ts: number, eventTime: boolean): void {
    const b = this.#backend;
    for (const group of bucket.values()) {
      for (const sk of group.keys) {
        b.setCurrentStateKey(sk);
        if (eventTime) this.#target.onEventTime(ts, group.ns);
        else this.#target.onProcessingTime(ts, group.ns);
      }
    }
  }

  #schedule(ts: number): void {
    this.#scheduled?.cancel();
    this.#scheduledAt = ts;
    this.#scheduled = this.#pts.schedule(ts, (now) => {
      this.#scheduled = undefined;
      this.#scheduledAt = Number.POSITIVE_INFINITY;
      this.advanceProcessingTime(now);
    });
  }

  #reschedule(): void {
    if (this.#batch) return;
    const next = this.#proc.peek();
    if (next === Number.POSITIVE_INFINITY) {
      this.#scheduled?.cancel();
      this.#scheduled = undefined;
      this.#scheduledAt = Number.POSITIVE_INFINITY;
    } else if (next !== this.#scheduledAt) this.#schedule(next);
  }

  snapshot(): TimersSnapshot {
    const map = ([ts, ns, k]: [number, N, unknown]): [number, unknown, unknown] => [ts, this.#ns.toJSON(ns), k];
    return { eventTime: [...this.#event.all()].map(map), processingTime: [...this.#proc.all()].map(map) };
  }

  restore(snap: TimersSnapshot, keep?: (key: unknown) => boolean): void {
    for (const [ts, nsJson, k] of snap.eventTime) {
      if (keep && !keep(k)) continue;
      const ns = this.#ns.fromJSON(nsJson);
      this.#event.add(ts, this.#ns.key(ns), ns, k);
    }
    for (const [ts, nsJson, k] of snap.processingTime) {
      if (keep && !keep(k)) continue;
      const ns = this.#ns.fromJSON(nsJson);
      this.#proc.add(ts, this.#ns.key(ns), ns, k);
    }
    this.#reschedule();
  }

  dispose(): void {
    this.#scheduled?.cancel();
  }
}
