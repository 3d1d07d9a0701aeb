import { InputStatus, type Boundedness, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../../core/source.ts';

export interface GeneratorSourceOptions {
  /** How many records in total (over all subtasks); `Infinity` for an unbounded source. */
  count?: number;
  /** Records per second per source (over all subtasks), paced by the job's clock. */
  ratePerSecond?: number;
  /** The source timestamp of record `index` (optional). */
  timestampOf?: (index: number) => number;
}

const READY = Promise.resolve();

/**
 * Generates records from their index, for tests, demos and benchmarks (Flink's
 * `DataGeneratorSource`). Subtask i of n generates indices i, i+n, i+2n... so the union of the
 * subtasks is exactly 0..count-1. Bounded when `count` is finite; rate-limited on request.
 *
 * @example
 * ```ts
 * import { GeneratorSource, WatermarkStrategy } from 'sluice';
 * const clicks = new GeneratorSource((i) => ({ user: `u${i % 100}`, ts: i * 10 }), { count: 1_000_000 });
 * env.fromSource(clicks, WatermarkStrategy.forMonotonousTimestamps<{ user: string; ts: number }>()
 *   .withTimestampAssigner((c) => c.ts), 'clicks');
 * ```
 */
export class GeneratorSource<T> implements Source<T> {
  readonly #gen: (index: number) => T;
  readonly count: number;
  readonly ratePerSecond: number | undefined;
  readonly #timestampOf: ((index: number) => number) | undefined;

  constructor(generator: (index: number) => T, options: GeneratorSourceOptions = {}) {
    this.#gen = generator;
    this.count = options.count ?? Number.POSITIVE_INFINITY;
    if (!(this.count >= 0)) throw new RangeError('GeneratorSource: count must be >= 0');
    this.ratePerSecond = options.ratePerSecond;
    if (this.ratePerSecond !== undefined && !(this.ratePerSecond > 0)) throw new RangeError('GeneratorSource: ratePerSecond must be > 0');
    this.#timestampOf = options.timestampOf;
  }
  get providesTimestamps(): boolean {
    return this.#timestampOf !== undefined;
  }
  getBoundedness(): Boundedness {
    return Number.isFinite(this.count) ? 'bounded' : 'unbounded';
  }
  createReader(ctx: SourceReaderContext, restored?: unknown): SourceReader<T> {
    return new GeneratorReader<T>(this.#gen, this.count, this.ratePerSecond, this.#timestampOf, ctx, typeof restored === 'number' ? restored : undefined);
  }
}

class GeneratorReader<T> implements SourceReader<T> {
  readonly #gen: (index: number) => T;
  readonly #count: number;
  readonly #step: number;
  readonly #ts: ((index: number) => number) | undefined;
  readonly #ctx: SourceReaderContext;
  readonly #intervalMs: number;
  #next: number;
  #emitted = 0;
  #startTime = Number.NaN;
  #available: Promise<void> = READY;

  constructor(gen: (i: number) => T, count: number, rate: number | undefined, ts: ((i: number) => number) | undefined, ctx: SourceReaderContext, restored: number | undefined) {
    this.#gen = gen;
    this.#count = count;
    this.#step = ctx.parallelism;
    this.#ts = ts;
    this.#ctx = ctx;
    this.#intervalMs = rate === undefined ? 0 : (1000 * ctx.parallelism) / rate;
    this.#next = restored ?? ctx.subtaskIndex;
  }

  pollNext(out: ReaderOutput<T>): InputStatus {
    const count = this.#count;
    if (this.#next >= count) return InputStatus.END_OF_INPUT;
    if (this.#intervalMs > 0) return this.#pollRateLimited(out);
    // Emit a small batch per call: fewer calls, same semantics.
    const gen = this.#gen;
    const ts = this.#ts;
    const step = this.#step;
    let i = this.#next;
    const end = Math.min(count, i + 64 * step);
    if (ts === undefined) for (; i < end; i += step) out.collect(gen(i));
    else for (; i < end; i += step) out.collect(gen(i), ts(i));
    this.#next = i;
    return i < count ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
  }

  #pollRateLimited(out: ReaderOutput<T>): InputStatus {
    const now = this.#ctx.clock.now();
    if (Number.isNaN(this.#startTime)) this.#startTime = now;
    const due = this.#startTime + this.#emitted * this.#intervalMs;
    if (due > now) {
      this.#available = this.#ctx.sleepUntil(due);
      return InputStatus.NOTHING_AVAILABLE;
    }
    const i = this.#next;
    if (this.#ts === undefined) out.collect(this.#gen(i));
    else out.collect(this.#gen(i), this.#ts(i));
    this.#emitted++;
    this.#next = i + this.#step;
    return this.#next < this.#count ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
  }

  isAvailable(): Promise<void> {
    return this.#available;
  }
  snapshotState(): number {
    return this.#next;
  }
}
