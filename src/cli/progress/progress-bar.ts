import { progressLine } from './progress-line.ts';

/** Where progress goes: stderr, or a fake terminal in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** First word of the line, e.g. "reading" or "sending". */
  label: string;
  /** What is counted, e.g. "records" or "bytes". */
  unit: string;
  /** Read at each redraw: how much is done and of how much. */
  read: () => { done: number; total?: number; note?: string };
  /** A monotonic clock in ms. */
  now: () => number;
  /** Redraw interval. Default 250 ms. */
  intervalMs?: number;
  /** Span of the rate. Default 5 s. */
  rateWindowMs?: number;
}

/** A progress display that can be stopped; `stop()` clears its line. */
export interface Progress {
  /** Redraws now (also called by the timer). */
  render(): void;
  stop(): void;
}

const CLEAR_LINE = '\r\u001b[2K';
const NO_PROGRESS: Progress = { render() {}, stop() {} };

/**
 * A progress line redrawn in place on a terminal (stderr), like curl's or npm's: nothing at all
 * when the stream is not a terminal (a pipe, a file, CI logs) or when SLUICE_PROGRESS=0, so that
 * logs and scripts never see it. It reads its figures itself (pull), so the work being measured
 * costs nothing more than the counters it already keeps.
 */
export function startProgress(options: ProgressOptions, env: NodeJS.ProcessEnv = process.env): Progress {
  if (options.stream.isTTY !== true || env.SLUICE_PROGRESS === '0') return NO_PROGRESS;
  const windowMs = options.rateWindowMs ?? 5_000;
  const samples: Array<[t: number, done: number]> = [];
  let shown = false;
  const render = (): void => {
    const now = options.now();
    const { done, total, note } = options.read();
    samples.push([now, done]);
    while (samples.length > 2 && now - samples[0]![0] > windowMs) samples.shift();
    const [t0, d0] = samples[0]!;
    const rate = now > t0 ? ((done - d0) * 1000) / (now - t0) : 0;
    let line = progressLine(options.label, options.unit, { done, total, rate, note });
    const columns = options.stream.columns || 80; // a pseudo-terminal without a size says 0
    if (line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 1));
    options.stream.write(`${CLEAR_LINE}${line}`);
    shown = true;
  };
  const timer = setInterval(render, options.intervalMs ?? 250);
  timer.unref();
  render(); // at once: short work shows its bar too
  return {
    render,
    stop() {
      clearInterval(timer);
      if (shown) options.stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
