import { ErrorCode } from '../../../protocol/error-codes.ts';
import type { CreateAclsRequest, CreateAclsResponse } from '../../../protocol/messages/create-acls.ts';
import type { DeleteAclsRequest, DeleteAclsResponse } from '../../../protocol/messages/delete-acls.ts';
import type { DescribeAclsRequest, DescribeAclsResponse } from '../../../protocol/messages/describe-acls.ts';
import { filterIsKnown, type AclBinding, type AclBindingFilter } from './acl-binding.ts';
import { AclOperation, CLUSTER_NAME, ResourceType } from './acl-types.ts';
import type { Authorizer } from './authorizer.ts';
import type { RequestAuthorizer } from './request-authorizer.ts';

/**
 * The answer to an ACL request, or `invalid`: the request breaks rules Kafka enforces while
 * parsing it (an UNKNOWN code), which Kafka answers by closing the connection.
 */
export type AclApiOutcome<T> = { readonly response: T } | { readonly invalid: string };

const CLUSTER_DENIED = 'Cluster authorization failed.';

/** DescribeAcls's body is one filter; DeleteAcls has a list of them. */
function toFilter(f: DescribeAclsRequest): AclBindingFilter {
  return {
    resourceType: f.resourceTypeFilter,
    name: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permission: f.permissionType,
  };
}

/** DescribeAcls: DESCRIBE on the cluster, then the matching ACLs grouped by resource pattern. */
export function describeAcls(authorizer: Authorizer | null, check: RequestAuthorizer, req: DescribeAclsRequest): AclApiOutcome<DescribeAclsResponse> {
  const filter = toFilter(req);
  if (!filterIsKnown(filter)) return { invalid: 'DescribeAclsRequest contains UNKNOWN elements' };
  const error = (errorCode: number, errorMessage: string): AclApiOutcome<DescribeAclsResponse> => ({ response: { throttleTimeMs: 0, errorCode, errorMessage, resources: [] } });
  if (!check.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return error(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, CLUSTER_DENIED);
  if (authorizer === null) return error(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
  const resources: DescribeAclsResponse['resources'] = [];
  let current: DescribeAclsResponse['resources'][number] | undefined;
  for (const acl of authorizer.acls(filter)) {
    if (current === undefined || current.resourceType !== acl.resourceType || current.resourceName !== acl.name || current.patternType !== acl.patternType) {
      current = { resourceType: acl.resourceType, resourceName: acl.name, patternType: acl.patternType, acls: [] };
      resources.push(current);
    }
    current.acls.push({ principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permission });
  }
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources } };
}

/** CreateAcls: ALTER on the cluster, then one result per ACL (INVALID_REQUEST for bad ones). */
export function createAcls(authorizer: Authorizer | null, check: RequestAuthorizer, req: CreateAclsRequest): AclApiOutcome<CreateAclsResponse> {
  const acls: AclBinding[] = req.creations.map((c) => ({
    resourceType: c.resourceType,
    name: c.resourceName,
    patternType: c.resourcePatternType,
    principal: c.principal,
    host: c.host,
    operation: c.operation,
    permission: c.permissionType,
  }));
  if (acls.some((a) => !filterIsKnown(a))) return { invalid: 'CreatableAcls contain unknown elements' };
  const all = (errorCode: number, errorMessage: string): AclApiOutcome<CreateAclsResponse> => ({ response: { throttleTimeMs: 0, results: acls.map(() => ({ errorCode, errorMessage })) } });
  if (!check.authorize(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, CLUSTER_DENIED);
  if (authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
  const reasons = authorizer.createAcls(acls);
  return {
    response: {
      throttleTimeMs: 0,
      results: reasons.map((r) => (r === null ? { errorCode: ErrorCode.NONE, errorMessage: null } : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: r })),
    },
  };
}

/** DeleteAcls: ALTER on the cluster, then per filter the ACLs it deleted. */
export function deleteAcls(authorizer: Authorizer | null, check: RequestAuthorizer, req: DeleteAclsRequest): AclApiOutcome<DeleteAclsResponse> {
  const filters = req.filters.map(toFilter);
  if (filters.some((f) => !filterIsKnown(f))) return { invalid: 'Filters contain UNKNOWN elements' };
  const all = (errorCode: number, errorMessage: string): AclApiOutcome<DeleteAclsResponse> => ({
    response: { throttleTimeMs: 0, filterResults: filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) },
  });
  if (!check.authorize(AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, CLUSTER_DENIED);
  if (authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
  const deleted = authorizer.deleteAcls(filters);
  return {
    response: {
      throttleTimeMs: 0,
      filterResults: deleted.map((acls) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: acls.map((a) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: a.resourceType,
          resourceName: a.name,
          patternType: a.patternType,
          principal: a.principal,
          host: a.host,
          operation: a.operation,
          permissionType: a.permission,
        })),
      })),
    },
  };
}
