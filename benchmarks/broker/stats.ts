import { readFileSync } from 'node:fs';
import { median } from '../bench-report.ts';

/** Median and range of a sample. */
export function summarize(xs: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted from after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
