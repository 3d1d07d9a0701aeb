// Event-time timers with keyed state: report a key once it has been inactive for 5 s (each new
// event deletes the previous timer and registers a new one).
import { KeyedProcessFunction, ValueStateDescriptor, type Collector, type DataStream, type KeyedContext, type OnTimerContext,
  type RuntimeContext, type StreamExecutionEnvironment, type ValueState } from 'sluice';
import { events, type Event, type GoldenContext } from '../lib.ts';

export const modes = [
  { mode: 'streaming', parallelism: 1 },
  { mode: 'streaming', parallelism: 4 },
  { mode: 'streaming', parallelism: 2, lmdb: true },
  { mode: 'streaming', parallelism: 1, unbounded: true },
];

class Inactivity extends KeyedProcessFunction<string, Event, string> {
  lastSeen!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.lastSeen = ctx.getState(new ValueStateDescriptor<number>('last-seen'));
  }
  processElement(e: Event, ctx: KeyedContext<string>): void {
    const prev = this.lastSeen.value();
    if (prev !== undefined) ctx.timerService().deleteEventTimeTimer(prev + 5000);
    this.lastSeen.update(e.ts);
    ctx.timerService().registerEventTimeTimer(e.ts + 5000);
  }
  override onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()} idle since ${this.lastSeen.value()} (timer ${ts}, ${ctx.timeDomain()}, ts=${ctx.timestamp()})`);
  }
}

export function build(env: StreamExecutionEnvironment, input: string[], ctx: GoldenContext): DataStream<string> {
  return events(env, input, 0, ctx).keyBy((e) => e.key).process(new Inactivity());
}
