import { MissingTimestampError } from '../../core/errors/job-errors.ts';
import type { NamespaceSerializer } from '../../core/state/namespace.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import { WindowAssigner, type WindowAssignerContext } from '../../core/windowing/assigner.ts';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './triggers.ts';
import { Trigger, TriggerResult, type TriggerContext } from '../../core/windowing/trigger.ts';
import { fixedSizeTimeWindowSerializer, GlobalWindow, globalWindowSerializer, TimeWindow } from '../../core/windowing/windows.ts';

function checkSize(what: string, size: number, offset: number, slide = size): void {
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`${what}: size must be a finite number of ms > 0, got ${size}`);
  if (!(slide > 0)) throw new RangeError(`${what}: slide must be a number of ms > 0, got ${slide}`);
  if (!(Math.abs(offset) < slide)) throw new RangeError(`${what}: |offset| must be smaller than the ${slide === size ? 'size' : 'slide'}`);
}

function requireTimestamp(ts: number, element: unknown): void {
  if (!Number.isFinite(ts)) throw new MissingTimestampError('window', 'window', element, ts === NO_TIMESTAMP ? undefined : ts);
}

/** Base of fixed-size time windows; keeps the last assignment to avoid allocating per element. */
abstract class FixedTimeWindows<T> extends WindowAssigner<T, TimeWindow> {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  #lastStart = Number.NaN;
  #last: readonly TimeWindow[] = [];
  readonly #cacheable: boolean;
  constructor(size: number, slide: number, offset: number) {
    super();
    this.size = size;
    this.slide = slide;
    this.offset = offset;
    this.#cacheable = size % slide === 0;
  }
  protected windowsAt(ts: number): readonly TimeWindow[] {
    const lastStart = TimeWindow.getWindowStartWithOffset(ts, this.offset, this.slide);
    // The windows depend on lastStart alone only when size is a multiple of slide; otherwise two
    // timestamps with the same last start can belong to a different number of windows.
    if (lastStart === this.#lastStart && this.#cacheable) return this.#last;
    const out: TimeWindow[] = [];
    for (let start = lastStart; start > ts - this.size; start -= this.slide) out.push(new TimeWindow(start, start + this.size));
    this.#lastStart = lastStart;
    this.#last = out;
    return out;
  }
  namespaceSerializer(): NamespaceSerializer<TimeWindow> {
    return fixedSizeTimeWindowSerializer;
  }
}

/** Fixed-size windows placed by each element's event timestamp. */
abstract class FixedEventTimeWindows<T> extends FixedTimeWindows<T> {
  assignWindows(element: T, ts: number): readonly TimeWindow[] {
    requireTimestamp(ts, element);
    return this.windowsAt(ts);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
}

/** Fixed-size windows placed by the job clock's processing time. */
abstract class FixedProcessingTimeWindows<T> extends FixedTimeWindows<T> {
  assignWindows(_e: T, _ts: number, ctx: WindowAssignerContext): readonly TimeWindow[] {
    return this.windowsAt(ctx.getCurrentProcessingTime());
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
}

/**
 * Event-time windows of a fixed size that do not overlap.
 *
 * @example
 * ```ts
 * import { TumblingEventTimeWindows, Time } from 'sluice';
 * stream.keyBy((e) => e.user).window(TumblingEventTimeWindows.of(Time.minutes(1))).reduce((a, b) => a + b);
 * ```
 */
export class TumblingEventTimeWindows<T = unknown> extends FixedEventTimeWindows<T> {
  static of<T = unknown>(size: number, offset = 0): TumblingEventTimeWindows<T> {
    checkSize('TumblingEventTimeWindows.of', size, offset);
    return new TumblingEventTimeWindows<T>(size, size, offset);
  }
}

/** Event-time windows of `size` starting every `slide` ms (an element is in size/slide windows). */
export class SlidingEventTimeWindows<T = unknown> extends FixedEventTimeWindows<T> {
  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingEventTimeWindows<T> {
    checkSize('SlidingEventTimeWindows.of', size, offset, slide);
    return new SlidingEventTimeWindows<T>(size, slide, offset);
  }
}

/** Tumbling windows over processing time (the job's clock). */
export class TumblingProcessingTimeWindows<T = unknown> extends FixedProcessingTimeWindows<T> {
  static of<T = unknown>(size: number, offset = 0): TumblingProcessingTimeWindows<T> {
    checkSize('TumblingProcessingTimeWindows.of', size, offset);
    return new TumblingProcessingTimeWindows<T>(size, size, offset);
  }
}

/** Sliding windows over processing time. */
export class SlidingProcessingTimeWindows<T = unknown> extends FixedProcessingTimeWindows<T> {
  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows<T> {
    checkSize('SlidingProcessingTimeWindows.of', size, offset, slide);
    return new SlidingProcessingTimeWindows<T>(size, slide, offset);
  }
}

/**
 * Fires a global window once, when the input ends (the final watermark): the default trigger of
 * `GlobalWindows.createWithEndOfStreamTrigger()`.
 *
 * @example
 * ```ts
 * import { EndOfStreamTrigger, GlobalWindows } from 'sluice';
 * keyed.window(GlobalWindows.create()).trigger(new EndOfStreamTrigger()).reduce((a, b) => a + b);
 * ```
 */
export class EndOfStreamTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(_e: unknown, _ts: number, window: GlobalWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: GlobalWindow): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: GlobalWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override onMerge(): void {}
}

/** One window holding every element of a key; needs a trigger (see `countWindow`). */
export class GlobalWindows<T = unknown> extends WindowAssigner<T, GlobalWindow> {
  static readonly #ONE: readonly GlobalWindow[] = [GlobalWindow.INSTANCE];
  readonly #endOfStream: boolean;
  private constructor(endOfStream: boolean) {
    super();
    this.#endOfStream = endOfStream;
  }
  /** Elements stay until a trigger you set fires (the default trigger never fires). */
  static create<T = unknown>(): GlobalWindows<T> {
    return new GlobalWindows<T>(false);
  }
  /**
   * Global windows that fire once, at the end of a bounded input: everything of a key in one
   * evaluation (Flink's way to aggregate a whole bounded stream per key, e.g. in BATCH mode).
   *
   * @example
   * ```ts
   * import { GlobalWindows } from 'sluice';
   * words.keyBy((w) => w).window(GlobalWindows.createWithEndOfStreamTrigger()).aggregate(count);
   * ```
   */
  static createWithEndOfStreamTrigger<T = unknown>(): GlobalWindows<T> {
    return new GlobalWindows<T>(true);
  }
  assignWindows(): readonly GlobalWindow[] {
    return GlobalWindows.#ONE;
  }
  getDefaultTrigger(): Trigger<T, GlobalWindow> {
    return this.#endOfStream ? new EndOfStreamTrigger() : new NeverTrigger();
  }
  isEventTime(): boolean {
    return false;
  }
  namespaceSerializer(): NamespaceSerializer<GlobalWindow> {
    return globalWindowSerializer;
  }
}
