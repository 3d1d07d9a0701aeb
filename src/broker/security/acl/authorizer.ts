import { SecurityError, SecurityErrorCode } from '../errors.ts';
import { formatPrincipal, parsePrincipal, type Principal } from '../principal.ts';
import { aclKey, describeAcl, filterMatches, invalidAclReason, type AclBinding, type AclBindingFilter } from './acl-binding.ts';
import type { AclStore } from './acl-store.ts';
import { AclOperation, AclPermissionType, PatternType, SUPPORTED_OPERATIONS, WILDCARD_HOST, WILDCARD_PRINCIPAL, WILDCARD_RESOURCE } from './acl-types.ts';

/** Who is asking: the connection's principal and client address. */
export interface Session {
  readonly principal: Principal;
  /** The client's IP address as ACL hosts name it (see `clientHost`). */
  readonly host: string;
}

/** The verdict, with the rule that decided it (for the denial log). */
export interface AuthorizationResult {
  readonly allowed: boolean;
  readonly rule: string;
}

export interface AuthorizerOptions {
  readonly store: AclStore;
  /** `super.users`: principals allowed everything, e.g. `['User:admin']`. */
  readonly superUsers?: readonly string[];
  /** `allow.everyone.if.no.acl.found`: allow actions on resources that have no ACL at all. Default false. */
  readonly allowEveryoneIfNoAclFound?: boolean;
}

/** ALLOW ACLs of these operations also allow DESCRIBE / DESCRIBE_CONFIGS (DENY ACLs imply nothing). */
const IMPLIES_DESCRIBE = new Set<number>([AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]);
const IMPLIES_DESCRIBE_CONFIGS = new Set<number>([AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]);

interface Index {
  literal: Map<string, AclBinding[]>;
  prefixed: Map<string, AclBinding[]>;
}

/**
 * Kafka's StandardAuthorizer semantics over the ACL store:
 *
 * 1. a super user is allowed everything;
 * 2. the ACLs that apply to a resource are the LITERAL one of its name, the LITERAL `*`, and
 *    every PREFIXED one whose name is a prefix of it;
 * 3. among those whose principal (or `User:*`) and host (or `*`) match, a DENY of the
 *    operation (or ALL) wins; else an ALLOW of the operation (or ALL, or one that implies it:
 *    READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS) allows;
 * 4. with no ACL at all on the resource, `allow.everyone.if.no.acl.found` decides (default:
 *    deny); with ACLs but none matching, deny.
 */
export class Authorizer {
  readonly #store: AclStore;
  readonly #superUsers: ReadonlySet<string>;
  readonly #allowIfNoAcl: boolean;
  #index = new Map<number, Index>();

  constructor(options: AuthorizerOptions) {
    this.#store = options.store;
    this.#superUsers = new Set(options.superUsers ?? []);
    this.#allowIfNoAcl = options.allowEveryoneIfNoAclFound ?? false;
    this.#reindex();
  }

