import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { KafkaSource, SimpleStringSchema, StreamExecutionEnvironment, WatermarkStrategy, type JobClient } from '../../src/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { browserMissing, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { arraySink, createTopics, eventually, produce } from '../connectors/kafka-helpers.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { LocalJobView } from '../../src/dashboard/local-job-view.ts';
import { ProcessJobs } from '../../src/dashboard/process-jobs.ts';
import { systemClock } from '../../src/util/clock.ts';

// The dashboard of a real job run by the runtime (not a simulation): a Kafka source read by a
// worker whose tasks, operators and checkpoint coordinator feed the pages.

const skip = browserMissing();
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let dashboard: RunningDashboard;
let jobs: ProcessJobs;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let client: JobClient;
let producing: NodeJS.Timeout | undefined;
const out: string[] = [];
const T0 = 1_700_000_000_000;
let sent = 0;

/** A wave of records, more in some waves than in others, with event time moving on. */
async function wave(): Promise<void> {
  const n = 200 + (sent % 3) * 150;
  const from = sent;
  sent += n;
  await produce(broker.bootstrap, 'views', Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 2, key: `p${(from + i) % 7}`, value: `view ${from + i}`, timestamp: T0 + (from + i) * 100 })));
}

before(async () => {
  if (skip) return;
  broker = await startTestBroker();
  await createTopics(broker.bootstrap, { views: 2 });
  await wave();
  jobs = new ProcessJobs(systemClock);
  dashboard = await startDashboard({ jobs: new LocalJobView(() => jobs.jobs(), systemClock), metrics: () => [broker.metrics.registry, ...jobs.registries()], kafka: { bootstrap: [broker.bootstrap] } });
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  env.enableCheckpointing(300);
  env
    .fromSource(new KafkaSource<string>({ bootstrapServers: broker.bootstrap, topics: ['views'], groupId: 'page-views', startingOffsets: 'earliest', deserializer: new SimpleStringSchema() }), WatermarkStrategy.forMonotonousTimestamps<string>(), 'views')
    .map((s) => s.split(' ')[1]!)
    .name('parse')
    .keyBy((s) => Number(s) % 5)
    .map((s) => `page ${s}`)
    .name('label')
    .sinkTo(arraySink(out));
  client = await env.executeAsync('page-views');
  browser = await launchChromium();
  page = await browser.context.newPage();
});

after(async () => {
  clearInterval(producing);
  client?.cancel();
  await client?.result.catch(() => {});
  await browser?.close();
  await dashboard?.close();
  jobs?.close();
  await broker?.stop();
});

async function open(hash: string): Promise<void> {
  await page.goto(`${dashboard.url}#${hash}`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
}
const cells = (rowText: string, scope = 'main') => page.locator(`${scope} tr`, { hasText: rowText }).first().locator('td').allInnerTexts();
const shot = (name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

test('a real job: graph with every operator, changing records/s, advancing watermark, checkpoints, lag dropping to 0; the broker page shows its group', { skip, timeout: 180_000 }, async () => {
  producing = setInterval(() => void wave(), 700);
  await eventually(() => out.length >= 1_000, 60_000, 'records through the job');
  await open('/jobs');
  assert.equal((await cells('page-views'))[2], 'RUNNING');
  await open('/jobs/page-views');
  await page.waitForSelector('#job-graph svg');
  for (const op of ['Source: views', 'parse', 'label', 'Sink']) assert.ok((await page.locator('#job-graph text', { hasText: op }).count()) >= 1, op);
  const rate = () => page.locator('#job-graph [data-rate="0"]').textContent();
  await eventually(async () => /out [1-9][\d,]*\/s/.test((await rate()) ?? ''), 30_000, 'a non-zero records/s on the source stage');
  const first = await rate();
  await eventually(async () => (await rate()) !== first, 30_000, 'records/s to change');
  const wm = async () => (await cells('Source: views'))[9];
  const wm1 = await wm();
  await eventually(async () => {
    const w = await wm();
    return w !== undefined && w !== '–' && w !== wm1;
  }, 30_000, 'the source watermark to advance');
  await eventually(async () => (await page.locator('#checkpoints tbody tr', { hasText: 'COMPLETED' }).count()) >= 1, 30_000, 'a completed checkpoint in the history');
  await shot('real-job');
  await open('/jobs/page-views/vertices/0');
  await page.waitForSelector('table');
  await shot('real-job-vertex-0');

  clearInterval(producing);
  producing = undefined;
  await eventually(() => out.length === sent, 60_000, 'the job to catch up');
  await eventually(async () => {
    await open('/jobs/page-views');
    return (await cells('Source: views'))[10] === '0';
  }, 60_000, 'the job page to show a consumer lag of 0 once the input is read');
  // Each chart draws from its second point (the page refreshes every 2 s).
  await eventually(async () => (await page.locator('[data-chart] canvas').count()) === 3, 30_000, 'three live charts, consumer lag by partition included');
  await shot('real-job-caught-up');
  await open('/groups');
  await page.waitForSelector('#groups table');
  // The job commits its positions at checkpoints: the group's lag reaches 0 once it caught up.
  await eventually(async () => {
    await open('/groups');
    return (await cells('page-views'))[4] === '0';
  }, 60_000, 'the group lag to drop to 0');
  await shot('real-job-groups');
});
