import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.ts';
import { startTestBroker } from '../../helpers/broker.ts';
import { RawClient } from '../../helpers/raw-client.ts';

// Metadata for topics that do not exist: Kafka validates the name first, so an illegal name is
// INVALID_TOPIC_EXCEPTION whether or not the request allows auto-creation, and a legal one is
// UNKNOWN_TOPIC_OR_PARTITION when it may not be created.

let broker: Awaited<ReturnType<typeof startTestBroker>>;
let client: RawClient;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.open(broker.port);
});

after(async () => {
  client?.close();
  await broker?.stop();
});

async function errors(names: string[], allowAutoTopicCreation: boolean): Promise<Array<[string, number]>> {
  const r = await client.call(ApiKey.Metadata, 12, { topics: names.map((name) => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name })), allowAutoTopicCreation, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
  return r.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode]);
}

test('an illegal topic name is INVALID_TOPIC_EXCEPTION, with or without auto-creation', async () => {
  const illegal = ['bad name!', '..', 'x'.repeat(250)];
  for (const allow of [false, true]) {
    assert.deepEqual(await errors([...illegal, 'legal-but-absent'], allow), [
      ...illegal.map((n): [string, number] => [n, ErrorCode.INVALID_TOPIC_EXCEPTION]),
      ['legal-but-absent', allow ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ], `allowAutoTopicCreation ${allow}`);
  }
});
