import { isCommittingSinkWriter, type Sink, type SinkWriter, type SinkWriterContext } from '../../core/sink.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import { OneInputOperator, type OperatorServices } from './operator.ts';

/** Runs a sink writer, and makes it take part in checkpoints through the sink contract. */
export class SinkOperator<T> extends OneInputOperator<T, never> {
  readonly sink: Sink<T>;
  #writer!: SinkWriter<T>;
  #ts = NO_TIMESTAMP;
  #services: OperatorServices | undefined;
  constructor(sink: Sink<T>) {
    super();
    this.sink = sink;
  }
  override setup(...args: Parameters<OneInputOperator<T, never>['setup']>): void {
    super.setup(...args);
    this.#services = args[1];
  }
  override async open(): Promise<void> {
    const services = this.#services;
    const bp = services?.backpressure;
    this.#writer = await this.sink.createWriter({
      subtaskIndex: this.subtaskIndex,
      parallelism: this.parallelism,
      jobName: this.jobName,
      ...(bp !== undefined && { backpressure: { hold: () => bp.hold(this), release: () => bp.release(this) } }),
      ...(services?.fail !== undefined && { fail: services.fail }),
      ...(services?.kafka !== undefined && { kafka: services.kafka }),
      registerFunction: (fn) => this.functionState.initialize(fn, () => this.getRuntimeContext() as never),
    });
  }
  readonly #ctx: SinkWriterContext = {
    timestamp: () => (this.#ts === NO_TIMESTAMP ? undefined : this.#ts),
    currentWatermark: () => this.currentWatermark,
  };
  /** Records written so far. */
  recordsIn = 0;
  override metrics(): ReturnType<OneInputOperator<T, never>['metrics']> {
    return { ...super.metrics(), recordsIn: this.recordsIn };
  }
  processElement(value: T, timestamp: number): void {
    this.recordsIn++;
    this.#ts = timestamp;
    try {
      this.#writer.write(value, this.#ctx);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
  }
  override processIdle(): void {}
  /**
   * Two-phase writers prepare the commit; others flush (at the end of input, everyone flushes
   * with `endOfInput`, which for some writers is the only flush that waits).
   */
  override async prepareCommit(checkpointId: number, endOfInput: boolean): Promise<void> {
    const w = this.#writer;
    if (w === undefined) return;
    if (endOfInput) await w.flush?.(true);
    if (isCommittingSinkWriter(w)) await w.prepareCommit(checkpointId);
    else if (!endOfInput) await w.flush?.(false);
  }
  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    const w = this.#writer;
    if (w !== undefined && isCommittingSinkWriter(w)) await w.notifyCheckpointComplete?.(checkpointId);
  }
  override async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    await super.notifyCheckpointAborted(checkpointId);
    const w = this.#writer;
    if (w !== undefined && isCommittingSinkWriter(w)) await w.notifyCheckpointAborted?.(checkpointId);
  }
  override async close(): Promise<void> {
    this.#services?.backpressure?.release(this);
    if (this.#writer !== undefined) {
      await this.#writer.flush?.(true);
      await this.#writer.close?.();
    }
  }
}
