import { badTimestamp, type WatermarkStrategy } from '../../time/watermark-strategy.ts';
import { type TimestampAssigner } from '../../core/watermark/timestamp-assigner.ts';
import type { WatermarkGenerator } from '../../core/watermark/watermark-generator.ts';
import { WatermarkEmitter } from '../../time/watermark-emitter.ts';
import { MAX_WATERMARK } from '../../core/watermark/watermark.ts';
import type { ScheduledCallback } from '../timers/processing-time-service.ts';
import { OneInputOperator } from './operator.ts';

/** How often periodic watermarks are emitted: ms of processing time, or after every record. */
export type WatermarkInterval = number | 'every-record';

/**
 * `assignTimestampsAndWatermarks`: sets each record's timestamp and generates watermarks.
 * Upstream watermarks are ignored except the end-of-input one.
 */
export class TimestampsAndWatermarksOperator<T> extends OneInputOperator<T, T> {
  readonly strategy: WatermarkStrategy<T>;
  readonly interval: WatermarkInterval;
  #assigner!: TimestampAssigner<T>;
  #gen!: WatermarkGenerator<T>;
  #emitter!: WatermarkEmitter;
  #periodic: ScheduledCallback | undefined;
  #everyRecord = false;

  constructor(strategy: WatermarkStrategy<T>, interval: WatermarkInterval) {
    super();
    this.strategy = strategy;
    this.interval = interval;
  }
  override open(): void {
    this.#assigner = this.strategy.createTimestampAssigner();
    this.#gen = this.strategy.createWatermarkGenerator({ clock: this.pts.clock });
    this.#emitter = new WatermarkEmitter(this.out as never, this.mode === 'batch');
    if (this.mode === 'streaming') {
      if (this.interval === 'every-record') this.#everyRecord = true;
      else if (this.interval > 0) this.#periodic = this.pts.scheduleAtFixedRate(this.interval, () => this.#gen.onPeriodicEmit(this.#emitter));
    }
  }
  /** Record first, then the generator (Flink's order): a watermark emitted for this record cannot make it late. */
  processElement(value: T, timestamp: number): void {
    let ts: number;
    try {
      ts = this.#assigner.extractTimestamp(value, timestamp);
      if (typeof ts !== 'number' || ts !== ts) throw badTimestamp(ts);
    } catch (e) {
      throw this.userError(e, value, 'assigning the timestamp of record');
    }
    this.out.collect(value, ts);
    try {
      this.#gen.onEvent(value, ts, this.#emitter);
    } catch (e) {
      throw this.userError(e, value, 'generating the watermark after record');
    }
    if (this.#everyRecord) this.#gen.onPeriodicEmit(this.#emitter);
  }
  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) {
      this.currentWatermark = watermark;
      this.#emitter.emitFinal(watermark);
    }
  }
  override processIdle(): void {}
  override close(): void {
    this.#periodic?.cancel();
  }
}
