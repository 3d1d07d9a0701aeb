/**
 * The job of the broadcast exchange tests: rules (`name:factor`, event time 0) broadcast with
 * broadcast state to a keyed stream of events (`key:ts:amount`). Every subtask writes one line per
 * rule it received (`rule:<subtask>:<name>`): proof that each got the whole broadcast side. Each
 * event is emitted at its event-time timer with the sum of the factors known then; timers fire
 * only once the broadcast side's watermark passed them, which happens after its last rule (a
 * bounded source ends with +∞), so the output does not depend on how the two sides interleave.
 */
import {
  KafkaSource,
  MapStateDescriptor,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastProcessFunction,
  type KeyedContext,
  type OnTimerContext,
  type ReadOnlyBroadcastContext,
  type RuntimeContext,
  type Sink,
  type ValueState,
} from '../../../src/index.ts';

interface Event {
  key: string;
  ts: number;
  amount: number;
}

class ApplyRules implements KeyedBroadcastProcessFunction<string, Event, [string, string], string> {
  readonly factors: MapStateDescriptor<string, number>;
  subtask = -1;
  pending!: ValueState<Array<[number, number]>>;
  constructor(factors: MapStateDescriptor<string, number>) {
    this.factors = factors;
  }
  open(ctx: RuntimeContext): void {
    this.subtask = ctx.getIndexOfThisSubtask();
    this.pending = ctx.getState(new ValueStateDescriptor<Array<[number, number]>>('pending'));
  }
  processElement(e: Event, ctx: ReadOnlyBroadcastContext & KeyedContext<string>): void {
    this.pending.update([...(this.pending.value() ?? []), [e.ts, e.amount]]);
    ctx.timerService().registerEventTimeTimer(e.ts);
  }
  processBroadcastElement([name, factor]: [string, string], ctx: KeyedBroadcastContext, out: Collector<string>): void {
    ctx.getBroadcastState(this.factors).put(name, Number(factor));
    out.collect(`rule:${this.subtask}:${name}`);
  }
  onTimer(timestamp: number, ctx: ReadOnlyBroadcastContext & OnTimerContext<string>, out: Collector<string>): void {
    let sum = 0;
    for (const f of ctx.getBroadcastState(this.factors).values()) sum += f;
    const all = this.pending.value() ?? [];
    for (const [ts, amount] of all) if (ts === timestamp) out.collect(`event:${ctx.getCurrentKey()}:${ts}:${amount * sum}`);
    this.pending.update(all.filter(([ts]) => ts !== timestamp));
  }
}

export function buildBroadcastJob(env: StreamExecutionEnvironment, bootstrap: string, topics: { events: string; rules: string }, sink: Sink<string>, parallelism: number, bounded = true): void {
  env.setParallelism(parallelism);
  env.setMaxParallelism(8);
  const factors = new MapStateDescriptor<string, number>('factors');
  const source = (topic: string) => new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [topic], startingOffsets: 'earliest', ...(bounded && { bounded: 'latest' as const }), deserializer: new SimpleStringSchema() });
  const rules = env
    .fromSource(source(topics.rules), WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner(() => 0), 'rules')
    .uid('rules')
    .map((v) => v.split(':') as [string, string])
    .uid('parse-rules');
  const events = env
    .fromSource(source(topics.events), WatermarkStrategy.forBoundedOutOfOrderness<string>(2_000).withTimestampAssigner((v) => Number(v.split(':')[1])), 'events')
    .uid('events')
    .map((v): Event => {
      const [key, ts, amount] = v.split(':');
      return { key: key!, ts: Number(ts), amount: Number(amount) };
    })
    .uid('parse-events');
  events
    .keyBy((e) => e.key)
    .connect(rules.broadcast(factors))
    .process(new ApplyRules(factors))
    .uid('apply-rules')
    .sinkTo(sink)
    .uid('out');
}
