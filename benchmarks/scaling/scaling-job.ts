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
 * What the runner reads from stderr. Each thread (every subtask of a worker thread shares this
 * module), when its first sink subtask closes: `SCALING-WORK records=<n>` — the records its map
 * computed, and `SCALING-PROGRESS <count>:<epoch ms>,…` — when its map had computed its 1st, every
 * 256th and its last record (the wall clock is comparable across worker threads): the runner's
 * steady state is from the moment every thread computes to the moment the first one is done.
 * Each sink subtask: `SCALING-SINK results=<n> xor=<int>`, the output checksum.
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

/** Records this thread computed, and when (for the runner's steady state). */
let records = 0;
const progress: string[] = [];
let lastAt = 0;
function timedBurn(seed: number): number {
  const h = burn(seed);
  records++;
  lastAt = Date.now(); // benchmark code, not runtime logic: the wall clock is what it measures
  if (records === 1 || (records & 255) === 0) progress.push(`${records}:${lastAt}`);
  return h;
}
/**
 * BURN_CPU=1 (profile-workers.ts): the thread CPU time of every 64th record's computation, to
 * tell the computation's own cost per record from the rest's. A map of its own: a branch in
 * timedBurn changed how V8 compiled the hashing loop and halved the job's speed at high --work.
 */
const SAMPLE_BURN_CPU = process.env.BURN_CPU === '1';
let burnCpuMicros = 0;
let burnSamples = 0;
function sampledBurn(seed: number): number {
  let h: number;
  if ((records & 63) === 0) {
    const t0 = process.threadCpuUsage();
    h = burn(seed);
    const t = process.threadCpuUsage(t0);
    burnCpuMicros += t.user + t.system;
    burnSamples++;
  } else h = burn(seed);
  records++;
  lastAt = Date.now();
  if (records === 1 || (records & 255) === 0) progress.push(`${records}:${lastAt}`);
  return h;
}
let reported = false;

/** Once per thread: how many records its map computed, and its progress over time. */
function reportThread(): void {
  if (reported || records === 0) return;
  reported = true;
  process.stderr.write(`SCALING-WORK records=${records}\n`);
  if (burnSamples > 0) process.stderr.write(`SCALING-BURN-CPU micros=${burnCpuMicros} samples=${burnSamples}\n`);
  process.stderr.write(`SCALING-PROGRESS ${[...progress, `${records}:${lastAt}`].join(',')}\n`);
}

/** A seed from every character of the record (so no two records share their work). */
function seedOf(v: string): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = (Math.imul(s, 31) + v.charCodeAt(i)) | 0;
  return s;
}

/** Counts and XORs the window results (public fields: each subtask gets its own copy). */
class ChecksumSink {
  results = 0;
  xor = 0;
  invoke(h: number): void {
    this.results++;
    this.xor ^= h;
  }
  close(): void {
    reportThread();
    process.stderr.write(`SCALING-SINK results=${this.results} xor=${this.xor}\n`);
  }
}

const input = env
  .fromSource(
    new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [process.env.INPUT!], startingOffsets: 'earliest', bounded: 'latest', deserializer: new SimpleStringSchema(), properties: { 'max.partition.fetch.bytes': Number(process.env.FETCH_BYTES ?? 16_384) } }),
    WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner((v) => Number(v.slice(v.indexOf(':') + 1))),
    'input',
  );
const parsed = SAMPLE_BURN_CPU
  ? input.map((v) => ({ key: v.slice(0, v.indexOf(':')), h: sampledBurn(seedOf(v)) }))
  : input.map((v) => ({ key: v.slice(0, v.indexOf(':')), h: timedBurn(seedOf(v)) }));
const keyed = process.env.KEYED_INPUT === '1' ? parsed.reinterpretAsKeyedStream((r) => r.key) : parsed.keyBy((r) => r.key);
keyed
  .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
  .aggregate({ createAccumulator: () => 0, add: (r, acc: number) => acc ^ r.h, getResult: (acc) => acc, merge: (a, b) => a ^ b })
  .addSink(new ChecksumSink());
await env.execute(process.env.JOB_ID ?? 'scaling');

