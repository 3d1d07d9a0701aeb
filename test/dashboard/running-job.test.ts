import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { arraySink, createTopics, eventually, produce } from '../connectors/kafka-helpers.ts';
import { parsePrometheus, sampleValue, type ParsedFamily } from '../helpers/prometheus.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { LocalJobView } from '../../src/dashboard/local-job-view.ts';
import { ProcessJobs } from '../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../src/util/clock.ts';

// A real job (Kafka source → map → keyBy → map → sink, checkpoints every 200 ms) with the
// dashboard on: /metrics and the REST API show the runtime's own task and checkpoint objects.

const RECORDS = 3_000;
const T0 = 1_700_000_000_000;
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let dashboard: RunningDashboard;
let jobs: ProcessJobs;

before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { clicks: 2 });
  await produce(broker.bootstrap, 'clicks', Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 2, key: `u${i % 10}`, value: `click ${i}`, timestamp: T0 + i * 10 })));
  jobs = new ProcessJobs(systemClock);
  dashboard = await startDashboard({ jobs: new LocalJobView(() => jobs.jobs(), systemClock), metrics: () => [broker.metrics.registry, ...jobs.registries()], kafka: { bootstrap: [broker.bootstrap] }, processMetrics: false });
});

after(async () => {
  await dashboard?.close();
  jobs?.close();
  await broker?.stop();
});

const scrape = async (): Promise<ParsedFamily[]> => parsePrometheus(await (await fetch(`${dashboard.url}metrics`)).text());
const total = (m: ParsedFamily[], name: string, labels: Record<string, string> = {}) =>
  (m.find((f) => f.name === name)?.metrics ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v)).reduce((n, s) => n + Number(s.value), 0);
const json = async <T>(path: string): Promise<T> => (await (await fetch(`${dashboard.url}${path}`)).json()) as T;

