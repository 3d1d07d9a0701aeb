import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Admin, Consumer } from '@platformatic/kafka';
import type { Page } from 'playwright-core';
import { startTestBroker } from '../helpers/broker.ts';
import { browserMissing, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { createTopics, eventually, produce } from '../connectors/kafka-helpers.ts';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.ts';
import { LocalJobView } from '../../src/dashboard/local-job-view.ts';
import { simulatedJob } from './fixture-job.ts';

const skip = browserMissing();
let broker: Awaited<ReturnType<typeof startTestBroker>>;
let dashboard: RunningDashboard;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let live: Consumer;
let stepper: NodeJS.Timeout;
const sim = simulatedJob(undefined, 5_000);

before(async () => {
  if (skip) return;
  broker = await startTestBroker({ groups: { initialRebalanceDelayMs: 0 } });
  await createTopics(broker.bootstrap, { orders: 3, clicks: 1 });
  await produce(broker.bootstrap, 'orders', Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, key: `customer-${i % 5}`, value: JSON.stringify({ id: i, amount: i * 10 }), headers: { source: 'test' } })));
  await produce(broker.bootstrap, 'clicks', [{ value: 'a' }, { value: 'b' }]);
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [broker.bootstrap] });
  await admin.alterConsumerGroupOffsets({ groupId: 'billing', topics: [{ name: 'orders', partitionOffsets: [0, 1, 2].map((partition) => ({ partition, offset: 4n })) }] });
  await admin.close();
  // A group with a live member.
  live = new Consumer({ clientId: 'clicks-reader', groupId: 'click-readers', bootstrapBrokers: [broker.bootstrap], sessionTimeout: 10_000, heartbeatInterval: 500 });
  const stream = await live.consume({ topics: ['clicks'], mode: 'earliest', autocommit: 100, maxWaitTime: 100 });
  stream.on('data', () => {});

  dashboard = await startDashboard({
    kafka: { bootstrap: [broker.bootstrap] },
    jobs: new LocalJobView(() => [sim.job], sim.clock),
    metrics: () => [sim.worker.registry],
    clock: sim.clock,
  });
  sim.step(400);
  sim.exceptions.record(new TypeError("Cannot read properties of undefined (reading 'amount')"), sim.clock.now(), {
    operator: { uid: 'parse-1', name: 'Map: parse' },
    task: { vertexId: '0', subtask: 1 },
    worker: 'worker-0',
    record: '{"id":31}',
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
});

after(async () => {
  clearInterval(stepper);
  await browser?.close();
  await dashboard?.close();
  await live?.close(true).catch(() => {});
  await broker?.stop();
});

