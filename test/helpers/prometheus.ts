import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

/** A family as parse-prometheus-text-format returns it (prom2json's shape). */
export interface ParsedFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
  metrics: Array<{ value?: string; labels?: Record<string, string>; quantiles?: Record<string, string>; count?: string; sum?: string }>;
}

const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

/**
 * Parses Prometheus text with an independent parser, after checking the rule the parser does not:
 * each family's TYPE line appears once.
 */
export function parsePrometheus(text: string): ParsedFamily[] {
  const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
  assert.equal(new Set(types).size, types.length, `a family is declared twice: ${types.filter((t, i) => types.indexOf(t) !== i).join(', ')}`);
  return parse(text);
}

/** The value of the one series of `name` whose labels include `labels`; undefined if none. */
export function sampleValue(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  if (family === undefined) return undefined;
  const matching = family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  assert.ok(matching.length <= 1, `${name} ${JSON.stringify(labels)} matches ${matching.length} series`);
  const v = matching[0]?.value;
  return v === undefined ? undefined : Number(v.replace('Inf', 'Infinity'));
}
