import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Admin, Consumer } from '@platformatic/kafka';
import {
  CheckpointingMode,
  KafkaSource,
  KeyedProcessFunction,
  LmdbStateBackend,
  ListStateDescriptor,
  RichFlatMapFunction,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointedFunction,
  type Collector,
  type FunctionInitializationContext,
  type JobClient,
  type ListState,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { arraySink, createTopics, eventually, produce } from '../../connectors/kafka-helpers.ts';

// Restoring from the checkpoint log after rescaling p=3 → 2 → 3 must equal one uninterrupted
// run (Flink restores exactly the state of one consistent checkpoint). The job has all three
// kinds of state that move at a rescale: reader positions (KafkaSource, 6 partitions), operator
// list state (`split`: a buffer of records, emitted when it holds BUFFER or at a "flush" record)
// and keyed state (a count per key). Each run stops once a checkpoint covers all its input.

const PARTITIONS = 6;
const BUFFER = 4;
const KEYS = 12;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  process.env.SLUICE_GROUP_SESSION_TIMEOUT_MS ??= '6000'; // a cancelled exactly-once worker's member does not hold the next run for 45 s
  broker = await startTestBroker();
});
after(async () => {
  await broker.stop();
});

/** Keeps records in split list state and emits them BUFFER at a time, or all at a flush record. */
class Buffering extends RichFlatMapFunction<string, string> implements CheckpointedFunction {
  buffer: string[] = [];
  state!: ListState<string>;
  initializeState(ctx: FunctionInitializationContext): void {
    this.state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<string>('buffer'));
    this.buffer = [...this.state.get()];
  }
  flatMap(v: string, out: Collector<string>): void {
    if (v !== 'flush') this.buffer.push(v);
    if (v === 'flush' || this.buffer.length >= BUFFER) {
      for (const b of this.buffer) out.collect(b);
      this.buffer = [];
    }
  }
  snapshotState(): void {
    this.state.update(this.buffer);
  }
}

/** Counts records per key: `key:count`. */
class Count extends KeyedProcessFunction<string, string, string> {
  count!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }
  override processElement(v: string, _ctx: unknown, out: Collector<string>): void {
    const n = (this.count.value() ?? 0) + 1;
    this.count.update(n);
    out.collect(`${v.split(':')[0]}:${n}`);
  }
}

/**
 * Whether a checkpoint committed the first `total` records of the input and, with exchanges
 * through Kafka, every record of the job's repartition topics (the stages after them checkpointed
 * all their input too).
 */
async function settled(job: string, topic: string, total: number): Promise<boolean> {
  const admin = new Admin({ clientId: 'rescale-check', bootstrapBrokers: [broker.bootstrap] });
  const c = new Consumer({ clientId: 'rescale-check', groupId: job, bootstrapBrokers: [broker.bootstrap] });
  try {
    const sum = (offsets: readonly (bigint | number)[] | undefined): number => (offsets ?? []).reduce<number>((a, b) => a + Math.max(0, Number(b)), 0);
    const input = await c.listCommittedOffsets({ topics: [{ topic, partitions: Array.from({ length: PARTITIONS }, (_, p) => p) }] });
    if (sum(input.get(topic)) < total) return false;
    const exchanges = (await admin.listTopics()).filter((t) => t.startsWith(`${job}-`) && t.includes('repartition'));
    if (exchanges.length === 0) return true;
    const ends = await c.listOffsets({ topics: exchanges });
    const done = await c.listCommittedOffsets({ topics: exchanges.map((t) => ({ topic: t, partitions: ends.get(t)!.map((_, p) => p) })) });
    return exchanges.every((t) => sum(done.get(t)) === sum(ends.get(t)));
  } finally {
    await c.close(true);
    await admin.close();
  }
}

/**
 * Runs the job at `parallelism` (`workers` workers in this process, each its own execution with
 * its own clients and group membership) until a checkpoint committed the first `total` records of
 * the topic, then cancels it.
 */
async function run(job: string, topic: string, parallelism: number, mode: CheckpointingMode, out: string[], total: number, lmdb: string | undefined, workers: number): Promise<void> {
  const clients = [];
  try {
    for (let index = 0; index < workers; index++) {
      // Read when the execution starts (as `sluice run --workers N` sets them for its worker threads).
      if (workers > 1) Object.assign(process.env, { SLUICE_WORKERS: String(workers), SLUICE_WORKER_INDEX: String(index) });
      clients.push(await start(job, topic, parallelism, mode, out, lmdb));
    }
  } finally {
    delete process.env.SLUICE_WORKERS;
    delete process.env.SLUICE_WORKER_INDEX;
  }
  try {
    await eventually(() => settled(job, topic, total), 120_000, `p=${parallelism}: a checkpoint after all ${total} records`);
  } finally {
    for (const client of clients) client.cancel();
    await Promise.all(clients.map((c) => c.result.catch(() => {})));
  }
}

