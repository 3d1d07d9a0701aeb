import { JobConfigurationError } from '../core/errors/job-errors.ts';
import type { Transformation } from '../runtime/graph/transformations.ts';
import { checkMaxParallelism } from '../runtime/partitioning/key-groups.ts';
import type { StreamExecutionEnvironment } from './environment.ts';

/**
 * The settings of the operator that produces a stream (Flink's `SingleOutputStreamOperator`):
 * uid, name, parallelism, max parallelism, chaining, description. `DataStream` extends it.
 *
 * @example
 * ```ts
 * stream.map(parse).uid('parse').name('Parse').setParallelism(4).setMaxParallelism(256);
 * ```
 */
export abstract class OperatorSettings {
  readonly env: StreamExecutionEnvironment;
  /** @internal the logical node behind this stream */
  readonly transformation: Transformation;

  constructor(env: StreamExecutionEnvironment, transformation: Transformation) {
    this.env = env;
    this.transformation = transformation;
  }

  /** @internal the operator behind this stream (not a partitioning, union or side output). */
  protected operator(what: string): Extract<Transformation, { kind: 'one' | 'two' | 'source' }> {
    const t = this.transformation;
    if (t.kind === 'one' || t.kind === 'two' || t.kind === 'source') return t;
    throw new JobConfigurationError(`${what} applies to an operator; call it right after map/process/window/fromSource..., not after ${t.kind}`);
  }

  /** Sets the stable id of this operator (state and savepoints are keyed by it). */
  uid(id: string): this {
    if (typeof id !== 'string' || id.length === 0) throw new JobConfigurationError('uid(id) needs a non-empty string');
    this.operator('uid()').uid = id;
    return this;
  }
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  setParallelism(parallelism: number): this {
    if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new JobConfigurationError(`setParallelism(${parallelism}): parallelism must be an integer >= 1`);
    }
    this.operator('setParallelism()').parallelism = parallelism;
    return this;
  }
  getParallelism(): number {
    return this.transformation.parallelism ?? this.env.getParallelism();
  }
  /**
   * The max parallelism of this operator: how far it can be rescaled from a savepoint, and the
   * number of key groups its keyed state is split into. It cannot change across a savepoint.
   *
   * @example
   * ```ts
   * counts.keyBy((e) => e.user).process(new Counter()).uid('counter').setMaxParallelism(512);
   * ```
   */
  setMaxParallelism(maxParallelism: number): this {
    this.operator('setMaxParallelism()').maxParallelism = checkMaxParallelism(maxParallelism, `setMaxParallelism(${maxParallelism}): the max parallelism`);
    return this;
  }
  /**
   * The max parallelism set on this operator or the environment, -1 when it is left to the default.
   *
   * @example
   * ```ts
   * stream.setMaxParallelism(64).getMaxParallelism(); // 64
   * ```
   */
  getMaxParallelism(): number {
    return this.transformation.maxParallelism ?? this.env.getMaxParallelism();
  }
  /**
   * Starts a new chain (stage) at this operator: it is not chained to its input, but operators
   * after it may chain to it. See `docs/datastream-api.md` for what chains mean in Sluice.
   *
   * @example
   * ```ts
   * stream.map(parse).filter(valid).startNewChain().map(enrich);
   * ```
   */
  startNewChain(): this {
    this.operator('startNewChain()').chaining = 'head';
    return this;
  }
  /**
   * Runs this operator in a stage of its own: chained neither to its input nor to what follows.
   *
   * @example
   * ```ts
   * stream.map(expensive).disableChaining();
   * ```
   */
  disableChaining(): this {
    this.operator('disableChaining()').chaining = 'never';
    return this;
  }
  /**
   * A description of this operator, shown in the execution plan (`env.getExecutionPlan()`).
   *
   * @example
   * ```ts
   * stream.filter((e) => e.valid).setDescription('drops events that failed validation');
   * ```
   */
  setDescription(description: string): this {
    this.operator('setDescription()').description = description;
    return this;
  }
  /**
   * Accepted for Flink compatibility and recorded in the plan. Flink uses slot sharing groups to
   * place tasks in TaskManager slots; Sluice has no slots: the tasks of a job run in its worker
   * processes, assigned by Kafka's group protocol, so the group does not change where anything runs.
   *
   * @example
   * ```ts
   * stream.map(heavy).slotSharingGroup('heavy');
   * ```
   */
  slotSharingGroup(name: string): this {
    if (typeof name !== 'string' || name.length === 0) throw new JobConfigurationError('slotSharingGroup(name) needs a non-empty string');
    this.operator('slotSharingGroup()').slotSharingGroup = name;
    return this;
  }
  /**
   * Runs this operator as one subtask whatever the default parallelism (parallelism and max
   * parallelism 1), like Flink's `forceNonParallel`.
   *
   * @example
   * ```ts
   * events.map(countGlobally).forceNonParallel();
   * ```
   */
  forceNonParallel(): this {
    const t = this.operator('forceNonParallel()');
    t.parallelism = 1;
    t.maxParallelism = 1;
    return this;
  }
  /**
   * Accepted for Flink compatibility, with no effect: Sluice hands records to the next operator
   * by direct calls, never through network buffers that a timeout would flush; across workers,
   * repartition topics are written in rounds that linger up to 20 ms (as Kafka's `linger.ms`),
   * which this setting does not change.
   *
   * @example
   * ```ts
   * stream.map(f).setBufferTimeout(0);
   * ```
   */
  setBufferTimeout(timeoutMillis: number): this {
    if (!(typeof timeoutMillis === 'number' && timeoutMillis >= -1)) throw new JobConfigurationError(`setBufferTimeout(${timeoutMillis}): expected a number of ms >= -1`);
    this.operator('setBufferTimeout()');
    return this;
  }
}
