import { InvalidArgumentError } from 'commander';

/** A commander argument parser for an integer in [min, max]. */
export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = /^[-+]?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
      throw new InvalidArgumentError(`${name} must be ${range}.`);
    }
    return n;
  };
}

/** A commander argument parser accepting one of `choices`. */
export function choiceOption<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

export interface ConfigEntry {
  name: string;
  value: string;
}

/** Collects repeatable `--config key=value` into a list (the value may itself contain `=`). */
export function collectConfig(value: string, previous: ConfigEntry[] = []): ConfigEntry[] {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq).trim() : '';
  if (eq <= 0 || name.length === 0 || /\s/.test(name)) {
    throw new InvalidArgumentError(`--config must be key=value (for example retention.ms=86400000).`);
  }
  if (previous.some((c) => c.name === name)) throw new InvalidArgumentError(`--config ${name} is given twice.`);
  return [...previous, { name, value: value.slice(eq + 1) }];
}
