import { InputStatus, type Boundedness, type ReaderOutput, type Source, type SourceReader } from '../../core/source.ts';

const READY = Promise.resolve();

/**
 * A bounded source over an array (what `env.fromCollection` / `fromElements` use). Not parallel:
 * it runs as one subtask and downstream operators get the records by rebalance or keyBy.
 *
 * @example
 * ```ts
 * env.fromSource(new CollectionSource([1, 2, 3]), WatermarkStrategy.noWatermarks(), 'numbers');
 * ```
 */
export class CollectionSource<T> implements Source<T> {
  readonly items: readonly T[];
  readonly maxParallelism = 1;
  constructor(items: readonly T[]) {
    this.items = items;
  }
  getBoundedness(): Boundedness {
    return 'bounded';
  }
  createReader(_ctx: unknown, restored?: unknown): SourceReader<T> {
    const items = this.items;
    let i = typeof restored === 'number' ? restored : 0;
    return {
      pollNext(out: ReaderOutput<T>): InputStatus {
        if (i >= items.length) return InputStatus.END_OF_INPUT;
        out.collect(items[i++]!);
        return i < items.length ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
      },
      isAvailable: () => READY,
      snapshotState: () => i,
    };
  }
}

/**
 * A source over any iterable or async iterable (`env.addSource(iterable)`), bounded by default.
 * Records are pulled one at a time; async iterables are read ahead by one element.
 *
 * @example
 * ```ts
 * async function* lines() { yield 'a'; yield 'b'; }
 * env.addSource(lines()).print();
 * env.fromSource(new IterableSource(lines(), { bounded: false }), WatermarkStrategy.noWatermarks(), 'live');
 * ```
 */
export class IterableSource<T> implements Source<T> {
  readonly #iterable: Iterable<T> | AsyncIterable<T>;
  readonly #bounded: boolean;
  readonly maxParallelism = 1;
  constructor(iterable: Iterable<T> | AsyncIterable<T>, options: { bounded?: boolean } = {}) {
    this.#iterable = iterable;
    this.#bounded = options.bounded ?? true;
  }
  getBoundedness(): Boundedness {
    return this.#bounded ? 'bounded' : 'unbounded';
  }
  createReader(): SourceReader<T> {
    const src = this.#iterable;
    if (Symbol.iterator in src) {
      const it = (src as Iterable<T>)[Symbol.iterator]();
      return {
        pollNext(out) {
          const r = it.next();
          if (r.done === true) return InputStatus.END_OF_INPUT;
          out.collect(r.value);
          return InputStatus.MORE_AVAILABLE;
        },
        isAvailable: () => READY,
      };
    }
    const it = (src as AsyncIterable<T>)[Symbol.asyncIterator]();
    let pending: Promise<void> | undefined;
    let buffered: IteratorResult<T> | undefined;
    let failure: unknown;
    const fetch = (): Promise<void> =>
      (pending ??= it.next().then(
        (r) => {
          buffered = r;
          pending = undefined;
        },
        (e: unknown) => {
          failure = e;
          pending = undefined;
        },
      ));
    return {
      pollNext(out) {
        if (failure !== undefined) throw failure;
        if (buffered === undefined) {
          void fetch();
          return InputStatus.NOTHING_AVAILABLE;
        }
        const r = buffered;
        buffered = undefined;
        if (r.done === true) return InputStatus.END_OF_INPUT;
        out.collect(r.value);
        void fetch();
        return InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () => pending ?? READY,
      close: async () => {
        await it.return?.();
      },
    };
  }
}
