/**
 * Clicks per user per 10 seconds of event time: a JSON click-stream from `clicks`, keyed by user,
 * counted in tumbling event-time windows, written as JSON to `clicks-per-user` (keyed by user).
 *   npx sluice run examples/click-stream/job.ts [--parallelism 3]
 * Event time is the click's `ts`; each Kafka partition has its own watermark (2 s out of order),
 * and a partition without clicks for 2 s stops holding the others back (idleness).
 */
import {
  JsonSchema,
  KafkaSink,
  KafkaSource,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
} from 'sluice';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';

interface Click {
  user: string;
  page: string;
  ts: number;
}
interface UserClicks {
  user: string;
  windowStart: string;
  windowEnd: string;
  clicks: number;
}
const isClick = (v: unknown): v is Click =>
  typeof v === 'object' && v !== null && typeof (v as Click).user === 'string' && typeof (v as Click).ts === 'number';

const count: AggregateFunction<Click, number, number> = {
  createAccumulator: () => 0,
  add: (_click, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.enableCheckpointing(1000);

const clicks = env.fromSource(
  new KafkaSource<Click>({
    bootstrapServers: bootstrap,
    topics: ['clicks'],
    groupId: 'click-counter',
    deserializer: new JsonSchema<Click>(isClick),
    onDeserializationError: 'skip',
  }),
  WatermarkStrategy.forBoundedOutOfOrderness<Click>(Time.seconds(2))
    .withTimestampAssigner((click) => click.ts)
    .withIdleness(2000),
  'clicks',
);

clicks
  .keyBy((click) => click.user)
  .window(TumblingEventTimeWindows.of(Time.seconds(10)))
  .aggregate<number, number, UserClicks>(count, (user, ctx, counts, out) => {
    const w = ctx.window();
    out.collect({ user, windowStart: new Date(w.start).toISOString(), windowEnd: new Date(w.end).toISOString(), clicks: counts[0]! });
  })
  .name('clicks per user')
  .sinkTo(new KafkaSink<UserClicks>({ bootstrapServers: bootstrap, topic: 'clicks-per-user', serializer: new JsonSchema<UserClicks>(), keySerializer: (r) => r.user }));

await env.execute('click-stream');
