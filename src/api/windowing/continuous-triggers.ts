import { ReducingStateDescriptor } from '../../core/state/descriptors.ts';
import type { ReducingState } from '../../core/state/state.ts';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext } from '../../core/windowing/trigger.ts';
import type { TimeWindow } from '../../core/windowing/windows.ts';

/**
 * The fire-time bookkeeping the continuous triggers share (Flink's): one pending fire time per
 * window in reducing state (merged windows keep the earliest), the first at the next multiple of
 * the interval after a record, each next one an interval later, none past the window's end.
 */
abstract class ContinuousTrigger extends Trigger<unknown, TimeWindow> {
  readonly interval: number;
  readonly #fireTime: ReducingStateDescriptor<number>;
  protected constructor(interval: number, stateName: string) {
    super();
    this.interval = interval;
    this.#fireTime = new ReducingStateDescriptor<number>(stateName, (a, b) => Math.min(a, b));
  }
  protected abstract registerTimer(ctx: TriggerContext, time: number): void;
  protected abstract deleteTimer(ctx: TriggerContext, time: number): void;

  #state(ctx: TriggerContext): ReducingState<number> {
    return ctx.getPartitionedState(this.#fireTime) as ReducingState<number>;
  }
  #schedule(next: number, state: ReducingState<number>, ctx: TriggerContext): void {
    state.add(next);
    this.registerTimer(ctx, next);
  }
  /**
   * Schedules the first fire time for a record at `time`, unless one is pending: as in Flink,
   * `time - time % interval` with a truncating remainder (for negative times it rounds towards
   * zero), plus the interval.
   */
  protected scheduleFirst(time: number, w: TimeWindow, ctx: TriggerContext): void {
    const state = this.#state(ctx);
    if (state.get() === undefined) this.#schedule(Math.min(time - (time % this.interval) + this.interval, w.maxTimestamp()), state, ctx);
  }
  /** At the pending fire time: schedules the next one and fires; any other time: continues. */
  protected fireAt(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    const state = this.#state(ctx);
    if (state.get() !== time) return TriggerResult.CONTINUE;
    state.clear();
    this.#schedule(Math.min(time + this.interval, w.maxTimestamp()), state, ctx);
    return TriggerResult.FIRE;
  }
  clear(_w: TimeWindow, ctx: TriggerContext): void {
    const state = this.#state(ctx);
    const t = state.get();
    if (t !== undefined) this.deleteTimer(ctx, t);
    state.clear();
  }
  override canMerge(): boolean {
    return true;
  }
  /** Merged windows keep the earliest pending fire time, registered for the merged window. */
  override onMerge(_w: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.#fireTime);
    const next = this.#state(ctx).get();
    if (next !== undefined) this.registerTimer(ctx, next);
  }
}

/**
 * Fires every `interval` ms of event time inside the window, and at its end. Works on merging
 * (session) windows: the pending fire times of merged windows combine to the earliest.
 *
 * @example
 * ```ts
 * import { ContinuousEventTimeTrigger, TumblingEventTimeWindows, Time } from 'sluice';
 * clicks.keyBy((c) => c.page)
 *   .window(TumblingEventTimeWindows.of(Time.hours(1)))
 *   .trigger(ContinuousEventTimeTrigger.of(Time.minutes(1))) // an early count every minute
 *   .aggregate(countClicks);
 * ```
 */
export class ContinuousEventTimeTrigger extends ContinuousTrigger {
  private constructor(interval: number) {
    super(interval, '__continuous_fire_time');
  }
  static of(interval: number): ContinuousEventTimeTrigger {
    if (!(interval > 0)) throw new RangeError('ContinuousEventTimeTrigger.of(interval): interval must be > 0 ms');
    return new ContinuousEventTimeTrigger(interval);
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }
  onElement(_e: unknown, ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (w.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(w.maxTimestamp());
    this.scheduleFirst(ts, w, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return time === w.maxTimestamp() ? TriggerResult.FIRE : this.fireAt(time, w, ctx);
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  override clear(w: TimeWindow, ctx: TriggerContext): void {
    super.clear(w, ctx);
    ctx.deleteEventTimeTimer(w.maxTimestamp());
  }
}

/**
 * Fires every `interval` ms of processing time while the window has elements, until its end.
 * Works on merging (session) windows, like {@link ContinuousEventTimeTrigger}.
 *
 * @example
 * ```ts
 * import { ContinuousProcessingTimeTrigger, TumblingProcessingTimeWindows } from 'sluice';
 * clicks.keyBy((c) => c.page)
 *   .window(TumblingProcessingTimeWindows.of(60_000))
 *   .trigger(ContinuousProcessingTimeTrigger.of(5_000)) // a running count every 5 s
 *   .aggregate(countClicks);
 * ```
 */
export class ContinuousProcessingTimeTrigger extends ContinuousTrigger {
  private constructor(interval: number) {
    super(interval, '__continuous_proc_fire_time');
  }
  static of(interval: number): ContinuousProcessingTimeTrigger {
    if (!(interval > 0)) throw new RangeError('ContinuousProcessingTimeTrigger.of(interval): interval must be > 0 ms');
    return new ContinuousProcessingTimeTrigger(interval);
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }
  onElement(_e: unknown, _ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    this.scheduleFirst(ctx.getCurrentProcessingTime(), w, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return this.fireAt(time, w, ctx);
  }
}
