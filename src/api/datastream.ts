import { JobConfigurationError } from '../core/errors/job-errors.ts';
import type { OneInputTransformation, Partitioning, Transformation } from '../runtime/graph/transformations.ts';
import type { ExchangeSerde } from '../core/exchange-serde.ts';
import { FilterOperator, FlatMapOperator, MapOperator, ProcessOperator } from '../runtime/operators/basic-operators.ts';
import type { OneInputOperator } from '../runtime/operators/operator.ts';
import { SinkOperator } from '../runtime/operators/sink-operator.ts';
import { TimestampsAndWatermarksOperator } from '../runtime/operators/timestamps-watermarks.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import type { FilterFunctionLike, FlatMapFunctionLike, KeySelectorLike, MapFunctionLike } from '../core/functions/basic.ts';
import { toPartitioner, type PartitionerLike } from '../core/functions/partitioner.ts';
import { copyFunction, toFilterFunction, toFlatMapFunction, toKeyFunction, toMapFunction, toProcessFunction } from './functions/normalize.ts';
import type { ProcessFunctionLike } from '../core/functions/process.ts';
import type { OutputTag } from '../core/output-tag.ts';
import { CollectSink } from './sinks/collect-sink.ts';
import { StreamSink } from './sinks/stream-sink.ts';
import { PrintSink } from './sinks/print-sink.ts';
import type { RichSinkFunction, Sink, SinkFunction } from '../core/sink.ts';
import { streamFactories } from './stream-factories.ts';
import { OperatorSettings } from './operator-settings.ts';
import { CoGroupedStreams, JoinedStreams } from './joins.ts';
import { BroadcastConnectedStream, BroadcastStream } from './broadcast.ts';
import type { MapStateDescriptor } from '../core/state/descriptors.ts';
import { addAsync, type AsyncFunctionLike, type AsyncOptions } from './async-datastream.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { ConnectedStreams } from './connected-streams.ts';
import type { AllWindowedStream } from './windowed-stream.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import type { GlobalWindow, Window } from '../core/windowing/windows.ts';
import { GlobalWindows } from './windowing/assigners.ts';
import { CountTrigger, PurgingTrigger } from './windowing/triggers.ts';
import { CountEvictor } from './windowing/evictors.ts';

/**
 * A stream of records of type `T`. Transformations return new streams; nothing runs until
 * `env.execute()` (or `executeAndCollect()`).
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * const out = await env.fromElements(1, 2, 3, 4)
 *   .filter((n) => n % 2 === 0)
 *   .map((n) => n * 10)
 *   .executeAndCollect(); // [20, 40]
 * ```
 */
export class DataStream<T> extends OperatorSettings {

  /** @internal adds a one-input operator after this stream. */
  addOperator<O>(
    name: string,
    factory: (subtaskIndex: number) => OneInputOperator<T, O>,
    extra: Partial<Pick<OneInputTransformation, 'nonParallel' | 'hasTimestamps' | 'parallelism' | 'inheritsInputParallelism'>> = {},
  ): DataStream<O> {
    const t: OneInputTransformation = {
      kind: 'one',
      id: this.env.nextId(),
      name,
      uid: undefined,
      parallelism: extra.parallelism,
      hasTimestamps: extra.hasTimestamps ?? this.transformation.hasTimestamps,
      input: this.transformation,
      factory: factory as (subtaskIndex: number) => OneInputOperator<unknown, unknown>,
      ...(extra.nonParallel === true && { nonParallel: true }),
      ...(extra.inheritsInputParallelism === true && { inheritsInputParallelism: true }),
    };
    return new DataStream<O>(this.env, t);
  }

  /** @internal a partitioned view of this stream. */
  partitioned(partitioning: Partitioning): Transformation {
    return {
      kind: 'partition',
      id: this.env.nextId(),
      name: partitioning.kind,
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: this.transformation.hasTimestamps,
      input: this.transformation,
      partitioning,
    };
  }

