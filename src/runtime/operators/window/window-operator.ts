import type { Collector } from '../../../core/functions/collector.ts';
import type { OutputTag } from '../../../core/output-tag.ts';
import type { WindowAssigner, WindowAssignerContext, MergingWindowAssigner } from '../../../core/windowing/assigner.ts';
import type { Evictor, TimestampedValue } from '../../../core/windowing/evictor.ts';
import { TriggerResult, type Trigger } from '../../../core/windowing/trigger.ts';
import type { ProcessWindowFunctionShape } from '../../../core/windowing/window-functions.ts';
import type { Window } from '../../../core/windowing/windows.ts';
import type { InternalKvState } from '../../../state/backend.ts';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type AggregateFunction,
  type ReduceFunction,
} from '../../../core/state/descriptors.ts';
import { voidNamespaceSerializer, type NamespaceSerializer } from '../../../core/state/namespace.ts';
import type { AggregatingState, ListState, ReducingState, ValueState } from '../../../core/state/state.ts';
import { MissingTimestampError, WindowMergeError } from '../../../core/errors/job-errors.ts';
import type { InternalTimerService, Triggerable } from '../../timers/internal-timer-service.ts';
import { TimestampedCollector } from '../contexts.ts';
import { KeyedOneInputOperator, type KeyFn } from '../keyed-operators.ts';
import { MergingWindowSet } from './merging-window-set.ts';
import { TriggerContextImpl, WindowContextImpl } from './window-contexts.ts';

/** How window contents are kept: all elements, or pre-aggregated incrementally. */
export type WindowContents<IN, ACC, V> =
  | { kind: 'list' }
  | { kind: 'reduce'; fn: ReduceFunction<IN> }
  | { kind: 'aggregate'; fn: AggregateFunction<IN, ACC, V> };

export interface WindowOperatorConfig<IN, ACC, V, OUT, K, W extends Window> {
  keyOf: KeyFn<IN, K>;
  assigner: WindowAssigner<IN, W>;
  trigger: Trigger<IN, W>;
  evictor?: Evictor<IN, W> | undefined;
  allowedLateness: number;
  lateDataTag?: OutputTag<IN> | undefined;
  contents: WindowContents<IN, ACC, V>;
  /** Evaluates the contents; undefined = emit the (pre-aggregated) contents as they are. */
  windowFunction?: ProcessWindowFunctionShape<V, OUT, K, W> | undefined;
}

const NO_WINDOWS: readonly never[] = Object.freeze([]);

type ContentsState = InternalKvState<unknown> & { add(v: unknown): void; addAndCheckNew(v: unknown): boolean; get(): unknown };

/**
 * Keyed windows: assigner → per-(key, window) contents → trigger → window function, with allowed
 * lateness, the late-data side output, merging (session) windows and evictors.
 */
