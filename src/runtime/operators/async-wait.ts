import type { RuntimeContext } from '../../core/runtime-context.ts';
import { UserFunctionError } from '../../core/errors/job-errors.ts';
import type { ScheduledCallback } from '../timers/processing-time-service.ts';
import { splitEvenly } from '../../state/operator/redistribution.ts';
import { OneInputOperator, type OperatorServices } from './operator.ts';

/** An asynchronous function of `AsyncDataStream` / `mapAsync`. */
/**
 * Flink's `ResultFuture`: an async function that declares a second parameter completes its call
 * through it, with zero or more results (`complete([...])`) or an error. Only the first completion
 * counts.
 */
export interface ResultFuture<OUT> {
  complete(results: Iterable<OUT>): void;
  completeExceptionally(error: unknown): void;
}

export interface AsyncFunctionShape<IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  /** Returns the result, or (declaring `resultFuture`) completes it with zero or more results. */
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): Promise<OUT> | void | Promise<void>;
  /** Called when `asyncInvoke` took longer than the timeout; default: the job fails. */
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): OUT | Promise<OUT> | void;
}

interface Pending<IN, OUT> {
  input: IN;
  ts: number;
  done: boolean;
  value: OUT | undefined;
  /** Results given through a ResultFuture (emitted one by one), instead of `value`. */
  results: OUT[] | undefined;
  timer: ScheduledCallback | undefined;
}
type Slot<IN, OUT> = { rec: Pending<IN, OUT> } | { wm: number };

/**
 * Calls an async function per record with at most `capacity` calls in flight. Results are emitted
 * in input order (`ordered`) or as they complete, but never across a watermark (`unordered`).
 * When full, the operator asks the executor to stop polling sources until a call completes; at the
 * end of input the executor waits (`drain`) for every call before finishing the job.
 */
export class AsyncWaitOperator<IN, OUT> extends OneInputOperator<IN, OUT> {
  readonly fn: AsyncFunctionShape<IN, OUT>;
  readonly ordered: boolean;
  readonly timeoutMs: number;
  readonly capacity: number;
  #services!: OperatorServices;
  #queue: Slot<IN, OUT>[] = [];
  #inFlight = 0;
  #drained: (() => void) | undefined;
  #restored: Array<[IN, number]> = [];

  constructor(fn: AsyncFunctionShape<IN, OUT>, options: { ordered: boolean; timeout: number; capacity: number }) {
    super();
    this.fn = fn;
    this.ordered = options.ordered;
    this.timeoutMs = options.timeout;
    this.capacity = options.capacity;
  }

  override setup(...args: Parameters<OneInputOperator<IN, OUT>['setup']>): void {
    super.setup(...args);
    this.#services = args[1];
  }

  override async open(): Promise<void> {
    await this.openFunction(this.fn);
    for (const [v, ts] of this.#restored) this.processElement(v, ts);
    this.#restored = [];
  }

  processElement(value: IN, timestamp: number): void {
    const p: Pending<IN, OUT> = { input: value, ts: timestamp, done: false, value: undefined, results: undefined, timer: undefined };
    this.#queue.push({ rec: p });
    this.#inFlight++;
    if (this.#inFlight >= this.capacity) this.#services.backpressure?.hold(this);
    const withFuture = this.fn.asyncInvoke.length >= 2;
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(this.fn.asyncInvoke(value, this.#resultFuture(p)));
    } catch (e) {
      throw this.userError(e, value);
    }
    if (this.timeoutMs > 0 && Number.isFinite(this.timeoutMs)) {
      p.timer = this.pts.schedule(this.pts.now() + this.timeoutMs, () => {
        if (p.done) return;
        if (this.fn.timeout === undefined) {
          this.#fail(new UserFunctionError(this.name, this.uid, value, new Error(`async call timed out after ${this.timeoutMs} ms`)));
          return;
        }
        if (this.fn.timeout.length >= 2) {
          try {
            void Promise.resolve(this.fn.timeout(value, this.#resultFuture(p))).catch((e: unknown) => this.#fail(this.userError(e, value)));
          } catch (e) {
            this.#fail(this.userError(e, value));
          }
          return;
        }
        Promise.resolve()
          .then(() => this.fn.timeout!(value, this.#resultFuture(p)))
          .then((r) => this.#complete(p, r as OUT), (e: unknown) => this.#fail(this.userError(e, value)));
      });
    }
    promise.then(
      (r) => {
        if (!withFuture) this.#complete(p, r as OUT);
      },
      (e: unknown) => this.#fail(this.userError(e, value)),
    );
  }

  /** The ResultFuture of one call: its first completion completes the call. */
  #resultFuture(p: Pending<IN, OUT>): ResultFuture<OUT> {
    return {
      complete: (results) => {
        if (p.done) return;
        p.results = [...results];
        this.#complete(p, undefined as OUT);
      },
      completeExceptionally: (error) => {
        if (!p.done) this.#fail(this.userError(error, p.input));
      },
    };
  }

  #fail(e: Error): void {
    this.#services.fail?.(e);
  }

  #complete(p: Pending<IN, OUT>, value: OUT): void {
    if (p.done) return;
    p.done = true;
    p.value = value;
    p.timer?.cancel();
    try {
      this.#emitReady();
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  #emitReady(): void {
    const q = this.#queue;
    if (this.ordered) {
      while (q.length > 0) {
        const head = q[0]!;
        if ('rec' in head) {
          if (!head.rec.done) break;
          q.shift();
          this.#emit(head.rec);
        } else {
          q.shift();
          super.processWatermark(head.wm);
        }
      }
    } else {
      // Emit completed records before the first pending watermark; watermarks once nothing before them is pending.
      let i = 0;
      while (i < q.length) {
        const s = q[i]!;
        if ('rec' in s) {
          if (s.rec.done) {
            q.splice(i, 1);
            this.#emit(s.rec);
          } else i++;
        } else {
          if (i > 0) break;
          q.shift();
          super.processWatermark(s.wm);
        }
      }
    }
    if (this.#inFlight < this.capacity) this.#services.backpressure?.release(this);
    if (this.#inFlight === 0 && q.length === 0) this.#drained?.();
  }

  #emit(p: Pending<IN, OUT>): void {
    this.#inFlight--;
    if (p.results === undefined) this.out.collect(p.value as OUT, p.ts);
    else for (const r of p.results) this.out.collect(r, p.ts);
  }

  override processWatermark(watermark: number): void {
    if (this.#queue.length === 0) super.processWatermark(watermark);
    else this.#queue.push({ wm: watermark });
  }

  /** Resolves once every call completed and everything was emitted. */
  override drain(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#drained = resolve));
  }

  override snapshotState(checkpointId: number): ReturnType<OneInputOperator<IN, OUT>['snapshotState']> {
    const snap = super.snapshotState(checkpointId);
    snap.operator = this.#queue.flatMap((s) => ('rec' in s ? [[s.rec.input, s.rec.ts]] : []));
    return snap;
  }

  override restoreState(snapshots: Parameters<OneInputOperator<IN, OUT>['restoreState']>[0]): void {
    super.restoreState(snapshots);
    // Calls in flight are list state: split evenly over the new subtasks (as Flink's async operator).
    const lists = snapshots.map((s) => (Array.isArray(s.operator) ? (s.operator as Array<[IN, number]>) : []));
    this.#restored.push(...splitEvenly(lists, this.subtaskIndex, this.parallelism));
  }

  override async close(): Promise<void> {
    this.#services.backpressure?.release(this);
    await this.closeFunction(this.fn);
    await super.close();
  }
}
