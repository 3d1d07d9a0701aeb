import { ErrorCode } from '../../../protocol/error-codes.ts';

/**
 * Kafka's ACL vocabulary with its wire codes (org.apache.kafka.common.resource / .acl). UNKNOWN
 * and ANY exist on the wire; ANY (and MATCH) only in filters.
 */
export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeName = keyof typeof ResourceType;
export type PatternTypeName = keyof typeof PatternType;
export type AclOperationName = keyof typeof AclOperation;
export type AclPermissionTypeName = keyof typeof AclPermissionType;

/** The only name of the CLUSTER resource. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** The principal that matches every user. */
export const WILDCARD_PRINCIPAL = 'User:*';
/** The host that matches every client address. */
export const WILDCARD_HOST = '*';

function namesOf<T extends Record<string, number>>(table: T): Map<number, keyof T & string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name as keyof T & string]));
}
const RESOURCE_NAMES = namesOf(ResourceType);
const PATTERN_NAMES = namesOf(PatternType);
const OPERATION_NAMES = namesOf(AclOperation);
const PERMISSION_NAMES = namesOf(AclPermissionType);

/** Name of a code ('TOPIC', 'PREFIXED', 'READ', 'ALLOW'), or 'UNKNOWN' for codes Kafka does not define. */
export const resourceTypeName = (code: number): ResourceTypeName => RESOURCE_NAMES.get(code) ?? 'UNKNOWN';
export const patternTypeName = (code: number): PatternTypeName => PATTERN_NAMES.get(code) ?? 'UNKNOWN';
export const operationName = (code: number): AclOperationName => OPERATION_NAMES.get(code) ?? 'UNKNOWN';
export const permissionTypeName = (code: number): AclPermissionTypeName => PERMISSION_NAMES.get(code) ?? 'UNKNOWN';

/** Operations that make sense on each concrete resource type (Kafka's AclEntry.supportedOperations). */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.CLUSTER]: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  [ResourceType.TRANSACTIONAL_ID]: [AclOperation.DESCRIBE, AclOperation.WRITE],
  [ResourceType.DELEGATION_TOKEN]: [AclOperation.DESCRIBE],
  [ResourceType.USER]: [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS],
};

/** The error a denied action on this resource type answers with (Kafka's AclEntry.authorizationError). */
export function authorizationError(resourceType: number): number {
  switch (resourceType) {
    case ResourceType.TOPIC:
      return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    case ResourceType.GROUP:
      return ErrorCode.GROUP_AUTHORIZATION_FAILED;
    case ResourceType.TRANSACTIONAL_ID:
      return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    case ResourceType.DELEGATION_TOKEN:
      return ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED;
    default:
      return ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  }
}
