import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { KafkaSource, KeyedProcessFunction, LmdbStateBackend, SimpleStringSchema, StreamExecutionEnvironment, ValueStateDescriptor, WatermarkStrategy, type Collector, type RuntimeContext, type ValueState } from '../../../src/index.ts';
import { ProcessJobs } from '../../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { parsePrometheus, type ParsedFamily } from '../../helpers/prometheus.ts';
import { arraySink, createTopics, eventually, produce } from '../../connectors/kafka-helpers.ts';

// Restore progress per task: a job restarted under the same id reads its changelog back; the
// records each task restored add up to what the changelog topic holds.

const RECORDS = 400;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let jobs: ProcessJobs;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { 'restore-in': 2 });
  await produce(broker.bootstrap, 'restore-in', Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 2, key: `k${i % 40}`, value: `k${i % 40}` })));
  jobs = new ProcessJobs(systemClock);
});
after(async () => {
  jobs?.close();
  await broker?.stop();
});

class Count extends KeyedProcessFunction<string, string, string> {
  n!: ValueState<number>;
  override open(ctx: RuntimeContext): void {
    this.n = ctx.getState(new ValueStateDescriptor<number>('n', 0));
  }
  override processElement(v: string, _ctx: unknown, out: Collector<string>): void {
    this.n.update((this.n.value() ?? 0) + 1);
    out.collect(v);
  }
}

const sum = (m: ParsedFamily[], name: string, job: string): number =>
  (m.find((f) => f.name === name)?.metrics ?? []).filter((s) => s.labels?.job === job).reduce((n, s) => n + Number(s.value), 0);

async function run(out: string[], until: (m: () => Promise<ParsedFamily[]>) => Promise<void>, jobName = 'restore-metrics', lmdb?: string): Promise<ParsedFamily[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.enableCheckpointing(100);
  if (lmdb !== undefined) env.setStateBackend(new LmdbStateBackend({ path: lmdb }));
  env
    .fromSource(new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: ['restore-in'], groupId: jobName, startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }), WatermarkStrategy.noWatermarks<string>(), 'in')
    .keyBy((v) => v)
    .process(new Count())
    .uid('count')
    .sinkTo(arraySink(out));
  const client = await env.executeAsync(jobName);
  const job = () => jobs.jobs().filter((j) => j.name === jobName).at(-1);
  try {
    await eventually(() => job() !== undefined && job()!.state() === 'RUNNING', 60_000, 'the job running');
    const scrape = async () => parsePrometheus(await job()!.workers[0]!.registry.metrics());
    await until(scrape);
    return await scrape();
  } finally {
    client.cancel();
    await client.result.catch(() => {});
  }
}

test('restore progress: the records each task restored from the changelog add up to the changelog topic; no restore left running', { timeout: 180_000 }, async () => {
  const first: string[] = [];
  await run(first, async (scrape) => {
    await eventually(() => first.length === RECORDS, 60_000, 'every record counted');
    await eventually(async () => sum(await scrape(), 'sluice_job_numberOfCompletedCheckpoints', 'restore-metrics') >= 2, 60_000, 'a checkpoint after the last record');
    const m = await scrape();
    // The checkpoint wrote its task records at least (and the changelog when state changed): never 0 bytes.
    assert.ok(sum(m, 'sluice_job_lastCheckpointSize', 'restore-metrics') > 0, 'lastCheckpointSize');
    assert.equal(m.find((f) => f.name === 'sluice_task_stateSizeBytes')?.metrics.length ?? 0, 0, 'the heap backend cannot tell its size: no series');
  });
  // What the changelog holds (at-least-once: an idempotent producer, no transaction markers).
  const admin = new Admin({ clientId: 'restore-test', bootstrapBrokers: [broker.bootstrap] });
  const topics = (await admin.listTopics()).filter((t) => t.startsWith('restore-metrics-') && t.endsWith('-changelog'));
  await admin.close();
  assert.equal(topics.length, 1, `one changelog topic: ${topics.join(', ')}`);
  const { Consumer } = await import('@platformatic/kafka');
  const c = new Consumer({ clientId: 'restore-test', groupId: 'restore-test', bootstrapBrokers: [broker.bootstrap] });
  const ends = (await c.listOffsets({ topics })).get(topics[0]!) ?? [];
  await c.close();
  const changelogRecords = ends.reduce((n, o) => n + Number(o), 0);
  assert.ok(changelogRecords >= 40, `the changelog holds every key at least once (${changelogRecords})`);

  const m = await run([], async () => {});
  const perTask = m.find((f) => f.name === 'sluice_task_restoredStateRecords')!.metrics.filter((s) => s.labels?.job === 'restore-metrics');
  assert.equal(perTask.reduce((n, s) => n + Number(s.value), 0), changelogRecords, 'records restored = records in the changelog');
  assert.ok(perTask.filter((s) => s.labels?.task?.includes('count')).every((s) => Number(s.value) > 0), 'both keyed subtasks restored their key groups');
  assert.equal(sum(m, 'sluice_task_restoring', 'restore-metrics'), 0);
  assert.ok(sum(m, 'sluice_task_restoreDurationMs', 'restore-metrics') >= 0);
});

test('stateSizeBytes: a keyed task on LMDB reports the pages its state occupies after a checkpoint wrote it out', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = tempDir('sluice-state-size-');
  try {
    const out: string[] = [];
    const m = await run(out, async (scrape) => {
      await eventually(() => out.length === RECORDS, 60_000, 'every record counted');
      await eventually(async () => sum(await scrape(), 'sluice_job_numberOfCompletedCheckpoints', 'state-size') >= 2, 60_000, 'a checkpoint after the last record');
    }, 'state-size', dir);
    const sizes = m.find((f) => f.name === 'sluice_task_stateSizeBytes')!.metrics.filter((s) => s.labels?.job === 'state-size');
    assert.deepEqual(sizes.map((s) => s.labels?.task_id), ['1', '1'], 'the two keyed subtasks, not the source tasks');
    for (const s of sizes) {
      const bytes = Number(s.value);
      // 40 keys over two subtasks: at least one leaf page of 4 KiB each, and whole pages.
      assert.ok(bytes >= 4096 && bytes % 4096 === 0, `whole LMDB pages: ${bytes}`);
    }
  } finally {
    cleanup();
  }
});
