/**
 * The scaling benchmark's job (run with `sluice run`): a bounded KafkaSource over INPUT (values
 * `key:ts`), a CPU-bound map (WORK rounds of integer hashing per record, seeded by the whole
 * record), keyBy → 1 s tumbling event-time window that XORs the hashes of its key's records →
 * a sink that XORs and counts the window results. KEYED_INPUT=1: the input topic is already
 * partitioned by key (parallelism 1), so `reinterpretAsKeyedStream` replaces the keyBy (no
 * repartition topic): the overhead comparison.
 *
 * The work is real: every hash reaches the output (the XOR over all records, which does not
 * depend on how records are spread over workers, so the runner checks it is the same in every
 * run), it is int32 arithmetic that allocates nothing (no garbage-collection cost that grows with
 * WORK), and it is the same function over the same records whatever the number of workers.
 *
 * Each sink subtask prints, when it closes, one line to stderr:
 * `SCALING-SINK first=<ms> last=<ms> results=<n> xor=<int>` — wall-clock (epoch ms, comparable
 * across worker threads) times of its first and last window result: the runner's steady-state
 * window (from the job's first output to its last, when every worker runs).
 */
import { Duration, KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from 'sluice';

const bootstrap = process.env.SLUICE_BOOTSTRAP!;
const WORK = Number(process.env.WORK ?? 200);
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setMaxParallelism(Number(process.env.MAX_PARALLELISM ?? 16));

/** WORK rounds of int32 mixing: no allocation, and the result depends on every round. */
function burn(seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < WORK; i++) h = (Math.imul(h ^ (h >>> 13), 0x5bd1e995) + i) | 0;
  return h;
}

/** A seed from every character of the record (so no two records share their work). */
function seedOf(v: string): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = (Math.imul(s, 31) + v.charCodeAt(i)) | 0;
  return s;
}

/** Counts and XORs the window results, and notes the wall-clock time of the first and last (public fields: each subtask gets its own copy). */
class TimingSink {
  first = 0;
  last = 0;
  results = 0;
  xor = 0;
  invoke(h: number): void {
    this.last = Date.now(); // benchmark code, not runtime logic: the wall clock is what it measures
    if (this.results++ === 0) this.first = this.last;
    this.xor ^= h;
    if (process.env.DEBUG_SINK && this.results % 1000 === 0) process.stderr.write(`dbg ${this.last} ${this.results}\n`);
  }
  close(): void {
    process.stderr.write(`SCALING-SINK first=${this.first} last=${this.last} results=${this.results} xor=${this.xor}\n`);
  }
}

const parsed = env
  .fromSource(
    new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [process.env.INPUT!], startingOffsets: 'earliest', bounded: 'latest', deserializer: new SimpleStringSchema(), properties: { 'max.partition.fetch.bytes': Number(process.env.FETCH_BYTES ?? 16_384) } }),
    WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner((v) => Number(v.slice(v.indexOf(':') + 1))),
    'input',
  )
  .map((v) => ({ key: v.slice(0, v.indexOf(':')), h: burn(seedOf(v)) }));
const keyed = process.env.KEYED_INPUT === '1' ? parsed.reinterpretAsKeyedStream((r) => r.key) : parsed.keyBy((r) => r.key);
keyed
  .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
  .aggregate({ createAccumulator: () => 0, add: (r, acc: number) => acc ^ r.h, getResult: (acc) => acc, merge: (a, b) => a ^ b })
  .addSink(new TimingSink());
await env.execute(process.env.JOB_ID ?? 'scaling');

