// AlterUserScramCredentials (api key 51): request and response schemas, version 0.
// Facts from Kafka's AlterUserScramCredentialsRequest.json and ...Response.json, in our DSL (see docs/internals/protocol.md).
// The client sends the salted password (never the password); the broker keeps StoredKey and ServerKey.
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const alterUserScramCredentialsRequestSchema = message('AlterUserScramCredentialsRequest', '0', '0+', [
  array('deletions', '0+', [
    field('name', 'string', '0+'),
    field('mechanism', 'int8', '0+'),
  ]),
  array('upsertions', '0+', [
    field('name', 'string', '0+'),
    field('mechanism', 'int8', '0+'),
    field('iterations', 'int32', '0+'),
    field('salt', 'bytes', '0+'),
    field('saltedPassword', 'bytes', '0+'),
  ]),
]);

/** AlterUserScramCredentialsRequest body. Mechanism 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
export interface AlterUserScramCredentialsRequest {
  deletions: Array<{ name: string; mechanism: number }>;
  upsertions: Array<{
    name: string;
    mechanism: number;
    iterations: number;
    salt: Buffer;
    /** Hi(password, salt, iterations) as computed by the client. */
    saltedPassword: Buffer;
  }>;
}

export const alterUserScramCredentialsResponseSchema = message('AlterUserScramCredentialsResponse', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  array('results', '0+', [
    field('user', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ]),
]);

/** AlterUserScramCredentialsResponse body: one result per user named in the request. */
export interface AlterUserScramCredentialsResponse {
  throttleTimeMs: number;
  results: Array<{ user: string; errorCode: number; errorMessage: string | null }>;
}

export const alterUserScramCredentialsApi = defineApi(
  51,
  'AlterUserScramCredentials',
  alterUserScramCredentialsRequestSchema,
  alterUserScramCredentialsResponseSchema,
);