/** Opens a page of the dashboard and waits until its data arrived. */
async function open(hash: string): Promise<void> {
  await page.goto(`${dashboard.url}#${hash}`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
}

/** The cells of the first row containing `rowText` (inside `scope`). */
const cells = (rowText: string, scope = 'main') => page.locator(`${scope} tr`, { hasText: rowText }).first().locator('td').allInnerTexts();
const shot = (name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

test('broker pages: topics with partitions and message counts', { skip, timeout: 120_000 }, async () => {
  await open('/topics');
  await page.waitForSelector('#topics table');
  const orders = await cells('orders');
  assert.equal(orders[0], 'orders');
  assert.deepEqual(orders.slice(1, 4), ['3', '1', '30']);
  assert.match(orders[4] ?? '', /^\d+(\.\d)? (B|KiB|MiB)$/, 'size on disk from DescribeLogDirs');
  assert.notEqual(orders[4], '0 B');
  assert.equal(await page.getByText('Sizes on disk are not shown').count(), 0);
  await shot('topics');

  await open('/topics/orders');
  const p0 = await cells('0');
  assert.deepEqual(p0.slice(0, 8), ['0', '1', '1', '1', '0', '10', '10', '10']);
  await shot('topic-orders');
});

test('broker pages: groups with lag, a group with its committed offsets and lag per partition, members', { skip, timeout: 120_000 }, async () => {
  await open('/groups');
  await page.waitForSelector('#groups table');
  const billing = await cells('billing');
  assert.equal(billing[0], 'billing');
  assert.equal(billing[4], '18', 'lag 6 on each of 3 partitions');
  await eventually(async () => {
    await open('/groups');
    return (await cells('click-readers'))[3] === '1';
  }, 30_000, 'the live group to show its member');
  await shot('groups');

  await open('/groups/billing');
  await page.waitForSelector('#group-partitions table');
  const rows = await page.locator('#group-partitions tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[3], r[5]]), [['orders', '0', '4', '10', '6'], ['orders', '1', '4', '10', '6'], ['orders', '2', '4', '10', '6']]);
  await page.waitForSelector('[data-chart] canvas', { timeout: 30_000 }); // the lag chart, from its second point
  await shot('group-billing');

  await open('/groups/click-readers');
  await page.waitForSelector('#members table');
  assert.match((await cells('clicks-reader', '#members')).join(' '), /clicks\[0\]/);
});

test('message browser: records of a partition as text, then hex', { skip, timeout: 120_000 }, async () => {
  await open('/topics/orders/partitions/1?offset=0&limit=5');
  await page.waitForSelector('#messages table');
  const rows = await page.locator('#messages tbody tr').count();
  assert.equal(rows, 5);
  const first = await cells('customer-1');
  assert.equal(first[0], '0');
  assert.match(first[3]!, /"id":1,"amount":10/);
  assert.match(first[4]!, /source: test/);
  await shot('messages-text');
  await open('/topics/orders/partitions/1?offset=0&limit=5&format=hex');
  await page.waitForSelector('#messages table');
  assert.match((await cells('0'))[2]!, /^63 75 73 74 6f 6d 65 72 2d 31$/, '"customer-1" in hex');
});

test('job pages: graph with every operator, live records/s, lag that drops to 0, advancing watermark, checkpoints', { skip, timeout: 120_000 }, async () => {
  await open('/jobs');
  assert.equal((await cells('orders-enrich'))[2], 'RUNNING');
  await open('/jobs/orders-enrich');
  await page.waitForSelector('#job-graph svg');
  for (const op of ['Source: orders', 'Map: parse', 'Window: 10 s sum', 'Sink: totals']) {
    assert.equal(await page.locator(`#job-graph text`, { hasText: op }).count(), 1, op);
  }
  const rate = () => page.locator('#job-graph [data-rate="0"]').textContent();
  const first = await rate();
  assert.match(first ?? '', /out [1-9][\d,]*\/s/, `non-zero records/s: ${first}`);
  assert.equal(await page.locator('#job-graph [data-stage="1"]').getAttribute('data-backpressure'), 'high');
  const wm1 = (await cells('Window: 10 s sum'))[9];
  // From now on the simulated job moves one (simulated) second every 400 ms, at a varying rate.
  let n = 0;
  stepper = setInterval(() => sim.step(300 + (n++ % 3) * 100), 400);
  await eventually(async () => (await rate()) !== first, 30_000, 'records/s to change');
  assert.ok((await page.locator('#checkpoints tbody tr').count()) >= 1, 'a checkpoint in the history');
  await eventually(async () => (await cells('Source: orders'))[10] === '0', 60_000, 'the lag to drop to 0 once the input is read');
  const wm2 = (await cells('Window: 10 s sum'))[9];
  assert.ok(wm2! > wm1!, `the watermark advances: ${wm1} → ${wm2}`);
  assert.equal(await page.locator('[data-chart] canvas').count(), 3, 'three live charts');
  assert.deepEqual((await cells('TypeError', '#exceptions')).slice(1, 3), ['TypeError', 'Map: parse']);
  await shot('job');

  await open('/jobs/orders-enrich/vertices/0');
  await page.waitForSelector('table');
  assert.match((await cells('orders-1')).join(' '), /orders-1/);
  await shot('job-vertex-0');
});
