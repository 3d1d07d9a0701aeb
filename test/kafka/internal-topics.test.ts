import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfigsV4 } from '@platformatic/kafka';
import { InternalTopics } from '../../src/kafka/internal-topics.ts';
import { InternalTopicMismatchError } from '../../src/kafka/errors.ts';
import { kafkaTestEnv, rejection } from './helpers.ts';
import type { ClientSupplier } from '../../src/kafka/client-supplier.ts';

// autoCreateTopics stays on (the broker default): the checks must not create topics by looking.
const env = kafkaTestEnv();
let shared: ClientSupplier | undefined;
const clients = (): ClientSupplier => (shared ??= env.supplier());

async function configOf(topic: string, key: string): Promise<string | null | undefined> {
  const r = await clients().wire('check').call(describeConfigsV4.api, 'any', {}, [{ resourceType: 2, resourceName: topic, configurationKeys: [key] }], false, false);
  return r.results[0]!.configs.find((c) => c.name === key)?.value;
}

test('creates missing topics in one go, each with its own partitions and configs', async () => {
  const topics = new InternalTopics(clients().wire('admin'));
  const result = await topics.ensure([
    { name: 'job1-op-changelog', partitions: 8, configs: { 'cleanup.policy': 'compact' } },
    { name: 'job1-control', partitions: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '86400000' } },
  ]);
  assert.deepEqual(result.created.sort(), ['job1-control', 'job1-op-changelog']);
  assert.deepEqual(result.verified, []);
  const md = await clients().wire('check').metadata(['job1-op-changelog', 'job1-control']);
  assert.equal(md.topics.get('job1-op-changelog')!.partitionsCount, 8);
  assert.equal(md.topics.get('job1-control')!.partitionsCount, 1);
  assert.equal(await configOf('job1-op-changelog', 'cleanup.policy'), 'compact');
  assert.equal(await configOf('job1-control', 'retention.ms'), '86400000');

  // A second start finds and checks them, creating nothing.
  const again = await topics.ensure([
    { name: 'job1-op-changelog', partitions: 8, configs: { 'cleanup.policy': 'compact' } },
    { name: 'job1-control', partitions: 1, configs: { 'cleanup.policy': 'delete' } },
  ]);
  assert.deepEqual(again.created, []);
  assert.deepEqual(again.verified.sort(), ['job1-control', 'job1-op-changelog']);
});

test('a partition count that differs is a typed error naming topic, expected and found; nothing is changed', async () => {
  const topics = new InternalTopics(clients().wire('admin'));
  await topics.ensure([{ name: 'job2-op-changelog', partitions: 4, configs: { 'cleanup.policy': 'compact' } }]);
  const e = await rejection(() =>
    topics.ensure([{ name: 'job2-op-changelog', partitions: 128, configs: { 'cleanup.policy': 'compact' }, partitionsAdvice: 'Run the job with max parallelism 4.' }]),
  );
  assert.ok(e instanceof InternalTopicMismatchError, String(e));
  assert.equal(e.code, 'SLUICE_INTERNAL_TOPIC_MISMATCH');
  assert.equal(e.topic, 'job2-op-changelog');
  assert.equal(e.expected, '128');
  assert.equal(e.found, '4');
  assert.match(e.message, /job2-op-changelog.*partition count 4.*needs 128.*max parallelism 4/);
  const md = await clients().wire('check').metadata(['job2-op-changelog']);
  assert.equal(md.topics.get('job2-op-changelog')!.partitionsCount, 4);
});

test('a changelog that is not compacted is refused with the fix in the message', async () => {
  const topics = new InternalTopics(clients().wire('admin'));
  await topics.ensure([{ name: 'job3-op-changelog', partitions: 2, configs: { 'cleanup.policy': 'delete' } }]);
  const e = await rejection(() => topics.ensure([{ name: 'job3-op-changelog', partitions: 2, configs: { 'cleanup.policy': 'compact' } }]));
  assert.ok(e instanceof InternalTopicMismatchError, String(e));
  assert.equal(e.setting, 'cleanup.policy');
  assert.equal(e.expected, 'compact');
  assert.equal(e.found, 'delete');
  assert.match(e.message, /cleanup\.policy=compact/);
  // Order inside a list-valued policy does not matter.
  await topics.ensure([{ name: 'job3b', partitions: 1, configs: { 'cleanup.policy': 'compact,delete' } }]);
  await topics.ensure([{ name: 'job3b', partitions: 1, configs: { 'cleanup.policy': 'delete,compact' } }]);
});

test('an existing topic created by someone else (no configs of ours) is checked, not trusted', async () => {
  // Auto-created by a plain metadata request of an ordinary client: 1 partition, default policy.
  await clients().wire('other').call((await import('@platformatic/kafka')).metadataV12.api, 'any', {}, ['job4-op-changelog'], true, false);
  const topics = new InternalTopics(clients().wire('admin'));
  const e = await rejection(() => topics.ensure([{ name: 'job4-op-changelog', partitions: 1, configs: { 'cleanup.policy': 'compact' } }]));
  assert.ok(e instanceof InternalTopicMismatchError);
  assert.equal(e.found, 'delete');
});

test('two workers ensuring the same topics at once both succeed (TOPIC_ALREADY_EXISTS is a race, not an error)', async () => {
  const a = new InternalTopics(env.supplier().wire('admin'));
  const b = new InternalTopics(env.supplier().wire('admin'));
  const spec = [
    { name: 'job5-a', partitions: 3, configs: { 'cleanup.policy': 'compact' } },
    { name: 'job5-b', partitions: 1, configs: { 'cleanup.policy': 'compact' } },
  ];
  const [ra, rb] = await Promise.all([a.ensure(spec), b.ensure(spec)]);
  const created = [...ra.created, ...rb.created].sort();
  assert.deepEqual(created, ['job5-a', 'job5-b'], 'each topic is created exactly once');
  assert.deepEqual([...ra.created, ...ra.verified].sort(), ['job5-a', 'job5-b']);
  assert.deepEqual([...rb.created, ...rb.verified].sort(), ['job5-a', 'job5-b']);
});
