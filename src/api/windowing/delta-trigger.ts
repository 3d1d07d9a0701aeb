import { ValueStateDescriptor } from '../../core/state/descriptors.ts';
import type { ValueState } from '../../core/state/state.ts';
import { checkThreshold, toDeltaFunction, type DeltaFunctionLike } from './delta-function.ts';
import { Trigger, TriggerResult, type TriggerContext } from '../../core/windowing/trigger.ts';
import type { Window } from '../../core/windowing/windows.ts';

/**
 * Fires when the distance between the element that fired last (or the first one) and the current
 * element exceeds a threshold (Flink's `DeltaTrigger`): the current element becomes the new
 * reference. It never purges; wrap it in `PurgingTrigger` for that.
 *
 * @example
 * ```ts
 * import { DeltaTrigger, GlobalWindows } from 'sluice';
 * prices.keyBy((p) => p.symbol)
 *   .window(GlobalWindows.create())
 *   .trigger(DeltaTrigger.of(5, (a, b) => Math.abs(a.price - b.price)))
 *   .maxBy('price');
 * ```
 */
export class DeltaTrigger<T, W extends Window = Window> extends Trigger<T, W> {
  readonly threshold: number;
  readonly #delta: (a: T, b: T) => number;
  readonly #state = new ValueStateDescriptor<T>('last-element');
  private constructor(threshold: number, delta: (a: T, b: T) => number) {
    super();
    this.threshold = threshold;
    this.#delta = delta;
  }
  static of<T, W extends Window = Window>(threshold: number, deltaFunction: DeltaFunctionLike<T>): DeltaTrigger<T, W> {
    return new DeltaTrigger<T, W>(checkThreshold(threshold, 'DeltaTrigger.of'), toDeltaFunction(deltaFunction, 'DeltaTrigger.of'));
  }
  onElement(element: T, _ts: number, _w: W, ctx: TriggerContext): TriggerResult {
    const last = ctx.getPartitionedState(this.#state) as ValueState<T>;
    const previous = last.value();
    if (previous === undefined || previous === null) {
      last.update(element);
      return TriggerResult.CONTINUE;
    }
    if (this.#delta(previous, element) > this.threshold) {
      last.update(element);
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
    (ctx.getPartitionedState(this.#state) as ValueState<T>).clear();
  }
  override toString(): string {
    return `DeltaTrigger(${this.threshold})`;
  }
}
