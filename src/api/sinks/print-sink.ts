import { formatRecord } from './print-format.ts';
import type { Sink, SinkInitContext, SinkWriter } from '../../core/sink.ts';

/**
 * Writes each record as a line to stdout (or stderr), prefixed with `n> ` (the subtask, from 1)
 * when the sink runs in parallel, like Flink's `print()`. Records are formatted as Flink's
 * `toString()` would where JavaScript allows: arrays print as tuples `(a,b)`; see `formatRecord`.
 *
 * @example
 * ```ts
 * stream.sinkTo(new PrintSink('debug'));  // "debug:2> value"
 * ```
 */
export class PrintSink<T> implements Sink<T> {
  readonly prefix: string | undefined;
  readonly stderr: boolean;
  readonly #write: ((line: string) => void) | undefined;
  constructor(prefix?: string, options: { stderr?: boolean; write?: (line: string) => void } = {}) {
    this.prefix = prefix;
    this.stderr = options.stderr ?? false;
    this.#write = options.write;
  }
  createWriter(ctx: SinkInitContext): SinkWriter<T> {
    const sub = ctx.parallelism > 1 ? `${ctx.subtaskIndex + 1}` : '';
    const head = this.prefix !== undefined ? (sub ? `${this.prefix}:${sub}> ` : `${this.prefix}> `) : sub ? `${sub}> ` : '';
    if (this.#write !== undefined) {
      const custom = this.#write;
      return { write: (v) => custom(head + formatRecord(v)) };
    }
    const stream = this.stderr ? process.stderr : process.stdout;
    let held = false;
    const release = (): void => {
      held = false;
      ctx.backpressure?.release();
    };
    return {
      write: (v) => {
        // A slow reader (a pipe, `| less`): stop reading the sources until it caught up, instead
        // of queueing everything in memory.
        if (!stream.write(`${head}${formatRecord(v)}\n`) && !held && ctx.backpressure !== undefined) {
          held = true;
          ctx.backpressure.hold();
          whenDrained(stream, release);
        }
      },
      // The end of the job: what was printed has left the process.
      flush: (endOfInput) => (endOfInput ? new Promise<void>((resolve) => void stream.write('', () => resolve())) : undefined),
    };
  }
}

/** One 'drain' listener per stream, however many parallel print sinks wait on it. */
const waiters = new Map<NodeJS.WriteStream, Array<() => void>>();
function whenDrained(stream: NodeJS.WriteStream, then: () => void): void {
  const list = waiters.get(stream);
  if (list !== undefined) return void list.push(then);
  waiters.set(stream, [then]);
  const done = (): void => {
    stream.off('drain', done);
    stream.off('close', done);
    const all = waiters.get(stream) ?? [];
    waiters.delete(stream);
    for (const f of all) f();
  };
  stream.on('drain', done);
  stream.on('close', done);
}

