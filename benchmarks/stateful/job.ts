/**
 * The stateful job of issue 10's pipeline benchmark, one process per run: a keyed running count in
 * ValueState (one output per input, `key:count:seq`) and a 10-second event-time tumbling window sum
 * per key (`key:windowStart:sum`), Kafka → Kafka, parallelism 1, heap state.
 * Usage: node job.ts BOOTSTRAP INPUT COUNTS WINDOWS JOB_ID MODE [CHECKPOINT_MS] [STATS_FILE]
 * MODE: `exactly-once` | `at-least-once` | `none` (no checkpointing). With STATS_FILE, SIGTERM writes
 * the duration of every checkpoint the job completed there (JSON) before the process exits.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { jobRunningChannel, type JobRunningEvent } from '../../src/runtime/executor/job-events.ts';
import {
  CheckpointingMode,
  Duration,
  KafkaSink,
  KafkaSource,
  KeyedProcessFunction,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type RuntimeContext,
  type ValueState,
} from '../../src/index.ts';

const [bootstrap, input, counts, windows, jobId, mode, checkpointMs = '1000', statsFile] = process.argv.slice(2) as [string, string, string, string, string, string, string?, string?];

if (statsFile !== undefined) {
  // The worker's checkpoint history keeps the last 10: sample it often enough to see every one.
  const durations = new Map<number, number>();
  let event: JobRunningEvent | undefined;
  subscribe(jobRunningChannel.name, (m) => void (event = m as JobRunningEvent));
  setInterval(() => {
    for (const c of event?.workers?.[0]?.checkpoints.history() ?? []) if (c.status === 'COMPLETED' && c.durationMs !== undefined) durations.set(c.id, c.durationMs);
  }, 20).unref();
  process.once('SIGTERM', () => {
    writeFileSync(statsFile, JSON.stringify({ durations: [...durations.values()] }));
    process.exit(0);
  });
}

/** `key:seq:timestamp:amount`. */
interface Reading {
  key: string;
  seq: number;
  ts: number;
  amount: number;
}

class RunningCount extends KeyedProcessFunction<string, Reading, string> {
  seen!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.seen = ctx.getState(new ValueStateDescriptor<number>('seen', 0));
  }
  override processElement(r: Reading, _ctx: unknown, out: Collector<string>): void {
    const n = (this.seen.value() ?? 0) + 1;
    this.seen.update(n);
    out.collect(`${r.key}:${n}:${r.seq}`);
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
// Sluice checkpoints every 5 s unless told otherwise: `none` turns checkpointing off.
if (mode === 'none') env.getCheckpointConfig().setCheckpointInterval(0);
else env.enableCheckpointing(Number(checkpointMs), mode === 'exactly-once' ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
const toKafka = (topic: string): KafkaSink<string> =>
  new KafkaSink<string>({
    bootstrapServers: bootstrap,
    topic,
    keySerializer: (v) => v.slice(0, v.indexOf(':')),
    ...(mode === 'exactly-once' ? { deliveryGuarantee: 'exactly-once' as const, transactionalIdPrefix: `${jobId}-tx` } : {}),
  });

const readings = env
  .fromSource(
    new KafkaSource<string>({ bootstrapServers: bootstrap, topics: [input], groupId: jobId, startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }),
    WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner((v) => Number(v.split(':')[2])),
    'readings',
  )
  .uid('readings')
  .map((v): Reading => {
    const [key, seq, ts, amount] = v.split(':');
    return { key: key!, seq: Number(seq), ts: Number(ts), amount: Number(amount) };
  })
  .uid('parse')
  .keyBy((r) => r.key);
readings.process(new RunningCount()).uid('running-count').sinkTo(toKafka(counts)).uid('counts');
readings
  .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
  .reduce((a, b) => ({ ...b, amount: a.amount + b.amount }))
  .uid('window-sum')
  .map((r) => `${r.key}:${r.ts - (r.ts % 10_000)}:${r.amount}`)
  .uid('format')
  .sinkTo(toKafka(windows))
  .uid('windows');
await env.execute(jobId);
