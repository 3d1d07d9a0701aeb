import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layers of src/ (docs/internals/runtime.md, "Layers"): a folder may import its own layer's
// folders and those below, never one above. Within a layer, folders may use each other as long as
// no cycle forms (checked below for every pair of folders, whatever their layer).
const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['core'],
  ['protocol', 'state', 'time', 'kafka', 'metrics'],
  ['runtime', 'broker'],
  ['api'],
  ['connectors', 'testing', 'dashboard'],
  ['.', 'nexmark'], // '.': src/index.ts, the package's public surface
  ['cli'],
  ['quickstart'],
];

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const rank = new Map<string, number>();
LAYERS.forEach((folders, i) => folders.forEach((f) => rank.set(f, i)));

function* sources(dir: string): Iterable<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts')) yield path;
  }
}
const folderOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes(sep) ? rel.split(sep)[0]! : '.';
};

/** Every relative import (static, dynamic, re-export) of every file under src/, as folder → folder edges. */
function folderEdges(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = normalize(join(dirname(file), m[1]!));
      const [a, b] = [folderOf(file), folderOf(target)];
      if (a === b) continue;
      const row = edges.get(a) ?? edges.set(a, new Map()).get(a)!;
      (row.get(b) ?? row.set(b, []).get(b)!).push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return edges;
}

test('every folder of src/ has a layer', () => {
  const folders = new Set([...sources(SRC)].map(folderOf));
  assert.deepEqual([...folders].filter((f) => !rank.has(f)), []);
});

test('imports point down the layers: core ← state, time, kafka ← runtime ← api ← connectors, cli', () => {
  const against: string[] = [];
  for (const [from, row] of folderEdges()) {
    for (const [to, imports] of row) if (rank.get(to)! > rank.get(from)!) against.push(...imports);
  }
  assert.deepEqual(against, []);
});

test('no import cycle between folders', () => {
  const edges = folderEdges();
  const cycles: string[] = [];
  const reach = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return [...(edges.get(from)?.keys() ?? [])].some((next) => reach(next, to, seen));
  };
  for (const [from, row] of edges) {
    for (const [to, imports] of row) if (reach(to, from)) cycles.push(`${from} ⇄ ${to} (e.g. ${imports[0]})`);
  }
  assert.deepEqual(cycles, []);
});

test('the Kafka substrate uses only util, core and state (no runtime, API, connectors, CLI or broker)', () => {
  const row = folderEdges().get('kafka') ?? new Map<string, string[]>();
  assert.deepEqual([...row.keys()].filter((f) => !['util', 'core', 'state'].includes(f)), []);
});
