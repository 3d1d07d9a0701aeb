import type { OutputTag } from '../output-tag.ts';
import type { RuntimeContext } from '../runtime-context.ts';
import type { Collector } from './collector.ts';
import { AbstractRichFunction } from './rich-function.ts';

/** Timers and time of the current key (keyed streams only for timers). */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(timestamp: number): void;
  registerProcessingTimeTimer(timestamp: number): void;
  deleteEventTimeTimer(timestamp: number): void;
  deleteProcessingTimeTimer(timestamp: number): void;
}

/** Context of `processElement` in a {@link ProcessFunction}. */
export interface ProcessContext {
  /** Timestamp of the current record (or of the firing timer), undefined when it has none. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}
/** Context of a keyed process function. */
export interface KeyedContext<K> extends ProcessContext {
  getCurrentKey(): K;
}
/**
 * Which kind of timer fired (Flink's `TimeDomain` enum).
 *
 * @example
 * ```ts
 * import { TimeDomain } from 'sluice';
 * // in onTimer(ts, ctx, out):
 * if (ctx.timeDomain() === TimeDomain.EVENT_TIME) out.collect(`event-time timer at ${ts}`);
 * ```
 */
export const TimeDomain = {
  EVENT_TIME: 'EVENT_TIME',
  PROCESSING_TIME: 'PROCESSING_TIME',
} as const;
export type TimeDomain = (typeof TimeDomain)[keyof typeof TimeDomain];
/** Context of `onTimer`. */
export interface OnTimerContext<K> extends KeyedContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * Low-level processing of each element, with side outputs.
 *
 * @example
 * ```ts
 * import { ProcessFunction, type ProcessContext, type Collector } from 'sluice';
 * class Split extends ProcessFunction<string, string> {
 *   processElement(line: string, _ctx: ProcessContext, out: Collector<string>) {
 *     for (const w of line.split(' ')) out.collect(w);
 *   }
 * }
 * ```
 */
export abstract class ProcessFunction<IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
}

/**
 * Processing of each element of a keyed stream, with keyed state and timers.
 *
 * @example
 * ```ts
 * import { KeyedProcessFunction, type KeyedContext, type OnTimerContext, type Collector } from 'sluice';
 * class Timeout extends KeyedProcessFunction<string, { id: string }, string> {
 *   processElement(e: { id: string }, ctx: KeyedContext<string>) {
 *     ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 60_000);
 *   }
 *   override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>) {
 *     out.collect(`${ctx.getCurrentKey()} timed out at ${ts}`);
 *   }
 * }
 * ```
 */
export abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: KeyedContext<K>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<OUT>): void {}
}

/** Structural forms accepted by `process(...)`. */
export interface ProcessFunctionShape<IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
}
export interface KeyedProcessFunctionShape<K, IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN, ctx: KeyedContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
}
export type ProcessFunctionLike<IN, OUT> = ProcessFunctionShape<IN, OUT> | ((value: IN, ctx: ProcessContext, out: Collector<OUT>) => void);
export type KeyedProcessFunctionLike<K, IN, OUT> =
  | KeyedProcessFunctionShape<K, IN, OUT>
  | ((value: IN, ctx: KeyedContext<K>, out: Collector<OUT>) => void);

/** Context of a {@link CoProcessFunction}. */
export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
}
/** Process function over two connected keyed streams, with shared keyed state and timers. */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedContext<K>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<OUT>): void {}
}
export interface CoProcessFunctionShape<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement1(value: IN1, ctx: KeyedContext<unknown>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedContext<unknown>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<OUT>): void;
}
