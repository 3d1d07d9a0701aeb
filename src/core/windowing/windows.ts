import type { NamespaceSerializer } from '../state/namespace.ts';

/**
 * A window: a finite bucket of elements. `maxTimestamp()` is the largest timestamp that still
 * belongs to it; an event-time window fires when the watermark passes it.
 */
export abstract class Window {
  abstract maxTimestamp(): number;
}

/**
 * A time interval `[start, end)`.
 *
 * @example
 * ```ts
 * import { TimeWindow } from 'sluice';
 * const w = new TimeWindow(0, 10_000);
 * w.maxTimestamp(); // 9999
 * ```
 */
export class TimeWindow extends Window {
  readonly start: number;
  readonly end: number;
  #key: string | undefined;
  constructor(start: number, end: number) {
    super();
    this.start = start;
    this.end = end;
  }
  maxTimestamp(): number {
    return this.end - 1;
  }
  /** Flink's accessor: the first timestamp of the window (inclusive). */
  getStart(): number {
    return this.start;
  }
  /** Flink's accessor: the end of the window (exclusive). */
  getEnd(): number {
    return this.end;
  }
  /** Whether the two windows overlap or touch (session windows merge then). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }
  /** The smallest window containing both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }
  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }
  /** `start:end`, the identity of the window in state. */
  get key(): string {
    return (this.#key ??= `${this.start}:${this.end}`);
  }
  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }
  toJSON(): { start: number; end: number } {
    return { start: this.start, end: this.end };
  }
  /** Start of the window of `size` (shifted by `offset`) that contains `timestamp`. */
  static getWindowStartWithOffset(timestamp: number, offset: number, size: number): number {
    const r = (timestamp - offset) % size;
    return r < 0 ? timestamp - (r + size) : timestamp - r;
  }
}

/** The single window of global windowing (fires only through a custom/count trigger). */
export class GlobalWindow extends Window {
  static readonly INSTANCE = new GlobalWindow();
  private constructor() {
    super();
  }
  maxTimestamp(): number {
    return Number.POSITIVE_INFINITY;
  }
  override toString(): string {
    return 'GlobalWindow';
  }
  toJSON(): string {
    return 'global';
  }
}

/** Time windows identified by start and end (any sizes, e.g. merged sessions). */
export const timeWindowSerializer: NamespaceSerializer<TimeWindow> = {
  key: (w) => (w === null ? 0 : w.key),
  toJSON: (w) => (w === null ? null : [w.start, w.end]),
  fromJSON: (j) => (j === null ? (null as unknown as TimeWindow) : new TimeWindow((j as number[])[0]!, (j as number[])[1]!)),
};

/** Time windows that all have the same size: the start alone identifies them (a number key). */
export const fixedSizeTimeWindowSerializer: NamespaceSerializer<TimeWindow> = {
  key: (w) => (w === null ? 0 : w.start),
  toJSON: timeWindowSerializer.toJSON,
  fromJSON: timeWindowSerializer.fromJSON,
};

export const globalWindowSerializer: NamespaceSerializer<GlobalWindow> = {
  key: () => 0,
  toJSON: () => 'global',
  fromJSON: () => GlobalWindow.INSTANCE,
};
