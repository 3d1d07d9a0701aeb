// Every keyed state type with a 10 s TTL (processing time, driven by a manual clock). BATCH mode
// ignores state TTL, as Flink's batch state backend does (expected-batch: nothing expires).
import {
  AggregatingStateDescriptor, KeyedProcessFunction, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor,
  StateTtlConfig, ValueStateDescriptor, WatermarkStrategy, type AggregatingState, type Collector, type DataStream, type KeyedContext,
  type ListState, type MapState, type ReducingState, type RuntimeContext, type StreamExecutionEnvironment, type ValueState,
} from 'sluice';
import { TestSource } from 'sluice/testing';
import type { GoldenContext } from '../lib.ts';

interface In {
  key: string;
  v: number;
}
const ttl = StateTtlConfig.newBuilder(10_000).build();
const avg = {
  createAccumulator: (): [number, number] => [0, 0],
  add: (v: number, [s, n]: [number, number]): [number, number] => [s + v, n + 1],
  getResult: ([s, n]: [number, number]): number => s / n,
  merge: (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]],
};

class AllStates extends KeyedProcessFunction<string, In, string> {
  value!: ValueState<number | string>;
  list!: ListState<number>;
  map!: MapState<number, number>;
  sum!: ReducingState<number>;
  mean!: AggregatingState<number, number>;
  override open(ctx: RuntimeContext): void {
    // No default value: with TTL, Flink (and Sluice) read an absent or expired value as empty.
    this.value = ctx.getState(new ValueStateDescriptor<number | string>('last').enableTimeToLive(ttl));
    this.list = ctx.getListState(new ListStateDescriptor<number>('all').enableTimeToLive(ttl));
    this.map = ctx.getMapState(new MapStateDescriptor<number, number>('counts').enableTimeToLive(ttl));
    this.sum = ctx.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b).enableTimeToLive(ttl));
    this.mean = ctx.getAggregatingState(new AggregatingStateDescriptor('avg', avg).enableTimeToLive(ttl));
  }
  processElement(e: In, _ctx: KeyedContext<string>, out: Collector<string>): void {
    const prev = this.value.value() ?? 'none';
    this.value.update(e.v);
    this.list.add(e.v);
    this.map.put(e.v, (this.map.get(e.v) ?? 0) + 1);
    this.sum.add(e.v);
    this.mean.add(e.v);
    const map = [...this.map.entries()].map(([k, n]) => `${k}:${n}`).join(',');
    out.collect(`${e.key} prev=${prev} list=[${this.list.get().join(',')}] map={${map}} sum=${this.sum.get()} avg=${this.mean.get()}`);
  }
}

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  const src = new TestSource<In>({ clock: ctx.clock, timestamps: false });
  for (const line of input) {
    const [a, b] = line.split(',');
    if (a === 'advance') src.advanceTime(Number(b));
    else src.emit({ key: a!, v: Number(b) });
  }
  return env.fromSource(src, WatermarkStrategy.noWatermarks<In>(), 'input').keyBy((e) => e.key).process(new AllStates());
}
