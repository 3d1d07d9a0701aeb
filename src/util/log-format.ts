/** pino's numeric levels and how they read. */
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every entry has, shown in the line's own places (or not at all). */
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'component', 'v']);

const value = (v: unknown): string => {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') return JSON.stringify((v as { message: string }).message);
  return JSON.stringify(v) ?? String(v);
};

/**
 * One JSON log line of pino as a line for people: `12:00:01.250 WARN  broker: auto-created topic topic=output`.
 * Errors show their message (JSON logs keep the stack).
 */
export function prettyLogLine(json: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = Number(entry.level);
  const name = (LEVEL_NAMES[level] ?? String(entry.level)).padEnd(5);
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const where = typeof entry.component === 'string' ? `${entry.component}: ` : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const shown = color ? `\x1b[${LEVEL_COLORS[level] ?? '0'}m${name}\x1b[0m` : name;
  return `${time} ${shown} ${where}${String(entry.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}