  authorize(session: Session, operation: number, resourceType: number, name: string): AuthorizationResult {
    if (this.#superUsers.has(formatPrincipal(session.principal))) return { allowed: true, rule: 'SuperUser' };
    const candidates = this.#applying(resourceType, name);
    if (candidates.length === 0) return { allowed: this.#allowIfNoAcl, rule: this.#allowIfNoAcl ? 'DefaultAllow' : 'DefaultDeny' };
    let allow: AclBinding | null = null;
    const principal = formatPrincipal(session.principal);
    for (const acl of candidates) {
      if (acl.principal !== principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.host !== WILDCARD_HOST && acl.host !== session.host) continue;
      if (acl.permission === AclPermissionType.DENY) {
        if (acl.operation === AclOperation.ALL || acl.operation === operation) return { allowed: false, rule: `DENY ACL ${describeAcl(acl)}` };
      } else if (allow === null && allows(acl.operation, operation)) {
        allow = acl;
      }
    }
    return allow !== null ? { allowed: true, rule: `ALLOW ACL ${describeAcl(allow)}` } : { allowed: false, rule: 'no ALLOW ACL matches' };
  }

  /**
   * Whether the principal may do `operation` on at least one resource of the type (Kafka's
   * Authorizer.authorizeByResourceType, used for idempotent producers: WRITE on any topic).
   * Only ACLs of exactly that operation or ALL count; a DENY on `*` or a PREFIXED DENY covering
   * an ALLOW takes the ALLOW away.
   */
  authorizeByResourceType(session: Session, operation: number, resourceType: number): boolean {
    if (this.authorize(session, operation, resourceType, 'hardcode').allowed) return true;
    const principal = formatPrincipal(session.principal);
    const deny = { literal: new Set<string>(), prefixed: new Set<string>() };
    const allow = { literal: new Set<string>(), prefixed: new Set<string>() };
    for (const acl of this.#store.all()) {
      if (acl.resourceType !== resourceType) continue;
      if (acl.host !== session.host && acl.host !== WILDCARD_HOST) continue;
      if (acl.principal !== principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
      const literal = acl.patternType === PatternType.LITERAL;
      if (acl.permission === AclPermissionType.DENY) {
        if (literal && acl.name === WILDCARD_RESOURCE) return false;
        (literal ? deny.literal : deny.prefixed).add(acl.name);
      } else {
        if (literal && acl.name === WILDCARD_RESOURCE) return true;
        (literal ? allow.literal : allow.prefixed).add(acl.name);
      }
    }
    const dominated = (name: string): boolean => {
      for (let i = 1; i <= name.length; i++) if (deny.prefixed.has(name.slice(0, i))) return true;
      return false;
    };
    for (const name of allow.literal) if (!deny.literal.has(name) && !dominated(name)) return true;
    for (const name of allow.prefixed) if (!dominated(name)) return true;
    return false;
  }

  /** The bit field of allowed operations on a resource (`1 << code`), for the *AuthorizedOperations fields. */
  authorizedOperations(session: Session, resourceType: number, name: string): number {
    let bits = 0;
    for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) if (this.authorize(session, op, resourceType, name).allowed) bits |= 1 << op;
    return bits;
  }

  /** The ACLs matching a filter. */
  acls(filter: AclBindingFilter): AclBinding[] {
    return this.#store.all().filter((a) => filterMatches(filter, a));
  }

  /** Adds ACLs (existing ones are kept once). Returns, per ACL, null or why it is invalid. */
  createAcls(acls: readonly AclBinding[]): (string | null)[] {
    const reasons = acls.map(invalidAclReason);
    const valid = acls.filter((_, i) => reasons[i] === null);
    if (valid.length > 0) {
      this.#store.replace([...this.#store.all(), ...valid]);
      this.#reindex();
    }
    return reasons;
  }

  /** Deletes every ACL matching any filter; returns, per filter, the ACLs it matched. */
  deleteAcls(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const before = this.#store.all();
    const matched = filters.map((f) => before.filter((a) => filterMatches(f, a)));
    const gone = new Set(matched.flat().map(aclKey));
    if (gone.size > 0) {
      this.#store.replace(before.filter((a) => !gone.has(aclKey(a))));
      this.#reindex();
    }
    return matched;
  }

  #applying(resourceType: number, name: string): AclBinding[] {
    const index = this.#index.get(resourceType);
    if (index === undefined) return [];
    const out: AclBinding[] = [...(index.literal.get(name) ?? [])];
    if (name !== WILDCARD_RESOURCE) out.push(...(index.literal.get(WILDCARD_RESOURCE) ?? []));
    if (index.prefixed.size > 0) for (let i = 1; i <= name.length; i++) out.push(...(index.prefixed.get(name.slice(0, i)) ?? []));
    return out;
  }

  #reindex(): void {
    const index = new Map<number, Index>();
    for (const acl of this.#store.all()) {
      let byType = index.get(acl.resourceType);
      if (byType === undefined) index.set(acl.resourceType, (byType = { literal: new Map(), prefixed: new Map() }));
      const map = acl.patternType === PatternType.PREFIXED ? byType.prefixed : byType.literal;
      const list = map.get(acl.name);
      if (list === undefined) map.set(acl.name, [acl]);
      else list.push(acl);
    }
    this.#index = index;
  }
}

function allows(aclOperation: number, operation: number): boolean {
  if (aclOperation === AclOperation.ALL || aclOperation === operation) return true;
  if (operation === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE.has(aclOperation);
  if (operation === AclOperation.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS.has(aclOperation);
  return false;
}

/** Parses `super.users` (`User:admin;User:ops`), as Kafka does: `;`-separated principals. */
export function parseSuperUsers(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(';')) {
    const v = part.trim();
    if (v === '') continue;
    if (parsePrincipal(v) === null) {
      throw new SecurityError(SecurityErrorCode.CONFIG, `super.users: '${v}' is not a principal; write principals as User:name, separated by ';'`);
    }
    out.push(v);
  }
  return out;
}

/**
 * The host of a client address as ACLs name it: an IPv4 client on a dual-stack socket shows up as
 * `::ffff:10.0.0.1`, which Kafka (Java) reports as `10.0.0.1`.
 */
export function clientHost(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '';
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress;
}
