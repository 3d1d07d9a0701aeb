import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { buildBatch } from '../../../src/protocol/records/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { fdBound, normalClientRoundTrip, rssBound, startBrokerChild } from './broker-child.ts';
import { rawRequest } from './raw-client.ts';

// Observed case 7 (retention overshoot): retention ran every 60 s with no setting, and at 7 MB/s
// the disk reached 506 MB against about 150 MB configured. Now log.retention.check.interval.ms
// is configurable, and retention.bytes is also applied whenever a segment rolls, so a partition
// never holds more than retention.bytes + segment.bytes (the active segment is never deleted).

const KIB = 1024;

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

const produce = (bootstrap: string, topic: string, bytes: number) =>
  rawRequest(bootstrap, ApiKey.Produce, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ records: [{ key: null, value: Buffer.alloc(bytes, 3), timestamp: BigInt(Date.now()) }] }) }] }],
  });

test('with retention checked only every 10 minutes, a partition stays within retention.bytes + segment.bytes while written fast', async () => {
  const data = tempDir('sluice-retention-');
  const broker = await startBrokerChild(data.dir, ['--retention-check-interval-ms', '600000']);
  try {
    await normalClientRoundTrip(broker.bootstrap, 'warm-up');
    const baseline = broker.rssBytes();
    const retentionBytes = 1024 * KIB;
    const segmentBytes = 256 * KIB;
    const created = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
      topics: [{ name: 'bounded', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.bytes', value: String(retentionBytes) }, { name: 'segment.bytes', value: String(segmentBytes) }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const dir = join(data.dir, 'logs', 'bounded-0');
    let most = 0;
    for (let i = 0; i < 160; i++) {
      const out = await produce(broker.bootstrap, 'bounded', 60 * KIB);
      assert.equal(out.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
      most = Math.max(most, logBytes(dir));
    }
    assert.ok(most <= retentionBytes + segmentBytes, `at most ${most} bytes on disk for ~10 MB written (bound ${retentionBytes + segmentBytes})`);
    assert.ok(most >= retentionBytes, 'retention kept what it should');
    await normalClientRoundTrip(broker.bootstrap, 'after the fast writes');
    assert.ok(broker.rssBytes() <= rssBound(baseline, 10));
    assert.ok(broker.openFds() <= fdBound(1000, 10));
  } finally {
    await broker.stop('SIGKILL');
    data.cleanup();
  }
});

test('log.retention.check.interval.ms sets how soon retention.ms deletes old segments', async () => {
  const broker = await startTestBroker({ config: { 'log.retention.check.interval.ms': 200 } });
  try {
    await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
      topics: [{ name: 'aging', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '50' }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    for (let i = 0; i < 3; i++) {
      await produce(broker.bootstrap, 'aging', 100);
      await new Promise((r) => setTimeout(r, 100)); // older than segment.ms: the next append rolls
    }
    const earliest = async () => {
      const out = await rawRequest(broker.bootstrap, ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'aging', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }] });
      return Number(out.topics[0].partitions[0].offset);
    };
    let start = 0;
    for (let waited = 0; start < 2 && waited < 15_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      start = await earliest();
    }
    assert.equal(start, 2, 'the two closed segments were deleted (the active one is kept)');
  } finally {
    await broker.stop();
  }
});
