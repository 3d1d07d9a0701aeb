import { MissingTimestampError } from '../../core/errors/job-errors.ts';
import type { NamespaceSerializer } from '../../core/state/namespace.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import { MergingWindowAssigner, markSessionMerge, type WindowAssignerContext } from '../../core/windowing/assigner.ts';
import { EventTimeTrigger, ProcessingTimeTrigger } from './triggers.ts';
import { type Trigger } from '../../core/windowing/trigger.ts';
import { TimeWindow, timeWindowSerializer } from '../../core/windowing/windows.ts';

/** Extracts the session gap (ms) from an element, for dynamic session windows. */
export type SessionGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

function gapOf<T>(g: SessionGapExtractor<T>): (e: T) => number {
  return typeof g === 'function' ? g : (e) => g.extract(e);
}

/** Merges overlapping time windows; shared by the session assigners. */
export function mergeTimeWindows(windows: readonly TimeWindow[], merge: (toMerge: TimeWindow[], result: TimeWindow) => void): void {
  const sorted = [...windows].sort((a, b) => a.start - b.start || a.end - b.end);
  let current: TimeWindow | undefined;
  let group: TimeWindow[] = [];
  const flush = (): void => {
    if (current !== undefined && group.length > 1) merge(group, current);
  };
  for (const w of sorted) {
    if (current === undefined) {
      current = w;
      group = [w];
    } else if (current.intersects(w)) {
      current = current.cover(w);
      group.push(w);
    } else {
      flush();
      current = w;
      group = [w];
    }
  }
  flush();
}

abstract class SessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  readonly #gap: (e: T) => number;
  constructor(gap: (e: T) => number) {
    super();
    this.#gap = gap;
  }
  protected window(element: T, ts: number): readonly TimeWindow[] {
    const gap = this.#gap(element);
    if (!(gap > 0)) throw new RangeError(`session gap must be > 0 ms, got ${gap} for element ${JSON.stringify(element)}`);
    return [new TimeWindow(ts, ts + gap)];
  }
  mergeWindows(windows: readonly TimeWindow[], merge: (toMerge: TimeWindow[], result: TimeWindow) => void): void {
    mergeTimeWindows(windows, merge);
  }
  namespaceSerializer(): NamespaceSerializer<TimeWindow> {
    return timeWindowSerializer;
  }
}
// Event- and processing-time sessions share this rule; the window operator merges them by bounds.
markSessionMerge(SessionWindows.prototype.mergeWindows);

/**
 * Event-time sessions: a key's window closes after `gap` ms without elements; windows that come
 * within the gap of each other merge.
 *
 * @example
 * ```ts
 * import { EventTimeSessionWindows, Time } from 'sluice';
 * clicks.keyBy((c) => c.user).window(EventTimeSessionWindows.withGap(Time.minutes(30))).process(...)
 * ```
 */
export class EventTimeSessionWindows<T = unknown> extends SessionWindows<T> {
  static withGap<T = unknown>(gap: number): EventTimeSessionWindows<T> {
    if (!(gap > 0)) throw new RangeError(`EventTimeSessionWindows.withGap(${gap}): the gap must be a number of ms > 0`);
    return new EventTimeSessionWindows<T>(() => gap);
  }
  /** The gap is read from each element. */
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(gapOf(extractor));
  }
  assignWindows(element: T, ts: number): readonly TimeWindow[] {
    if (!Number.isFinite(ts)) throw new MissingTimestampError('window', 'window', element, ts === NO_TIMESTAMP ? undefined : ts);
    return this.window(element, ts);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
}

/** Processing-time sessions. */
export class ProcessingTimeSessionWindows<T = unknown> extends SessionWindows<T> {
  static withGap<T = unknown>(gap: number): ProcessingTimeSessionWindows<T> {
    if (!(gap > 0)) throw new RangeError(`ProcessingTimeSessionWindows.withGap(${gap}): the gap must be a number of ms > 0`);
    return new ProcessingTimeSessionWindows<T>(() => gap);
  }
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(gapOf(extractor));
  }
  assignWindows(element: T, _ts: number, ctx: WindowAssignerContext): readonly TimeWindow[] {
    return this.window(element, ctx.getCurrentProcessingTime());
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
}
