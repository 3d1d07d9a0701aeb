import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Replaces (or appends) the `## <title>` section of BENCHMARKS.md with `body`. */
export function writeBenchmarkSection(title: string, body: string): void {
  const path = new URL('../BENCHMARKS.md', import.meta.url);
  const section = `## ${title}\n\n${body.trim()}\n`;
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = doc.search(new RegExp(`^## ${title}\\s*$`, 'm'));
  if (start >= 0) {
    const rest = doc.slice(start + 1);
    const next = rest.search(/^## /m);
    doc = doc.slice(0, start) + section + (next >= 0 ? `\n${rest.slice(next)}` : '');
  } else doc = `${doc.trimEnd()}\n\n${section}`;
  writeFileSync(path, doc);
}

/** The body of the `## <title>` section of BENCHMARKS.md ('' if none): earlier runs to keep below a new one. */
export function earlierRuns(title: string): string {
  const path = new URL('../BENCHMARKS.md', import.meta.url);
  if (!existsSync(path)) return '';
  const doc = readFileSync(path, 'utf8');
  const start = doc.search(new RegExp(`^## ${title}\\s*$`, 'm'));
  if (start < 0) return '';
  const rest = doc.slice(doc.indexOf('\n', start) + 1);
  const next = rest.search(/^## /m);
  return (next >= 0 ? rest.slice(0, next) : rest).trim();
}

/** One line describing the machine a benchmark ran on (cores, CPU model, Node version). */
export function machineLine(): string {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep os.cpus()'s name
  }
  return `${cpus().length} cores, ${cpu}; Node ${process.version}`;
}

/** Formats a number with thousands separators. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
