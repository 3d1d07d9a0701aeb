import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { uncountedCopy } from '../../../benchmarks/metrics/uncounted-copy.ts';
import type { Result } from '../../../benchmarks/engine/workloads.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
type EdgeOutputs = typeof import('../../../src/runtime/executor/edge-outputs.ts');
type Workloads = Record<string, (n: number) => Promise<Result>>;

test('the uncounted copy of bench:metrics-overhead routes like this checkout but counts nothing', async () => {
  const copy = uncountedCopy(ROOT);
  try {
    assert.equal(copy.removed, 9);
    const source = readFileSync(join(copy.dir, 'src/runtime/executor/edge-outputs.ts'), 'utf8');
    assert.doesNotMatch(source, /sent(\[\w+\]!)?\+\+/);

    const load = async <T>(dir: string, path: string): Promise<T> => (await import(pathToFileURL(join(dir, path)).href)) as T;
    const counted = await load<EdgeOutputs>(ROOT, 'src/runtime/executor/edge-outputs.ts');
    const uncounted = await load<EdgeOutputs>(copy.dir, 'src/runtime/executor/edge-outputs.ts');
    const gate = { watermark() {}, idle() {} };
    const make = (m: EdgeOutputs, into: unknown[]) => [
      new m.ForwardOutput({ processElement: (v) => into.push(v) }, gate, 0),
      new m.RebalanceOutput([{ processElement: (v) => into.push(v) }, { processElement: (v) => into.push(v) }], [gate, gate], 0, 0),
      new m.BroadcastOutput([{ processElement: (v) => into.push(v) }, { processElement: (v) => into.push(v) }], [gate, gate], 0),
    ];
    const seen = { counted: [] as unknown[], uncounted: [] as unknown[] };
    const outs = { counted: make(counted, seen.counted), uncounted: make(uncounted, seen.uncounted) };
    for (const side of ['counted', 'uncounted'] as const) for (const o of outs[side]) for (const v of [1, 2, 3]) o.collect(v, 0);
    assert.deepEqual(seen.uncounted, seen.counted);
    assert.deepEqual(outs.counted.map((o) => o.records()), [3, 3, 3]);
    assert.deepEqual(outs.uncounted.map((o) => o.records()), [0, 0, 0]);

    // The benchmark's workloads compute the same results through the copy.
    const [mine, theirs] = [await load<Workloads>(ROOT, 'benchmarks/engine/workloads.ts'), await load<Workloads>(copy.dir, 'benchmarks/engine/workloads.ts')];
    for (const w of ['engineMapFilter', 'engineKeyedExchange']) assert.deepEqual(await theirs[w]!(5_000), await mine[w]!(5_000), w);
  } finally {
    copy.cleanup();
  }
});
