import { JobConfigurationError } from '../core/errors/job-errors.ts';
import { AsyncWaitOperator, type AsyncFunctionShape, type ResultFuture } from '../runtime/operators/async-wait.ts';
import type { DataStream } from './datastream.ts';
import { copyFunction } from './functions/normalize.ts';
import type { RichFunction } from '../core/functions/basic.ts';
import { AbstractRichFunction } from '../core/functions/rich-function.ts';

/**
 * An asynchronous call per record (a lookup in a database, an HTTP request...). Return a promise
 * of the result; optionally handle timeouts with `timeout(input)` (default: the job fails). Or,
 * as in Flink, declare a second parameter and complete the call through it with zero or more
 * results: `resultFuture.complete([a, b])` (or `completeExceptionally(error)`).
 */
export interface AsyncFunction<IN, OUT> extends RichFunction {
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): Promise<OUT> | void | Promise<void>;
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): OUT | Promise<OUT> | void;
}
export type AsyncFunctionLike<IN, OUT> = AsyncFunction<IN, OUT> | ((input: IN, resultFuture: ResultFuture<OUT>) => Promise<OUT> | void | Promise<void>);

export interface AsyncOptions {
  /** Keep the input order (default false: emit as calls complete, never across watermarks). */
  ordered?: boolean;
  /** Per-call timeout in ms of processing time (default: none). */
  timeout?: number;
  /** Calls in flight per parallel instance before sources are paused (default 100). */
  capacity?: number;
}

/**
 * Base class of async functions (Flink's `RichAsyncFunction`): `open`/`close` and
 * `getRuntimeContext()`; implement `asyncInvoke(input)` returning a promise, or
 * `asyncInvoke(input, resultFuture)` completing the future.
 *
 * @example
 * ```ts
 * import { RichAsyncFunction, AsyncDataStream, type ResultFuture } from 'sluice';
 * class AsyncDatabaseRequest extends RichAsyncFunction<string, [string, string]> {
 *   asyncInvoke(key: string, resultFuture: ResultFuture<[string, string]>) {
 *     void lookup(key).then((value) => resultFuture.complete([[key, value]]));
 *   }
 * }
 * AsyncDataStream.unorderedWait(keys, new AsyncDatabaseRequest(), 1000, 100);
 * ```
 */
export abstract class RichAsyncFunction<IN, OUT> extends AbstractRichFunction implements AsyncFunction<IN, OUT> {
  abstract asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): Promise<OUT> | void | Promise<void>;
}

function toAsync<IN, OUT>(fn: AsyncFunctionLike<IN, OUT>): AsyncFunctionShape<IN, OUT> {
  if (typeof fn === 'function') return { asyncInvoke: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.asyncInvoke !== 'function') {
    throw new JobConfigurationError('async I/O expects an async function or an object with an asyncInvoke(input) method');
  }
  return fn;
}

/** @internal */
export function addAsync<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, options: AsyncOptions): DataStream<OUT> {
  const f = toAsync(fn);
  const capacity = options.capacity ?? 100;
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new JobConfigurationError(`async I/O capacity must be an integer >= 1, got ${capacity}`);
  const timeout = options.timeout ?? 0;
  if (!(timeout >= 0)) throw new JobConfigurationError(`async I/O timeout must be a number of ms >= 0, got ${timeout}`);
  const ordered = options.ordered ?? false;
  return stream.addOperator<OUT>(ordered ? 'Async Wait (ordered)' : 'Async Wait', (i) => new AsyncWaitOperator<IN, OUT>(copyFunction(f, i), { ordered, timeout, capacity }));
}

/**
 * Async I/O, Flink style: at most `capacity` calls in flight per parallel instance; results in
 * input order (`orderedWait`) or as they complete (`unorderedWait`, never reordered across
 * watermarks). The job waits for all calls before it finishes, and savepoints include the calls
 * in flight (they are made again on restore).
 *
 * @example
 * ```ts
 * import { AsyncDataStream } from 'sluice';
 * const enriched = AsyncDataStream.unorderedWait(orders, async (o) => ({ ...o, user: await users.get(o.userId) }), 1000, 50);
 * // or: orders.mapAsync(async (o) => ..., { timeout: 1000, capacity: 50 })
 * ```
 */
export const AsyncDataStream = {
  unorderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, timeout: number, capacity = 100): DataStream<OUT> {
    return addAsync(stream, fn, { ordered: false, timeout, capacity });
  },
  orderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, timeout: number, capacity = 100): DataStream<OUT> {
    return addAsync(stream, fn, { ordered: true, timeout, capacity });
  },
};
