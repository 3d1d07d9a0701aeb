import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { StreamExecutionEnvironment } from '../../src/index.ts';
import { ProcessJobs } from '../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../src/util/clock.ts';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.ts';

const promClientLoaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes(`${sep}prom-client${sep}`));

test('a job with metrics on loads prom-client only when its registry is read; the scrape then has the figures', async () => {
  assert.equal(promClientLoaded(), false, 'precondition: nothing in this process loaded prom-client yet');
  const before = process.env.SLUICE_METRICS;
  delete process.env.SLUICE_METRICS;
  const jobs = new ProcessJobs(systemClock);
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    env.fromData(1, 2, 3, 4).map((n) => n * 2).uid('double').addSink(() => {});
    await env.execute('unscraped-job');
    const [worker] = jobs.jobs().find((j) => j.name === 'unscraped-job')!.workers;
    assert.ok(worker !== undefined, 'metrics are on: the job published its worker metrics');
    assert.equal(worker.tasks.size > 0, true);
    assert.equal(promClientLoaded(), false, 'a job nobody scraped did not load prom-client');

    const scraped = parsePrometheus(await worker.registry.metrics());
    assert.equal(promClientLoaded(), true);
    assert.equal(sampleValue(scraped, 'sluice_operator_numRecordsIn', { operator: 'double' }), 4, 'the scrape reads the figures kept while nothing scraped');
    assert.equal(sampleValue(scraped, 'sluice_operator_numRecordsOut', { operator: 'double' }), 4);
  } finally {
    if (before === undefined) delete process.env.SLUICE_METRICS;
    else process.env.SLUICE_METRICS = before;
    jobs.close();
  }
});
