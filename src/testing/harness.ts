import type { KeySelectorLike } from '../core/functions/basic.ts';
import { toKeyFunction, toKeyedProcessFunction, toProcessFunction } from '../api/functions/normalize.ts';
import type { KeyedProcessFunctionLike, ProcessFunctionLike } from '../core/functions/process.ts';
import type { OutputTag } from '../core/output-tag.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import type { Trigger } from '../core/windowing/trigger.ts';
import type { ProcessWindowFunctionShape } from '../core/windowing/window-functions.ts';
import type { Window } from '../core/windowing/windows.ts';
import type { AggregateFunction, ReduceFunction } from '../core/state/descriptors.ts';
import { ProcessOperator } from '../runtime/operators/basic-operators.ts';
import { KeyedProcessOperator } from '../runtime/operators/keyed-operators.ts';
import type { OneInputOperator, OperatorSnapshot } from '../runtime/operators/operator.ts';
import { WindowOperator, type WindowContents } from '../runtime/operators/window/window-operator.ts';
import type { Output } from '../core/output.ts';
import { ProcessingTimeService } from '../runtime/timers/processing-time-service.ts';
import { MAX_WATERMARK, NO_TIMESTAMP } from '../core/watermark/watermark.ts';
import { ManualClock } from './manual-clock.ts';

/** An output record as the harness saw it. */
export interface HarnessRecord<T> {
  value: T;
  timestamp: number | undefined;
}

export interface HarnessOptions {
  /** Start of processing time (default 0). */
  processingTime?: number;
  mode?: 'streaming' | 'batch';
  /** Restore the operator from a snapshot taken with `snapshot()` before opening it. */
  restoreFrom?: OperatorSnapshot;
  name?: string;
  uid?: string;
}

/**
 * Drives one operator directly, without a job: push elements and watermarks, move processing
 * time, read outputs, side outputs and emitted watermarks, inspect state, snapshot and restore.
 * Create one with {@link ProcessFunctionTestHarnesses}.
 *
 * @example
 * ```ts
 * import { ProcessFunctionTestHarnesses } from 'sluice/testing';
 * const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Timeout(), (e) => e.id);
 * h.processElement({ id: 'a' }, 1000);
 * h.processWatermark(61_000);
 * assert.deepEqual(h.extractOutputValues(), ['a timed out at 61000']);
 * ```
 */
export class OneInputOperatorHarness<IN, OUT> {
  readonly operator: OneInputOperator<IN, OUT>;
  readonly clock: ManualClock;
  readonly output: HarnessRecord<OUT>[] = [];
  readonly watermarks: number[] = [];
  readonly #side = new Map<string, HarnessRecord<unknown>[]>();
  readonly #pts: ProcessingTimeService;

