import { JobConfigurationError, UnsupportedSettingError } from '../core/errors/job-errors.ts';
import type { WatermarkInterval } from '../runtime/operators/timestamps-watermarks.ts';
import type { GlobalJobParameters } from '../core/job-parameters.ts';

/** What `setGlobalJobParameters` accepts: a record, a Map, or an object with `toMap()` (Flink's ParameterTool). */
export type GlobalJobParametersLike =
  | Record<string, string>
  | ReadonlyMap<string, string>
  | { toMap(): Record<string, string> | ReadonlyMap<string, string> };

/** The environment settings `ExecutionConfig` reads and writes. */
export interface ExecutionConfigHost {
  setParallelism(n: number): unknown;
  getParallelism(): number;
  setMaxParallelism(n: number): unknown;
  getMaxParallelism(): number;
  setAutoWatermarkInterval(i: WatermarkInterval): unknown;
  getAutoWatermarkInterval(): WatermarkInterval;
}

function toRecord(p: GlobalJobParametersLike): Record<string, string> {
  const source = typeof (p as { toMap?: unknown }).toMap === 'function' ? (p as { toMap(): Record<string, string> | ReadonlyMap<string, string> }).toMap() : p;
  const entries = source instanceof Map ? [...(source as ReadonlyMap<string, string>).entries()] : Object.entries(source as Record<string, string>);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = String(v);
  return out;
}

/**
 * Flink's `ExecutionConfig` (`env.getConfig()`): a view of the environment's settings, with
 * Flink's method names, so that a Flink program translates call by call.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.getConfig().setAutoWatermarkInterval(1000).setGlobalJobParameters({ threshold: '42' });
 * // in a function: ctx.getGlobalJobParameters().threshold === '42'
 * ```
 */
export class ExecutionConfig {
  readonly #host: ExecutionConfigHost;
  #params: GlobalJobParameters = Object.freeze({});

  /** @internal */
  constructor(host: ExecutionConfigHost) {
    this.#host = host;
  }
  setParallelism(parallelism: number): this {
    this.#host.setParallelism(parallelism);
    return this;
  }
  getParallelism(): number {
    return this.#host.getParallelism();
  }
  /** See `StreamExecutionEnvironment.setMaxParallelism`. */
  setMaxParallelism(maxParallelism: number): this {
    this.#host.setMaxParallelism(maxParallelism);
    return this;
  }
  getMaxParallelism(): number {
    return this.#host.getMaxParallelism();
  }
  /** Interval of periodic watermarks in ms (0 = off; `'every-record'` for deterministic tests). */
  setAutoWatermarkInterval(interval: WatermarkInterval): this {
    if (interval !== 'every-record' && !(typeof interval === 'number' && interval >= 0)) {
      throw new JobConfigurationError(`setAutoWatermarkInterval: expected a number of ms >= 0 or 'every-record', got ${String(interval)}`);
    }
    this.#host.setAutoWatermarkInterval(interval);
    return this;
  }
  getAutoWatermarkInterval(): WatermarkInterval {
    return this.#host.getAutoWatermarkInterval();
  }
  /** Parameters every function can read (`RuntimeContext.getGlobalJobParameters()`); values become strings. */
  setGlobalJobParameters(parameters: GlobalJobParametersLike): this {
    if (parameters === null || typeof parameters !== 'object') throw new JobConfigurationError('setGlobalJobParameters expects an object, a Map or a ParameterTool-like object with toMap()');
    this.#params = Object.freeze(toRecord(parameters));
    return this;
  }
  getGlobalJobParameters(): GlobalJobParameters {
    return this.#params;
  }
  /** Accepted: Sluice always hands records to the next chained operator by reference (object reuse). */
  enableObjectReuse(): this {
    return this;
  }
  /** Refused: Sluice never copies records between chained operators; do not mutate a record after emitting it. */
  disableObjectReuse(): this {
    throw new UnsupportedSettingError(
      'disableObjectReuse()',
      'Sluice passes records to the next operator by reference and never copies them; remove this call and do not mutate a record after emitting it (emit a copy instead)',
    );
  }
  isObjectReuseEnabled(): boolean {
    return true;
  }
}
