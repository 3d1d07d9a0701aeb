// FindCoordinator (api key 10): request and response schemas, versions 0-6.
// Facts from Kafka's FindCoordinatorRequest.json and FindCoordinatorResponse.json, in our DSL (see docs/internals/protocol.md).
import { defineApi } from '../schema/api.ts';
import { array, field, message } from '../schema/dsl.ts';

export const findCoordinatorRequestSchema = message('FindCoordinatorRequest', '0-6', '3+', [
  field('key', 'string', '0-3'),
  field('keyType', 'int8', '1+'),
  field('coordinatorKeys', '[]string', '4+'),
]);

/** FindCoordinatorRequest body, all versions (fields absent from a version decode to their default). */
export interface FindCoordinatorRequest {
  /** v0-3 */
  key: string;
  /** v1+ */
  keyType: number;
  /** v4+ */
  coordinatorKeys: string[];
}

export const findCoordinatorResponseSchema = message('FindCoordinatorResponse', '0-6', '3+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0-3'),
  field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
  field('nodeId', 'int32', '0-3'),
  field('host', 'string', '0-3'),
  field('port', 'int32', '0-3'),
  array('coordinators', '4+', [
    field('key', 'string', '4+'),
    field('nodeId', 'int32', '4+'),
    field('host', 'string', '4+'),
    field('port', 'int32', '4+'),
    field('errorCode', 'int16', '4+'),
    field('errorMessage', 'string', '4+', { nullable: '4+' }),
  ]),
]);

/** FindCoordinatorResponse body, all versions (fields absent from a version decode to their default). */
export interface FindCoordinatorResponse {
  /** v1+ */
  throttleTimeMs: number;
  /** v0-3 */
  errorCode: number;
  /** v1-3 */
  errorMessage: string | null;
  /** v0-3 */
  nodeId: number;
  /** v0-3 */
  host: string;
  /** v0-3 */
  port: number;
  /** v4+ */
  coordinators: Array<{
    key: string;
    nodeId: number;
    host: string;
    port: number;
    errorCode: number;
    errorMessage: string | null;
  }>;
}

export const findCoordinatorApi = defineApi(10, 'FindCoordinator', findCoordinatorRequestSchema, findCoordinatorResponseSchema);
