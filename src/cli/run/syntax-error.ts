import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Location {
  file: string;
  line: number;
  column: number;
}

/**
 * The line and column in a code frame as Node prints it under `FILE:LINE`: one or more source
 * lines (the error's is the last), then a caret line under the error (none at the end of input).
 */
function inFrame(frame: string[], line: number): { line: number; column: number } {
  const caretAt = frame.findIndex((l) => /^\s*\^+\s*$/.test(l));
  const code = (caretAt >= 0 ? frame.slice(0, caretAt) : frame.slice(0, Math.max(1, frame.indexOf('')))).filter((l) => l !== '');
  return { line, column: caretAt >= 0 ? frame[caretAt]!.indexOf('^') + 1 : (code.at(-1)?.length ?? 0) + 1 };
}

/** Where a module failed to parse, from the stack Node gives TypeScript files (`file:///path:LINE`, then a code frame). */
function fromStack(err: Error): Location | undefined {
  const lines = String(err.stack ?? '').split('\n');
  const m = /^(file:\/\/\S+|\/\S+):(\d+)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  return { file: m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!, ...inFrame(lines.slice(1), Number(m[2])) };
}

/**
 * Where `file` fails to parse, by Node's own syntax check (types stripped first: positions stay
 * the same). For JavaScript, whose errors come without a location on dynamic import.
 */
function byCheck(file: string): Location | undefined {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
    if (/\.[mc]?ts$/.test(file)) source = stripTypeScriptTypes(source);
  } catch {
    return undefined; // unreadable, or not even TypeScript: the stack had the location then
  }
  const check = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: source, encoding: 'utf8', timeout: 30_000 });
  const lines = String(check.stderr ?? '').split('\n');
  const m = /^\[stdin\]:(\d+)$/.exec(lines[0] ?? '');
  return m ? { file, ...inFrame(lines.slice(1), Number(m[1])) } : undefined;
}

/**
 * `syntax error at job.ts:3:14` for a job file (or a module it imports) that does not parse; the
 * error's own message completes the line.
 */
export function syntaxErrorWhere(err: SyntaxError, jobFile: string): string {
  const at = fromStack(err) ?? byCheck(jobFile);
  if (at === undefined) return `syntax error in ${jobFile} or a module it imports`;
  const rel = relative(process.cwd(), at.file);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : at.file;
  return `syntax error at ${shown}:${at.line}:${at.column}`;
}
