/**
 * The scaling benchmark's job (run with `sluice run`): a bounded KafkaSource over INPUT (values
 * `key:ts`), a CPU-bound map (WORK rounds of integer hashing per record), keyBy → 1 s tumbling
 * event-time window count → a sink that counts and drops. KEYED_INPUT=1: the input topic is
 * already partitioned by key (parallelism 1), so `reinterpretAsKeyedStream` replaces the keyBy
 * (no repartition topic): the overhead comparison.
 */
import { Duration, KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from 'sluice';

const bootstrap = process.env.SLUICE_BOOTSTRAP!;
const WORK = Number(process.env.WORK ?? 200);
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setMaxParallelism(Number(process.env.MAX_PARALLELISM ?? 16));

function burn(seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < WORK; i++) h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) + i;
  return h;
}

const parsed = env
  .fromSource(
    new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [process.env.INPUT!], startingOffsets: 'earliest', bounded: 'latest', deserializer: new SimpleStringSchema() }),
    WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner((v) => Number(v.slice(v.indexOf(':') + 1))),
    'input',
  )
  .map((v) => {
    const key = v.slice(0, v.indexOf(':'));
    return { key, h: burn(key.length + v.length) };
  });
const keyed = process.env.KEYED_INPUT === '1' ? parsed.reinterpretAsKeyedStream((r) => r.key) : parsed.keyBy((r) => r.key);
let count = 0;
keyed
  .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
  .aggregate({ createAccumulator: () => 0, add: (_r, acc: number) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b })
  .addSink(() => void count++);
await env.execute(process.env.JOB_ID ?? 'scaling');
