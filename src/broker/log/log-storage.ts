import { HandleCache } from './handle-cache.ts';
import { SLUICE_DEFAULTS } from '../config/broker-configs.ts';

/** Open segment files a broker keeps at most (Sluice's `sluice.max.open.segment.files`). */
export const DEFAULT_MAX_OPEN_SEGMENT_FILES = SLUICE_DEFAULTS.maxOpenSegmentFiles;

/**
 * What every log of one broker shares: the bounded cache of open segment files. Logs opened
 * without one (tools, tests) share a process-wide default.
 */
export class LogStorage {
  readonly handles: HandleCache;
  /** Logs with appends waiting for their flush.ms deadline. */
  readonly timedFlush = new Set<{ flushIfDue(now: number): boolean }>();

  constructor(maxOpenFiles: number = DEFAULT_MAX_OPEN_SEGMENT_FILES) {
    this.handles = new HandleCache(maxOpenFiles);
  }
}

let shared: LogStorage | undefined;

/** The process-wide storage for logs opened without their own. */
export function sharedLogStorage(): LogStorage {
  shared ??= new LogStorage();
  return shared;
}
