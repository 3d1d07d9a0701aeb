import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiKey,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  ZERO_UUID,
  type FetchRequest,
  type MetadataRequest,
  type ProduceRequest,
  type ProduceResponse,
} from '../../src/protocol/index.ts';

// Hand-assembled bytes from the protocol specification (grammar in comments).
const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

describe('request headers', () => {
  it('v1 (non-flexible): int16 key, int16 version, int32 correlation id, int16-length client id', () => {
    const frame = hex('0012 0000 00000001 0002 6162'); // ApiVersions v0, id 1, client "ab", empty body
    assert.deepEqual(decodeRequestHeader(frame), {
      apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'ab', headerSize: 12,
    });
    assert.deepEqual(encodeRequest(ApiKey.ApiVersions, 0, 1, 'ab', {}), Buffer.concat([hex('0000000c'), frame]));
  });

  it('v2 (flexible): client id stays a classic string, then a tagged-field section', () => {
    // ApiVersions v3, client "ab"; body: compact "x", compact "1", no tags
    const frame = hex('0012 0003 00000001 0002 6162 00  02 78  02 31  00');
    const header = decodeRequestHeader(frame);
    assert.equal(header.headerSize, 13);
    const { body } = decodeRequest(frame);
    assert.deepEqual(body, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
    assert.deepEqual(encodeRequest(ApiKey.ApiVersions, 3, 1, 'ab', body).subarray(4), frame);
  });

  it('null client id and unknown header tags', () => {
    const frame = hex('0012 0003 00000002 ffff 01 07 02 aabb  02 78  02 31  00');
    const { header, body } = decodeRequest(frame);
    assert.equal(header.clientId, null);
    assert.equal(header.headerSize, 15);
    assert.deepEqual(body, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  });

  it('reads the header of versions and keys we do not support', () => {
    const h = decodeRequestHeader(hex('7fff 0063 00000009 0001 7a'));
    assert.deepEqual(h, { apiKey: 0x7fff, apiVersion: 99, correlationId: 9, clientId: 'z', headerSize: 11 });
  });
});

describe('flexible Metadata v12 request', () => {
  // topics: compact array of 1 { topic_id uuid, name compact nullable string, tags }
  // allow_auto_topic_creation bool, include_topic_authorized_operations bool, tags
  const header = '0003 000c 00000005 ffff 00';
  it('named topic', () => {
    const frame = hex(`${header} 02 ${'00'.repeat(16)} 04 666f6f 00  01 00 00`);
    const { body } = decodeRequest(frame);
    const expected: MetadataRequest = {
      topics: [{ topicId: ZERO_UUID, name: 'foo' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    assert.deepEqual(body, expected);
    assert.deepEqual(encodeRequest(ApiKey.Metadata, 12, 5, null, expected).subarray(4), frame);
  });

  it('compact nullable string: null topic name (by id) is a single 0x00', () => {
    const id = '0102030405060708090a0b0c0d0e0f10';
    const frame = hex(`${header} 02 ${id} 00 00  00 01 00`);
    const body = decodeRequest(frame).body as MetadataRequest;
    assert.equal(body.topics![0]!.name, null);
    assert.equal(body.topics![0]!.topicId, hex(id).toString('base64url'));
    assert.equal(body.allowAutoTopicCreation, false);
    assert.equal(body.includeTopicAuthorizedOperations, true);
    assert.deepEqual(encodeRequest(ApiKey.Metadata, 12, 5, null, body).subarray(4), frame);
  });

  it('null topics array (all topics) is a single 0x00', () => {
    const body = decodeRequest(hex(`${header} 00 01 00 00`)).body as MetadataRequest;
    assert.equal(body.topics, null);
  });

  it('v0: topics is a non-nullable int32-counted array of strings', () => {
    const frame = hex('0003 0000 00000001 0000  00000001 0003 666f6f');
    const body = decodeRequest(frame).body as MetadataRequest;
    assert.deepEqual(body.topics, [{ topicId: ZERO_UUID, name: 'foo' }]);
    assert.equal(body.allowAutoTopicCreation, true); // absent in v0: the schema default
  });
});

describe('tagged fields', () => {
  // Fetch v12: replica_id, max_wait_ms, min_bytes, max_bytes, isolation_level, session_id,
  // session_epoch, topics, forgotten_topics_data, rack_id, then tags (0 = cluster_id)
  const fixed = 'ffffffff 000001f4 00000001 00100000 01 00000000 ffffffff 01 01 01';
  const header = '0001 000c 00000003 0001 63 00';

  it('decodes a known tag and skips unknown ones', () => {
    const frame = hex(`${header} ${fixed} 02  00 02 0263  05 03 aabbcc`);
    const body = decodeRequest(frame).body as FetchRequest;
    assert.equal(body.clusterId, 'c');
    assert.equal(body.maxWaitMs, 500);
    assert.equal(body.isolationLevel, 1);
    assert.deepEqual(body.topics, []);
  });

  it('writes a tag only when it differs from its default', () => {
    const body = decodeRequest(hex(`${header} ${fixed} 00`)).body as FetchRequest;
    assert.equal(body.clusterId, null);
    assert.deepEqual(encodeRequest(ApiKey.Fetch, 12, 3, 'c', body).subarray(4), hex(`${header} ${fixed} 00`));
    body.clusterId = 'c';
    assert.deepEqual(encodeRequest(ApiKey.Fetch, 12, 3, 'c', body).subarray(4), hex(`${header} ${fixed} 01 00 02 0263`));
  });

  it('tagged struct inside an array element (ProduceResponse v10 current_leader)', () => {
    const body: ProduceResponse = {
      responses: [{
        name: 't',
        partitionResponses: [{
          index: 0, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n,
          recordErrors: [], errorMessage: null, currentLeader: { leaderId: 1, leaderEpoch: 2 },
        }],
      }],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    };
    const frame = Buffer.concat(encodeResponse(ApiKey.Produce, 10, 1, body));
    const partition = '00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff 01 00';
    const leader = '01 00 09 00000001 00000002 00';
    // size, correlation id, header tags, responses[1] { name "t", partitions[1] {...}, tags }, throttle, tags
    const expected = hex(`00000000 00000001 00 02 0274 02 ${partition} ${leader} 00 00000000 00`);
    expected.writeInt32BE(expected.length - 4, 0);
    assert.deepEqual(frame, expected);
    assert.deepEqual(decodeResponse(ApiKey.Produce, 10, frame.subarray(4)).body, body);
  });
});

describe('responses', () => {
  it('ApiVersions v3 response uses header v0 (no tag byte after the correlation id)', () => {
    const frame = Buffer.concat(encodeResponse(ApiKey.ApiVersions, 3, 9, {
      errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }], throttleTimeMs: 0,
    }));
    assert.deepEqual(frame, hex('00000013 00000009 0000 02 0000 0000 000b 00 00000000 00'));
  });

  it('Metadata v9 response uses header v1 (tag byte after the correlation id)', () => {
    const frame = Buffer.concat(encodeResponse(ApiKey.Metadata, 9, 9, {}));
    // throttle, brokers[], cluster_id null, controller -1, topics[], cluster ops, tags
    assert.deepEqual(frame, hex('00000015 00000009 00 00000000 01 00 ffffffff 01 80000000 00'));
  });

  it('Produce v3 request: nullable records as an int32-length slice of the frame', () => {
    const records = Buffer.from('batch');
    const body: ProduceRequest = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 2, records }] }] };
    const frame = encodeRequest(ApiKey.Produce, 3, 4, 'k', body);
    assert.deepEqual(frame.subarray(15), hex('ffff ffff 00007530 00000001 0001 74 00000001 00000002 00000005 6261746368'));
    const decoded = decodeRequest(frame.subarray(4)).body as ProduceRequest;
    const slice = decoded.topicData[0]!.partitionData[0]!.records!;
    assert.equal(slice.buffer, frame.buffer); // no copy
    assert.deepEqual(slice, records);
  });

  it('Fetch response: large record batches are separate chunks, not copies', () => {
    const a = Buffer.alloc(4096, 1);
    const b = Buffer.alloc(8192, 2);
    const chunks = encodeResponse(ApiKey.Fetch, 11, 1, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 10n, records: [a, b] }] }],
    });
    assert.ok(chunks.includes(a) && chunks.includes(b));
    const frame = Buffer.concat(chunks);
    assert.equal(frame.readInt32BE(0), frame.length - 4);
    const body = decodeResponse(ApiKey.Fetch, 11, frame.subarray(4)).body as { responses: { partitions: { records: Buffer }[] }[] };
    assert.deepEqual(body.responses[0]!.partitions[0]!.records, Buffer.concat([a, b]));
  });
});
