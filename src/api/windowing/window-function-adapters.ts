import { JobConfigurationError } from '../../core/errors/job-errors.ts';
import type { Collector } from '../../core/functions/collector.ts';
import type { RuntimeContext } from '../../core/runtime-context.ts';
import type {
  ProcessAllWindowFunctionLike,
  ProcessWindowFunctionLike,
  ProcessWindowFunctionShape,
  WindowContext,
  WindowFunction,
} from '../../core/windowing/window-functions.ts';
import type { Window } from '../../core/windowing/windows.ts';
import { USER_FUNCTION } from '../../runtime/operators/function-state.ts';

/** Flink's `AllWindowFunction`: the older form of a `windowAll` function (window, elements). */
export interface AllWindowFunction<IN, OUT, W extends Window> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  apply(window: W, values: IN[], out: Collector<OUT>): void;
}

/** Any window function a keyed `reduce`/`aggregate` may be followed by. */
export type KeyedWindowFunctionLike<IN, OUT, K, W extends Window> = ProcessWindowFunctionLike<IN, OUT, K, W> | WindowFunction<IN, OUT, K, W>;
/** Any window function a `windowAll` `reduce`/`aggregate` may be followed by. */
export type AllWindowFunctionLike<IN, OUT, W extends Window> = ProcessAllWindowFunctionLike<IN, OUT, W> | AllWindowFunction<IN, OUT, W>;

type Lifecycle<W extends Window> = { open?(ctx: RuntimeContext): void | Promise<void>; close?(): void | Promise<void>; clear?(ctx: WindowContext<W>): void };

/** A shape that evaluates with `process`, keeping the user object's lifecycle and identity (state, checkpoints). */
function around<V, O, K, W extends Window>(user: object, process: ProcessWindowFunctionShape<V, O, K, W>['process']): ProcessWindowFunctionShape<V, O, K, W> {
  const f = user as Lifecycle<W>;
  const shape: ProcessWindowFunctionShape<V, O, K, W> = { process };
  if (typeof f.open === 'function') shape.open = f.open.bind(f);
  if (typeof f.close === 'function') shape.close = f.close.bind(f);
  if (typeof f.clear === 'function') shape.clear = f.clear.bind(f);
  (shape as { [USER_FUNCTION]?: object })[USER_FUNCTION] = user;
  return shape;
}

const invalid = (what: string): never => {
  throw new JobConfigurationError(`${what} expects a function or an object with a process (or apply) method`);
};

/** Keyed: a function (key, ctx, elements, out), a ProcessWindowFunction, or a WindowFunction ({ apply(key, window, elements, out) }). */
export function keyedWindowFunction<V, O, K, W extends Window>(fn: KeyedWindowFunctionLike<V, O, K, W>, what = 'window function'): ProcessWindowFunctionShape<V, O, K, W> {
  if (typeof fn === 'function') return { process: fn as ProcessWindowFunctionShape<V, O, K, W>['process'] };
  if (fn === null || typeof fn !== 'object') return invalid(what);
  if (typeof (fn as ProcessWindowFunctionShape<V, O, K, W>).process === 'function') return fn as ProcessWindowFunctionShape<V, O, K, W>;
  const wf = fn as WindowFunction<V, O, K, W>;
  if (typeof wf.apply !== 'function') return invalid(what);
  return around(wf, (key, ctx, els, out) => wf.apply(key, ctx.window(), els, out));
}

/** Keyed `apply`: a function (key, window, elements, out) or a WindowFunction. */
export function keyedApplyFunction<V, O, K, W extends Window>(
  fn: WindowFunction<V, O, K, W> | ((key: K, window: W, input: V[], out: Collector<O>) => void),
): ProcessWindowFunctionShape<V, O, K, W> {
  if (typeof fn === 'function') return { process: (key, ctx, els, out) => fn(key, ctx.window(), els, out) };
  return keyedWindowFunction(fn, 'apply()');
}

/** Non-keyed: a function (ctx, elements, out), a ProcessAllWindowFunction, or an AllWindowFunction ({ apply(window, elements, out) }). */
export function allWindowFunction<V, O, W extends Window>(fn: AllWindowFunctionLike<V, O, W>, what = 'window function'): ProcessWindowFunctionShape<V, O, 0, W> {
  if (typeof fn === 'function') return { process: (_k, ctx, els, out) => fn(ctx, els, out) };
  if (fn === null || typeof fn !== 'object') return invalid(what);
  const pf = fn as Exclude<ProcessAllWindowFunctionLike<V, O, W>, (...a: never[]) => unknown>;
  if (typeof pf.process === 'function') return around(pf, (_k, ctx, els, out) => pf.process(ctx, els, out));
  const af = fn as AllWindowFunction<V, O, W>;
  if (typeof af.apply !== 'function') return invalid(what);
  return around(af, (_k, ctx, els, out) => af.apply(ctx.window(), els, out));
}

/** Non-keyed `apply`: a function (window, elements, out) or an AllWindowFunction. */
export function allApplyFunction<V, O, W extends Window>(
  fn: AllWindowFunction<V, O, W> | ((window: W, values: V[], out: Collector<O>) => void),
): ProcessWindowFunctionShape<V, O, 0, W> {
  if (typeof fn === 'function') return { process: (_k, ctx, els, out) => fn(ctx.window(), els, out) };
  return allWindowFunction(fn, 'apply()');
}
