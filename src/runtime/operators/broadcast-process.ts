import type { BroadcastState, ReadOnlyBroadcastState } from '../../core/functions/broadcast-state.ts';
import type { Collector } from '../../core/functions/collector.ts';
import type { RuntimeContext } from '../../core/runtime-context.ts';
import type { MapStateDescriptor, StateDescriptor } from '../../core/state/descriptors.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import { voidNamespaceSerializer, type VoidNamespace } from '../../core/state/namespace.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import type { Triggerable } from '../timers/internal-timer-service.ts';
import { ProcessContextImpl, TimestampedCollector } from './contexts.ts';
import { TwoInputOperator, type BatchInput, type OperatorSnapshot } from './operator.ts';

/** What the operator calls (both the keyed and the non-keyed broadcast process functions). */
export interface BroadcastFunctionShape<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN1, ctx: never, out: Collector<OUT>): void;
  processBroadcastElement(value: IN2, ctx: never, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: never, out: Collector<OUT>): void;
}

class MapBroadcastState<K, V> implements BroadcastState<K, V> {
  readonly map = new Map<K, V>();
  readonly readOnly: ReadOnlyBroadcastState<K, V>;
  constructor() {
    const m = this.map;
    this.readOnly = {
      get: (k) => m.get(k),
      contains: (k) => m.has(k),
      entries: () => m.entries(),
      keys: () => m.keys(),
      values: () => m.values(),
      immutableEntries: () => m.entries(),
      isEmpty: () => m.size === 0,
    };
  }
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  contains(key: K): boolean {
    return this.map.has(key);
  }
  put(key: K, value: V): void {
    this.map.set(key, value);
  }
  putAll(entries: Iterable<readonly [K, V]>): void {
    for (const [k, v] of entries) this.map.set(k, v);
  }
  iterator(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
  immutableEntries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
  remove(key: K): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
  keys(): IterableIterator<K> {
    return this.map.keys();
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  isEmpty(): boolean {
    return this.map.size === 0;
  }
}

class BroadcastContextImpl<K> extends ProcessContextImpl<K> {
  readOnly = true;
  readonly #op: BroadcastProcessOperator<unknown, unknown, unknown>;
  constructor(op: BroadcastProcessOperator<unknown, unknown, unknown>) {
    super(op as never);
    this.#op = op;
  }
  getBroadcastState<BK, BV>(descriptor: MapStateDescriptor<BK, BV>): BroadcastState<BK, BV> {
    const s = this.#op.broadcastState(descriptor.name);
    return (this.readOnly ? s.readOnly : s) as BroadcastState<BK, BV>;
  }
  applyToKeyedState<S>(descriptor: StateDescriptor<S>, fn: (key: unknown, state: S) => void): void {
    const b = this.#op.backend;
    if (b === undefined) throw new StateAccessError('applyToKeyedState needs a keyed stream on the non-broadcast side');
    const state = this.#op.getPartitionedState(descriptor);
    for (const sk of b.keysOf(descriptor.name)) {
      b.setCurrentStateKey(sk);
      fn(b.getCurrentKey(), state);
    }
  }
}

/**
 * Connects a stream with a broadcast stream: broadcast elements update the broadcast state (one
 * copy per subtask, identical everywhere), other elements read it; with a keyed first input,
 * keyed state and timers too.
 */
export class BroadcastProcessOperator<IN1, IN2, OUT> extends TwoInputOperator<IN1, IN2, OUT> implements Triggerable<VoidNamespace> {
  readonly fn: BroadcastFunctionShape<IN1, IN2, OUT>;
  readonly keyOf: ((v: IN1) => unknown) | undefined;
  readonly #states = new Map<string, MapBroadcastState<unknown, unknown>>();
  #collector!: TimestampedCollector<OUT>;
  #ctx!: BroadcastContextImpl<unknown>;

  constructor(fn: BroadcastFunctionShape<IN1, IN2, OUT>, descriptors: readonly MapStateDescriptor<unknown, unknown>[], keyOf?: (v: IN1) => unknown) {
    super();
    this.fn = fn;
    this.keyOf = keyOf;
    for (const d of descriptors) this.#states.set(d.name, new MapBroadcastState());
  }
  override isKeyed(): boolean {
    return this.keyOf !== undefined;
  }
  /** BATCH: the broadcast side is read completely before the other side (Flink's order). */
  override batchInput(index: 1 | 2): BatchInput {
    if (index === 2) return { kind: 'broadcast' };
    return this.keyOf === undefined ? { kind: 'regular' } : { kind: 'keyed', keyOf: this.keyOf as (v: unknown) => unknown };
  }
  broadcastState(name: string): MapBroadcastState<unknown, unknown> {
    const s = this.#states.get(name);
    if (s === undefined) {
      throw new StateAccessError(`broadcast state '${name}' was not declared: pass its MapStateDescriptor to stream.broadcast(descriptor)`);
    }
    return s;
  }
  override open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.out);
    this.#ctx = new BroadcastContextImpl(this as never);
    if (this.isKeyed()) this.#ctx.bindTimers(this.getInternalTimerService('user-timers', voidNamespaceSerializer, this));
    return this.openFunction(this.fn);
  }
  processElement1(value: IN1, timestamp: number): void {
    try {
      if (this.keyOf !== undefined) this.backend!.setCurrentKey(this.keyOf(value));
      this.#collector.ts = timestamp;
      this.#ctx.ts = timestamp;
      this.#ctx.readOnly = true;
      this.fn.processElement(value, this.#ctx as never, this.#collector);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  processElement2(value: IN2, timestamp: number): void {
    try {
      this.#collector.ts = timestamp;
      this.#ctx.ts = timestamp;
      this.#ctx.readOnly = false;
      this.fn.processBroadcastElement(value, this.#ctx as never, this.#collector);
    } catch (e) {
      throw this.userError(e, value, 'broadcast record');
    } finally {
      this.#ctx.readOnly = true;
    }
  }
  onEventTime(ts: number): void {
    this.#timer(ts, 'EVENT_TIME', ts);
  }
  onProcessingTime(ts: number): void {
    this.#timer(ts, 'PROCESSING_TIME', NO_TIMESTAMP);
  }
  #timer(ts: number, domain: 'EVENT_TIME' | 'PROCESSING_TIME', outTs: number): void {
    if (this.fn.onTimer === undefined) return;
    this.#collector.ts = outTs;
    this.#ctx.ts = ts;
    this.#ctx.domain = domain;
    this.#ctx.readOnly = true;
    try {
      this.fn.onTimer(ts, this.#ctx as never, this.#collector);
    } catch (e) {
      throw this.userError(e, { timer: ts, domain, key: this.backend?.getCurrentKey() }, 'timer');
    }
  }
  override snapshotState(checkpointId: number): OperatorSnapshot {
    const snap = super.snapshotState(checkpointId);
    const broadcast: Record<string, Array<[unknown, unknown]>> = {};
    for (const [name, s] of this.#states) broadcast[name] = [...s.map.entries()];
    snap.operator = { broadcast };
    return snap;
  }
  override restoreState(snapshots: readonly OperatorSnapshot[]): void {
    super.restoreState(snapshots);
    // Broadcast state is the same on every subtask: any snapshot will do.
    const any = snapshots.find((s) => (s.operator as { broadcast?: unknown } | undefined)?.broadcast !== undefined);
    const broadcast = (any?.operator as { broadcast: Record<string, Array<[unknown, unknown]>> } | undefined)?.broadcast ?? {};
    for (const [name, entries] of Object.entries(broadcast)) {
      const s = this.#states.get(name);
      if (s !== undefined) for (const [k, v] of entries) s.map.set(k, v);
    }
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}
