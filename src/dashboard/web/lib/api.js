// Fetches the dashboard's REST API (relative URLs, so the dashboard works behind a path prefix).

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path, signal) {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, (body.errors ?? [res.statusText]).join('; '));
  return body;
}

/** Flink writes "no watermark" as Long.MIN_VALUE and "end of input" as Long.MAX_VALUE. */
export const NO_WATERMARK = -9.2e18;
export const END_WATERMARK = 9.2e18;

export function fmtNumber(n, digits = 0) {
  if (n === undefined || n === null || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtBytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function fmtTime(ms) {
  if (ms === undefined || ms === null || ms < 0) return '–';
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function fmtDuration(ms) {
  if (ms === undefined || ms === null || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function fmtWatermark(w) {
  if (w === undefined || w === null || w <= NO_WATERMARK) return 'none yet';
  if (w >= END_WATERMARK) return 'end of input';
  return fmtTime(w);
}
