import type { DataStream } from './datastream.ts';
import type { KeySelectorLike } from '../core/functions/basic.ts';
import type { KeyedStream } from './keyed-stream.ts';

/**
 * Flink's `DataStreamUtils`, for programs translated call by call.
 *
 * @example
 * ```ts
 * import { DataStreamUtils } from 'sluice';
 * const keyed = DataStreamUtils.reinterpretAsKeyedStream(alreadyPartitioned, (e) => e.user);
 * ```
 */
export class DataStreamUtils {
  private constructor() {}
  /** See `DataStream.reinterpretAsKeyedStream`. */
  static reinterpretAsKeyedStream<T, K>(stream: DataStream<T>, keySelector: KeySelectorLike<T, K>): KeyedStream<T, K> {
    return stream.reinterpretAsKeyedStream(keySelector);
  }
  /** Runs the job and returns the stream's records (Flink's `collect`; here `executeAndCollect`). */
  static collect<T>(stream: DataStream<T>, jobName?: string): Promise<T[]> {
    return stream.executeAndCollect(undefined, jobName);
  }
}
