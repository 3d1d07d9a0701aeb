// DescribeLogDirs (api key 35): request and response schemas, versions 0-4.
// Facts from Kafka's DescribeLogDirsRequest.json and DescribeLogDirsResponse.json (v4: KIP-827's
// totalBytes and usableBytes), in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeLogDirsRequestSchema = message('DescribeLogDirsRequest', '0-4', '2+', [
  array('topics', '0+', [
    field('topic', 'string', '0+'),
    field('partitions', '[]int32', '0+'),
  ], { nullable: '0+' }),
]);

/** DescribeLogDirsRequest body; `topics: null` asks for every partition. */
export interface DescribeLogDirsRequest {
  topics: Array<{
    topic: string;
    partitions: number[];
  }> | null;
}

export const describeLogDirsResponseSchema = message('DescribeLogDirsResponse', '0-4', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '3+'),
  array('results', '0+', [
    field('errorCode', 'int16', '0+'),
    field('logDir', 'string', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('partitionSize', 'int64', '0+'),
        field('offsetLag', 'int64', '0+'),
        field('isFutureKey', 'bool', '0+'),
      ]),
    ]),
    field('totalBytes', 'int64', '4+', { default: -1n }),
    field('usableBytes', 'int64', '4+', { default: -1n }),
  ]),
]);

/** DescribeLogDirsResponse body, all versions (fields absent from a version decode to their default). */
export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  errorCode: number;
  results: Array<{
    errorCode: number;
    logDir: string;
    topics: Array<{
      name: string;
      partitions: Array<{
        partitionIndex: number;
        partitionSize: bigint;
        offsetLag: bigint;
        isFutureKey: boolean;
      }>;
    }>;
    totalBytes: bigint;
    usableBytes: bigint;
  }>;
}

export const describeLogDirsApi = defineApi(35, 'DescribeLogDirs', describeLogDirsRequestSchema, describeLogDirsResponseSchema);
