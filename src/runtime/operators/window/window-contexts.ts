import type { OnMergeContext } from '../../../core/windowing/trigger.ts';
import type { KeyedStateStore, WindowContext } from '../../../core/windowing/window-functions.ts';
import type { Window } from '../../../core/windowing/windows.ts';
import type { OutputTag } from '../../../core/output-tag.ts';
import type { StateDescriptor } from '../../../core/state/descriptors.ts';
import type { InternalKeyedStateBackend } from '../../../state/backend.ts';
import type { InternalKvState } from '../../../state/backend.ts';
import { voidNamespaceSerializer, type NamespaceSerializer } from '../../../core/state/namespace.ts';
import type { InternalTimerService } from '../../timers/internal-timer-service.ts';
import type { AbstractStreamOperator } from '../operator.ts';

/** The trigger context of a window operator; `window` is set before each trigger call. */
export class TriggerContextImpl<W extends Window> implements OnMergeContext {
  window!: W;
  mergedWindows: readonly W[] = [];
  readonly #op: AbstractStreamOperator<unknown>;
  readonly #timers: InternalTimerService<W>;
  readonly #backend: InternalKeyedStateBackend;
  readonly #ns: NamespaceSerializer<W>;

  constructor(op: AbstractStreamOperator<unknown>, timers: InternalTimerService<W>, ns: NamespaceSerializer<W>) {
    this.#op = op;
    this.#timers = timers;
    this.#backend = op.backend!;
    this.#ns = ns;
  }
  getCurrentProcessingTime(): number {
    return this.#op.pts.now();
  }
  getCurrentWatermark(): number {
    return this.#op.currentWatermark;
  }
  registerEventTimeTimer(time: number): void {
    this.#timers.registerEventTimeTimer(this.window, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.#timers.registerProcessingTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.#timers.deleteEventTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.#timers.deleteProcessingTimeTimer(this.window, time);
  }
  getPartitionedState<S>(descriptor: StateDescriptor<S>): S {
    const s = this.#backend.getOrCreateState(descriptor, this.#ns);
    s.setCurrentNamespace(this.window);
    return s;
  }
  mergePartitionedState<S>(descriptor: StateDescriptor<S>): void {
    if (this.mergedWindows.length === 0) return;
    const s = this.#backend.getOrCreateState(descriptor, this.#ns) as InternalKvState<W>;
    s.mergeNamespaces(this.window, this.mergedWindows);
  }
}

function store(backend: InternalKeyedStateBackend, nsOf: () => { ns: NamespaceSerializer<unknown>; value: unknown }): KeyedStateStore {
  const get = <S>(d: StateDescriptor<S>): S => {
    const { ns, value } = nsOf();
    const s = backend.getOrCreateState(d, ns);
    s.setCurrentNamespace(value);
    return s;
  };
  return { getState: get, getListState: get, getMapState: get, getReducingState: get, getAggregatingState: get } as KeyedStateStore;
}

/** The context handed to process window functions. */
export class WindowContextImpl<W extends Window> implements WindowContext<W> {
  current!: W;
  outTs = 0;
  readonly #op: AbstractStreamOperator<unknown>;
  readonly #windowStore: KeyedStateStore;
  readonly #globalStore: KeyedStateStore;
  constructor(op: AbstractStreamOperator<unknown>, ns: NamespaceSerializer<W>) {
    this.#op = op;
    this.#windowStore = store(op.backend!, () => ({ ns: ns as NamespaceSerializer<unknown>, value: this.current }));
    this.#globalStore = store(op.backend!, () => ({ ns: voidNamespaceSerializer as NamespaceSerializer<unknown>, value: voidNamespaceSerializer.fromJSON(null) }));
  }
  window(): W {
    return this.current;
  }
  currentProcessingTime(): number {
    return this.#op.pts.now();
  }
  currentWatermark(): number {
    return this.#op.currentWatermark;
  }
  windowState(): KeyedStateStore {
    return this.#windowStore;
  }
  globalState(): KeyedStateStore {
    return this.#globalStore;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.#op.out.collectSide(tag as OutputTag<unknown>, value, this.outTs);
  }
}
