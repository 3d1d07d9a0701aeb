import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy } from '../../../src/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { arraySink, createTopics, produce } from '../kafka-helpers.ts';
import { withExchanges } from './with-exchanges.ts';

// Issue 11: the exchanges other than keyBy/rebalance work through repartition topics: shuffle,
// global and partitionCustom give the same records, at the same receiving subtasks, as in memory.
// (Forward edges never cross workers; rescale and multi-subtask alignment are refused:
// refused-exchanges.test.ts; broadcast: broadcast-exchange.test.ts.)

const INPUT = 'other-in';
let broker: Awaited<ReturnType<typeof startTestBroker>>;
before(async () => {
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { [INPUT]: 3 });
  await produce(broker.bootstrap, INPUT, Array.from({ length: 300 }, (_, i) => ({ partition: i % 3, value: `${['eu', 'us', 'apac'][i % 3]}:${i}` })));
});
after(async () => {
  await broker.stop();
});

/** Each receiving operator tags records with its subtask index, so where a record landed is part of the output. */
async function run(exchanges: 'local' | 'kafka', jobId: string): Promise<string[]> {
  const out: string[] = [];
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(3);
  env.setMaxParallelism(8);
  const input = env.fromSource(
    new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: [INPUT], startingOffsets: 'earliest', bounded: 'latest', deserializer: new SimpleStringSchema() }),
    WatermarkStrategy.noWatermarks<string>(),
    'in',
  );
  const tagged = (name: string) =>
    class {
      subtask = -1;
      open(ctx: { getIndexOfThisSubtask(): number }): void {
        this.subtask = ctx.getIndexOfThisSubtask();
      }
      map(v: string): string {
        return `${name}@${this.subtask}:${v}`;
      }
    };
  const Global = tagged('global');
  const Custom = tagged('custom');
  input.global().map(new Global()).uid('global').sinkTo(arraySink(out));
  input
    .partitionCustom((region: string, n) => ['eu', 'us', 'apac'].indexOf(region) % n, (v) => v.split(':')[0]!)
    .map(new Custom())
    .uid('custom')
    .sinkTo(arraySink(out));
  // Shuffle picks subtasks at random: only the records (not where they landed) are compared.
  input.shuffle().map((v) => `shuffle:${v}`).uid('shuffle').sinkTo(arraySink(out));
  await withExchanges(exchanges, () => env.execute(jobId));
  return out.sort();
}

test('global, partitionCustom and shuffle through repartition topics: the same records at the same subtasks as in memory', { timeout: 180_000 }, async () => {
  const local = await run('local', 'other-local');
  assert.equal(local.length, 900);
  assert.ok(local.filter((l) => l.startsWith('global@')).every((l) => l.startsWith('global@0:')), 'global: subtask 0');
  for (const [region, subtask] of [['eu', 0], ['us', 1], ['apac', 2]] as const) {
    assert.equal(local.filter((l) => l.startsWith(`custom@${subtask}:${region}:`)).length, 100, `partitionCustom: ${region} at subtask ${subtask}`);
  }
  const kafka = await run('kafka', 'other-kafka');
  assert.deepEqual(kafka, local);
});
