import { GeneratorSource } from '../api/sources/generator-source.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { NexmarkOptions } from './config.ts';
import { NexmarkGenerator } from './generator.ts';
import { eventTime, type NexmarkEvent } from './model.ts';

/** Nexmark's Flink setup: `WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND`. */
export const NEXMARK_OUT_OF_ORDERNESS_MS = 4000;

export interface NexmarkSourceOptions extends NexmarkOptions {
  /** Number of events (default: unbounded). */
  events?: number;
  /** Events per second of wall-clock (job clock) time over all subtasks (default: as fast as possible). */
  ratePerSecond?: number;
}

/**
 * Nexmark events as a source inside the job (no Kafka): event n of the generator for every n
 * below `events`, split over the source's subtasks; bounded when `events` is finite.
 *
 * @example
 * ```ts
 * const events = env.fromSource(nexmarkSource({ events: 1_000_000, seed: 7 }), nexmarkWatermarks(), 'nexmark');
 * ```
 */
export function nexmarkSource(options: NexmarkSourceOptions = {}): GeneratorSource<NexmarkEvent> {
  const generator = new NexmarkGenerator(options);
  return new GeneratorSource<NexmarkEvent>((n) => generator.event(n), { count: options.events, ratePerSecond: options.ratePerSecond });
}

/** Event time from the events' `dateTime`, watermarks 4 s behind (Nexmark's Flink setup). */
export function nexmarkWatermarks(outOfOrdernessMs = NEXMARK_OUT_OF_ORDERNESS_MS): WatermarkStrategy<NexmarkEvent> {
  return WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(outOfOrdernessMs).withTimestampAssigner(eventTime);
}
