import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MapStateDescriptor, StreamExecutionEnvironment, ValueStateDescriptor, WatermarkStrategy, type BroadcastContext, type Collector, type KeyedBroadcastContext,
  type KeyedBroadcastProcessFunction, type BroadcastProcessFunction, type KeyedContext, type ReadOnlyBroadcastContext, type RuntimeContext, type ValueState,
} from 'sluice';
import { TestSink, TestSource } from 'sluice/testing';

interface Ev {
  user: string;
  amount: number;
}
interface Rule {
  name: string;
  min: number;
}
const rules = new MapStateDescriptor<string, Rule>('rules');
const totals = new ValueStateDescriptor<number>('total', 0);

class Alerts implements KeyedBroadcastProcessFunction<string, Ev, Rule, string> {
  total!: ValueState<number>;
  open(ctx: RuntimeContext) {
    this.total = ctx.getState(totals);
  }
  processElement(e: Ev, ctx: ReadOnlyBroadcastContext & KeyedContext<string>, out: Collector<string>) {
    this.total.update(this.total.value() + e.amount);
    for (const r of ctx.getBroadcastState(rules).values()) if (e.amount >= r.min) out.collect(`${ctx.getCurrentKey()} ${e.amount} ${r.name}`);
    assert.equal('put' in ctx.getBroadcastState(rules), false, 'read-only on the non-broadcast side');
  }
  processBroadcastElement(r: Rule, ctx: KeyedBroadcastContext, out: Collector<string>) {
    ctx.getBroadcastState(rules).put(r.name, r);
    ctx.applyToKeyedState(totals, (key, state) => out.collect(`${r.name}: ${key} has ${state.value()}`));
  }
}

for (const parallelism of [1, 3]) {
  test(`broadcast state: rules reach every subtask, the keyed side reads them, the broadcast side visits keyed state (parallelism ${parallelism})`, async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
    const ruleSrc = new TestSource<Rule>().emit({ name: 'big', min: 50 }).emit({ name: 'huge', min: 500 }).pause().pause().pause().pause().emit({ name: 'late', min: 0 });
    const eventSrc = new TestSource<Ev>().pause().pause().emitAll([
      { user: 'a', amount: 60 },
      { user: 'b', amount: 10 },
      { user: 'a', amount: 700 },
    ]);
    const sink = new TestSink<string>();
    env
      .fromSource(eventSrc, WatermarkStrategy.noWatermarks(), 'events')
      .keyBy((e) => e.user)
      .connect(env.fromSource(ruleSrc, WatermarkStrategy.noWatermarks(), 'rules').broadcast(rules as MapStateDescriptor<unknown, unknown>))
      .process(new Alerts())
      .sinkTo(sink);
    await env.execute();
    assert.deepEqual(sink.values.sort(), ['a 60 big', 'a 700 big', 'a 700 huge', 'late: a has 760', 'late: b has 10']);
  });
}

test('undeclared broadcast state fails with advice', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const other = new MapStateDescriptor<string, number>('other');
  const out = env
    .fromElements(1)
    .connect(env.fromElements('x').broadcast(rules as MapStateDescriptor<unknown, unknown>))
    .process({
      processElement: () => {},
      processBroadcastElement: (_v: string, ctx: BroadcastContext) => void ctx.getBroadcastState(other).put('a', 1),
    });
  await assert.rejects(out.executeAndCollect(), /broadcast state 'other' was not declared/);
});

/** Non-keyed: checks every event against the rules. */
class Checks implements BroadcastProcessFunction<Ev, Rule, string> {
  processElement(e: Ev, ctx: ReadOnlyBroadcastContext, out: Collector<string>) {
    for (const r of ctx.getBroadcastState(rules).values()) if (e.amount >= r.min) out.collect(`${e.user} ${e.amount} ${r.name}`);
  }
  processBroadcastElement(r: Rule, ctx: BroadcastContext) {
    ctx.getBroadcastState(rules).put(r.name, r);
  }
}

test('broadcast state survives a savepoint restored at a higher parallelism: new subtasks get a copy too', async () => {
  const build = (env: StreamExecutionEnvironment, events: Ev[], ruleList: Rule[], sink: TestSink<string>, open: boolean) => {
    const ruleSrc = new TestSource<Rule>().emitAll(ruleList);
    const eventSrc = new TestSource<Ev>().pause().pause().emitAll(events);
    if (open) eventSrc.keepOpen();
    env
      .fromSource(eventSrc, WatermarkStrategy.noWatermarks(), 'events')
      .rebalance()
      .connect(env.fromSource(ruleSrc, WatermarkStrategy.noWatermarks(), 'rules').broadcast(rules as MapStateDescriptor<unknown, unknown>))
      .process(new Checks())
      .uid('checks')
      .sinkTo(sink);
  };
  const env1 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  let seen!: () => void;
  const ready = new Promise<void>((r) => (seen = r));
  const sink1 = new TestSink<string>({ onRecord: () => seen() });
  build(env1, [{ user: 'a', amount: 60 }], [{ name: 'big', min: 50 }], sink1, true);
  const client = await env1.executeAsync('before');
  await ready;
  const savepoint = structuredClone(await client.triggerSavepoint());
  client.cancel();
  await client.result.catch(() => {});

  const env2 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
  const sink2 = new TestSink<string>();
  const users = Array.from({ length: 12 }, (_, i) => ({ user: `u${i}`, amount: 100 }));
  build(env2, users, [], sink2, false);
  await env2.execute('after', { restoreFrom: { ...savepoint, sources: {} } });
  // Every event, whichever of the 3 subtasks gets it, is checked against the restored rule.
  assert.deepEqual(sink2.values.sort(), users.map((u) => `${u.user} 100 big`).sort());
});
