// Probes of the broadcast state pattern written from Flink's documentation (The Broadcast State
// Pattern): a function class extending KeyedBroadcastProcessFunction, immutableEntries() on the
// read-only side, putAll, keyed state and timers on the keyed side, and the read-only guarantee.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BroadcastProcessFunction, KeyedBroadcastProcessFunction, MapStateDescriptor, StreamExecutionEnvironment, ValueStateDescriptor, WatermarkStrategy,
  type BroadcastContext, type Collector, type KeyedBroadcastContext, type KeyedContext, type OnTimerContext, type ReadOnlyBroadcastContext,
  type ValueState,
} from 'sluice';
import { TestSource } from 'sluice/testing';

interface Item {
  color: string;
  shape: string;
  ts: number;
}
const rulesDescriptor = new MapStateDescriptor<string, [string, string]>('RulesBroadcastState');

/**
 * Flink's example, simplified (the interface merged into the base class makes TypeScript ask for
 * `override`, and types getRuntimeContext as optional for objects that implement the interface): count items of a color, emit when a rule's (first, second) shapes follow each other. */
class RuleEvaluator extends KeyedBroadcastProcessFunction<string, Item, [string, [string, string]], string> {
  last!: ValueState<string>;
  override open(): void {
    this.last = this.getRuntimeContext!().getState(new ValueStateDescriptor<string>('last-shape'));
  }
  override processBroadcastElement(rule: [string, [string, string]], ctx: KeyedBroadcastContext): void {
    ctx.getBroadcastState(rulesDescriptor).put(rule[0], rule[1]);
  }
  override processElement(item: Item, ctx: ReadOnlyBroadcastContext & KeyedContext<string>, out: Collector<string>): void {
    const state = ctx.getBroadcastState(rulesDescriptor);
    assert.equal(typeof (state as unknown as { put?: unknown }).put, 'undefined', 'the keyed side cannot write broadcast state');
    const previous = this.last.value();
    for (const [name, [first, second]] of state.immutableEntries()) {
      if (previous === first && item.shape === second) out.collect(`${name}:${ctx.getCurrentKey()}`);
    }
    this.last.update(item.shape);
    ctx.timerService().registerEventTimeTimer(1000);
  }
  override onTimer(ts: number, ctx: ReadOnlyBroadcastContext & OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`timer:${ctx.getCurrentKey()}:${ts}:${[...ctx.getBroadcastState(rulesDescriptor).keys()].join(',')}`);
  }
}

test('a class extending KeyedBroadcastProcessFunction (Flink\'s RuleEvaluator shape) with keyed state, timers and immutableEntries()', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const rules = new TestSource<[string, [string, string]]>().emit(['square-then-triangle', ['square', 'triangle']]);
  const items = new TestSource<Item>()
    .pause().pause().pause()
    .emitAll([
      { color: 'red', shape: 'square', ts: 1 },
      { color: 'blue', shape: 'square', ts: 2 },
      { color: 'red', shape: 'triangle', ts: 3 },
      { color: 'blue', shape: 'circle', ts: 4 },
    ], (i) => i.ts);
  const out = await env
    .fromSource(items, WatermarkStrategy.forMonotonousTimestamps(), 'items')
    .keyBy((i) => i.color)
    .connect(env.fromSource(rules, WatermarkStrategy.noWatermarks(), 'rules').broadcast(rulesDescriptor as MapStateDescriptor<unknown, unknown>))
    .process(new RuleEvaluator())
    .executeAndCollect();
  assert.deepEqual(out.sort(), ['square-then-triangle:red', 'timer:blue:1000:square-then-triangle', 'timer:red:1000:square-then-triangle']);
});

test('BroadcastProcessFunction as a base class; putAll writes several entries', async () => {
  const stop = new MapStateDescriptor<string, boolean>('stop-words');
  class DropStopWords extends BroadcastProcessFunction<string, string[], string> {
    override processElement(w: string, ctx: ReadOnlyBroadcastContext, out: Collector<string>): void {
      if (!ctx.getBroadcastState(stop).contains(w)) out.collect(w);
    }
    override processBroadcastElement(words: string[], ctx: BroadcastContext): void {
      ctx.getBroadcastState(stop).putAll(new Map(words.map((w) => [w, true] as const)));
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: 'batch' }); // BATCH reads the broadcast side first
  const out = await env
    .fromElements('the', 'cat', 'a', 'hat')
    .connect(env.fromElements(['the', 'a']).broadcast(stop as MapStateDescriptor<unknown, unknown>))
    .process(new DropStopWords())
    .executeAndCollect();
  assert.deepEqual(out, ['cat', 'hat']);
});
