/**
 * Duration helpers. Durations in Sluice are plain milliseconds; these read like Flink's `Time` /
 * `Duration` factories.
 *
 * @example
 * ```ts
 * import { Time, TumblingEventTimeWindows } from 'sluice';
 * TumblingEventTimeWindows.of(Time.seconds(10)); // same as .of(10_000)
 * ```
 */
export const Time = {
  milliseconds: (n: number): number => n,
  seconds: (n: number): number => n * 1000,
  minutes: (n: number): number => n * 60_000,
  hours: (n: number): number => n * 3_600_000,
  days: (n: number): number => n * 86_400_000,
} as const;

/** Alias of {@link Time} for readers used to `java.time.Duration.ofSeconds(...)`. */
export const Duration = {
  ofMillis: Time.milliseconds,
  ofSeconds: Time.seconds,
  ofMinutes: Time.minutes,
  ofHours: Time.hours,
  ofDays: Time.days,
} as const;
