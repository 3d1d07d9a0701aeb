import type { StateDescriptor } from '../../core/state/descriptors.ts';
import { ReducingStateDescriptor } from '../../core/state/descriptors.ts';
import type { ReducingState } from '../../core/state/state.ts';
import type { GlobalWindow, TimeWindow, Window } from '../../core/windowing/windows.ts';
import { Trigger, TriggerResult, type TriggerContext, type OnMergeContext } from '../../core/windowing/trigger.ts';

/** Fires once the watermark passes the end of the window (the default of event-time windows). */
export class EventTimeTrigger extends Trigger<unknown, TimeWindow> {
  static create(): EventTimeTrigger {
    return new EventTimeTrigger();
  }
  onElement(_e: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const max = window.end - 1;
    if (max <= ctx.getCurrentWatermark()) return TriggerResult.FIRE; // late but within allowed lateness
    ctx.registerEventTimeTimer(max);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.end - 1 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.end - 1);
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.end - 1 > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.end - 1);
  }
  /** Only with this class's own `onElement`: a subclass that overrides it sees every element. */
  override onElementIsNoOpForKnownWindow(): boolean {
    return this.onElement === EventTimeTrigger.prototype.onElement;
  }
}

/** Fires when processing time passes the end of the window. */
export class ProcessingTimeTrigger extends Trigger<unknown, TimeWindow> {
  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }
  onElement(_e: unknown, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.end - 1);
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.end - 1);
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.end - 1 > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(window.end - 1);
  }
}

const countState = new ReducingStateDescriptor<number>('__count_trigger', (a, b) => a + b);

/** Fires when the window holds `maxCount` elements (and starts counting again). */
export class CountTrigger<W extends Window> extends Trigger<unknown, W> {
  readonly maxCount: number;
  private constructor(maxCount: number) {
    super();
    this.maxCount = maxCount;
  }
  static of<W extends Window>(maxCount: number): CountTrigger<W> {
    if (!(maxCount >= 1)) throw new RangeError(`CountTrigger.of(${maxCount}): the count must be >= 1`);
    return new CountTrigger<W>(maxCount);
  }
  onElement(_e: unknown, _ts: number, _w: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(countState) as ReducingState<number>;
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_w: W, ctx: TriggerContext): void {
    (ctx.getPartitionedState(countState) as ReducingState<number>).clear();
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(countState);
  }
}

/** Turns every FIRE of the wrapped trigger into FIRE_AND_PURGE. */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  readonly nested: Trigger<T, W>;
  private constructor(nested: Trigger<T, W>) {
    super();
    this.nested = nested;
  }
  static of<T, W extends Window>(nested: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nested);
  }
  #purge(r: TriggerResult): TriggerResult {
    return r === TriggerResult.FIRE ? TriggerResult.FIRE_AND_PURGE : r;
  }
  onElement(e: T, ts: number, w: W, ctx: TriggerContext): TriggerResult {
    return this.#purge(this.nested.onElement(e, ts, w, ctx));
  }
  onEventTime(time: number, w: W, ctx: TriggerContext): TriggerResult {
    return this.#purge(this.nested.onEventTime(time, w, ctx));
  }
  onProcessingTime(time: number, w: W, ctx: TriggerContext): TriggerResult {
    return this.#purge(this.nested.onProcessingTime(time, w, ctx));
  }
  clear(w: W, ctx: TriggerContext): void {
    this.nested.clear(w, ctx);
  }
  override canMerge(): boolean {
    return this.nested.canMerge();
  }
  override onMerge(w: W, ctx: OnMergeContext): void {
    this.nested.onMerge(w, ctx);
  }
  override onElementIsNoOpForKnownWindow(): boolean {
    return this.onElement === PurgingTrigger.prototype.onElement && this.nested.onElementIsNoOpForKnownWindow?.() === true;
  }
}

/** Never fires: the default trigger of global windows (use countWindow or a custom trigger). */
export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(): void {}
  override canMerge(): boolean {
    return true;
  }
  override onMerge(): void {}
}