export class WindowOperator<IN, ACC, V, OUT, K, W extends Window>
  extends KeyedOneInputOperator<IN, OUT, K>
  implements Triggerable<W>, WindowAssignerContext
{
  readonly cfg: WindowOperatorConfig<IN, ACC, V, OUT, K, W>;
  readonly #eventTime: boolean;
  readonly #merging: MergingWindowAssigner<IN, W> | undefined;
  readonly #ns: NamespaceSerializer<W>;
  /** The trigger declares that `onElement` for a known, not yet due window changes nothing, so it is skipped. */
  readonly #skipKnownWindows: boolean;
  #contents!: ContentsState;
  #mergingState: ValueState<Array<[W, W]>> | undefined;
  /** The session windows of the current key, loaded from `#mergingState` (one instance, reused). */
  #mergingSet: MergingWindowSet<W> | undefined;
  #timers!: InternalTimerService<W>;
  #trigger!: TriggerContextImpl<W>;
  #wctx!: WindowContextImpl<W>;
  #collector!: TimestampedCollector<OUT>;
  /** Late elements dropped because no side output was configured. */
  numLateRecordsDropped = 0;

  constructor(cfg: WindowOperatorConfig<IN, ACC, V, OUT, K, W>) {
    super(cfg.keyOf);
    this.cfg = cfg;
    this.#eventTime = cfg.assigner.isEventTime();
    this.#merging = cfg.assigner.isMerging() ? (cfg.assigner as MergingWindowAssigner<IN, W>) : undefined;
    this.#ns = cfg.assigner.namespaceSerializer();
    this.#skipKnownWindows = cfg.trigger.onElementIsNoOpForKnownWindow?.() === true;
  }

  getCurrentProcessingTime(): number {
    return this.pts.now();
  }

  override metrics(): ReturnType<KeyedOneInputOperator<IN, OUT, K>['metrics']> {
    return { ...super.metrics(), lateRecordsDropped: this.numLateRecordsDropped };
  }

  override async open(): Promise<void> {
    const b = this.backend!;
    const c = this.cfg.contents;
    if (this.cfg.evictor !== undefined || c.kind === 'list') {
      this.#contents = b.getOrCreateState(new ListStateDescriptor<unknown>('window-contents'), this.#ns) as unknown as ContentsState;
    } else if (c.kind === 'reduce') {
      this.#contents = b.getOrCreateState(new ReducingStateDescriptor('window-contents', c.fn), this.#ns) as unknown as ContentsState;
    } else {
      this.#contents = b.getOrCreateState(new AggregatingStateDescriptor('window-contents', c.fn), this.#ns) as unknown as ContentsState;
    }
    if (this.#merging !== undefined) {
      this.#mergingState = b.getOrCreateState(new ValueStateDescriptor<Array<[W, W]>>('merging-window-set'), voidNamespaceSerializer);
      this.#mergingSet = new MergingWindowSet<W>(this.#merging as MergingWindowAssigner<unknown, W>, this.#ns);
    }
    this.#timers = this.getInternalTimerService('window-timers', this.#ns, this);
    this.#trigger = new TriggerContextImpl<W>(this as never, this.#timers, this.#ns);
    this.#wctx = new WindowContextImpl<W>(this as never, this.#ns);
    this.#collector = new TimestampedCollector(this.out);
    await this.openFunction(this.cfg.windowFunction);
  }

  #cleanupTime(w: W): number {
    return this.#eventTime ? w.maxTimestamp() + this.cfg.allowedLateness : w.maxTimestamp();
  }
  #isWindowLate(w: W): boolean {
    return this.#eventTime && w.maxTimestamp() + this.cfg.allowedLateness <= this.currentWatermark;
  }
  #registerCleanupTimer(w: W): void {
    const t = this.#cleanupTime(w);
    if (t === Number.POSITIVE_INFINITY) return;
    if (this.#eventTime) this.#timers.registerEventTimeTimer(w, t);
    else this.#timers.registerProcessingTimeTimer(w, t);
  }

  processElement(value: IN, timestamp: number): void {
    this.setKeyOf(value);
    let windows: readonly W[];
    try {
      windows = this.cfg.assigner.assignWindows(value, timestamp, this);
    } catch (e) {
      if (e instanceof MissingTimestampError) throw new MissingTimestampError(this.name, this.uid, value, e.timestamp);
      throw this.userError(e, value, 'assigning windows to record');
    }
    const isSkipped = this.#merging !== undefined ? this.#addMerging(value, timestamp, windows) : this.#add(value, timestamp, windows);
    if (isSkipped && this.#eventTime && timestamp + this.cfg.allowedLateness <= this.currentWatermark) {
      if (this.cfg.lateDataTag !== undefined) this.out.collectSide(this.cfg.lateDataTag as OutputTag<unknown>, value, timestamp);
      else this.numLateRecordsDropped++;
    }
  }

  #add(value: IN, timestamp: number, windows: readonly W[]): boolean {
    let isSkipped = true;
    const element = this.cfg.evictor !== undefined ? { value, timestamp } : value;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      if (this.#isWindowLate(w)) continue;
      isSkipped = false;
      this.#contents.setCurrentNamespace(w);
      const isNew = this.#addContents(element, value);
      // Known window, not yet due, under a trigger that declares such calls change nothing.
      if (!isNew && this.#skipKnownWindows && w.maxTimestamp() > this.currentWatermark) continue;
      this.#trigger.window = w;
      const r = this.cfg.trigger.onElement(value, timestamp, w, this.#trigger);
      if (r !== TriggerResult.CONTINUE) this.#act(r, w);
      // The cleanup timer lives as long as the window's contents do (purges leave it in place).
      if (isNew) this.#registerCleanupTimer(w);
    }
    return isSkipped;
  }

  #addContents(element: unknown, value: IN): boolean {
    try {
      return this.#contents.addAndCheckNew(element);
    } catch (e) {
      throw this.userError(e, value);
    }
  }

  #addMerging(value: IN, timestamp: number, windows: readonly W[]): boolean {
    const set = this.#loadMergingSet();
    let isSkipped = true;
    const element = this.cfg.evictor !== undefined ? { value, timestamp } : value;
    for (let i = 0; i < windows.length; i++) {
      const actual = set.addWindow(windows[i]!, this.#onMerge);
      if (this.#isWindowLate(actual)) {
        set.retireWindow(actual);
        continue;
      }
      isSkipped = false;
      const stateWindow = set.getStateWindow(actual)!;
      this.#contents.setCurrentNamespace(stateWindow);
      this.#addContents(element, value);
      this.#trigger.window = actual;
      const r = this.cfg.trigger.onElement(value, timestamp, actual, this.#trigger);
      if (r !== TriggerResult.CONTINUE) this.#act(r, actual);
      this.#registerCleanupTimer(actual);
    }
    this.#saveMergingSet(set);
    return isSkipped;
  }

  /** Windows merged: the trigger merges its state, the merged windows' timers go, their contents join the state window. */
  readonly #onMerge = (result: W, merged: W[], stateResult: W, mergedState: W[]): void => {
    if (this.#eventTime && result.maxTimestamp() + this.cfg.allowedLateness <= this.currentWatermark) throw new WindowMergeError(this.uid);
    this.#trigger.window = result;
    this.#trigger.mergedWindows = merged;
    this.cfg.trigger.onMerge(result, this.#trigger);
    this.#trigger.mergedWindows = NO_WINDOWS;
    for (const m of merged) {
      this.#trigger.window = m;
      this.cfg.trigger.clear(m, this.#trigger);
      const t = this.#cleanupTime(m);
      if (this.#eventTime) this.#timers.deleteEventTimeTimer(m, t);
      else this.#timers.deleteProcessingTimeTimer(m, t);
    }
    // A session that only grew keeps its contents where they are.
    if (mergedState.length > 0) this.#contents.mergeNamespaces(stateResult, mergedState);
  };

  #loadMergingSet(): MergingWindowSet<W> {
    return this.#mergingSet!.load(this.#mergingState!.value());
  }
  #saveMergingSet(set: MergingWindowSet<W>): void {
    if (!set.changed) return;
    this.#mergingState!.update(set.size === 0 ? undefined : set.toState());
  }

  /** FIRE and/or PURGE the current window (contents namespace already set). */
  #act(r: TriggerResult, w: W): void {
    if (r === TriggerResult.FIRE || r === TriggerResult.FIRE_AND_PURGE) {
      if (!this.#contents.isEmpty()) this.#emit(w);
    }
    if (r === TriggerResult.PURGE || r === TriggerResult.FIRE_AND_PURGE) this.#contents.clear();
  }

  #emit(w: W): void {
    const ts = w.maxTimestamp();
    const fn = this.cfg.windowFunction;
    const evictor = this.cfg.evictor;
    let input: V[];
    let stamped: TimestampedValue<IN>[] | undefined;
    if (evictor !== undefined) {
      stamped = [...((this.#contents as unknown as ListState<TimestampedValue<IN>>).get())];
      evictor.evictBefore(stamped, w, this.#trigger as never);
      input = this.#reduceEvicted(stamped.map((s) => s.value));
    } else if (this.cfg.contents.kind === 'list') {
      input = (this.#contents as unknown as ListState<V>).get();
    } else {
      input = [(this.#contents as unknown as ReducingState<V> | AggregatingState<unknown, V>).get() as V];
    }
    this.#collector.ts = ts;
    if (fn === undefined) {
      for (let i = 0; i < input.length; i++) this.out.collect(input[i] as unknown as OUT, ts);
    } else {
      this.#wctx.current = w;
      this.#wctx.outTs = ts;
      try {
        fn.process(this.backend!.getCurrentKey() as K, this.#wctx, input, this.#collector as Collector<OUT>);
      } catch (e) {
        throw this.userError(e, { key: this.backend!.getCurrentKey(), window: w }, 'evaluating window');
      }
    }
    if (evictor !== undefined && stamped !== undefined) {
      evictor.evictAfter(stamped, w, this.#trigger as never);
      (this.#contents as unknown as ListState<TimestampedValue<IN>>).update(stamped);
    }
  }

  /** With an evictor the contents are a list; apply reduce/aggregate over what remains. */
  #reduceEvicted(values: IN[]): V[] {
    const c = this.cfg.contents;
    if (values.length === 0) return [];
    if (c.kind === 'list') return values as unknown as V[];
    if (c.kind === 'reduce') return [values.reduce((a, b) => c.fn.reduce(a, b)) as unknown as V];
    let acc = c.fn.createAccumulator();
    for (const v of values) acc = c.fn.add(v, acc);
    return [c.fn.getResult(acc)];
  }

  onEventTime(timestamp: number, window: W): void {
    this.#onTimer(timestamp, window, true);
  }
  onProcessingTime(timestamp: number, window: W): void {
    this.#onTimer(timestamp, window, false);
  }

  #onTimer(timestamp: number, window: W, eventTime: boolean): void {
    let set: MergingWindowSet<W> | undefined;
    let stateWindow: W = window;
    if (this.#merging !== undefined) {
      set = this.#loadMergingSet();
      const s = set.getStateWindow(window);
      if (s === undefined) return; // timer of a window that was merged away
      stateWindow = s;
    }
    this.#contents.setCurrentNamespace(stateWindow);
    this.#trigger.window = window;
    const r = eventTime
      ? this.cfg.trigger.onEventTime(timestamp, window, this.#trigger)
      : this.cfg.trigger.onProcessingTime(timestamp, window, this.#trigger);
    if (r !== TriggerResult.CONTINUE) this.#act(r, window);
    if (eventTime === this.#eventTime && timestamp === this.#cleanupTime(window)) {
      this.#contents.clear();
      this.cfg.trigger.clear(window, this.#trigger);
      const fn = this.cfg.windowFunction;
      if (fn?.clear !== undefined) {
        this.#wctx.current = window;
        fn.clear(this.#wctx);
      }
      set?.retireWindow(window);
    }
    if (set !== undefined) this.#saveMergingSet(set);
  }

  override async close(): Promise<void> {
    await this.closeFunction(this.cfg.windowFunction);
    await super.close();
  }
}
