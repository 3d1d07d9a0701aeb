import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventTimeSessionWindows, TimeWindow } from 'sluice';
import { mergeTimeWindows } from '../../../src/api/windowing/session-assigners.ts';
import { timeWindowSerializer } from '../../../src/core/windowing/windows.ts';
import { MergingWindowSet } from '../../../src/runtime/operators/window/merging-window-set.ts';

/** The same merging rule as the built-in sessions, through a method of its own: the set takes its general path. */
class SameRuleSessions<T> extends EventTimeSessionWindows<T> {
  override mergeWindows(windows: readonly TimeWindow[], merge: (toMerge: TimeWindow[], result: TimeWindow) => void): void {
    mergeTimeWindows(windows, merge);
  }
}

const bounds = (w: TimeWindow): string => `[${w.start},${w.end})`;
type Op = { add: [number, number] } | { retire: number } | { reload: 'same' | 'plain' };

/** Runs the operations and records everything the window operator would observe. */
function run(set: MergingWindowSet<TimeWindow>, ops: readonly Op[]): string[] {
  const log: string[] = [];
  for (const op of ops) {
    if ('add' in op) {
      const [start, length] = op.add;
      const result = set.addWindow(new TimeWindow(start, start + length), (r, merged, s, mergedState) =>
        log.push(`merge ${bounds(r)} of ${merged.map(bounds)} into ${bounds(s)} from ${mergedState.map(bounds)}`),
      );
      log.push(`added into ${bounds(result)}, state window ${bounds(set.getStateWindow(result)!)}`);
    } else if ('retire' in op) {
      // The order of the persisted pairs is not meaningful: pick by position in time.
      const windows = set.toState().map(([w]) => w).sort((a, b) => a.start - b.start);
      if (windows.length > 0) set.retireWindow(windows[op.retire % windows.length]!);
    } else {
      // What the window operator persists, read back as it is (heap) or as plain data (LMDB).
      const state = set.toState();
      set.load(op.reload === 'same' ? state : JSON.parse(JSON.stringify(state)));
    }
    const pairs = set.toState().map(([w, s]) => `${bounds(w)}->${bounds(s)}`).sort();
    log.push(`set ${pairs.join(' ')}`);
    set.load(set.toState());
  }
  return log;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ add: fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 12 })) }) },
  { weight: 1, arbitrary: fc.record({ retire: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ reload: fc.constantFrom('same' as const, 'plain' as const) }) },
);

test('property: the session path of MergingWindowSet decides exactly as the general mergeWindows path', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40, size: 'max' }), (ops) => {
      const fast = new MergingWindowSet<TimeWindow>(EventTimeSessionWindows.withGap(10), timeWindowSerializer);
      const general = new MergingWindowSet<TimeWindow>(new SameRuleSessions<unknown>(() => 10), timeWindowSerializer);
      assert.deepEqual(run(fast, ops), run(general, ops));
      // Session windows of one key never touch one another.
      const windows = fast.toState().map(([w]) => w).sort((a, b) => a.start - b.start);
      for (let i = 1; i < windows.length; i++) assert.ok(windows[i - 1]!.end < windows[i]!.start, `${bounds(windows[i - 1]!)} touches ${bounds(windows[i]!)}`);
    }),
    { numRuns: 500 },
  );
});

test('MergingWindowSet never changes the array it loaded (a state value, possibly in a snapshot)', () => {
  const set = new MergingWindowSet<TimeWindow>(EventTimeSessionWindows.withGap(10), timeWindowSerializer);
  const noop = (): void => {};
  set.addWindow(new TimeWindow(0, 10), noop);
  set.addWindow(new TimeWindow(30, 40), noop);
  const saved = set.toState();
  const copy = saved.map(([w, s]) => [bounds(w), bounds(s)]);
  set.load(saved);
  set.addWindow(new TimeWindow(5, 15), noop); // grows the first session
  set.addWindow(new TimeWindow(15, 30), noop); // bridges both
  set.retireWindow(set.toState()[0]![0]);
  assert.deepEqual(saved.map(([w, s]) => [bounds(w), bounds(s)]), copy);
  set.load(saved);
  assert.equal(set.changed, false);
  set.addWindow(new TimeWindow(2, 8), noop); // inside a session: nothing to persist
  assert.equal(set.changed, false);
  assert.deepEqual(bounds(set.getStateWindow(new TimeWindow(0, 10))!), '[0,10)');
});
