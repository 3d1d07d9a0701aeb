import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventTimeSessionWindows, KeyedProcessFunction, OutputTag, TumblingEventTimeWindows, ValueStateDescriptor,
  type Collector, type KeyedContext, type OnTimerContext, type RuntimeContext, type ValueState, type TimeWindow,
} from 'sluice';
import { ProcessFunctionTestHarnesses } from 'sluice/testing';

interface Login {
  user: string;
  ok: boolean;
}

/** Alerts when a user has 3 failed logins without a success within 60 s of processing time. */
class BruteForce extends KeyedProcessFunction<string, Login, string> {
  failures!: ValueState<number>;
  override open(ctx: RuntimeContext) {
    this.failures = ctx.getState(new ValueStateDescriptor<number>('failures', 0));
  }
  processElement(l: Login, ctx: KeyedContext<string>, out: Collector<string>) {
    if (l.ok) return this.failures.clear();
    const n = this.failures.value() + 1;
    this.failures.update(n);
    if (n === 1) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
    if (n === 3) out.collect(`alert ${ctx.getCurrentKey()}`);
  }
  override onTimer(_ts: number, _ctx: OnTimerContext<string>) {
    this.failures.clear();
  }
}

test('keyed process function harness: elements, processing time, state, snapshot and restore', async () => {
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new BruteForce(), (l: Login) => l.user);
  h.processElement({ user: 'eve', ok: false });
  h.processElement({ user: 'eve', ok: false });
  h.processElement({ user: 'bob', ok: false });
  assert.equal(h.numKeyedStateEntries(), 2);
  h.setProcessingTime(60_000); // both timers fire: failures reset
  assert.equal(h.numKeyedStateEntries(), 0);
  h.processElement({ user: 'eve', ok: false });
  h.processElement({ user: 'eve', ok: false });
  const snapshot = h.snapshot();
  h.processElement({ user: 'eve', ok: false });
  assert.deepEqual(h.takeOutput(), ['alert eve']);

  const restored = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new BruteForce(), (l: Login) => l.user, {
    restoreFrom: snapshot,
    processingTime: 60_000,
  });
  restored.processElement({ user: 'eve', ok: false });
  assert.deepEqual(restored.extractOutputValues(), ['alert eve'], 'the two failures came back from the snapshot');
  restored.setProcessingTime(120_000); // the restored timer fires
  restored.processElement({ user: 'eve', ok: false });
  assert.deepEqual(restored.extractOutputValues(), ['alert eve']);
  assert.ok(restored.stateChanges().length > 0);
});

test('window harness: watermarks fire windows; late data goes to the side output', async () => {
  const late = new OutputTag<{ k: string; ts: number }>('late');
  const h = await ProcessFunctionTestHarnesses.forWindow({
    keySelector: (e: { k: string; ts: number }) => e.k,
    assigner: TumblingEventTimeWindows.of(10),
    lateDataTag: late,
    process: { process: (k: string, ctx: { window(): TimeWindow }, els: unknown[], out: Collector<string>) => out.collect(`${k}@${ctx.window().start}:${els.length}`) },
  });
  h.processElement({ k: 'a', ts: 1 }, 1);
  h.processElement({ k: 'a', ts: 5 }, 5);
  h.processElement({ k: 'b', ts: 12 }, 12);
  assert.deepEqual(h.extractOutputValues(), []);
  h.processWatermark(9);
  assert.deepEqual(h.output, [{ value: 'a@0:2', timestamp: 9 }]);
  assert.deepEqual(h.watermarks, [9]);
  h.processElement({ k: 'a', ts: 3 }, 3);
  assert.deepEqual(h.getSideOutput(late).map((r) => r.value.ts), [3]);
  h.endInput();
  assert.deepEqual(h.extractOutputValues(), ['a@0:2', 'b@10:1']);
  assert.equal(h.numKeyedStateEntries(), 0, 'fired windows are cleaned up');
});

test('session window harness merges and cleans merging state', async () => {
  const h = await ProcessFunctionTestHarnesses.forWindow({
    keySelector: () => 'k',
    assigner: EventTimeSessionWindows.withGap(10),
    reduce: { reduce: (a: number, b: number) => a + b },
  });
  h.processElement(1, 0);
  h.processElement(2, 20);
  h.processElement(4, 10); // [10,20) touches both sessions: they merge
  h.processWatermark(100);
  assert.deepEqual(h.output, [{ value: 7, timestamp: 29 }]);
  assert.equal(h.numKeyedStateEntries(), 0);
});