test('a running job: records in = records produced, per-operator counts, watermarks, checkpoints, graph; both /metrics in one scrape', { timeout: 120_000 }, async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.enableCheckpointing(200);
  const out: string[] = [];
  env
    .fromSource(new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: ['clicks'], groupId: 'dash-job', startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }), WatermarkStrategy.forMonotonousTimestamps<string>(), 'clicks')
    .map((s) => s.toUpperCase())
    .name('upper')
    .keyBy((s) => s.length)
    .map((s) => `${s}!`)
    .name('shout')
    .sinkTo(arraySink(out));
  const client = await env.executeAsync('dash-job');
  try {
    await eventually(() => out.length === RECORDS, 60_000, 'every record through the job');
    const id = jobs.jobs().find((j) => j.name === 'dash-job')!.id;
    let m: ParsedFamily[] = [];
    await eventually(async () => {
      m = await scrape();
      return total(m, 'sluice_job_numberOfCompletedCheckpoints') >= 1;
    }, 60_000, 'a completed checkpoint in /metrics');
    // Records in = records produced, at the source tasks and at every operator after them.
    const stage0 = { job: 'dash-job', task_id: '0' };
    assert.equal(total(m, 'sluice_task_numRecordsIn', stage0), RECORDS);
    assert.equal(total(m, 'sluice_operator_numRecordsOut', { operator_name: 'Source: clicks' }), RECORDS);
    for (const op of ['upper', 'shout']) {
      assert.equal(total(m, 'sluice_operator_numRecordsIn', { operator_name: op }), RECORDS, `${op} in`);
      assert.equal(total(m, 'sluice_operator_numRecordsOut', { operator_name: op }), RECORDS, `${op} out`);
    }
    // The watermark advanced to the last record's timestamp on every source subtask (periodic: up to one interval later).
    await eventually(async () => {
      m = await scrape();
      return sampleValue(m, 'sluice_operator_currentOutputWatermark', { operator_name: 'Source: clicks', subtask: '0' })! >= T0 + (RECORDS - 2) * 10 - 1;
    }, 30_000, 'the source watermark at the last record');
    // Consumer lag per source partition (Kafka's records-lag: end − position), 0 once all is read.
    await eventually(async () => {
      m = await scrape();
      return total(m, 'sluice_split_currentOffset') === RECORDS;
    }, 30_000, 'the split positions to reach the end');
    assert.deepEqual(['0', '1'].map((p) => sampleValue(m, 'sluice_split_records_lag', { topic: 'clicks', partition: p })), [0, 0]);
    assert.deepEqual(['0', '1'].map((p) => sampleValue(m, 'sluice_split_currentOffset', { topic: 'clicks', partition: p })), [RECORDS / 2, RECORDS / 2]);
    // Each partition's own watermark (monotonous: its last timestamp − 1), before the minimum over partitions; none idle.
    const lastTs = (p: number) => T0 + (RECORDS - 2 + p) * 10;
    // A periodic watermark follows its split's last record by up to one interval (200 ms): wait for it, then check the value.
    await eventually(async () => {
      m = await scrape();
      return [0, 1].every((p) => sampleValue(m, 'sluice_split_currentWatermark', { topic: 'clicks', partition: String(p) })! > Number.NEGATIVE_INFINITY);
    }, 30_000, 'a periodic watermark on every split');
    assert.deepEqual([0, 1].map((p) => sampleValue(m, 'sluice_split_currentWatermark', { topic: 'clicks', partition: String(p) })), [lastTs(0) - 1, lastTs(1) - 1]);
    assert.deepEqual([0, 1].map((p) => sampleValue(m, 'sluice_split_idle', { topic: 'clicks', partition: String(p) })), [0, 0]);
    // The offsets a checkpoint committed after everything was read: the end of each partition.
    await eventually(async () => {
      m = await scrape();
      return total(m, 'sluice_split_committedOffset') === RECORDS;
    }, 30_000, 'a checkpoint to commit the end offsets');
    assert.deepEqual([0, 1].map((p) => sampleValue(m, 'sluice_split_committedOffset', { topic: 'clicks', partition: String(p) })), [RECORDS / 2, RECORDS / 2]);
    // Task watermarks: the keyed stage's input (and, ending in a sink, output) watermark is the minimum over both source subtasks.
    for (const subtask of ['0', '1']) {
      assert.equal(sampleValue(m, 'sluice_task_currentInputWatermark', { task_id: '1', subtask }), lastTs(0) - 1);
      assert.equal(sampleValue(m, 'sluice_task_currentOutputWatermark', { task_id: '1', subtask }), lastTs(0) - 1);
      assert.equal(sampleValue(m, 'sluice_task_idle', { task_id: '1', subtask }), 0);
    }
    // The broker's families sit beside the job's in the same scrape.
    assert.equal(sampleValue(m, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'clicks' }), RECORDS);

    const detail = await json<{ state: string; vertices: Array<{ name: string; metrics: { numRecordsIn: number } }> }>(`jobs/${id}`);
    assert.equal(detail.state, 'RUNNING');
    assert.deepEqual(detail.vertices.map((v) => v.name), ['Source: clicks -> upper', 'shout -> Sink']);
    assert.equal(detail.vertices[0]!.metrics.numRecordsIn, RECORDS);
    const checkpoints = await json<{ counts: { completed: number }; history: Array<{ status: string }> }>(`jobs/${id}/checkpoints`);
    assert.ok(checkpoints.counts.completed >= 1);
    assert.ok(checkpoints.history.some((c) => c.status === 'COMPLETED'));
  } finally {
    client.cancel();
    await client.result.catch(() => {});
  }
  const ended = (await json<{ jobs: Array<{ name: string; state: string }> }>('jobs/overview')).jobs.find((j) => j.name === 'dash-job');
  assert.equal(ended?.state, 'CANCELED');
});

test('idleness: a partition without records and, once the input is read, every partition and task report idle (withIdleness)', { timeout: 120_000 }, async () => {
  await createTopics(broker.bootstrap, { sparse: 3 });
  await produce(broker.bootstrap, 'sparse', Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `v ${i}`, timestamp: T0 + i })));
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  const out: string[] = [];
  env
    .fromSource(
      new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: ['sparse'], groupId: 'idle-job', startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }),
      WatermarkStrategy.forMonotonousTimestamps<string>().withIdleness(200),
      'sparse',
    )
    .keyBy((s) => s.length)
    .map((s) => s)
    .name('after-keyBy')
    .sinkTo(arraySink(out));
  const client = await env.executeAsync('idle-job');
  try {
    await eventually(() => out.length === 100, 60_000, 'every record through the job');
    let m: ParsedFamily[] = [];
    await eventually(async () => {
      m = await scrape();
      return [0, 1, 2].every((p) => sampleValue(m, 'sluice_split_idle', { job: 'idle-job', topic: 'sparse', partition: String(p) }) === 1);
    }, 30_000, 'every partition idle once nothing more arrives');
    // The partitions that had records keep their own watermark; the empty one never had one.
    assert.equal(sampleValue(m, 'sluice_split_currentWatermark', { job: 'idle-job', partition: '0' }), T0 + 98 - 1);
    assert.equal(sampleValue(m, 'sluice_split_currentWatermark', { job: 'idle-job', partition: '2' }), -Infinity);
    await eventually(async () => {
      m = await scrape();
      return total(m, 'sluice_task_idle', { job: 'idle-job' }) === 2;
    }, 30_000, 'the source task and the keyed task idle');
  } finally {
    client.cancel();
    await client.result.catch(() => {});
  }
});
