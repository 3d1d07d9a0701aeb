/** What a progress line shows: how much is done, of how much (when known), how fast. */
export interface ProgressFigures {
  done: number;
  /** Undefined when the end is not known (unbounded input, stdin). */
  total?: number;
  /** Per second, over the last few seconds. */
  rate: number;
  /** Said after the figures, e.g. "12.3k records sent" when the bar counts bytes. */
  note?: string;
}

const BAR_WIDTH = 24;

/** 1234567 → "1.23M", 5300 → "5.3k": short enough to fit a line with a bar. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One line of progress, e.g. `reading [#########---------------]  38% 114k/300k records 52.1k/s ETA 4s`,
 * or without a known total `reading 114k records 52.1k/s`.
 */
export function progressLine(label: string, unit: string, f: ProgressFigures): string {
  const line = bareLine(label, unit, f);
  return f.note ? `${line} · ${f.note}` : line;
}

function bareLine(label: string, unit: string, f: ProgressFigures): string {
  const rate = `${compact(f.rate)}/s`;
  if (f.total === undefined || f.total <= 0) return `${label} ${compact(f.done)} ${unit} ${rate}`;
  const ratio = Math.min(1, Math.max(0, f.done / f.total));
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  const left = f.total - f.done;
  const eta = left <= 0 ? 'done' : f.rate > 0 ? `ETA ${duration(left / f.rate)}` : 'ETA ?';
  return `${label} ${bar} ${pct} ${compact(f.done)}/${compact(f.total)} ${unit} ${rate} ${eta}`;
}
