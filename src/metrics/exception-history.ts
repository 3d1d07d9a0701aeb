/** One failure as the dashboard lists it (Flink's exception history entry). */
export interface ExceptionEntry {
  /** ms since the epoch. */
  timestamp: number;
  exceptionName: string;
  message: string;
  stacktrace: string;
  /** The operator and task where it happened, when known. */
  operator?: { uid: string; name: string };
  task?: { vertexId: string; subtask: number };
  worker?: string;
  /** A short rendering of the record being processed (the runtime's `describeRecord`). */
  record?: string;
}

/**
 * The last failures of a job on a worker, newest first, at most `size` (Flink's
 * `web.exception-history-size`, default 16).
 */
export class ExceptionHistory {
  readonly #entries: ExceptionEntry[] = [];
  readonly #size: number;
  #dropped = false;

  constructor(size = 16) {
    this.#size = size;
  }

  record(error: unknown, now: number, where: Pick<ExceptionEntry, 'operator' | 'task' | 'worker' | 'record'> = {}): void {
    const e = error instanceof Error ? error : new Error(String(error));
    this.#entries.unshift({ timestamp: now, exceptionName: e.name, message: e.message, stacktrace: e.stack ?? `${e.name}: ${e.message}`, ...where });
    if (this.#entries.length > this.#size) {
      this.#entries.pop();
      this.#dropped = true;
    }
  }

  entries(): ExceptionEntry[] {
    return [...this.#entries];
  }

  get truncated(): boolean {
    return this.#dropped;
  }
}
