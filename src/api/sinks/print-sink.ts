import { formatRecord } from './print-format.ts';
import type { Sink, SinkInitContext, SinkWriter } from './sink.ts';

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
    const stream = this.stderr ? process.stderr : process.stdout;
    const write = this.#write ?? ((line: string) => void stream.write(`${line}\n`));
    return { write: (v) => write(head + formatRecord(v)) };
  }
}
