import { MIN_WATERMARK } from '../core/watermark/watermark.ts';
import type { Labels } from './names.ts';
import { RateWindow } from './rate-window.ts';
import { RegistryMetricGroup } from './registry-metric-group.ts';
import { SplitMetrics, type SplitIdentity } from './split-metrics.ts';
import type { UserMetricStore } from './user-metric-store.ts';

/** Which operator. */
export interface OperatorIdentity {
  uid: string;
  name: string;
  /** 2 for a two-input operator (it then reports a watermark per input). Default 1. */
  inputs?: 1 | 2;
}

/** Point-in-time figures read from the operator's objects (state backend, timer services). */
export interface OperatorProbes {
  keyedStateEntries?: () => number;
  eventTimeTimers?: () => number;
  processingTimeTimers?: () => number;
}

/**
 * An operator's figures (Flink's operator I/O metric group): counters the runtime bumps per batch
 * or record, watermarks it sets as they move, and its user metric group.
 */
export class OperatorIOMetrics {
  readonly identity: OperatorIdentity;
  readonly labels: Labels;
  numRecordsIn = 0;
  numRecordsOut = 0;
  numLateRecordsDropped = 0;
  currentInputWatermark = MIN_WATERMARK;
  currentInput1Watermark = MIN_WATERMARK;
  currentInput2Watermark = MIN_WATERMARK;
  currentOutputWatermark = MIN_WATERMARK;
  probes: OperatorProbes = {};
  readonly splits = new Set<SplitMetrics>();
  readonly #inRate: RateWindow;
  readonly #outRate: RateWindow;
  readonly #store: UserMetricStore;
  readonly #scope: readonly string[];
  #group: RegistryMetricGroup | undefined;

  /** `scope`: Flink's scope components of the operator's metric group (job, operator, subtask). */
  constructor(identity: OperatorIdentity, taskLabels: Labels, store: UserMetricStore, samples: number, now: number, scope: readonly string[]) {
    this.identity = identity;
    this.labels = { ...taskLabels, operator: identity.uid, operator_name: identity.name };
    this.#store = store;
    this.#scope = scope;
    this.#inRate = new RateWindow(samples);
    this.#outRate = new RateWindow(samples);
    this.tick(now);
  }

  get numRecordsInPerSecond(): number {
    return this.#inRate.perSecond;
  }
  get numRecordsOutPerSecond(): number {
    return this.#outRate.perSecond;
  }

  /** The group user functions of this operator register their metrics in. */
  get metricGroup(): RegistryMetricGroup {
    return (this.#group ??= RegistryMetricGroup.root(this.#store, 'operator', this.#scope, this.labels));
  }

  addSplit(identity: SplitIdentity): SplitMetrics {
    const s = new SplitMetrics(identity, this.labels);
    this.splits.add(s);
    return s;
  }

  removeSplit(split: SplitMetrics): void {
    this.splits.delete(split);
  }

  tick(now: number): void {
    this.#inRate.sample(now, this.numRecordsIn);
    this.#outRate.sample(now, this.numRecordsOut);
  }

  /** Removes the user metrics (the operator closed). */
  close(): void {
    this.#group?.close();
  }
}
