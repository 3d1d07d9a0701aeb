import type { Authorizer, Session } from './authorizer.ts';
import type { DenialLog } from './denial-log.ts';
import { SUPPORTED_OPERATIONS } from './acl-types.ts';

/**
 * What a request handler asks, bound to one request: the connection's session and the api name
 * for the denial log. With no authorizer configured everything is allowed, as in Kafka
 * (`AuthHelper`). `log: false` is for checks Kafka makes silently (listing all topics in
 * Metadata, the cluster-level alternatives of CREATE / IDEMPOTENT_WRITE / CLUSTER_ACTION).
 */
export class RequestAuthorizer {
  readonly #authorizer: Authorizer | null;
  readonly #session: Session;
  readonly #api: string;
  readonly #denials: DenialLog | null;

  constructor(authorizer: Authorizer | null, session: Session, api: string, denials: DenialLog | null) {
    this.#authorizer = authorizer;
    this.#session = session;
    this.#api = api;
    this.#denials = denials;
  }

  /** Whether an authorizer is configured (ACL APIs answer SECURITY_DISABLED without one). */
  get enabled(): boolean {
    return this.#authorizer !== null;
  }

  get session(): Session {
    return this.#session;
  }

  authorize(operation: number, resourceType: number, name: string, options: { log?: boolean } = {}): boolean {
    if (this.#authorizer === null) return true;
    const result = this.#authorizer.authorize(this.#session, operation, resourceType, name);
    if (!result.allowed && options.log !== false) {
      this.#denials?.record({ session: this.#session, operation, resourceType, name, api: this.#api, rule: result.rule });
    }
    return result.allowed;
  }

  /** The names (deduplicated) this request may act on; each distinct name is checked once. */
  filter(operation: number, resourceType: number, names: Iterable<string>, options: { log?: boolean } = {}): Set<string> {
    const allowed = new Set<string>();
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (this.authorize(operation, resourceType, name, options)) allowed.add(name);
    }
    return allowed;
  }

  /** Whether the operation is allowed on at least one resource of the type (idempotent producers). */
  authorizeByResourceType(operation: number, resourceType: number): boolean {
    return this.#authorizer === null || this.#authorizer.authorizeByResourceType(this.#session, operation, resourceType);
  }

  /** The authorized-operations bit field of a resource (every supported operation without an authorizer). */
  authorizedOperations(resourceType: number, name: string): number {
    if (this.#authorizer !== null) return this.#authorizer.authorizedOperations(this.#session, resourceType, name);
    let bits = 0;
    for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) bits |= 1 << op;
    return bits;
  }
}
