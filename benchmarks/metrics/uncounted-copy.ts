/**
 * A copy of this checkout in which the edge outputs do not count what they route (the one
 * addition per record and edge that `numRecordsIn`/`numRecordsOut` are read from, done with
 * metrics on and off): what `bench:metrics-overhead` measures the counting itself against.
 * A benchmark variant only — Sluice has no such mode.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The per-record counting statements of src/runtime/executor/edge-outputs.ts. */
const COUNTING = /^\s*this\.(?:sent|#sent)(?:\[[i0]\]!)?\+\+;\n/gm;

export function uncountedCopy(root: string): { dir: string; removed: number; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-uncounted-'));
  for (const part of ['src', 'benchmarks', 'package.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(dir, 'src/runtime/executor/edge-outputs.ts');
  const source = readFileSync(file, 'utf8');
  const removed = source.match(COUNTING)?.length ?? 0;
  // ForwardOutput, KeyCheckingForwardOutput, Hash, CustomPartitioner, Shuffle, Rescale, Rebalance, Global, Broadcast.
  if (removed < 9) throw new Error(`expected the 9 counting statements of edge-outputs.ts, found ${removed}: update uncounted-copy.ts`);
  writeFileSync(file, source.replace(COUNTING, ''));
  return { dir, removed, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
