/**
 * The keyed job of the large-state benchmark: a running count per key in ValueState on the LMDB
 * backend (STATE_DIR), at-least-once checkpoints every CHECKPOINT_MS, from INPUT (key = record
 * value) to nowhere. It reports on stderr, as JSON lines: memory every 250,000 records and at every
 * completed checkpoint (records processed so far, heap used, RSS).
 */
import {
  CheckpointingMode,
  KafkaSource,
  KeyedProcessFunction,
  LmdbStateBackend,
  SimpleStringSchema,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type RuntimeContext,
  type ValueState,
} from 'sluice';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.enableCheckpointing(Number(process.env.CHECKPOINT_MS ?? 10_000), CheckpointingMode.AT_LEAST_ONCE);
env.getCheckpointConfig().setCheckpointTimeout(600_000);
env.setStateBackend(new LmdbStateBackend({ path: process.env.STATE_DIR! }));

// Peak heap, sampled every 100 ms from the start (so the restore before the first record counts).
let peakHeap = 0;
const sample = (): void => void (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
setInterval(sample, 100).unref();
const report = (event: string, extra: Record<string, unknown>): void => {
  sample();
  const m = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ bench: event, heapUsed: m.heapUsed, peakHeap, rss: m.rss, ...extra })}\n`);
};

class Count extends KeyedProcessFunction<string, string, never> {
  count!: ValueState<number>;
  processed = 0;
  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }
  override processElement(): void {
    this.count.update((this.count.value() ?? 0) + 1);
    if (++this.processed % 250_000 === 0) report('progress', { processed: this.processed });
  }
  notifyCheckpointComplete(id: number): void {
    report('checkpoint', { id, processed: this.processed });
  }
}

env
  .fromSource(
    new KafkaSource<string>({ bootstrapServers: process.env.SLUICE_BOOTSTRAP!, topics: [process.env.INPUT!], groupId: process.env.JOB_ID!, startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }),
    WatermarkStrategy.noWatermarks<string>(),
    'input',
  )
  .uid('input')
  .keyBy((v) => v)
  .process(new Count())
  .uid('count')
  .addSink(() => {});
await env.execute(process.env.JOB_ID!);
