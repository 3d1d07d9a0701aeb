/**
 * A bounded job: reads a topic from its beginning to the end offsets it finds at start, counts
 * the words of its values per day (by the Kafka record timestamps), prints the counts and
 * finishes with exit status 0.
 *   npx sluice run examples/read-to-end/job.ts [TOPIC]      (default topic: test)
 * At the end of a bounded input event time jumps to +infinity: every window fires, then the job ends.
 */
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, Time, TumblingEventTimeWindows, WatermarkStrategy } from 'sluice';

const bootstrap = process.env.SLUICE_BOOTSTRAP ?? 'localhost:9092';
const topic = process.argv[2] ?? 'test';

const env = StreamExecutionEnvironment.getExecutionEnvironment();

const lines = env.fromSource(
  new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [topic], startingOffsets: 'earliest', bounded: true, deserializer: new SimpleStringSchema() }),
  // Kafka record timestamps are the event time; a minute of disorder between producers is fine.
  WatermarkStrategy.forBoundedOutOfOrderness<string>(Time.minutes(1)),
  topic,
);

lines
  .flatMap((line: string) => line.toLowerCase().split(/\W+/).filter((w) => w !== ''))
  .keyBy((word) => word)
  .window(TumblingEventTimeWindows.of(Time.days(1)))
  .aggregate<number, number, string>(
    { createAccumulator: () => 0, add: (_w, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b },
    (word, ctx, counts, out) => out.collect(`${new Date(ctx.window().start).toISOString().slice(0, 10)} ${word}: ${counts[0]}`),
  )
  .print();

const result = await env.execute(`read ${topic} to its end`);
console.log(`read ${result.recordsIn} records from ${topic}; done`);
