import type { ReaderOutput, SourceOutput, SourceReader } from '../../core/source.ts';
import { badTimestamp, type WatermarkStrategy } from '../../time/watermark-strategy.ts';
import { type TimestampAssigner } from '../../core/watermark/timestamp-assigner.ts';
import type { WatermarkGenerator, WatermarkOutput } from '../../core/watermark/watermark-generator.ts';
import { WatermarkEmitter, WatermarkMultiplexer } from '../../time/watermark-emitter.ts';
import { MAX_WATERMARK, NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import type { Clock } from '../../util/clock.ts';
import { UserFunctionError } from '../../core/errors/job-errors.ts';
import type { Output } from '../../core/output.ts';
import type { AlignedSource } from '../executor/watermark-alignment.ts';

/** One split's output: its own watermark generator feeding the reader's multiplexer. */
class SplitOutput<T> implements SourceOutput<T> {
  readonly #task: TaskSource<T>;
  readonly gen: WatermarkGenerator<T>;
  readonly wm: WatermarkOutput;
  constructor(task: TaskSource<T>, gen: WatermarkGenerator<T>, wm: WatermarkOutput) {
    this.#task = task;
    this.gen = gen;
    this.wm = wm;
  }
  collect(value: T, timestamp: number = NO_TIMESTAMP): void {
    this.#task.emitRecord(value, timestamp, this.gen, this.wm);
  }
  emitWatermark(w: number): void {
    this.wm.emitWatermark(w);
  }
  markIdle(): void {
    this.wm.markIdle();
  }
  markActive(): void {
    this.wm.markActive();
  }
}

/**
 * The source of a task (a stage that starts at a source, one subtask of it): the output its
 * reader polls into. Assigns timestamps, generates watermarks (per split when the reader uses
 * splits) and pushes records into the task's operator chain, synchronously.
 */
export class TaskSource<T> implements ReaderOutput<T> {
  readonly name: string;
  readonly uid: string;
  readonly reader: SourceReader<T>;
  readonly #out: Output<T>;
  readonly #assigner: TimestampAssigner<T>;
  readonly #strategy: WatermarkStrategy<T>;
  readonly #clock: Clock;
  readonly #gen: WatermarkGenerator<T>;
  readonly #emitter: WatermarkEmitter;
  readonly #everyRecord: boolean;
  readonly #splits = new Map<string, SplitOutput<T>>();
  #mux: WatermarkMultiplexer | undefined;
  /** Watermark alignment of this subtask, when its strategy asks for it. */
  readonly #alignment: AlignedSource | undefined;
  /** The reader-level watermark output (watched by the alignment when there is one). */
  readonly #readerWm: WatermarkOutput;
  ended = false;
  waiting = false;
  records = 0;

  constructor(opts: {
    name: string;
    uid: string;
    reader: SourceReader<T>;
    out: Output<T>;
    strategy: WatermarkStrategy<T>;
    clock: Clock;
    batch: boolean;
    everyRecord: boolean;
    alignment?: AlignedSource | undefined;
  }) {
    this.name = opts.name;
    this.uid = opts.uid;
    this.reader = opts.reader;
    this.#out = opts.out;
    this.#strategy = opts.strategy;
    this.#clock = opts.clock;
    this.#assigner = opts.strategy.createTimestampAssigner();
    this.#gen = opts.strategy.createWatermarkGenerator({ clock: opts.clock });
    this.#emitter = new WatermarkEmitter(opts.out as Output<unknown>, opts.batch);
    this.#everyRecord = opts.everyRecord && !opts.batch;
    this.#alignment = opts.alignment;
    this.#readerWm = opts.alignment?.wrapReader(this.#emitter) ?? this.#emitter;
  }

  /** This subtask's watermark alignment, if any (unregistered when its unit leaves the worker). */
  get alignment(): AlignedSource | undefined {
    return this.#alignment;
  }

  /** Watermark alignment paused the whole reader: the executor does not poll it. */
  get alignmentPaused(): boolean {
    return this.#alignment?.paused ?? false;
  }

  /** The record leaves before its generator sees it (Flink's order), so its own watermark cannot make it late. */
  emitRecord(value: T, timestamp: number, gen: WatermarkGenerator<T>, wm: WatermarkOutput): void {
    let ts: number;
    try {
      ts = this.#assigner.extractTimestamp(value, timestamp);
      if (typeof ts !== 'number' || ts !== ts) throw badTimestamp(ts);
    } catch (e) {
      throw new UserFunctionError(this.name, this.uid, value, e, 'assigning the timestamp of record');
    }
    this.records++;
    this.#out.collect(value, ts);
    try {
      gen.onEvent(value, ts, wm);
    } catch (e) {
      throw e instanceof UserFunctionError ? e : new UserFunctionError(this.name, this.uid, value, e, 'generating the watermark after record');
    }
    if (this.#everyRecord) gen.onPeriodicEmit(wm);
  }

  collect(value: T, timestamp: number = NO_TIMESTAMP): void {
    this.emitRecord(value, timestamp, this.#gen, this.#readerWm);
  }
  emitWatermark(w: number): void {
    this.#readerWm.emitWatermark(w);
  }
  markIdle(): void {
    this.#readerWm.markIdle();
  }
  markActive(): void {
    this.#readerWm.markActive();
  }
  createOutputForSplit(splitId: string): SourceOutput<T> {
    let s = this.#splits.get(splitId);
    if (s === undefined) {
      this.#mux ??= new WatermarkMultiplexer(this.#emitter);
      const wm = this.#mux.register(splitId);
      s = new SplitOutput<T>(this, this.#strategy.createWatermarkGenerator({ clock: this.#clock }), this.#alignment?.wrap(splitId, wm) ?? wm);
      this.#splits.set(splitId, s);
    }
    return s;
  }
  releaseOutputForSplit(splitId: string): void {
    if (this.#splits.delete(splitId)) {
      this.#mux?.unregister(splitId);
      this.#alignment?.release(splitId);
    }
  }

  /** A split's own watermark and idleness, before the minimum over splits (metrics). */
  splitWatermark(splitId: string): { readonly wm: number; readonly idle: boolean } | undefined {
    return this.#mux?.splitWatermark(splitId);
  }

  /** Whether the reader's output is idle (every split idle, or the reader marked idle). */
  get idle(): boolean {
    return this.#emitter.idle;
  }

  /** Periodic watermark emission (driven by the job's clock). */
  periodicEmit(): void {
    if (this.ended) return;
    if (this.#splits.size === 0) this.#gen.onPeriodicEmit(this.#readerWm);
    else for (const s of this.#splits.values()) s.gen.onPeriodicEmit(s.wm);
  }

  /** End of input: the +infinity watermark. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.#alignment !== undefined) this.#alignment.ended = true;
    this.#emitter.emitFinal(MAX_WATERMARK);
  }
}
