// Helpers of the ACL tests: ACLs by name instead of codes, sessions.
import type { AclBinding } from '../../../../src/broker/security/acl/acl-binding.ts';
import { AclOperation, AclPermissionType, PatternType, ResourceType, type AclOperationName, type ResourceTypeName } from '../../../../src/broker/security/acl/acl-types.ts';
import type { Session } from '../../../../src/broker/security/acl/authorizer.ts';
import { userPrincipal } from '../../../../src/broker/security/principal.ts';

export function acl(
  permission: 'ALLOW' | 'DENY',
  operation: AclOperationName,
  resource: ResourceTypeName,
  name: string,
  o: { principal?: string; host?: string; prefixed?: boolean } = {},
): AclBinding {
  return {
    resourceType: ResourceType[resource],
    name,
    patternType: o.prefixed ? PatternType.PREFIXED : PatternType.LITERAL,
    principal: o.principal ?? 'User:alice',
    host: o.host ?? '*',
    operation: AclOperation[operation],
    permission: AclPermissionType[permission],
  };
}

export const session = (name: string, host = '10.0.0.1'): Session => ({ principal: userPrincipal(name), host });
export const alice = session('alice');
export const bob = session('bob');
