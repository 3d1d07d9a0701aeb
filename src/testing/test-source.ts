import { InputStatus, type Boundedness, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../core/source.ts';
import { JobConfigurationError } from '../core/errors/job-errors.ts';
import type { ManualClock } from './manual-clock.ts';

type Step<T> =
  | { kind: 'emit'; value: T; timestamp: number | undefined }
  | { kind: 'watermark'; watermark: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'idle' }
  | { kind: 'active' }
  | { kind: 'pause' };

const READY = Promise.resolve();

/**
 * A scripted source for tests: records (with optional source timestamps), explicit watermarks,
 * idleness, and processing-time steps that advance a {@link ManualClock}. Each step after an
 * `advanceTime` or `pause` runs in a later poll, so timers due at that time fire in between.
 * Bounded unless `keepOpen()` is called (then it stays open, silent, until the job is cancelled).
 *
 * @example
 * ```ts
 * import { TestSource, ManualClock } from 'sluice/testing';
 * const clock = new ManualClock();
 * const src = new TestSource<string>({ clock })
 *   .emit('a', 1000)
 *   .watermark(1000)
 *   .advanceTime(5000)
 *   .emit('b', 7000);
 * env.fromSource(src, WatermarkStrategy.noWatermarks(), 'test');
 * ```
 */
export class TestSource<T> implements Source<T> {
  readonly #steps: Step<T>[] = [];
  readonly #clock: ManualClock | undefined;
  #open = false;
  readonly maxParallelism = 1;
  readonly providesTimestamps: boolean;

  constructor(options: { clock?: ManualClock; timestamps?: boolean } = {}) {
    this.#clock = options.clock;
    this.providesTimestamps = options.timestamps ?? true;
  }

  /** Emits a record; `timestamp` is its source timestamp (like a Kafka record timestamp). */
  emit(value: T, timestamp?: number): this {
    this.#steps.push({ kind: 'emit', value, timestamp });
    return this;
  }
  emitAll(values: Iterable<T>, timestampOf?: (v: T) => number): this {
    for (const v of values) this.emit(v, timestampOf?.(v));
    return this;
  }
  /** Emits a watermark from the source (on top of what the watermark strategy generates). */
  watermark(watermark: number): this {
    this.#steps.push({ kind: 'watermark', watermark });
    return this;
  }
  /** Advances the manual clock (processing time) by `ms`. */
  advanceTime(ms: number): this {
    if (this.#clock === undefined) throw new TypeError('TestSource.advanceTime needs a ManualClock: new TestSource({ clock })');
    this.#steps.push({ kind: 'advance', ms });
    return this;
  }
  markIdle(): this {
    this.#steps.push({ kind: 'idle' });
    return this;
  }
  markActive(): this {
    this.#steps.push({ kind: 'active' });
    return this;
  }
  /** Lets the job run everything pending before the next step. */
  pause(): this {
    this.#steps.push({ kind: 'pause' });
    return this;
  }
  /** Do not end after the last step: the source stays open (unbounded) until cancelled. */
  keepOpen(): this {
    this.#open = true;
    return this;
  }

  getBoundedness(): Boundedness {
    return this.#open ? 'unbounded' : 'bounded';
  }

  createReader(ctx: SourceReaderContext): SourceReader<T> {
    const steps = this.#steps;
    const clock = this.#clock;
    if (clock !== undefined && steps.some((s) => s.kind === 'advance') && ctx.clock !== clock) {
      throw new JobConfigurationError(
        'TestSource.advanceTime moves a ManualClock that is not the job clock: pass the same clock to the environment (getExecutionEnvironment({ clock })) and to new TestSource({ clock })',
      );
    }
    const open = this.#open;
    let i = 0;
    let forever: Promise<void> | undefined;
    return {
      pollNext(out: ReaderOutput<T>): InputStatus {
        while (i < steps.length) {
          const s = steps[i++]!;
          switch (s.kind) {
            case 'emit':
              out.collect(s.value, s.timestamp);
              return InputStatus.MORE_AVAILABLE;
            case 'watermark':
              out.emitWatermark(s.watermark);
              return InputStatus.MORE_AVAILABLE;
            case 'idle':
              out.markIdle();
              return InputStatus.MORE_AVAILABLE;
            case 'active':
              out.markActive();
              return InputStatus.MORE_AVAILABLE;
            case 'advance':
              clock!.advance(s.ms);
              return InputStatus.NOTHING_AVAILABLE;
            case 'pause':
              return InputStatus.NOTHING_AVAILABLE;
          }
        }
        if (!open) return InputStatus.END_OF_INPUT;
        forever ??= new Promise<void>(() => {});
        return InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () => (i >= steps.length && open ? forever ?? READY : READY),
      snapshotState: () => i,
    };
  }
}
