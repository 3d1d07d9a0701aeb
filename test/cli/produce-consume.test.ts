import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { murmur2 } from '../../src/util/murmur2.ts';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../helpers/broker.ts';
import { tempDir } from '../helpers/tmp-dir.ts';
import { createTopics } from './fixtures.ts';
import { runCli } from './run-cli.ts';

// The cases use distinct topics and groups: run them side by side.
describe('sluice produce and consume', { concurrency: true }, () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  const tmp = tempDir('sluice-cli-');
  const cli = (args: string[], input?: string) => runCli(args, { bootstrap: broker.bootstrap, input });

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await createTopics(broker.bootstrap, { keyed: 1, lines: 1, spread: 3, txn: 1 });
  });
  after(async () => {
    await broker.stop();
    tmp.cleanup();
  });

  test('stdin with keys, then consume --from-beginning --print-key --max-messages', async () => {
    const input = 'user-1:login\nuser-2:click:button\nuser-1:logout\n';
    const produced = await cli(['produce', 'keyed', '--key-separator', ':'], input);
    assert.equal(produced.code, 0, produced.stderr);
    assert.equal(produced.stdout, 'Sent 3 records to keyed\n');

    const consumed = await cli(['consume', 'keyed', '--from-beginning', '--print-key', '--max-messages', '2']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout, 'user-1\tlogin\nuser-2\tclick:button\n');

    const values = await cli(['consume', 'keyed', '--from-beginning', '--max-messages', '3']);
    assert.equal(values.code, 0, values.stderr);
    assert.equal(values.stdout, 'login\nclick:button\nlogout\n');

    // Without --group nothing is left behind in the broker (txn-readers is another case's group).
    const groups = await cli(['groups', 'list']);
    assert.equal(groups.code, 0, groups.stderr);
    assert.deepEqual(groups.stdout.split('\n').slice(1).filter((l) => l && !l.startsWith('txn-readers ')), []);
  });

  test('--file, --timeout-ms, and a line without the key separator', async () => {
    const file = join(tmp.dir, 'lines.txt');
    writeFileSync(file, Array.from({ length: 250 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const produced = await cli(['produce', 'lines', '--file', file, '--compression', 'gzip', '--acks', '1']);
    assert.equal(produced.code, 0, produced.stderr);
    assert.equal(produced.stdout, 'Sent 250 records to lines\n');

    // No --max-messages: the consumer stops after a quiet --timeout-ms.
    const consumed = await cli(['consume', 'lines', '--from-beginning', '--timeout-ms', '1000', '--isolation', 'read_committed']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const lines = consumed.stdout.trim().split('\n');
    assert.equal(lines.length, 250);
    assert.equal(lines[0], 'line 0');
    assert.equal(lines[249], 'line 249');
    assert.match(consumed.stderr, /Consumed 250 records/);

    const missing = await cli(['produce', 'lines', '--key-separator', '='], 'a=1\nno separator here\n');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^sluice: line 2 has no key separator "=".*\(1 record was sent before\)\n$/);
  });

  test('--isolation read_committed hides aborted and open transactions, with and without a group', async () => {
    const producer = new Producer({
      clientId: 'txn-test',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
      transactionalId: 'cli-test-txn',
      idempotent: true,
      acks: -1,
    });
    try {
      const inTransaction = async (values: string[], end: 'commit' | 'abort' | 'open') => {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: values.map((value) => ({ topic: 'txn', value })) });
        if (end === 'commit') await tx.commit();
        if (end === 'abort') await tx.abort();
      };
      await inTransaction(['aborted-1', 'aborted-2'], 'abort');
      await inTransaction(['committed-1'], 'commit');
      await inTransaction(['aborted-3'], 'abort');
      await inTransaction(['committed-2'], 'commit');
      await inTransaction(['open-1'], 'open');

      const [committed, grouped, everything] = await Promise.all([
        cli(['consume', 'txn', '--from-beginning', '--isolation', 'read_committed', '--timeout-ms', '1000']),
        cli(['consume', 'txn', '--group', 'txn-readers', '--from-beginning', '--isolation', 'read_committed', '--timeout-ms', '1500']),
        cli(['consume', 'txn', '--from-beginning', '--isolation', 'read_uncommitted', '-n', '6']),
      ]);
      assert.equal(committed.stdout, 'committed-1\ncommitted-2\n', committed.stderr);
      assert.equal(grouped.stdout, 'committed-1\ncommitted-2\n', grouped.stderr);
      assert.equal(everything.stdout, 'aborted-1\naborted-2\ncommitted-1\naborted-3\ncommitted-2\nopen-1\n', everything.stderr);
    } finally {
      await producer.close(true);
    }
  });

  test('records spread over partitions are all consumed; unknown topics fail', async () => {
    const input = Array.from({ length: 30 }, (_, i) => `k${i}:v${i}`).join('\n');
    assert.equal((await cli(['produce', 'spread', '-k', ':'], input)).code, 0);
    const consumed = await cli(['consume', 'spread', '--from-beginning', '-n', '30', '--print-key']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const got = consumed.stdout.trim().split('\n').sort();
    assert.deepEqual(got, Array.from({ length: 30 }, (_, i) => `k${i}\tv${i}`).sort());

    // Keys land where Kafka's Java client would put them: toPositive(murmur2(key)) % partitions.
    const expected = [0, 0, 0];
    for (let i = 0; i < 30; i++) expected[(murmur2(Buffer.from(`k${i}`)) & 0x7fffffff) % 3]!++;
    const described = (await cli(['topics', 'describe', 'spread'])).stdout;
    for (let p = 0; p < 3; p++) assert.match(described, new RegExp(`^${p}\\s+\\d+\\s+\\d+\\s+\\d+\\s+0\\s+${expected[p]}\\s+${expected[p]}$`, 'm'));

    const [consumeUnknown, produceUnknown, missingFile, badPartition] = await Promise.all([
      cli(['consume', 'nope', '--max-messages', '1']),
      cli(['produce', 'nope'], 'x\n'),
      cli(['produce', 'spread', '--file', join(tmp.dir, 'missing.txt')]),
      cli(['produce', 'spread', '--partition', '3'], 'x\n'),
    ]);
    assert.equal(badPartition.code, 1);
    assert.match(badPartition.stderr, /^sluice: --partition 3 does not exist: topic "spread" has 3 partitions/);
    assert.equal(consumeUnknown.code, 1);
    assert.equal(consumeUnknown.stderr, 'sluice: topic "nope" does not exist\n');
    assert.equal(produceUnknown.code, 1);
    assert.equal(produceUnknown.stderr, 'sluice: topic "nope" does not exist\n');
    assert.equal(missingFile.code, 1);
    assert.match(missingFile.stderr, /^sluice: cannot read .*missing\.txt: .*ENOENT/);
  });
});
