import type { RuntimeContext } from '../runtime-context.ts';
import type { Collector } from './collector.ts';
import { AbstractRichFunction } from './rich-function.ts';

/** Optional lifecycle of every user function object. */
export interface RichFunction {
  /** Called once per parallel instance before the first record; acquire state here. */
  open?(ctx: RuntimeContext): void | Promise<void>;
  /** Called once after the last record. */
  close?(): void | Promise<void>;
}

/**
 * One output per input.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment, type MapFunction } from 'sluice';
 * class UpperCaseMapFunction implements MapFunction<string, string> {
 *   map(value: string): string { return value.toUpperCase(); }
 * }
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements('a', 'b').map(new UpperCaseMapFunction()).print();
 * await env.execute('my_flink_job');
 * ```
 */
export interface MapFunction<IN, OUT> extends RichFunction {
  map(value: IN): OUT;
}
/** Keeps the records for which it returns true. */
export interface FilterFunction<T> extends RichFunction {
  filter(value: T): boolean;
}
/** Zero or more outputs per input, through the collector. */
export interface FlatMapFunction<IN, OUT> extends RichFunction {
  flatMap(value: IN, out: Collector<OUT>): void;
}
/** Extracts the key of a record (`keyBy`). */
export interface KeySelector<T, K> {
  getKey(value: T): K;
}
/** Map over a connected stream: one method per input. */
export interface CoMapFunction<IN1, IN2, OUT> extends RichFunction {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}
/** FlatMap over a connected stream. */
export interface CoFlatMapFunction<IN1, IN2, OUT> extends RichFunction {
  flatMap1(value: IN1, out: Collector<OUT>): void;
  flatMap2(value: IN2, out: Collector<OUT>): void;
}

/** Base class of rich map functions (Flink's `RichMapFunction`). */
export abstract class RichMapFunction<IN, OUT> extends AbstractRichFunction implements MapFunction<IN, OUT> {
  abstract map(value: IN): OUT;
}
/** Base class of rich filter functions. */
export abstract class RichFilterFunction<T> extends AbstractRichFunction implements FilterFunction<T> {
  abstract filter(value: T): boolean;
}
/** Base class of rich flatMap functions. */
export abstract class RichFlatMapFunction<IN, OUT> extends AbstractRichFunction implements FlatMapFunction<IN, OUT> {
  abstract flatMap(value: IN, out: Collector<OUT>): void;
}

/** Base class of rich co-map functions (Flink's `RichCoMapFunction`). */
export abstract class RichCoMapFunction<IN1, IN2, OUT> extends AbstractRichFunction implements CoMapFunction<IN1, IN2, OUT> {
  abstract map1(value: IN1): OUT;
  abstract map2(value: IN2): OUT;
}
/** Base class of rich co-flatMap functions (Flink's `RichCoFlatMapFunction`). */
export abstract class RichCoFlatMapFunction<IN1, IN2, OUT> extends AbstractRichFunction implements CoFlatMapFunction<IN1, IN2, OUT> {
  abstract flatMap1(value: IN1, out: Collector<OUT>): void;
  abstract flatMap2(value: IN2, out: Collector<OUT>): void;
}

/** A plain function or the interface, for `map`. */
export type MapFunctionLike<IN, OUT> = MapFunction<IN, OUT> | ((value: IN) => OUT);
export type FilterFunctionLike<T> = FilterFunction<T> | ((value: T) => boolean);
/** A flatMap as a function: emit through `out`, or return an iterable of outputs. */
export type FlatMapFunctionLike<IN, OUT> = FlatMapFunction<IN, OUT> | ((value: IN, out: Collector<OUT>) => Iterable<OUT> | void);
export type KeySelectorLike<T, K> = KeySelector<T, K> | ((value: T) => K);
export type CoMapFunctionLike<IN1, IN2, OUT> = CoMapFunction<IN1, IN2, OUT>;
