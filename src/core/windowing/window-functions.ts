import type { Collector } from '../functions/collector.ts';
import type { OutputTag } from '../output-tag.ts';
import type { RuntimeContext } from '../runtime-context.ts';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/descriptors.ts';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state.ts';
import type { Window } from './windows.ts';
import { AbstractRichFunction } from '../functions/rich-function.ts';

/** Keyed state accessors (per window or global per key). */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Context of a window evaluation. */
export interface WindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State scoped to this key and window (cleared by you in `clear`). */
  windowState(): KeyedStateStore;
  /** State scoped to this key across windows. */
  globalState(): KeyedStateStore;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Evaluates a window with all its elements (or the single pre-aggregated result when combined
 * with `reduce`/`aggregate`), with access to the window and to state.
 *
 * @example
 * ```ts
 * import { ProcessWindowFunction, type TimeWindow, type WindowContext, type Collector } from 'sluice';
 * class CountWithWindow extends ProcessWindowFunction<number, string, string, TimeWindow> {
 *   process(key: string, ctx: WindowContext<TimeWindow>, counts: number[], out: Collector<string>) {
 *     out.collect(`${key} ${ctx.window().start}-${ctx.window().end}: ${counts[0]}`);
 *   }
 * }
 * ```
 */
export abstract class ProcessWindowFunction<IN, OUT, K, W extends Window> extends AbstractRichFunction {
  abstract process(key: K, context: WindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  /** Called when the window is purged; clear per-window state here. */
  clear(_context: WindowContext<W>): void {}
}

export interface ProcessWindowFunctionShape<IN, OUT, K, W extends Window> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  process(key: K, context: WindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  clear?(context: WindowContext<W>): void;
}
export type ProcessWindowFunctionLike<IN, OUT, K, W extends Window> =
  | ProcessWindowFunctionShape<IN, OUT, K, W>
  | ((key: K, context: WindowContext<W>, elements: IN[], out: Collector<OUT>) => void);

/** The older window function form: key, window, elements. */
export interface WindowFunction<IN, OUT, K, W extends Window> {
  apply(key: K, window: W, input: IN[], out: Collector<OUT>): void;
}

/** Window function of a non-keyed (`windowAll`) stream. */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: WindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  clear(_context: WindowContext<W>): void {}
}
export type ProcessAllWindowFunctionLike<IN, OUT, W extends Window> =
  | { open?(ctx: RuntimeContext): void | Promise<void>; close?(): void | Promise<void>; process(context: WindowContext<W>, elements: IN[], out: Collector<OUT>): void; clear?(context: WindowContext<W>): void }
  | ((context: WindowContext<W>, elements: IN[], out: Collector<OUT>) => void);
