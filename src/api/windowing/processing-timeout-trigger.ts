import { ValueStateDescriptor } from '../../core/state/descriptors.ts';
import type { ValueState } from '../../core/state/state.ts';
import { Trigger, TriggerResult, type TriggerContext } from '../../core/windowing/trigger.ts';
import type { Window } from '../../core/windowing/windows.ts';

const isFire = (r: TriggerResult): boolean => r === TriggerResult.FIRE || r === TriggerResult.FIRE_AND_PURGE;
const isPurge = (r: TriggerResult): boolean => r === TriggerResult.PURGE || r === TriggerResult.FIRE_AND_PURGE;

/**
 * Turns any trigger into one that also fires after a processing-time timeout (Flink's
 * `ProcessingTimeoutTrigger`): the first element of a window starts a timer `timeout` ms ahead
 * (restarted by every element with `resetTimerOnNewRecord`); the window fires when the nested
 * trigger fires or when a timer fires, purging when the nested trigger purges. With
 * `shouldClearOnTimeout` (the default) the trigger's state is cleared when a timer fires.
 *
 * @example
 * ```ts
 * import { CountTrigger, GlobalWindows, ProcessingTimeoutTrigger, PurgingTrigger } from 'sluice';
 * // batches of 100, or whatever arrived within 5 s of the first element
 * events.keyBy((e) => e.device)
 *   .window(GlobalWindows.create())
 *   .trigger(PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.of(100), 5_000)))
 *   .process(writeBatch);
 * ```
 */
export class ProcessingTimeoutTrigger<T, W extends Window> extends Trigger<T, W> {
  readonly nested: Trigger<T, W>;
  readonly interval: number;
  readonly resetTimerOnNewRecord: boolean;
  readonly shouldClearOnTimeout: boolean;
  readonly #timeout = new ValueStateDescriptor<number>('timeout');
  private constructor(nested: Trigger<T, W>, interval: number, reset: boolean, clearOnTimeout: boolean) {
    super();
    this.nested = nested;
    this.interval = interval;
    this.resetTimerOnNewRecord = reset;
    this.shouldClearOnTimeout = clearOnTimeout;
  }
  static of<T, W extends Window>(nestedTrigger: Trigger<T, W>, timeout: number, resetTimerOnNewRecord = false, shouldClearOnTimeout = true): ProcessingTimeoutTrigger<T, W> {
    if (!(nestedTrigger instanceof Trigger)) throw new TypeError('ProcessingTimeoutTrigger.of(trigger, timeout): the first argument must be a Trigger');
    if (!(typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout))) {
      throw new RangeError(`ProcessingTimeoutTrigger.of: the timeout must be a number of ms > 0, got ${String(timeout)}`);
    }
    return new ProcessingTimeoutTrigger(nestedTrigger, timeout, resetTimerOnNewRecord, shouldClearOnTimeout);
  }
  onElement(element: T, ts: number, w: W, ctx: TriggerContext): TriggerResult {
    const r = this.nested.onElement(element, ts, w, ctx);
    if (isFire(r)) {
      this.clear(w, ctx);
      return r;
    }
    const state = ctx.getPartitionedState(this.#timeout) as ValueState<number | undefined>;
    let timeout = state.value();
    if (timeout !== undefined && this.resetTimerOnNewRecord) {
      ctx.deleteProcessingTimeTimer(timeout);
      state.clear();
      timeout = undefined;
    }
    if (timeout === undefined) {
      const next = ctx.getCurrentProcessingTime() + this.interval;
      state.update(next);
      ctx.registerProcessingTimeTimer(next);
    }
    return r;
  }
  onProcessingTime(time: number, w: W, ctx: TriggerContext): TriggerResult {
    return this.#timerFired(this.nested.onProcessingTime(time, w, ctx), w, ctx);
  }
  onEventTime(time: number, w: W, ctx: TriggerContext): TriggerResult {
    return this.#timerFired(this.nested.onEventTime(time, w, ctx), w, ctx);
  }
  #timerFired(nested: TriggerResult, w: W, ctx: TriggerContext): TriggerResult {
    if (this.shouldClearOnTimeout) this.clear(w, ctx);
    return isPurge(nested) ? TriggerResult.FIRE_AND_PURGE : TriggerResult.FIRE;
  }
  clear(w: W, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.#timeout) as ValueState<number | undefined>;
    const timeout = state.value();
    if (timeout !== undefined) {
      ctx.deleteProcessingTimeTimer(timeout);
      state.clear();
    }
    this.nested.clear(w, ctx);
  }
  override toString(): string {
    return `TimeoutTrigger(${String(this.nested)})`;
  }
}
