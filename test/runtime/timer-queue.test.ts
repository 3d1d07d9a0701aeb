import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimerQueue } from '../../src/runtime/timers/timer-queue.ts';

test('timers pop in timestamp order, deduplicated per (timestamp, namespace, key)', () => {
  const q = new TimerQueue<string>();
  q.add(30, 'n', 'n', 'a');
  q.add(10, 'n', 'n', 'a');
  q.add(10, 'n', 'n', 'a');
  q.add(10, 'm', 'm', 'b');
  q.add(20, 'n', 'n', 'c');
  q.remove(20, 'n', 'c');
  assert.equal(q.size, 3);
  const fired: string[] = [];
  while (q.peek() !== Infinity) {
    const ts = q.peek();
    for (const g of q.pop().values()) for (const k of g.keys) fired.push(`${ts}/${g.ns}/${k}`);
  }
  assert.deepEqual(fired, ['10/n/a', '10/m/b', '30/n/a']);
  assert.equal(q.size, 0);
});

test('property: the queue fires exactly the registered-and-not-deleted timers, in order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 }), fc.constantFrom('x', 'y'), fc.constantFrom(1, 2, 3)), { maxLength: 80 }),
      (ops) => {
        const q = new TimerQueue<string>();
        const model = new Set<string>();
        for (const [add, ts, ns, k] of ops) {
          const id = `${ts}|${ns}|${k}`;
          if (add) {
            q.add(ts, ns, ns, k);
            model.add(id);
          } else {
            q.remove(ts, ns, k);
            model.delete(id);
          }
        }
        assert.equal(q.size, model.size);
        const fired: string[] = [];
        let last = -Infinity;
        while (q.peek() !== Infinity) {
          const ts = q.peek();
          assert.ok(ts >= last);
          last = ts;
          for (const g of q.pop().values()) for (const k of g.keys) fired.push(`${ts}|${g.ns}|${k}`);
        }
        assert.deepEqual(new Set(fired), model);
        assert.equal(fired.length, model.size);
      },
    ),
  );
});