  map<O>(fn: MapFunctionLike<T, O>): DataStream<O> {
    const f = toMapFunction(fn);
    return this.addOperator('Map', (i) => new MapOperator(copyFunction(f, i)));
  }
  filter(fn: FilterFunctionLike<T>): DataStream<T> {
    const f = toFilterFunction(fn);
    return this.addOperator('Filter', (i) => new FilterOperator(copyFunction(f, i)));
  }
  /**
   * Keeps the fields at the given indexes of each tuple (array) record, in that order (Flink's
   * `project` on Tuple streams).
   *
   * @example
   * ```ts
   * const names = people.project<[string, number]>(2, 0); // [id, age, name] -> [name, id]
   * ```
   */
  project<R extends unknown[] = unknown[]>(...fieldIndexes: number[]): DataStream<R> {
    if (fieldIndexes.length === 0 || !fieldIndexes.every((i) => Number.isInteger(i) && i >= 0)) {
      throw new JobConfigurationError(`project(...fieldIndexes) needs one or more indexes >= 0, got ${JSON.stringify(fieldIndexes)}`);
    }
    return this.map((v) => {
      if (!Array.isArray(v)) throw new TypeError('project() works on tuple (array) records; use map() for objects');
      return fieldIndexes.map((i) => v[i]) as R;
    }).name('Projection');
  }
  /** Zero or more outputs per record; a plain function may return an iterable instead of collecting. */
  flatMap<O>(fn: FlatMapFunctionLike<T, O>): DataStream<O> {
    const f = toFlatMapFunction(fn);
    return this.addOperator('Flat Map', (i) => new FlatMapOperator(copyFunction(f, i)));
  }
  process<O>(fn: ProcessFunctionLike<T, O>): DataStream<O> {
    const f = toProcessFunction(fn);
    return this.addOperator('Process', (i) => new ProcessOperator(copyFunction(f, i)));
  }

  /**
   * An async function per record (async I/O): results as calls complete, or in order with
   * `{ ordered: true }`; see `AsyncDataStream`.
   */
  mapAsync<O>(fn: AsyncFunctionLike<T, O>, options: AsyncOptions = {}): DataStream<O> {
    return addAsync(this, fn, options);
  }

  /** Partitions by key: records with the same key go to the same subtask, in order. */
  keyBy<K>(key: KeySelectorLike<T, K> | (T extends object ? keyof T & (string | number) : never) | (T extends readonly unknown[] ? `f${number}` : never)): KeyedStream<T, K> {
    return streamFactories.keyed(this, toKeyFunction<T, K>(key as KeySelectorLike<T, K>));
  }

