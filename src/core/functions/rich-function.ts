import { JobConfigurationError } from '../errors/job-errors.ts';
import type { RuntimeContext } from '../runtime-context.ts';

// A symbol, not a #private field: function objects are shallow-copied per subtask, and classes
// with #private members cannot be.
const RUNTIME_CONTEXT: unique symbol = Symbol('sluice.runtimeContext');

/**
 * Base of the rich function classes (Flink's `AbstractRichFunction`): `open`/`close` lifecycle
 * and `getRuntimeContext()`, set on every parallel instance before its `open` runs — so code
 * written the Flink way (`this.getRuntimeContext().getState(...)` in `open`) works as it is.
 *
 * @example
 * ```ts
 * import { RichFlatMapFunction, ValueStateDescriptor, type ValueState, type Collector } from 'sluice';
 * class CountPerKey extends RichFlatMapFunction<[string, number], [string, number]> {
 *   count!: ValueState<number>;
 *   override open() {
 *     this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
 *   }
 *   flatMap(v: [string, number], out: Collector<[string, number]>) {
 *     this.count.update(this.count.value() + 1);
 *     out.collect([v[0], this.count.value()]);
 *   }
 * }
 * ```
 */
export abstract class AbstractRichFunction {
  declare [RUNTIME_CONTEXT]?: RuntimeContext;
  open(_ctx: RuntimeContext): void | Promise<void> {}
  close(): void | Promise<void> {}
  /** Called by the runtime on each parallel instance, before `open`. */
  setRuntimeContext(ctx: RuntimeContext): void {
    Object.defineProperty(this, RUNTIME_CONTEXT, { value: ctx, writable: true, configurable: true, enumerable: false });
  }
  /** The context of this parallel instance: state, subtask index, metrics... (from `open` on). */
  getRuntimeContext(): RuntimeContext {
    const ctx = this[RUNTIME_CONTEXT];
    if (ctx === undefined) {
      throw new JobConfigurationError(
        `${this.constructor.name}.getRuntimeContext() was called before the function was opened: call it in open() or later, not in the constructor`,
      );
    }
    return ctx;
  }
}

/** Gives a user function that has `setRuntimeContext` (rich functions) its runtime context. */
export function setRuntimeContextOn(fn: unknown, ctx: RuntimeContext): void {
  if (fn !== null && typeof fn === 'object' && typeof (fn as Partial<AbstractRichFunction>).setRuntimeContext === 'function') {
    (fn as AbstractRichFunction).setRuntimeContext(ctx);
  }
}
