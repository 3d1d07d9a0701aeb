// DescribeUserScramCredentials (api key 50): request and response schemas, version 0.
// Facts from Kafka's DescribeUserScramCredentialsRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const describeUserScramCredentialsRequestSchema = message('DescribeUserScramCredentialsRequest', '0', '0+', [
  array('users', '0+', [field('name', 'string', '0+')], { nullable: '0+' }),
]);

/** DescribeUserScramCredentialsRequest body: the users to describe, null or empty for all. */
export interface DescribeUserScramCredentialsRequest {
  users: Array<{ name: string }> | null;
}

export const describeUserScramCredentialsResponseSchema = message('DescribeUserScramCredentialsResponse', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  array('results', '0+', [
    field('user', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    array('credentialInfos', '0+', [
      field('mechanism', 'int8', '0+'),
      field('iterations', 'int32', '0+'),
    ]),
  ]),
]);

/** DescribeUserScramCredentialsResponse body: one result per user. Mechanism 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: Array<{
    user: string;
    errorCode: number;
    errorMessage: string | null;
    credentialInfos: Array<{ mechanism: number; iterations: number }>;
  }>;
}

export const describeUserScramCredentialsApi = defineApi(
  50,
  'DescribeUserScramCredentials',
  describeUserScramCredentialsRequestSchema,
  describeUserScramCredentialsResponseSchema,
);
