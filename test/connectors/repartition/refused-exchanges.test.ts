import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError, StreamExecutionEnvironment } from '../../../src/index.ts';

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
