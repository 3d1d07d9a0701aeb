/**
 * Names a side output. Emit to it with `ctx.output(tag, value)` in a process function (or via
 * `sideOutputLateData(tag)` on a window), read it with `stream.getSideOutput(tag)`.
 *
 * @example
 * ```ts
 * import { OutputTag, StreamExecutionEnvironment } from 'sluice';
 * const rejected = new OutputTag<string>('rejected');
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * const main = env.fromElements('a', 'bad', 'b').process((v: string, ctx, out) => {
 *   if (v === 'bad') ctx.output(rejected, v); else out.collect(v);
 * });
 * const bad = await main.getSideOutput(rejected).executeAndCollect(); // ['bad']
 * ```
 */
export class OutputTag<T> {
  readonly id: string;
  declare readonly __type?: T;
  constructor(id: string) {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('an OutputTag needs a non-empty id');
    this.id = id;
  }
}
