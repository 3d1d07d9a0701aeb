/**
 * The event-time job of the exchange equivalence tests: keyed tumbling windows (sum per key and
 * 10 s), a keyed process function with event-time timers (per key, the number of records seen
 * when the watermark passes each record's timestamp + 5 s), and a rebalance into a map. Input
 * values `key:ts:amount` from a bounded KafkaSource with bounded out-of-orderness watermarks.
 */
import {
  Duration,
  KafkaSource,
  KeyedProcessFunction,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedContext,
  type OnTimerContext,
  type RuntimeContext,
  type Sink,
  type ValueState,
} from '../../../src/index.ts';

interface Rec {
  key: string;
  ts: number;
  amount: number;
}

/**
 * Per key, at event time ts + 5 s of each record: how many of the key's records have a timestamp
 * at or before the timer. Every record at or before a timer arrives before the watermark passes it
 * (input disorder 1.5 s < the 2 s bound), so the output does not depend on how records and
 * watermarks interleave — the property the equivalence tests rely on.
 */
class CountAtTimers extends KeyedProcessFunction<string, Rec, string> {
  seen!: ValueState<number[]>;
  override open(ctx: RuntimeContext): void {
    this.seen = ctx.getState(new ValueStateDescriptor<number[]>('seen'));
  }
  override processElement(r: Rec, ctx: KeyedContext<string>): void {
    this.seen.update([...(this.seen.value() ?? []), r.ts]);
    ctx.timerService().registerEventTimeTimer(r.ts + 5_000);
  }
  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`timer:${ctx.getCurrentKey()}:${timestamp}:${(this.seen.value() ?? []).filter((t) => t <= timestamp).length}`);
  }
}

/** Builds the job on `env`; every output line goes to `sink`. */
export function buildEquivalenceJob(env: StreamExecutionEnvironment, bootstrap: string, input: string, sink: Sink<string>, options: { bounded: boolean; parallelism?: number }): void {
  env.setParallelism(options.parallelism ?? 2);
  env.setMaxParallelism(8);
  const parsed = env
    .fromSource(
      new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [input], startingOffsets: 'earliest', ...(options.bounded && { bounded: 'latest' as const }), deserializer: new SimpleStringSchema() }),
      WatermarkStrategy.forBoundedOutOfOrderness<string>(2_000).withTimestampAssigner((v) => Number(v.split(':')[1])),
      'input',
    )
    .uid('input')
    .map((v): Rec => {
      const [key, ts, amount] = v.split(':');
      return { key: key!, ts: Number(ts), amount: Number(amount) };
    })
    .uid('parse');
  const keyed = parsed.keyBy((r) => r.key);
  keyed
    .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
    .reduce((a, b) => ({ ...b, amount: a.amount + b.amount }))
    .uid('window-sum')
    .map((r) => `window:${r.key}:${Math.floor(r.ts / 10_000) * 10_000}:${r.amount}`)
    .uid('format-window')
    .sinkTo(sink)
    .uid('windows-sink');
  keyed.process(new CountAtTimers()).uid('timers').sinkTo(sink).uid('timers-sink');
  parsed
    .rebalance()
    .map((r) => `rebalanced:${r.key}:${r.ts}`)
    .uid('rebalanced')
    .sinkTo(sink)
    .uid('rebalanced-sink');
}

/** `n` records over `keys` keys, timestamps mostly ascending with some disorder (seeded). */
export function equivalenceInput(n: number, keys: number, seed: number): Array<{ value: string; partition: number }> {
  let s = seed;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out: Array<{ value: string; partition: number }> = [];
  for (let i = 0; i < n; i++) {
    const ts = 1_000_000 + i * 97 - Math.floor(rand() * 1_500);
    out.push({ value: `k${Math.floor(rand() * keys)}:${ts}:${1 + Math.floor(rand() * 9)}`, partition: i % 3 });
  }
  return out;
}
