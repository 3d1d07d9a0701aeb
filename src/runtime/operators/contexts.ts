import type { Collector } from '../../core/functions/collector.ts';
import type { OnTimerContext, TimeDomain, TimerService } from '../../core/functions/process.ts';
import type { OutputTag } from '../../core/output-tag.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import { VOID_NAMESPACE, type VoidNamespace } from '../../core/state/namespace.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import type { Output } from '../../core/output.ts';
import type { InternalTimerService } from '../timers/internal-timer-service.ts';
import type { AbstractStreamOperator } from './operator.ts';

/** Collector that stamps outputs with the timestamp of the record (or timer) being processed. */
export class TimestampedCollector<T> implements Collector<T> {
  ts = NO_TIMESTAMP;
  readonly #out: Output<T>;
  constructor(out: Output<T>) {
    this.#out = out;
  }
  collect(value: T): void {
    this.#out.collect(value, this.ts);
  }
}

/**
 * The reusable context object of (keyed) process functions: one per operator instance, updated
 * before each call, so no allocation per record.
 */
export class ProcessContextImpl<K> implements OnTimerContext<K> {
  ts = NO_TIMESTAMP;
  domain: TimeDomain = 'EVENT_TIME';
  readonly #op: AbstractStreamOperator<unknown>;
  #timers: InternalTimerService<VoidNamespace> | undefined;
  readonly #timerService: TimerService;

  constructor(op: AbstractStreamOperator<unknown>) {
    this.#op = op;
    const self = this;
    const timers = (): InternalTimerService<VoidNamespace> => {
      if (self.#timers === undefined) {
        throw new StateAccessError(
          `operator '${op.name}' (uid '${op.uid}'): timers are only supported on keyed streams; call keyBy(...) and use a KeyedProcessFunction`,
        );
      }
      return self.#timers;
    };
    const check = (t: number): number => {
      if (typeof t !== 'number' || Number.isNaN(t)) throw new TypeError(`a timer needs a timestamp in ms (a number), got ${String(t)}`);
      return t;
    };
    this.#timerService = {
      currentProcessingTime: () => op.pts.now(),
      currentWatermark: () => op.currentWatermark,
      registerEventTimeTimer: (t) => timers().registerEventTimeTimer(VOID_NAMESPACE, check(t)),
      registerProcessingTimeTimer: (t) => timers().registerProcessingTimeTimer(VOID_NAMESPACE, check(t)),
      deleteEventTimeTimer: (t) => timers().deleteEventTimeTimer(VOID_NAMESPACE, t),
      deleteProcessingTimeTimer: (t) => timers().deleteProcessingTimeTimer(VOID_NAMESPACE, t),
    };
  }

  bindTimers(timers: InternalTimerService<VoidNamespace>): void {
    this.#timers = timers;
  }

  timestamp(): number | undefined {
    return this.ts === NO_TIMESTAMP ? undefined : this.ts;
  }
  timerService(): TimerService {
    return this.#timerService;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.#op.out.collectSide(tag as OutputTag<unknown>, value, this.ts);
  }
  getCurrentKey(): K {
    return this.#op.backend?.getCurrentKey() as K;
  }
  timeDomain(): TimeDomain {
    return this.domain;
  }
}
