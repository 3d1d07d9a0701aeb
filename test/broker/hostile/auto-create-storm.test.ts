import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { nodeFileIO, useFileIO } from '../../../src/broker/log/file-io.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';
import { BUDGET_ARGS, fdBound, normalClientRoundTrip, rssBound, startBrokerChild } from './broker-child.ts';
import { rawRequest } from './raw-client.ts';

// Observed case 4 (auto-creation stalls): one Metadata request naming 5,000 new topics froze the
// broker for 33 s because the registry was written and fsynced once per topic. Now all the
// topics of a request are created together with one registry write, and creating a partition
// touches no file until its first write.

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}` }));

test('a Metadata request auto-creating 5,000 topics and a CreateTopics of 1,000 each write the registry once', async () => {
  let registryWrites = 0;
  const restore = useFileIO({
    ...nodeFileIO,
    writeFileAtomic: (path, data) => {
      if (path.endsWith('topics.json')) registryWrites++;
      nodeFileIO.writeFileAtomic(path, data);
    },
  });
  const broker = await startTestBroker();
  try {
    const meta = await rawRequest(broker.bootstrap, ApiKey.Metadata, 9, { topics: names('auto', 5000), allowAutoTopicCreation: true });
    assert.equal(meta.topics.length, 5000);
    assert.ok(meta.topics.every((t: { errorCode: number; partitions: unknown[] }) => t.errorCode === ErrorCode.NONE && t.partitions.length === 1));
    assert.equal(registryWrites, 1, 'one registry write for 5,000 auto-created topics');
    const created = await rawRequest(broker.bootstrap, ApiKey.CreateTopics, 5, {
      topics: names('made', 1000).map((t) => ({ ...t, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.ok(created.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
    assert.equal(registryWrites, 2, 'one more for the 1,000 created');
    const deleted = await rawRequest(broker.bootstrap, ApiKey.DeleteTopics, 4, { topicNames: names('made', 1000).map((t) => t.name), timeoutMs: 10_000 });
    assert.ok(deleted.responses.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
    assert.equal(registryWrites, 3, 'one more for the 1,000 deleted');
  } finally {
    await broker.stop();
    restore();
  }
});

test('5,000 topics auto-created while a normal client works: the client is served, memory and files stay bounded', async () => {
  const data = tempDir('sluice-hostile-autocreate-');
  const broker = await startBrokerChild(data.dir, BUDGET_ARGS);
  try {
    await normalClientRoundTrip(broker.bootstrap, 'warm-up');
    const baseline = broker.rssBytes();
    const storm = rawRequest(broker.bootstrap, ApiKey.Metadata, 9, { topics: names('storm', 5000), allowAutoTopicCreation: true }, 120_000);
    await normalClientRoundTrip(broker.bootstrap, 'during a 5,000-topic auto-creation');
    const meta = await storm;
    assert.equal(meta.topics.filter((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE).length, 5000);
    await normalClientRoundTrip(broker.bootstrap, 'after it');
    assert.ok(broker.rssBytes() <= rssBound(baseline, 10), `RSS ${broker.rssBytes()}`);
    assert.ok(broker.openFds() <= fdBound(1000, 10), `${broker.openFds()} descriptors`);
  } finally {
    await broker.stop('SIGKILL');
    data.cleanup();
  }
});
