import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectionSource, KafkaSource, SimpleStringSchema, SluiceError, StreamExecutionEnvironment, WatermarkStrategy } from '../../../src/index.ts';

async function runWithKafkaExchanges(build: (env: StreamExecutionEnvironment) => void): Promise<unknown> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  build(env);
  const saved = process.env.SLUICE_EXCHANGES;
  process.env.SLUICE_EXCHANGES = 'kafka';
  try {
    await env.execute('refused');
    return undefined;
  } catch (e) {
    return e;
  } finally {
    if (saved === undefined) delete process.env.SLUICE_EXCHANGES;
    else process.env.SLUICE_EXCHANGES = saved;
  }
}

test('rescale() cannot cross workers: refused with SLUICE_EXCHANGE_NOT_DISTRIBUTABLE, naming the operators', async () => {
  const e = await runWithKafkaExchanges((env) => {
    env.setParallelism(2);
    env.fromElements(1, 2, 3).rescale().map((x) => x + 1).name('plus-one').addSink(() => {});
  });
  assert.ok(e instanceof SluiceError);
  assert.equal(e.code, 'SLUICE_EXCHANGE_NOT_DISTRIBUTABLE');
  assert.match(e.message, /rescale\(\).*plus-one.*rebalance\(\)/s);
});

test('BATCH mode with exchanges through Kafka is refused', async () => {
  const e = await runWithKafkaExchanges((env) => {
    env.setRuntimeMode('BATCH');
    env.fromElements('a', 'b').keyBy((x) => x).map((x) => x).addSink(() => {});
  });
  assert.ok(e instanceof SluiceError);
  assert.equal(e.code, 'SLUICE_EXCHANGE_NOT_DISTRIBUTABLE');
});

test('a job without a Kafka connector cannot keep repartition topics: a configuration error that says what to do', async () => {
  const e = await runWithKafkaExchanges((env) => {
    env.fromElements('a', 'b').keyBy((x) => x).map((x) => x).addSink(() => {});
  });
  assert.ok(e instanceof SluiceError);
  assert.equal(e.code, 'SLUICE_INVALID_JOB');
  assert.match(e.message, /KafkaSource or KafkaSink/);
});

// Never contacted: the job is refused while it is built.
const kafkaSource = (): KafkaSource<string> => new KafkaSource<string>({ bootstrapServers: '127.0.0.1:9', topics: ['t'], deserializer: new SimpleStringSchema() });

test('watermark alignment of a group with several source subtasks is refused in distributed mode (each worker would align only its own)', async () => {
  const e = await runWithKafkaExchanges((env) => {
    env.setParallelism(2);
    env
      .fromSource(kafkaSource(), WatermarkStrategy.forMonotonousTimestamps<string>().withWatermarkAlignment('clicks', 1_000), 'clicks-source')
      .keyBy((x) => x)
      .map((x) => x)
      .addSink(() => {});
  });
  assert.ok(e instanceof SluiceError, String(e));
  assert.equal(e.code, 'SLUICE_EXCHANGE_NOT_DISTRIBUTABLE');
  assert.match(e.message, /alignment group 'clicks'.*clicks-source.*2 subtasks/s);
});

test('watermark alignment of a single source subtask (its own splits) is not refused: the job runs', async () => {
  const out: string[] = [];
  const e = await runWithKafkaExchanges((env) => {
    env.fromSource(new CollectionSource(['a', 'b']), WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner(() => 0).withWatermarkAlignment('one', 1_000), 'one-source').setParallelism(1).addSink((v) => void out.push(v));
  });
  assert.equal(e, undefined);
  assert.deepEqual(out, ['a', 'b']);
});

test('broadcast() mixed with another exchange into one input is refused (one topic cannot be both)', async () => {
  const e = await runWithKafkaExchanges((env) => {
    env.setParallelism(2);
    const a = env.fromSource(kafkaSource(), WatermarkStrategy.noWatermarks<string>(), 'a');
    const b = env.fromSource(kafkaSource(), WatermarkStrategy.noWatermarks<string>(), 'b');
    a.broadcast().union(b.rebalance()).map((x) => x).addSink(() => {});
  });
  assert.ok(e instanceof SluiceError, String(e));
  assert.equal(e.code, 'SLUICE_EXCHANGE_NOT_DISTRIBUTABLE');
  assert.match(e.message, /mixes broadcast\(\) with other exchanges/);
});
