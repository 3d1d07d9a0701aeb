// Probes of keyed state and TTL written from Flink's documentation (Working with State, State
// Time-To-Live) and the user-facing behaviour of Flink's heap state: what an empty state reads as,
// clearing, per-key scoping, TTL update types and visibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AggregatingStateDescriptor, KeyedProcessFunction, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, StateTtlConfig,
  StateVisibility, TimeWindow, UpdateType, ValueStateDescriptor, type Collector, type KeyedContext, type RuntimeContext,
} from 'sluice';
import { ProcessFunctionTestHarnesses } from 'sluice/testing';

test('empty state reads: value() undefined (or the default), list [], map get undefined, reducing/aggregating get undefined', async () => {
  class Probe extends KeyedProcessFunction<string, string, string> {
    rc!: RuntimeContext;
    override open(rc: RuntimeContext): void {
      this.rc = rc;
    }
    processElement(k: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
      const value = this.rc.getState(new ValueStateDescriptor<number>('v'));
      const dflt = this.rc.getState(new ValueStateDescriptor<number>('d', 7));
      const list = this.rc.getListState(new ListStateDescriptor<number>('l'));
      const map = this.rc.getMapState(new MapStateDescriptor<string, number>('m'));
      const red = this.rc.getReducingState(new ReducingStateDescriptor<number>('r', (a, b) => a + b));
      const agg = this.rc.getAggregatingState(new AggregatingStateDescriptor<number, number, string>('a', {
        createAccumulator: () => 0, add: (v, acc) => v + acc, getResult: (acc) => `sum=${acc}`, merge: (x, y) => x + y,
      }));
      out.collect(JSON.stringify([value.value(), dflt.value(), [...list.get()], map.get('x'), map.isEmpty(), red.get(), agg.get()]));
      value.update(1);
      dflt.update(8);
      list.add(1);
      map.put('x', 1);
      red.add(2);
      agg.add(3);
      out.collect(JSON.stringify([value.value(), dflt.value(), [...list.get()], map.get('x'), map.isEmpty(), red.get(), agg.get()]));
      value.update(undefined as never);
      dflt.clear();
      list.update([]);
      map.clear();
      red.clear();
      agg.clear();
      out.collect(JSON.stringify([value.value(), dflt.value(), [...list.get()], map.get('x'), map.isEmpty(), red.get(), agg.get()]));
    }
  }
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new Probe(), (k: string) => k);
  h.processElement('a', 1);
  assert.deepEqual(h.takeOutput(), [
    '[null,7,[],null,true,null,null]',
    '[1,8,[1],1,false,2,"sum=3"]',
    '[null,7,[],null,true,null,null]',
  ]);
  assert.equal(h.numKeyedStateEntries(), 0);
});

test('TTL: OnCreateAndWrite expires after the last write regardless of reads; OnReadAndWrite reads extend it', async () => {
  const mk = (update: 'w' | 'rw') => {
    class Ttl extends KeyedProcessFunction<string, string, string> {
      rc!: RuntimeContext;
      override open(rc: RuntimeContext): void {
        this.rc = rc;
      }
      processElement(cmd: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
        const b = StateTtlConfig.newBuilder(100);
        const d = new ValueStateDescriptor<string>('v');
        d.enableTimeToLive((update === 'w' ? b.setUpdateType(UpdateType.OnCreateAndWrite) : b.setUpdateType(UpdateType.OnReadAndWrite)).build());
        const s = this.rc.getState(d);
        if (cmd === 'write') s.update('x');
        else out.collect(String(s.value()));
      }
    }
    return new Ttl();
  };
  for (const [update, expected] of [['w', ['x', 'x', 'undefined']], ['rw', ['x', 'x', 'x']]] as const) {
    const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(mk(update), () => 'k');
    h.processElement('write', 1);
    h.setProcessingTime(60);
    h.processElement('read', 1);
    h.setProcessingTime(99);
    h.processElement('read', 1);
    h.setProcessingTime(150);
    h.processElement('read', 1);
    assert.deepEqual(h.takeOutput(), expected, update);
  }
});

test('StateTtlConfig builder takes Flink\'s calls (cleanup strategies are accepted) and exposes its settings', () => {
  const cfg = StateTtlConfig.newBuilder(1000)
    .updateTtlOnReadAndWrite()
    .returnExpiredIfNotCleanedUp()
    .cleanupFullSnapshot()
    .cleanupIncrementally(10, false)
    .cleanupInRocksdbCompactFilter(1000)
    .disableCleanupInBackground()
    .useProcessingTime()
    .build();
  assert.equal(cfg.getTtl(), 1000);
  assert.equal(cfg.getUpdateType(), UpdateType.OnReadAndWrite);
  assert.equal(cfg.getStateVisibility(), StateVisibility.ReturnExpiredIfNotCleanedUp);
  assert.equal(cfg.isEnabled(), true);
  assert.equal(StateTtlConfig.newBuilder(5).setUpdateType(UpdateType.Disabled).build().isEnabled(), false);
});

test('UpdateType.Disabled: a descriptor with a disabled TTL config never expires', async () => {
  class NoTtl extends KeyedProcessFunction<string, string, string> {
    rc!: RuntimeContext;
    override open(rc: RuntimeContext): void {
      this.rc = rc;
    }
    processElement(cmd: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
      const d = new ValueStateDescriptor<string>('v', 'default');
      d.enableTimeToLive(StateTtlConfig.newBuilder(10).setUpdateType(UpdateType.Disabled).build());
      const s = this.rc.getState(d);
      if (cmd === 'write') s.update('x');
      else out.collect(String(s.value()));
    }
  }
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new NoTtl(), () => 'k');
  h.processElement('read', 1);
  h.processElement('write', 1);
  h.setProcessingTime(1000);
  h.processElement('read', 1);
  assert.deepEqual(h.takeOutput(), ['default', 'x']);
});

test('TimeWindow has Flink\'s accessors: getStart(), getEnd(), maxTimestamp(), intersects, cover', () => {
  const w = new TimeWindow(10, 20);
  assert.equal(w.getStart(), 10);
  assert.equal(w.getEnd(), 20);
  assert.equal(w.maxTimestamp(), 19);
  assert.ok(w.intersects(new TimeWindow(20, 30)));
  assert.deepEqual(w.cover(new TimeWindow(5, 12)).toJSON(), { start: 5, end: 20 });
});

test('ValueState.update(null) clears the state as in Flink: the default value applies again and no entry is left', async () => {
  class P extends KeyedProcessFunction<string, string, string> {
    rc!: RuntimeContext;
    override open(rc: RuntimeContext): void {
      this.rc = rc;
    }
    processElement(_v: string, _c: KeyedContext<string>, out: Collector<string>): void {
      const s = this.rc.getState(new ValueStateDescriptor<number>('x', 5));
      s.update(7);
      s.update(null as unknown as number);
      out.collect(String(s.value()));
    }
  }
  const h = await ProcessFunctionTestHarnesses.forKeyedProcessFunction(new P(), (v: string) => v);
  h.processElement('a', 1);
  assert.deepEqual(h.takeOutput(), ['5']);
  assert.equal(h.numKeyedStateEntries(), 0);
});
