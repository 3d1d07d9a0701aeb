import { InputStatus, type Boundedness, type ReaderOutput, type Source, type SourceReader } from '../../core/source.ts';

/** What a legacy {@link SourceFunction} emits through (Flink's `SourceFunction.SourceContext`). */
export interface SourceContext<T> {
  collect(element: T): void;
  /** Emits a record with its event timestamp (ms). */
  collectWithTimestamp(element: T, timestamp: number): void;
  /** Emits a watermark: a number, or Flink's `Watermark` shape (`{ timestamp }` / `getTimestamp()`). */
  emitWatermark(mark: number | { timestamp: number } | { getTimestamp(): number }): void;
  markAsTemporarilyIdle(): void;
  /** Flink's checkpoint lock; JavaScript runs one thing at a time, so it guards nothing here. */
  getCheckpointLock(): object;
  close(): void;
}

/**
 * Flink's legacy source interface, for `env.addSource(fn)`: `run(ctx)` emits until it returns
 * (then the source ends, with a final +infinity watermark); `cancel()` is called when the job is
 * cancelled before that. `run` may be async: await between records so the job can process them.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment, type SourceFunction, type SourceContext } from 'sluice';
 * class Counter implements SourceFunction<number> {
 *   running = true;
 *   async run(ctx: SourceContext<number>) {
 *     for (let i = 0; this.running && i < 1000; i++) {
 *       ctx.collectWithTimestamp(i, i * 1000);
 *       if (i % 100 === 0) await new Promise((r) => setImmediate(r));
 *     }
 *   }
 *   cancel() { this.running = false; }
 * }
 * StreamExecutionEnvironment.getExecutionEnvironment().addSource(new Counter()).print();
 * ```
 */
export interface SourceFunction<T> {
  run(ctx: SourceContext<T>): void | Promise<void>;
  cancel(): void;
}

type Emitted<T> = { kind: 'record'; value: T; timestamp: number | undefined } | { kind: 'watermark'; at: number } | { kind: 'idle' };

const watermarkOf = (mark: number | { timestamp: number } | { getTimestamp(): number }): number =>
  typeof mark === 'number' ? mark : 'getTimestamp' in mark ? mark.getTimestamp() : mark.timestamp;

/** Runs a legacy {@link SourceFunction} as a one-subtask, unbounded source (as Flink treats them). */
export class SourceFunctionSource<T> implements Source<T> {
  readonly #fn: SourceFunction<T>;
  readonly maxParallelism = 1;
  readonly providesTimestamps = true;
  constructor(fn: SourceFunction<T>) {
    this.#fn = fn;
  }
  getBoundedness(): Boundedness {
    return 'unbounded';
  }
  createReader(): SourceReader<T> {
    const fn = this.#fn;
    const queue: Emitted<T>[] = [];
    let head = 0;
    let state: 'new' | 'running' | 'finished' = 'new';
    let failure: { error: unknown } | undefined;
    let idle = false;
    let wake: (() => void) | undefined;
    let signal: Promise<void> | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
      signal = undefined;
    };
    const push = (e: Emitted<T>): void => {
      queue.push(e);
      notify();
    };
    const lock = {};
    const ctx: SourceContext<T> = {
      collect: (value) => push({ kind: 'record', value, timestamp: undefined }),
      collectWithTimestamp: (value, timestamp) => push({ kind: 'record', value, timestamp }),
      emitWatermark: (mark) => push({ kind: 'watermark', at: watermarkOf(mark) }),
      markAsTemporarilyIdle: () => push({ kind: 'idle' }),
      getCheckpointLock: () => lock,
      close: () => {},
    };
    const start = (): void => {
      state = 'running';
      Promise.resolve()
        .then(() => fn.run(ctx))
        .then(
          () => {
            state = 'finished';
            notify();
          },
          (error: unknown) => {
            failure = { error };
            state = 'finished';
            notify();
          },
        );
    };
    return {
      pollNext(out: ReaderOutput<T>): InputStatus {
        if (state === 'new') start();
        if (head < queue.length) {
          const e = queue[head++]!;
          if (head > 1024 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          if (e.kind === 'record') {
            if (idle) {
              idle = false;
              out.markActive();
            }
            out.collect(e.value, e.timestamp);
          } else if (e.kind === 'watermark') out.emitWatermark(e.at);
          else {
            idle = true;
            out.markIdle();
          }
          return head < queue.length ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
        }
        if (failure !== undefined) throw failure.error;
        return state === 'finished' ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable(): Promise<void> {
        if (head < queue.length || state !== 'running') return Promise.resolve();
        return (signal ??= new Promise<void>((resolve) => (wake = resolve)));
      },
      close(): void {
        if (state === 'running') fn.cancel();
      },
    };
  }
}

/** Whether `source` is a legacy SourceFunction (`run` and `cancel`) rather than a `Source` or iterable. */
export function isSourceFunction<T>(source: unknown): source is SourceFunction<T> {
  return (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as Partial<SourceFunction<T>>).run === 'function' &&
    typeof (source as Partial<SourceFunction<T>>).cancel === 'function' &&
    typeof (source as Partial<Source<T>>).createReader !== 'function'
  );
}
