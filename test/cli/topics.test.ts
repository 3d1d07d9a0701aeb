import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../helpers/broker.ts';
import { runCli, type CliResult } from './run-cli.ts';

// The cases use distinct topics: run them side by side.
describe('sluice topics', { concurrency: true }, () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  const cli = (args: string[], input?: string) => runCli(args, { bootstrap: broker.bootstrap, input });

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
  });
  after(() => broker.stop());

  test('create, list, describe and delete', async () => {
    const created = await cli(['topics', 'create', 'orders', '--partitions', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=delete']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created topic orders with 3 partitions/);
    assert.equal((await cli(['topics', 'create', 'payments', '-p', '1'])).code, 0);

    const listed = await cli(['topics', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    const names = listed.stdout.trim().split('\n');
    assert.ok(names.includes('orders') && names.includes('payments'), listed.stdout);
    assert.deepEqual(names, [...names].sort());

    const produced = await cli(['produce', 'orders', '--partition', '1'], 'a\nb\n');
    assert.equal(produced.code, 0, produced.stderr);

    const described = await cli(['topics', 'describe', 'orders']);
    assert.equal(described.code, 0, described.stderr);
    const out = described.stdout;
    assert.match(out, /^Topic: orders$/m);
    assert.match(out, /^Partitions: 3$/m);
    assert.match(out, /^PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+EARLIEST\s+LATEST\s+MESSAGES$/m);
    assert.match(out, /^0\s+\d+\s+\d+\s+\d+\s+0\s+0\s+0$/m);
    assert.match(out, /^1\s+\d+\s+\d+\s+\d+\s+0\s+2\s+2$/m);
    assert.match(out, /^2\s+\d+\s+\d+\s+\d+\s+0\s+0\s+0$/m);
    assert.match(out, /^retention\.ms\s+3600000\s+topic$/m);
    assert.match(out, /^cleanup\.policy\s+delete\s+topic$/m);
    assert.doesNotMatch(out, /^segment\.bytes/m);
    const all = await cli(['topics', 'describe', 'orders', '--all-configs']);
    assert.match(all.stdout, /^retention\.ms\s+3600000\s+topic$/m);
    assert.match(all.stdout, /^segment\.bytes\s+\d+\s+default$/m);

    const deleted = await cli(['topics', 'delete', 'orders']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deleted topic orders/);
    const remaining = (await cli(['topics', 'list'])).stdout.trim().split('\n');
    assert.ok(remaining.includes('payments') && !remaining.includes('orders'), remaining.join(' '));
  });

  test('errors: unknown topic, existing topic, invalid config', async () => {
    const [unknown, deleteUnknown] = await Promise.all([cli(['topics', 'describe', 'nope']), cli(['topics', 'delete', 'nope'])]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'sluice: topic "nope" does not exist\n');
    assert.equal(unknown.stdout, '');

    assert.equal(deleteUnknown.code, 1);
    assert.match(deleteUnknown.stderr, /^sluice: topic "nope" does not exist\n$/);

    assert.equal((await cli(['topics', 'create', 'twice', '--partitions', '1'])).code, 0);
    const twice = await cli(['topics', 'create', 'twice', '--partitions', '1']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /^sluice: cannot create topic "twice": .*already exists.*\n$/);

    const badConfig = await cli(['topics', 'create', 'cfg', '--partitions', '1', '--config', 'no.such.config=1']);
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stderr, /^sluice: cannot create topic "cfg": .*no\.such\.config.*\n$/);
  });

  test('bad option values fail before connecting', async () => {
    // A closed port: reaching the network would give a connection error instead.
    const closed = { bootstrap: '127.0.0.1:1' };
    const runs: Promise<{ args: readonly string[]; pattern: RegExp; r: CliResult }>[] = [];
    for (const [args, pattern] of [
      [['topics', 'create', 'x', '--partitions', 'abc'], /--partitions must be an integer/],
      [['topics', 'create', 'x', '--partitions', '0'], /--partitions must be an integer/],
      [['topics', 'create', 'x', '--partitions', '2', '--config', 'retention.ms'], /--config must be key=value/],
      [['topics', 'create', 'x', '--partitions', '2', '--config', '=5'], /--config must be key=value/],
      [['topics', 'create', 'x'], /required option .*--partitions/],
      [['topics', 'create', 'bad/name', '--partitions', '1'], /invalid topic name "bad\/name"/],
    ] as const) runs.push(runCli([...args], closed).then((r) => ({ args, pattern, r })));
    for (const { args, pattern, r } of await Promise.all(runs)) {
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^sluice: /);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /cannot connect/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
