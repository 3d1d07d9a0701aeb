import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiKey,
  decodeResponse,
  encodeResponse,
  ErrorCode,
  errorCodeName,
  getApi,
  isFlexibleRequest,
  isFlexibleResponseHeader,
  isSupported,
  supportedApiVersions,
  type ApiVersionsResponse,
} from '../../src/protocol/index.ts';

describe('api table', () => {
  it('implements every required API from v0 (librdkafka and kafka-python read the ranges)', () => {
    const ranges = new Map(supportedApiVersions().map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
    const expected: Record<number, [number, number]> = {
      0: [0, 11], 1: [0, 17], 2: [0, 10], 3: [0, 12], 8: [0, 9], 9: [0, 9], 10: [0, 6], 11: [0, 9], 12: [0, 4],
      13: [0, 5], 14: [0, 5], 15: [0, 5], 16: [0, 5], 17: [0, 1], 18: [0, 4], 19: [0, 7], 20: [0, 6], 21: [0, 2],
      22: [0, 5], 23: [0, 4], 24: [0, 5], 25: [0, 4], 26: [0, 5], 28: [0, 4], 29: [0, 3], 30: [0, 3], 31: [0, 3],
      32: [0, 4], 33: [0, 2], 35: [0, 4], 36: [0, 2], 37: [0, 3], 42: [0, 2], 43: [0, 2], 44: [0, 1], 45: [0, 1], 46: [0, 0], 47: [0, 0], 48: [0, 1], 49: [0, 1], 50: [0, 0], 51: [0, 0], 60: [0, 1], 65: [0, 0], 66: [0, 1],
    };
    assert.deepEqual(Object.fromEntries(ranges), expected);
    assert.equal(ranges.has(27), false); // WriteTxnMarkers is broker-to-broker
  });

  it('knows which versions are flexible', () => {
    assert.equal(getApi(ApiKey.Produce)!.flexibleFrom, 9);
    assert.equal(isFlexibleRequest(ApiKey.Produce, 8), false);
    assert.equal(isFlexibleRequest(ApiKey.Produce, 9), true);
    assert.equal(isFlexibleRequest(ApiKey.Produce, 99), true); // newer than ours: same rule
    assert.equal(isFlexibleRequest(ApiKey.DescribeCluster, 0), true);
    assert.equal(isFlexibleRequest(ApiKey.SaslHandshake, 1), false); // never flexible
    assert.equal(isFlexibleRequest(ApiKey.SaslAuthenticate, 1), false);
    assert.equal(isFlexibleRequest(ApiKey.SaslAuthenticate, 2), true);
    assert.equal(isFlexibleRequest(ApiKey.CreateAcls, 2), true);
    assert.equal(isFlexibleRequest(ApiKey.DescribeUserScramCredentials, 0), true);
    assert.equal(isFlexibleRequest(999, 5), false);
    assert.equal(isFlexibleResponseHeader(ApiKey.ApiVersions, 4), false);
    assert.equal(isFlexibleResponseHeader(ApiKey.Metadata, 9), true);
    assert.equal(isSupported(ApiKey.Fetch, 17), true);
    assert.equal(isSupported(ApiKey.Fetch, 18), false);
  });

  it('the ApiVersions response built from the table round trips', () => {
    const body = { errorCode: 0, apiKeys: supportedApiVersions(), throttleTimeMs: 0 };
    for (const v of [0, 3, 4]) {
      const frame = Buffer.concat(encodeResponse(ApiKey.ApiVersions, v, 1, body)).subarray(4);
      const out = decodeResponse(ApiKey.ApiVersions, v, frame).body as ApiVersionsResponse;
      assert.deepEqual(out.apiKeys, body.apiKeys);
    }
  });
});

describe('error codes', () => {
  it('match Kafka', () => {
    const expected: Record<string, number> = {
      UNKNOWN_SERVER_ERROR: -1, NONE: 0, OFFSET_OUT_OF_RANGE: 1, CORRUPT_MESSAGE: 2, UNKNOWN_TOPIC_OR_PARTITION: 3,
      INVALID_FETCH_SIZE: 4, LEADER_NOT_AVAILABLE: 5, NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7,
      MESSAGE_TOO_LARGE: 10, COORDINATOR_LOAD_IN_PROGRESS: 14, COORDINATOR_NOT_AVAILABLE: 15, NOT_COORDINATOR: 16,
      INVALID_TOPIC_EXCEPTION: 17, RECORD_LIST_TOO_LARGE: 18, ILLEGAL_GENERATION: 22, INCONSISTENT_GROUP_PROTOCOL: 23,
      INVALID_GROUP_ID: 24, UNKNOWN_MEMBER_ID: 25, INVALID_SESSION_TIMEOUT: 26, REBALANCE_IN_PROGRESS: 27,
      INVALID_COMMIT_OFFSET_SIZE: 28, UNSUPPORTED_VERSION: 35, TOPIC_ALREADY_EXISTS: 36, INVALID_PARTITIONS: 37,
      INVALID_REPLICATION_FACTOR: 38, INVALID_CONFIG: 40, INVALID_REQUEST: 42, UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
      OUT_OF_ORDER_SEQUENCE_NUMBER: 45, DUPLICATE_SEQUENCE_NUMBER: 46, INVALID_PRODUCER_EPOCH: 47, INVALID_TXN_STATE: 48,
      INVALID_TRANSACTION_TIMEOUT: 50, CONCURRENT_TRANSACTIONS: 51, TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
      UNKNOWN_PRODUCER_ID: 59, NON_EMPTY_GROUP: 68, GROUP_ID_NOT_FOUND: 69, MEMBER_ID_REQUIRED: 79,
      FENCED_INSTANCE_ID: 82, INVALID_RECORD: 87, UNSTABLE_OFFSET_COMMIT: 88, PRODUCER_FENCED: 90, UNKNOWN_TOPIC_ID: 100,
    };
    for (const [name, code] of Object.entries(expected)) {
      assert.equal(ErrorCode[name as keyof typeof ErrorCode], code, name);
      assert.equal(errorCodeName(code), name);
    }
  });
});
