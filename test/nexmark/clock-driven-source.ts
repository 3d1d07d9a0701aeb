import { InputStatus, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext } from '../../src/index.ts';
import type { ManualClock } from '../../src/testing/index.ts';

/**
 * A bounded source (parallelism 1) that sets a manual clock to `procTimeOf(i)` before it emits
 * item i, and to `endTime` before it ends: the job then processes each item at a known processing
 * time, so processing-time windows have a deterministic expected result.
 */
export class ClockDrivenSource<T> implements Source<T> {
  readonly #items: readonly T[];
  readonly #clock: ManualClock;
  readonly #procTimeOf: (i: number) => number;
  readonly #endTime: number;

  constructor(items: readonly T[], clock: ManualClock, procTimeOf: (i: number) => number, endTime: number) {
    this.#items = items;
    this.#clock = clock;
    this.#procTimeOf = procTimeOf;
    this.#endTime = endTime;
  }
  getBoundedness(): 'bounded' {
    return 'bounded';
  }
  createReader(ctx: SourceReaderContext): SourceReader<T> {
    if (ctx.parallelism !== 1) throw new Error('ClockDrivenSource runs with parallelism 1');
    let i = 0;
    return {
      pollNext: (out: ReaderOutput<T>) => {
        if (i >= this.#items.length) {
          this.#clock.set(this.#endTime);
          return InputStatus.END_OF_INPUT;
        }
        this.#clock.set(this.#procTimeOf(i));
        out.collect(this.#items[i++]!);
        return InputStatus.MORE_AVAILABLE;
      },
      isAvailable: () => Promise.resolve(),
    };
  }
}