  private constructor(operator: OneInputOperator<IN, OUT>, options: HarnessOptions) {
    this.operator = operator;
    this.clock = new ManualClock(options.processingTime ?? 0);
    this.#pts = new ProcessingTimeService(this.clock);
    const ts = (t: number): number | undefined => (t === NO_TIMESTAMP ? undefined : t);
    const out: Output<OUT> = {
      collect: (value, t) => void this.output.push({ value, timestamp: ts(t) }),
      emitWatermark: (w) => void this.watermarks.push(w),
      emitIdle: () => {},
      collectSide: (tag, value, t) => {
        const list = this.#side.get(tag.id) ?? [];
        list.push({ value, timestamp: ts(t) });
        this.#side.set(tag.id, list);
      },
    };
    operator.setup(
      { name: options.name ?? operator.constructor.name, uid: options.uid ?? 'harness', subtaskIndex: 0, parallelism: 1, jobName: 'harness' },
      { pts: this.#pts, mode: options.mode ?? 'streaming', trackStateChanges: true },
      out,
    );
    if (options.restoreFrom !== undefined) operator.restoreState([options.restoreFrom]);
  }

  /** Sets up and opens `operator`. */
  static async of<IN, OUT>(operator: OneInputOperator<IN, OUT>, options: HarnessOptions = {}): Promise<OneInputOperatorHarness<IN, OUT>> {
    const h = new OneInputOperatorHarness(operator, options);
    await operator.open();
    return h;
  }

  processElement(value: IN, timestamp?: number): void {
    this.operator.processElement(value, timestamp ?? NO_TIMESTAMP);
  }
  processElements(values: Iterable<IN>, timestampOf?: (v: IN) => number): void {
    for (const v of values) this.processElement(v, timestampOf?.(v));
  }
  processWatermark(watermark: number): void {
    this.operator.processWatermark(watermark);
  }
  /** Moves processing time to `time` and fires the processing-time timers that are due. */
  setProcessingTime(time: number): void {
    this.clock.set(time);
    this.#pts.fireDue(time);
  }
  advanceProcessingTime(ms: number): void {
    this.setProcessingTime(this.clock.now() + ms);
  }
  /** End of input: the +infinity watermark, then `endInput`. */
  endInput(): void {
    this.operator.processWatermark(MAX_WATERMARK);
    this.operator.endInput();
  }

  extractOutputValues(): OUT[] {
    return this.output.map((r) => r.value);
  }
  /** Returns and forgets the outputs so far. */
  takeOutput(): OUT[] {
    const v = this.extractOutputValues();
    this.output.length = 0;
    return v;
  }
  getSideOutput<X>(tag: OutputTag<X>): HarnessRecord<X>[] {
    return (this.#side.get(tag.id) ?? []) as HarnessRecord<X>[];
  }
  numKeyedStateEntries(): number {
    return this.operator.backend?.numEntries() ?? 0;
  }
  snapshot(checkpointId = 1): OperatorSnapshot {
    return structuredClone(this.operator.snapshotState(checkpointId));
  }
  /** Writes and deletes of keyed state since the last snapshot (what a changelog would get). */
  stateChanges(): ReturnType<NonNullable<OneInputOperator<IN, OUT>['backend']>['changesSinceLastSnapshot']> {
    return this.operator.backend?.changesSinceLastSnapshot() ?? [];
  }
  async close(): Promise<void> {
    await this.operator.close();
  }
}

/** Window settings for {@link ProcessFunctionTestHarnesses.forWindow}. */
export interface WindowHarnessSpec<IN, ACC, V, OUT, K, W extends Window> {
  keySelector: KeySelectorLike<IN, K>;
  assigner: WindowAssigner<IN, W>;
  trigger?: Trigger<IN, W>;
  allowedLateness?: number;
  lateDataTag?: OutputTag<IN>;
  reduce?: ReduceFunction<IN>;
  aggregate?: AggregateFunction<IN, ACC, V>;
  process?: ProcessWindowFunctionShape<V, OUT, K, W>;
}

/** Harness factories, like Flink's `ProcessFunctionTestHarnesses`. */
export const ProcessFunctionTestHarnesses = {
  forProcessFunction<IN, OUT>(fn: ProcessFunctionLike<IN, OUT>, options?: HarnessOptions): Promise<OneInputOperatorHarness<IN, OUT>> {
    return OneInputOperatorHarness.of(new ProcessOperator<IN, OUT>(toProcessFunction(fn)), options);
  },
  forKeyedProcessFunction<K, IN, OUT>(
    fn: KeyedProcessFunctionLike<K, IN, OUT>,
    keySelector: KeySelectorLike<IN, K>,
    options?: HarnessOptions,
  ): Promise<OneInputOperatorHarness<IN, OUT>> {
    return OneInputOperatorHarness.of(new KeyedProcessOperator<K, IN, OUT>(toKeyFunction(keySelector), toKeyedProcessFunction(fn)), options);
  },
  forWindow<IN, ACC, V, OUT, K, W extends Window>(spec: WindowHarnessSpec<IN, ACC, V, OUT, K, W>, options?: HarnessOptions): Promise<OneInputOperatorHarness<IN, OUT>> {
    const contents: WindowContents<IN, ACC, V> =
      spec.reduce !== undefined ? { kind: 'reduce', fn: spec.reduce } : spec.aggregate !== undefined ? { kind: 'aggregate', fn: spec.aggregate } : { kind: 'list' };
    const op = new WindowOperator<IN, ACC, V, OUT, K, W>({
      keyOf: toKeyFunction(spec.keySelector),
      assigner: spec.assigner,
      trigger: spec.trigger ?? spec.assigner.getDefaultTrigger(),
      allowedLateness: spec.allowedLateness ?? 0,
      lateDataTag: spec.lateDataTag,
      contents,
      windowFunction: spec.process,
    });
    return OneInputOperatorHarness.of(op, options);
  },
};
