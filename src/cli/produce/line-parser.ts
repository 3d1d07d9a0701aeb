import { CliError } from '../cli-error.ts';

export interface ParsedLine {
  key: Buffer | undefined;
  value: Buffer;
}

/**
 * Turns one input line into a record: the whole line is the value, or, with a key separator,
 * the text before its first occurrence is the key and the rest the value.
 */
export function parseLine(line: string, lineNumber: number, keySeparator: string | undefined): ParsedLine {
  if (keySeparator === undefined) return { key: undefined, value: Buffer.from(line) };
  const at = line.indexOf(keySeparator);
  if (at < 0) {
    throw new CliError(`line ${lineNumber} has no key separator "${keySeparator}": ${JSON.stringify(line.slice(0, 60))}`);
  }
  return { key: Buffer.from(line.slice(0, at)), value: Buffer.from(line.slice(at + keySeparator.length)) };
}
