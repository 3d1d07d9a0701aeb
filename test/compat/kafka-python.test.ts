import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../helpers/broker.ts';
import { assertPythonReport, runPythonSuite } from './python-suite.ts';

test('kafka-python: codecs, ordered round trip, group churn, admin', async () => {
  const broker = await startTestBroker();
  try {
    const report = await runPythonSuite('kafka_python_suite.py', broker.bootstrap);
    // kafka-python infers the broker version from ApiVersions; below 0.11 it would fall back
    // to the old message formats.
    assert.ok(report.apiVersion[0] >= 1 || report.apiVersion[1] >= 11, `inferred ${report.apiVersion}`);
    assertPythonReport(report, 'kp', ['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  } finally {
    await broker.stop();
  }
});