function start(job: string, topic: string, parallelism: number, mode: CheckpointingMode, out: string[], lmdb: string | undefined): Promise<JobClient> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism });
  env.enableCheckpointing(100, mode);
  if (lmdb !== undefined) env.setStateBackend(new LmdbStateBackend({ path: lmdb }));
  env.setMaxParallelism(16);
  env
    .fromSource(new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: [topic], groupId: job, startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }), WatermarkStrategy.noWatermarks<string>(), 'in')
    .uid('in')
    .flatMap(new Buffering())
    .uid('buffer')
    .keyBy((v) => v.split(':')[0]!)
    .process(new Count())
    .uid('count')
    .sinkTo(arraySink(out))
    .uid('out');
  return env.executeAsync(job);
}

/** Records `k<i % KEYS>:<i>`, spread over the partitions. */
function batch(from: number, n: number): Array<{ partition: number; key: string; value: string }> {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return { partition: (i * 7) % PARTITIONS, key: `k${i % KEYS}`, value: `k${i % KEYS}:${i}` };
  });
}

/** What one uninterrupted run outputs once every record was flushed: `key:1` … `key:n` per key. */
function expected(records: number): string[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < records; i++) counts.set(`k${i % KEYS}`, (counts.get(`k${i % KEYS}`) ?? 0) + 1);
  return [...counts].flatMap(([k, n]) => Array.from({ length: n }, (_, c) => `${k}:${c + 1}`)).sort();
}

const variants = [
  { mode: CheckpointingMode.AT_LEAST_ONCE, exchanges: 'local' },
  // The LMDB backend: its local copies of the first p=3 run must not be taken for the last checkpoint's state.
  { mode: CheckpointingMode.AT_LEAST_ONCE, exchanges: 'local', backend: 'lmdb' },
  { mode: CheckpointingMode.EXACTLY_ONCE, exchanges: 'local' },
  { mode: CheckpointingMode.AT_LEAST_ONCE, exchanges: 'kafka' },
  { mode: CheckpointingMode.EXACTLY_ONCE, exchanges: 'kafka' },
  // Two workers: each commits its own tasks' records (KIP-447: one transaction per worker).
  { mode: CheckpointingMode.AT_LEAST_ONCE, exchanges: 'kafka', workers: 2 },
  { mode: CheckpointingMode.EXACTLY_ONCE, exchanges: 'kafka', workers: 2 },
] as const;
for (const variant of variants) {
  const { mode, exchanges } = variant;
  const backend = 'backend' in variant ? variant.backend : 'heap';
  const workers = 'workers' in variant ? variant.workers : 1;
  test(`${mode}, exchanges ${exchanges}, ${backend} backend, ${workers} worker(s): restoring at p=3 → 2 → 3 from the checkpoint log equals one uninterrupted run (reader positions, split list state, keyed state)`, { timeout: 400_000 }, async () => {
    const job = `rescale-${mode}-${exchanges}-${backend}-${workers}`;
    process.env.SLUICE_EXCHANGES = exchanges;
    const lmdb = backend === 'lmdb' ? tempDir('sluice-rescale-lmdb-') : undefined;
    const topic = `${job}-in`;
    await createTopics(broker.bootstrap, { [topic]: PARTITIONS });
    const out: string[] = [];
    let produced = 0;
    const phase = async (parallelism: number, n: number, flush = false): Promise<void> => {
      const records = batch(produced, n);
      if (flush) records.push(...Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, key: 'flush', value: 'flush' })));
      await produce(broker.bootstrap, topic, records);
      produced += n;
      await run(job, topic, parallelism, mode, out, produced + (flush ? PARTITIONS : 0), lmdb?.dir, workers);
      // Records still buffered are not output yet; none may be output twice.
      assert.ok(out.length <= produced, `after the run at p=${parallelism}: ${out.length} records counted, ${produced} produced`);
    };
    try {
      await phase(3, 50);
      await phase(2, 50);
      await phase(3, 50, true);
    } finally {
      delete process.env.SLUICE_EXCHANGES;
      lmdb?.cleanup();
    }
    assert.deepEqual([...out].sort(), expected(produced), 'every record counted once, none re-read, no buffered record emitted twice or lost');
  });
}
