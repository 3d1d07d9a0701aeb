import { type AclOperationName, AclOperation, ResourceType, type ResourceTypeName } from './acl/acl-types.ts';
import type { BrokerSecurity } from './broker-security.ts';
import { userPrincipal } from './principal.ts';

/**
 * The broker's principals as in-process services (the dashboard) use them: password checks
 * against the SCRAM credentials and the development users file, and the ACL authorizer's verdict
 * for a user name. Nothing here exposes stored keys or ACLs.
 */
export interface BrokerAccess {
  /** Whether clients must prove who they are: a SASL listener exists, or ACLs are enforced. */
  readonly secured: boolean;
  /** Whether `password` is `user`'s (SCRAM StoredKey derived with the stored salt and iterations, or the users file), compared in constant time. */
  verifyPassword(user: string, password: string): boolean;
  /** Whether `User:<user>` connecting from `host` may do `operation` on the resource (always true without an authorizer). */
  authorize(request: { user: string; host: string; operation: AclOperationName; resourceType: ResourceTypeName; name: string }): boolean;
}

export function brokerAccess(security: BrokerSecurity, hasSaslListener: boolean): BrokerAccess {
  return {
    secured: hasSaslListener || security.authorizer !== null,
    verifyPassword: (user, password) => security.credentials.verifyPassword(user, password),
    authorize({ user, host, operation, resourceType, name }) {
      if (security.authorizer === null) return true;
      return security.authorizer.authorize({ principal: userPrincipal(user), host }, AclOperation[operation], ResourceType[resourceType], name).allowed;
    },
  };
}
