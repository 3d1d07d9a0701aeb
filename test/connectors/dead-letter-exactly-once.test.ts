import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CheckpointingMode, JsonSchema, KafkaSink, KafkaSource, StreamExecutionEnvironment, WatermarkStrategy } from '../../src/index.ts';
import { readToEnd } from '../../src/kafka/read-to-end.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { supplierFor } from '../kafka/helpers.ts';
import { createTopics, eventually, produce } from './kafka-helpers.ts';

// Issue 10: in an exactly-once job the dead-letter writes of a KafkaSource are part of the
// checkpoint transaction: invisible to read_committed readers until the checkpoint commits, gone
// with an aborted one, so a restarted job dead-letters a bad record exactly once.

interface Order {
  id: number;
}
const isOrder = (v: unknown): v is Order => typeof (v as Order)?.id === 'number';

let broker: Awaited<ReturnType<typeof startTestBroker>>;
const state = tempDir('sluice-dlq-eo-');
before(async () => {
  broker = await startTestBroker({ groups: { minSessionTimeoutMs: 100, initialRebalanceDelayMs: 0 } });
  process.env.SLUICE_STATE_DIR = state.dir;
  await createTopics(broker.bootstrap, { 'dlq-in': 1, 'dlq-dead': 1, 'dlq-out': 1 });
  await produce(broker.bootstrap, 'dlq-in', [{ value: '{"id":1}' }, { value: 'not json' }, { value: '{"id":3}' }]);
});
after(async () => {
  await broker.stop();
  delete process.env.SLUICE_STATE_DIR;
  state.cleanup();
});

function start(checkpointMs: number) {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);
  const source = new KafkaSource<Order>({
    bootstrapServers: broker.bootstrap,
    topics: ['dlq-in'],
    groupId: 'dlq-eo',
    startingOffsets: 'earliest',
    deserializer: new JsonSchema<Order>(isOrder),
    onDeserializationError: 'dead-letter',
    deadLetterTopic: 'dlq-dead',
  });
  env
    .fromSource(source, WatermarkStrategy.noWatermarks<Order>(), 'orders')
    .map((o) => String(o.id))
    .sinkTo(new KafkaSink<string>({ bootstrapServers: broker.bootstrap, topic: 'dlq-out', deliveryGuarantee: 'exactly-once', transactionalIdPrefix: 'dlq-eo', properties: { 'transaction.timeout.ms': 600_000 } }));
  return env.executeAsync('dlq-eo');
}

/** [read_committed records, high watermark] of a topic's partition 0. */
async function visible(topic: string): Promise<[string[], bigint]> {
  const supplier = supplierFor(broker.bootstrap);
  try {
    const consumer = supplier.consumer('verify');
    const values: string[] = [];
    await readToEnd(consumer, topic, [0], (r) => void values.push(String(r.value)));
    const hw = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [0] }, timestamp: -1n, isolationLevel: 0 })).get(topic)?.[0] ?? 0n;
    return [values, BigInt(hw)];
  } finally {
    await supplier.close();
  }
}

test('exactly-once: a dead-lettered record is written inside the checkpoint transaction, and exactly once across a restart', { timeout: 180_000 }, async () => {
  // No checkpoint completes in the first run: its transaction stays open until the job is cancelled.
  const first = await start(300_000);
  await eventually(async () => (await visible('dlq-dead'))[1] >= 1n, 60_000, 'the bad record reaches the dead-letter topic');
  const [committed] = await visible('dlq-dead');
  assert.deepEqual(committed, [], 'a read_committed reader does not see the dead-lettered record before its checkpoint commits');
  first.cancel();
  await first.result.catch(() => {});

  // The restart fences the first run (its transaction is aborted) and reads the input again.
  const second = await start(200);
  try {
    await eventually(async () => (await visible('dlq-out'))[0].length >= 2 && (await visible('dlq-dead'))[0].length >= 1, 60_000, 'the restarted job commits its outputs');
    const [dead, hw] = await visible('dlq-dead');
    assert.deepEqual(dead, ['not json'], 'the dead-lettered record is visible exactly once');
    assert.ok(hw >= 2n, 'the first run wrote it too, in the aborted transaction');
    assert.deepEqual((await visible('dlq-out'))[0], ['1', '3']);
  } finally {
    second.cancel();
    await second.result.catch(() => {});
  }
});
