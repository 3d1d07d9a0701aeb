import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../util/atomic-file.ts';
import { SecurityError, SecurityErrorCode } from '../errors.ts';
import { aclKey, compareAcls, invalidAclReason, type AclBinding } from './acl-binding.ts';
import {
  AclOperation,
  AclPermissionType,
  operationName,
  PatternType,
  patternTypeName,
  permissionTypeName,
  ResourceType,
  resourceTypeName,
  type AclOperationName,
  type AclPermissionTypeName,
  type PatternTypeName,
  type ResourceTypeName,
} from './acl-types.ts';

/** File of the ACLs in the broker's data dir. */
export const ACLS_FILE = 'acls.json';

interface StoredAcl {
  resourceType: ResourceTypeName;
  patternType: PatternTypeName;
  name: string;
  principal: string;
  host: string;
  operation: AclOperationName;
  permission: AclPermissionTypeName;
}

/**
 * The ACLs, kept in `<dataDir>/acls.json` (names, not codes, so the file reads like
 * kafka-acls output) and rewritten atomically on every change. A file that cannot be read
 * stops the broker: starting without its ACLs could open everything, or lock everyone out.
 */
export class AclStore {
  readonly #file: string | null;
  #acls: AclBinding[] = [];

  private constructor(file: string | null) {
    this.#file = file;
  }

  static open(dataDir: string): AclStore {
    const store = new AclStore(join(dataDir, ACLS_FILE));
    store.#load();
    return store;
  }

  /** A store that is never written (tests, tools). */
  static inMemory(acls: readonly AclBinding[] = []): AclStore {
    const store = new AclStore(null);
    store.#acls = dedupe(acls);
    return store;
  }

  /** Every ACL, in a stable order. */
  all(): readonly AclBinding[] {
    return this.#acls;
  }

  /** Replaces the set of ACLs: persisted first, then visible. */
  replace(acls: readonly AclBinding[]): void {
    const next = dedupe(acls);
    if (this.#file !== null) writeFileAtomic(this.#file, serialize(next));
    this.#acls = next;
  }

  #load(): void {
    const file = this.#file!;
    if (!existsSync(file)) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; acls?: StoredAcl[] };
      if (parsed?.version !== 1 || !Array.isArray(parsed.acls)) throw new Error('not a version 1 ACL file');
      this.#acls = dedupe(parsed.acls.map((a, i) => decode(a, i)));
    } catch (err) {
      throw new SecurityError(
        SecurityErrorCode.STATE_UNREADABLE,
        `cannot read the ACLs in ${file}: ${(err as Error).message}. Restore the file from a backup, or fix the entry it names; the broker does not start without its ACLs.`,
        { cause: err },
      );
    }
  }
}

function dedupe(acls: readonly AclBinding[]): AclBinding[] {
  const byKey = new Map(acls.map((a) => [aclKey(a), a]));
  return [...byKey.values()].sort(compareAcls);
}

function code<T extends Record<string, number>>(table: T, value: unknown, what: string, i: number): number {
  const c = typeof value === 'string' ? table[value] : undefined;
  if (c === undefined) throw new Error(`entry ${i}: unknown ${what} ${JSON.stringify(value)}`);
  return c;
}

function decode(a: StoredAcl, i: number): AclBinding {
  if (a === null || typeof a !== 'object' || typeof a.name !== 'string' || typeof a.principal !== 'string' || typeof a.host !== 'string') {
    throw new Error(`entry ${i}: needs name, principal and host strings`);
  }
  const acl: AclBinding = {
    resourceType: code(ResourceType, a.resourceType, 'resource type', i),
    patternType: code(PatternType, a.patternType, 'pattern type', i),
    name: a.name,
    principal: a.principal,
    host: a.host,
    operation: code(AclOperation, a.operation, 'operation', i),
    permission: code(AclPermissionType, a.permission, 'permission', i),
  };
  const invalid = invalidAclReason(acl);
  if (invalid !== null) throw new Error(`entry ${i}: ${invalid}`);
  return acl;
}

function serialize(acls: readonly AclBinding[]): string {
  const stored: StoredAcl[] = acls.map((a) => ({
    resourceType: resourceTypeName(a.resourceType),
    patternType: patternTypeName(a.patternType),
    name: a.name,
    principal: a.principal,
    host: a.host,
    operation: operationName(a.operation),
    permission: permissionTypeName(a.permission),
  }));
  return `${JSON.stringify({ version: 1, acls: stored }, null, 2)}\n`;
}
