import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { JobCancelledError } from '../../core/errors/job-errors.ts';
import { InputStatus } from '../../core/source.ts';
import { isObservable } from './execution-options.ts';
import type { Task } from './task.ts';
import type { Worker } from './worker.ts';

/** Polls per reader per round: a reader that always has data cannot starve the others. */
const POLLS_PER_ROUND = 512;
/** Rounds between two yields to the event loop (I/O callbacks, acknowledgements, timers). */
const ROUNDS_PER_YIELD = 64;
/** Processing time between two yields at most, however long the polls take (fetched data and acknowledgements arrive on the event loop). */
const YIELD_EVERY_MS = 5;

/**
 * The worker's loop, until every source task ended (or the job is stopped, cancelled or fails):
 *
 *   1. poll each source task's reader up to 512 times (`pollNext` is synchronous and pushes the
 *      records through the task's chain and the exchanges before it returns), round-robin, so
 *      every task gets its turn; a reader with nothing to read is parked on its `isAvailable()`;
 *      nothing is polled while an operator holds the backpressure or alignment pauses the reader,
 *      and the round ends as soon as a processing-time callback or a yield is due (the next
 *      round starts with the next task);
 *   2. run the processing-time callbacks that are due (timers, periodic watermarks, alignment);
 *   3. serve the job group's unit changes (release revoked units after a checkpoint, start added
 *      ones once restored: see UnitSet), savepoint requests (a stop-with-savepoint ends the loop),
 *      then take a checkpoint if one is due (sources paused meanwhile);
 *   4. when nothing progressed, sleep until a reader is available, the next processing-time
 *      callback is due (a timer on the system clock, or the manual clock's advance
 *      notification), the backpressure is released, or the job is cancelled; otherwise yield to
 *      the event loop every 64 rounds or 5 ms of processing time, whichever comes first.
 */
export class PollLoop {
  readonly #w: Worker;
  #tasks: Task[] = [];
  #mayGoOn: Array<() => boolean> = [];
  /** The unit set's version the task list was read at (units added or released while the loop runs). */
  #version = -1;
  readonly #roundOver: () => boolean;
  /** The task a round starts with: the one after the task whose turn was cut short. */
  #first = 0;
  /** Processing time of the last yield to the event loop. */
  #lastYield: number;

  constructor(worker: Worker) {
    this.#w = worker;
    // A due processing-time callback or yield ends the round, so a busy reader cannot delay
    // periodic watermarks, timers, checkpoints and the event loop's I/O (the other tasks' input,
    // the acknowledgements of what was sent) by a whole round (up to 512 polls of each reader).
    const pts = worker.pts;
    this.#lastYield = pts.now();
    this.#roundOver = () => {
      const now = pts.now();
      return pts.nextTime() <= now || now - this.#lastYield >= YIELD_EVERY_MS;
    };
    this.#readTasks();
  }

  #readTasks(): void {
    const w = this.#w;
    this.#version = w.unitSet?.version ?? 0;
    this.#tasks = w.sourceTasks();
    this.#mayGoOn = this.#tasks.map((t) => () => !w.backpressure.held && !t.source!.alignmentPaused && !this.#roundOver());
  }

  async run(): Promise<void> {
    const w = this.#w;
    const { clock, stopSignal } = w.options;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    let rounds = 0;
    try {
      for (;;) {
        if (w.failure !== undefined) throw w.failure;
        if (w.cancelled) throw new JobCancelledError(w.graph.jobName);
        if (stopSignal?.stopped) break;
        // 1.
        w.observed?.activity('busy');
        let progressed = false;
        let open = 0;
        const n = this.#tasks.length;
        for (let k = 0; k < n; k++) {
          const i = (this.#first + k) % n;
          const task = this.#tasks[i]!;
          const source = task.source!;
          if (source.ended) continue;
          open++;
          if (task.waiting || w.backpressure.held || source.alignmentPaused) continue;
          const status = task.poll(POLLS_PER_ROUND, this.#mayGoOn[i]!);
          if (status === InputStatus.END_OF_INPUT) {
            source.end();
            w.alignment.updateAll();
            progressed = true;
          } else if (status === InputStatus.NOTHING_AVAILABLE) this.#park(task);
          else progressed = true;
          if (stopSignal?.stopped) break;
          if (this.#roundOver()) {
            // The next round starts with the next task, so every task gets its turn.
            this.#first = (i + 1) % n;
            break;
          }
        }
        // 2.
        if (w.pts.fireDue() > 0) progressed = true;
        // 3.
        // Only a job group member's worker has unit changes (no await otherwise: the loop's timing stays as it was).
        if (w.unitSet?.pending === true && (await w.serveUnitChanges())) progressed = true;
        if ((w.unitSet?.version ?? 0) !== this.#version) this.#readTasks();
        w.serveSavepoints();
        if (w.stopWithSavepointPending && (await w.serveStopWithSavepoint())) break;
        if (open === 0) break;
        if (w.coordinator.ready()) {
          await w.coordinator.checkpoint(false);
          progressed = true;
        }
        // 4.
        if (!progressed) {
          w.observed?.activity(w.backpressure.held ? 'backPressured' : 'idle');
          const wait = w.wake.wait();
          const next = w.pts.nextTime();
          if (next !== Number.POSITIVE_INFINITY && !isObservable(clock)) {
            timeout = setTimeout(() => w.wake.signal(), Math.max(0, next - clock.now()));
          }
          await wait;
          if (timeout !== undefined) clearTimeout(timeout);
          this.#lastYield = w.pts.now();
        } else if (++rounds % ROUNDS_PER_YIELD === 0 || w.pts.now() - this.#lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          this.#lastYield = w.pts.now();
        }
      }
    } finally {
      if (timeout !== undefined) clearTimeout(timeout);
    }
  }

  /** The reader has nothing now: poll it again once it says it may have. */
  #park(task: Task): void {
    task.waiting = true;
    const resume = (): void => {
      task.waiting = false;
      this.#w.wake.signal();
    };
    task.reader!.isAvailable().then(resume, resume);
  }
}
