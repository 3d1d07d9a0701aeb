import { parsePrincipal } from '../principal.ts';
import {
  AclOperation,
  AclPermissionType,
  CLUSTER_NAME,
  operationName,
  PatternType,
  patternTypeName,
  permissionTypeName,
  ResourceType,
  resourceTypeName,
  WILDCARD_RESOURCE,
} from './acl-types.ts';

/** One ACL: a resource pattern and an access control entry (codes as on the wire). */
export interface AclBinding {
  readonly resourceType: number;
  readonly name: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: number;
  /** `User:alice`, `User:*`. */
  readonly principal: string;
  /** A client IP address or `*`. */
  readonly host: string;
  readonly operation: number;
  /** ALLOW or DENY. */
  readonly permission: number;
}

/**
 * A filter over ACLs (DescribeAcls, DeleteAcls): null strings and ANY codes match anything.
 * Pattern type MATCH with a name selects the ACLs that would apply to that resource: the
 * LITERAL one of that name, the LITERAL `*`, and every PREFIXED one that is a prefix of it.
 */
export interface AclBindingFilter {
  readonly resourceType: number;
  readonly name: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permission: number;
}

/** The filter that matches every ACL. */
export const ANY_ACL: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  name: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: AclOperation.ANY,
  permission: AclPermissionType.ANY,
};

/** Kafka's AclBindingFilter.matches. */
export function filterMatches(f: AclBindingFilter, acl: AclBinding): boolean {
  return patternMatches(f, acl) && entryMatches(f, acl);
}

function patternMatches(f: AclBindingFilter, acl: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== acl.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== acl.patternType) return false;
  if (f.name === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === acl.patternType) return f.name === acl.name;
  // MATCH: the ACLs that apply to the resource named f.name.
  if (acl.patternType === PatternType.LITERAL) return f.name === acl.name || acl.name === WILDCARD_RESOURCE;
  return acl.patternType === PatternType.PREFIXED && f.name.startsWith(acl.name);
}

function entryMatches(f: AclBindingFilter, acl: AclBinding): boolean {
  if (f.principal !== null && f.principal !== acl.principal) return false;
  if (f.host !== null && f.host !== acl.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== acl.operation) return false;
  return f.permission === AclPermissionType.ANY || f.permission === acl.permission;
}

const known = (name: string): boolean => name !== 'UNKNOWN';

/** Whether every code of a filter is a value Kafka defines, other than UNKNOWN (the request parser's check). */
export function filterIsKnown(f: AclBindingFilter): boolean {
  return known(resourceTypeName(f.resourceType)) && known(patternTypeName(f.patternType)) && known(operationName(f.operation)) && known(permissionTypeName(f.permission));
}

/**
 * Why a new ACL is invalid (INVALID_REQUEST), or null: Kafka's AclApis and
 * AclControlManager.validateNewAcl checks, in their order, plus the principal format.
 */
export function invalidAclReason(acl: AclBinding): string | null {
  if (acl.resourceType === ResourceType.CLUSTER && acl.name !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (acl.name === '') return 'Invalid empty resource name';
  const type = resourceTypeName(acl.resourceType);
  if (type === 'UNKNOWN' || type === 'ANY') return `Invalid resourceType ${type}`;
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(acl.patternType)}`;
  const op = operationName(acl.operation);
  if (op === 'UNKNOWN' || op === 'ANY') return `Invalid operation ${op}`;
  if (acl.permission !== AclPermissionType.ALLOW && acl.permission !== AclPermissionType.DENY) return `Invalid permissionType ${permissionTypeName(acl.permission)}`;
  if (parsePrincipal(acl.principal) === null) return `expected a string in format principalType:principalName but got ${acl.principal}`;
  return null;
}

/** A key that identifies an ACL (equal ACLs are stored once). */
export function aclKey(a: AclBinding): string {
  return JSON.stringify([a.resourceType, a.patternType, a.name, a.principal, a.host, a.operation, a.permission]);
}

/** Text form for logs and the CLI: `TOPIC:PREFIXED:orders User:alice from * ALLOW READ`. */
export function describeAcl(a: AclBinding): string {
  return `${resourceTypeName(a.resourceType)}:${patternTypeName(a.patternType)}:${a.name} ${a.principal} from ${a.host} ${permissionTypeName(a.permission)} ${operationName(a.operation)}`;
}

/** Deterministic order: resource type, pattern type, name, then the entry. */
export function compareAcls(a: AclBinding, b: AclBinding): number {
  return a.resourceType - b.resourceType || a.patternType - b.patternType || cmp(a.name, b.name) || cmp(a.principal, b.principal) || cmp(a.host, b.host) || a.operation - b.operation || a.permission - b.permission;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
