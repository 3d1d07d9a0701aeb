// ApiVersions (api key 18): request and response schemas, versions 0-4.
// Facts from Kafka's ApiVersionsRequest.json and ApiVersionsResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const apiVersionsRequestSchema = message('ApiVersionsRequest', '0-4', '3+', [
  field('clientSoftwareName', 'string', '3+'),
  field('clientSoftwareVersion', 'string', '3+'),
]);

/** ApiVersionsRequest body, all versions (fields absent from a version decode to their default). */
export interface ApiVersionsRequest {
  /** v3+ */
  clientSoftwareName: string;
  /** v3+ */
  clientSoftwareVersion: string;
}

export const apiVersionsResponseSchema = message('ApiVersionsResponse', '0-4', '3+', [
  field('errorCode', 'int16', '0+'),
  array('apiKeys', '0+', [
    field('apiKey', 'int16', '0+'),
    field('minVersion', 'int16', '0+'),
    field('maxVersion', 'int16', '0+'),
  ]),
  field('throttleTimeMs', 'int32', '1+'),
  array('supportedFeatures', '3+', [
    field('name', 'string', '3+'),
    field('minVersion', 'int16', '3+'),
    field('maxVersion', 'int16', '3+'),
  ], { tag: 0 }),
  field('finalizedFeaturesEpoch', 'int64', '3+', { tag: 1, default: -1n }),
  array('finalizedFeatures', '3+', [
    field('name', 'string', '3+'),
    field('maxVersionLevel', 'int16', '3+'),
    field('minVersionLevel', 'int16', '3+'),
  ], { tag: 2 }),
  field('zkMigrationReady', 'bool', '3+', { tag: 3 }),
]);

/** ApiVersionsResponse body, all versions (fields absent from a version decode to their default). */
export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: Array<{
    apiKey: number;
    minVersion: number;
    maxVersion: number;
  }>;
  /** v1+ */
  throttleTimeMs: number;
  /** v3+, tag 0 */
  supportedFeatures: Array<{
    name: string;
    minVersion: number;
    maxVersion: number;
  }>;
  /** v3+, tag 1 */
  finalizedFeaturesEpoch: bigint;
  /** v3+, tag 2 */
  finalizedFeatures: Array<{
    name: string;
    maxVersionLevel: number;
    minVersionLevel: number;
  }>;
  /** v3+, tag 3 */
  zkMigrationReady: boolean;
}

export const apiVersionsApi = defineApi(18, 'ApiVersions', apiVersionsRequestSchema, apiVersionsResponseSchema);
