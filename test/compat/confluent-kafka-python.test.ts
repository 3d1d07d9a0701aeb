import { test } from 'node:test';
import { startTestBroker } from '../helpers/broker.ts';
import { assertPythonReport, runPythonSuite } from './python-suite.ts';

test('librdkafka (confluent-kafka-python): codecs, ordered round trip, group churn, admin', async () => {
  const broker = await startTestBroker();
  try {
    const report = await runPythonSuite('confluent_kafka_suite.py', broker.bootstrap);
    assertPythonReport(report, 'ck', ['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  } finally {
    await broker.stop();
  }
});