  /**
   * Treats this stream as keyed by `key` without repartitioning it: for input that is already
   * partitioned exactly as `keyBy(key)` would partition it (e.g. the output of a `keyBy` followed
   * by key-preserving maps). Flink's `DataStreamUtils.reinterpretAsKeyedStream`. Unlike Flink,
   * Sluice checks every record's key group at the receiving subtask and fails the job with
   * `SLUICE_NOT_PARTITIONED_BY_KEY` rather than splitting keyed state wrongly.
   *
   * @example
   * ```ts
   * const enriched = events.keyBy((e) => e.user).map(addGeo); // still partitioned by user
   * enriched.reinterpretAsKeyedStream((e) => e.user).process(new PerUserSession());
   * ```
   */
  reinterpretAsKeyedStream<K>(key: KeySelectorLike<T, K> | (T extends object ? keyof T & (string | number) : never)): KeyedStream<T, K> {
    return streamFactories.keyed(this, toKeyFunction<T, K>(key as KeySelectorLike<T, K>), true);
  }

  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others) if (o.env !== this.env) throw new JobConfigurationError('union(): all streams must come from the same environment');
    return new DataStream<T>(this.env, {
      kind: 'union',
      id: this.env.nextId(),
      name: 'Union',
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: [this, ...others].every((s) => s.transformation.hasTimestamps),
      inputs: [this.transformation, ...others.map((o) => o.transformation)],
    });
  }

  /** Connects two streams of possibly different types, for CoMap/CoFlatMap/CoProcess functions. */
  connect<T2>(other: DataStream<T2>): ConnectedStreams<T, T2>;
  /** Connects with a broadcast stream (broadcast state pattern). */
  connect<T2>(other: BroadcastStream<T2>): BroadcastConnectedStream<T, T2>;
  connect<T2>(other: DataStream<T2> | BroadcastStream<T2>): ConnectedStreams<T, T2> | BroadcastConnectedStream<T, T2> {
    if (other instanceof BroadcastStream) return new BroadcastConnectedStream<T, T2>(this, other);
    return streamFactories.connected(this, other);
  }

  /** Window join with another stream: `.where(k1).equalTo(k2).window(assigner).apply(fn)`. */
  join<T2>(other: DataStream<T2>): JoinedStreams<T, T2> {
    return new JoinedStreams<T, T2>(this, other);
  }
  /** Window coGroup with another stream: both groups of each key and window. */
  coGroup<T2>(other: DataStream<T2>): CoGroupedStreams<T, T2> {
    return new CoGroupedStreams<T, T2>(this, other);
  }

  /** Round-robin redistribution over the downstream subtasks. */
  rebalance(): DataStream<T> {
    return new DataStream<T>(this.env, this.partitioned({ kind: 'rebalance' }));
  }
  /**
   * Round robin over a subset of the downstream subtasks: with 2 senders and 4 receivers each
   * sender feeds 2; with 4 senders and 2 receivers each receiver takes 2 (Flink's pointwise
   * pattern). Cheaper than `rebalance()` once exchanges cross workers.
   *
   * @example
   * ```ts
   * env.fromSequence(1, 100).setParallelism(2).rescale().map((n) => n * 2).setParallelism(4).print();
   * ```
   */
  rescale(): DataStream<T> {
    return new DataStream<T>(this.env, this.partitioned({ kind: 'rescale' }));
  }
  /**
   * Each record to a uniformly random downstream subtask (seeded per sender, so a run repeats).
   *
   * @example
   * ```ts
   * events.shuffle().map(enrich).setParallelism(8);
   * ```
   */
  shuffle(): DataStream<T> {
    return new DataStream<T>(this.env, this.partitioned({ kind: 'shuffle' }));
  }
  /**
   * Sends each record to the downstream subtask a partitioner picks from its key:
   * `partition(key, numPartitions)` must return an integer in `[0, numPartitions)`, where
   * numPartitions is the downstream parallelism. The result is not a keyed stream.
   *
   * @example
   * ```ts
   * orders.partitionCustom((region: string, n) => (region === 'eu' ? 0 : 1 % n), (o) => o.region);
   * ```
   */
  partitionCustom<K>(partitioner: PartitionerLike<K>, keySelector: KeySelectorLike<T, K> | (T extends object ? keyof T & (string | number) : never)): DataStream<T> {
    const p = toPartitioner(partitioner);
    const keyOf = toKeyFunction<T, K>(keySelector as KeySelectorLike<T, K>);
    return new DataStream<T>(
      this.env,
      this.partitioned({ kind: 'custom', partition: p as (key: unknown, n: number) => number, keyOf: keyOf as (v: unknown) => unknown }),
    );
  }
  /**
   * Sends every record to every downstream subtask. With descriptors, returns a `BroadcastStream`
   * to `connect` to another stream: the broadcast state pattern (e.g. rules applied to events).
   */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: [MapStateDescriptor<unknown, unknown>, ...MapStateDescriptor<unknown, unknown>[]]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<unknown, unknown>[]): DataStream<T> | BroadcastStream<T> {
    const all = new DataStream<T>(this.env, this.partitioned({ kind: 'broadcast' }));
    return descriptors.length === 0 ? all : new BroadcastStream<T>(all, descriptors);
  }
  /** Keeps records in the same subtask index downstream (parallelism must be equal). */
  forward(): DataStream<T> {
    return new DataStream<T>(this.env, this.partitioned({ kind: 'forward' }));
  }
  /** Sends every record to the first downstream subtask. */
  global(): DataStream<T> {
    return new DataStream<T>(this.env, this.partitioned({ kind: 'global' }));
  }

  /**
   * Replaces the serializer of the exchange this stream comes out of (keyBy, rebalance, shuffle,
   * global, partitionCustom) for when it crosses workers through a Kafka repartition topic: the
   * writer serializes each value with it, the reader deserializes it. The default is Sluice's
   * portable encoding, which turns class instances into plain objects. In-process exchanges do
   * not serialize. Call it right after the exchange.
   *
   * @example
   * ```ts
   * const orders: ExchangeSerde<Order> = { serialize: (o) => o.toBytes(), deserialize: (b) => Order.fromBytes(b) };
   * stream.keyBy((o) => o.customer).withExchangeSerde(orders).process(new PerCustomer());
   * ```
   */
  withExchangeSerde(serde: ExchangeSerde<T>): this {
    const t = this.transformation;
    if (t.kind !== 'partition' || t.partitioning.kind === 'forward') {
      throw new JobConfigurationError(`withExchangeSerde() applies to an exchange; call it right after keyBy(), rebalance(), shuffle(), global() or partitionCustom(), not after ${t.kind === 'partition' ? 'forward()' : t.kind}`);
    }
    if (typeof serde?.serialize !== 'function' || typeof serde.deserialize !== 'function') {
      throw new JobConfigurationError('withExchangeSerde(serde) needs an object with serialize(value) and deserialize(bytes) functions');
    }
    (t as { partitioning: Partitioning }).partitioning = { ...t.partitioning, serde: serde as ExchangeSerde<unknown> };
    return this;
  }

  /**
   * Assigns event timestamps and generates watermarks. Runs at the parallelism of its input,
   * chained to it (one generator per upstream subtask, as in Flink), unless set otherwise.
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    const env = this.env;
    return this.addOperator('Timestamps/Watermarks', () => new TimestampsAndWatermarksOperator<T>(strategy, env.getAutoWatermarkInterval()), {
      hasTimestamps: strategy.hasTimestampAssigner || this.transformation.hasTimestamps,
      inheritsInputParallelism: true,
    });
  }

  /** Windows over the whole (non-keyed) stream; runs with parallelism 1. */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return streamFactories.allWindowed(this, assigner);
  }

  /** Non-keyed windows of `size` elements (sliding every `slide` elements when given); parallelism 1. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    const w = this.windowAll(GlobalWindows.create<T>());
    if (slide === undefined) return w.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return w.evictor(CountEvictor.of<T, GlobalWindow>(size)).trigger(CountTrigger.of<GlobalWindow>(slide));
  }

  /** The side output `tag` of this operator. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const t = this.transformation;
    if (t.kind !== 'one' && t.kind !== 'two') {
      throw new JobConfigurationError(`getSideOutput('${tag.id}') must be called on the stream returned by process(), window(...)... not on a ${t.kind} stream`);
    }
    return new DataStream<X>(this.env, {
      kind: 'side',
      id: this.env.nextId(),
      name: `Side output ${tag.id}`,
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: t.hasTimestamps,
      input: t,
      tag: tag as OutputTag<unknown>,
    });
  }

  /** Writes the stream to a sink. */
  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    const s = this.addOperator<never>('Sink', () => new SinkOperator<T>(sink));
    (s.transformation as { isSink?: boolean }).isSink = true;
    this.env.addSink(s.transformation);
    return new DataStreamSink<T>(this.env, s.transformation);
  }
  /** Writes the stream to a sink, calls a function for each record, or runs a `RichSinkFunction`. */
  addSink(sink: Sink<T> | SinkFunction<T> | RichSinkFunction<T>): DataStreamSink<T> {
    let s: Sink<T>;
    if (typeof sink === 'function') s = { createWriter: () => ({ write: sink }) };
    else if (typeof (sink as RichSinkFunction<T>).invoke === 'function') {
      const rich = sink as RichSinkFunction<T>;
      s = {
        createWriter: async (ctx) => {
          const f = copyFunction(rich, ctx.subtaskIndex);
          await ctx.registerFunction?.(f);
          await f.open?.(ctx);
          return { write: (v, c) => f.invoke(v, c), close: () => f.close?.() };
        },
      };
    } else s = sink as Sink<T>;
    return this.sinkTo(s).name(typeof sink === 'function' ? 'Sink: Function' : 'Sink');
  }
  /** Prints each record to stdout. */
  print(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix)).name('Sink: Print to Std. Out');
  }
  /** Prints each record to stderr. */
  printToErr(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix, { stderr: true })).name('Sink: Print to Std. Err');
  }

  /**
   * Runs the job (with all the sinks of the environment) and returns this stream's records.
   * With `limit`, stops once that many arrived (so it also works on unbounded streams).
   */
  async executeAndCollect(limit?: number, jobName = 'Sluice Job'): Promise<T[]> {
    const stop = { stopped: false };
    const sink = new CollectSink<T>(limit === undefined ? {} : { limit, onLimit: () => void (stop.stopped = true) });
    const s = this.addOperator<never>('Sink: Collect', () => new SinkOperator<T>(sink));
    const client = this.env.start(jobName, { extraSinks: [s.transformation], stopSignal: stop });
    await client.result;
    return sink.values;
  }

  /**
   * Runs the job and returns this stream's records as an async iterator, as they come (also for
   * unbounded streams). Leaving the loop (`break`) cancels the job; a job failure is thrown by the
   * iterator. Sources pause while more than `highWaterMark` records wait to be consumed.
   *
   * @example
   * ```ts
   * for await (const alert of alerts.executeAndStream()) {
   *   console.log(alert);
   *   if (alert.severity === 'fatal') break; // stops the job
   * }
   * ```
   */
  executeAndStream(jobName = 'Sluice Job', options: { highWaterMark?: number } = {}): AsyncIterableIterator<T> {
    const sink = new StreamSink<T>(options.highWaterMark);
    const s = this.addOperator<never>('Sink: Stream', () => new SinkOperator<T>(sink));
    const client = this.env.start(jobName, { extraSinks: [s.transformation] });
    let cancelled = false;
    client.result.then(
      () => sink.end(),
      (e: unknown) => sink.end(cancelled ? undefined : e),
    );
    const iterator: AsyncIterableIterator<T> = {
      next: () => sink.next(),
      return: async () => {
        cancelled = true;
        client.cancel();
        await client.result.catch(() => {});
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/** The end of a stream; settable name, uid and parallelism. */
export class DataStreamSink<T> extends DataStream<T> {}

streamFactories.plain = <X>(env: StreamExecutionEnvironment, t: Transformation): DataStream<X> => new DataStream<X>(env, t);
