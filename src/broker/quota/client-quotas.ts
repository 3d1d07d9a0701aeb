import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file.ts';

// Client quotas as Kafka's controller keeps them (KIP-546): values per entity, where an entity is
// a user, a client id, both, or an ip address, each name possibly null (the default entity).
// Kept in `<dataDir>/client-quotas.json` so they survive a restart. The broker stores and
// describes them; it does not throttle clients by them (every response's throttle time is 0).

const USER = 'user';
const CLIENT_ID = 'client-id';
const IP = 'ip';
const ENTITY_TYPES = [USER, CLIENT_ID, IP] as const;

/** Quota keys and whether their value must be a whole number (Kafka's QuotaConfig types). */
const USER_AND_CLIENT_KEYS: Record<string, { integral: boolean; max: number }> = {
  producer_byte_rate: { integral: true, max: Number.MAX_SAFE_INTEGER * 1024 },
  consumer_byte_rate: { integral: true, max: Number.MAX_SAFE_INTEGER * 1024 },
  request_percentage: { integral: false, max: Number.MAX_VALUE },
  controller_mutation_rate: { integral: false, max: Number.MAX_VALUE },
};
const IP_KEYS: Record<string, { integral: boolean; max: number }> = {
  connection_creation_rate: { integral: true, max: 2 ** 31 - 1 },
};

/**
 * Budget: entities the broker keeps (Kafka has no such limit). Each alteration rewrites the whole
 * file, so without it a client could make every later alteration arbitrarily slow.
 */
export const MAX_CLIENT_QUOTA_ENTITIES = 10_000;

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

export type QuotaEntity = Array<{ entityType: string; entityName: string | null }>;

/** A refusal with the Kafka error it answers (INVALID_REQUEST, UNSUPPORTED_VERSION). */
export class ClientQuotaError extends Error {
  readonly kafkaError: 'INVALID_REQUEST' | 'UNSUPPORTED_VERSION';
  constructor(kafkaError: 'INVALID_REQUEST' | 'UNSUPPORTED_VERSION', message: string) {
    super(message);
    this.name = 'ClientQuotaError';
    this.kafkaError = kafkaError;
  }
}

interface Stored {
  /** Entity type → name (null: the default entity of that type). */
  entity: Record<string, string | null>;
  values: Record<string, number>;
}

/** Canonical key of an entity: its components in Kafka's type order. */
function keyOf(entity: Record<string, string | null>): string {
  return JSON.stringify(ENTITY_TYPES.filter((t) => t in entity).map((t) => [t, entity[t]]));
}

/** Checks an entity of an alteration as Kafka's controller does; returns it as a map. */
function validEntity(components: QuotaEntity): Record<string, string | null> {
  if (components.length === 0) throw new ClientQuotaError('INVALID_REQUEST', 'Invalid empty client quota entity');
  const entity: Record<string, string | null> = {};
  for (const { entityType, entityName } of components) {
    if (Object.hasOwn(entity, entityType)) throw new ClientQuotaError('INVALID_REQUEST', `Invalid client quota entity, duplicate entity entry ${entityType}`);
    if (!(ENTITY_TYPES as readonly string[]).includes(entityType)) throw new ClientQuotaError('INVALID_REQUEST', `Unhandled client quota entity type: ${entityType} (use user, client-id or ip)`);
    if (entityName === '') throw new ClientQuotaError('INVALID_REQUEST', `Empty ${entityType} not supported`);
    entity[entityType] = entityName;
  }
  if (IP in entity && (USER in entity || CLIENT_ID in entity)) {
    throw new ClientQuotaError('INVALID_REQUEST', 'Invalid quota entity combination, IP entity should not be combined with User or ClientId');
  }
  const ip = entity[IP];
  if (ip !== undefined && ip !== null && isIP(ip) === 0) throw new ClientQuotaError('INVALID_REQUEST', `${ip} is not a valid IP address`);
  return entity;
}

function checkValue(keys: Record<string, { integral: boolean; max: number }>, key: string, value: number): void {
  const spec = keys[key];
  if (!spec) throw new ClientQuotaError('INVALID_REQUEST', `Invalid configuration key ${key} (valid: ${Object.keys(keys).join(', ')})`);
  if (!(value > 0)) throw new ClientQuotaError('INVALID_REQUEST', `Quota ${key} must be greater than 0`);
  if (value > spec.max) throw new ClientQuotaError('INVALID_REQUEST', `Proposed value for ${key} is too large`);
  if (spec.integral && Math.abs(value % 1) > 1e-6) throw new ClientQuotaError('INVALID_REQUEST', `${key} cannot be a fractional value.`);
}

/** The client quotas of the cluster, saved in the data directory (or in memory only). */
export class ClientQuotaStore {
  readonly #file: string | null;
  readonly #maxEntities: number;
  #entities = new Map<string, Stored>();

  constructor(dataDir: string | null, maxEntities = MAX_CLIENT_QUOTA_ENTITIES) {
    this.#maxEntities = maxEntities;
    this.#file = dataDir === null ? null : join(dataDir, 'client-quotas.json');
    if (this.#file && existsSync(this.#file)) {
      let saved: { entities?: Stored[] };
      try {
        saved = JSON.parse(readFileSync(this.#file, 'utf8')) as { entities?: Stored[] };
      } catch (err) {
        throw new Error(`${this.#file} cannot be read (${(err as Error).message}): restore it from a backup, or remove it to start without client quotas`);
      }
      for (const s of saved.entities ?? []) this.#entities.set(keyOf(s.entity), s);
    }
  }

  /**
   * Applies one entity's operations (all or none): sets values, removes keys (`remove`), drops
   * an entity left without values. Throws ClientQuotaError for a request Kafka refuses.
   */
  alter(components: QuotaEntity, ops: ReadonlyArray<{ key: string; value: number; remove: boolean }>, validateOnly: boolean): void {
    const entity = validEntity(components);
    const seen = new Set<string>();
    for (const op of ops) {
      if (seen.has(op.key)) throw new ClientQuotaError('INVALID_REQUEST', `Duplicate quota key ${op.key} not updating quota for this entity`);
      seen.add(op.key);
    }
    const keys = IP in entity ? IP_KEYS : USER_AND_CLIENT_KEYS;
    for (const op of ops) if (!op.remove) checkValue(keys, op.key, op.value);
    const key = keyOf(entity);
    const before = this.#entities.get(key);
    if (!before && ops.some((op) => !op.remove) && this.#entities.size >= this.#maxEntities) {
      throw new ClientQuotaError('INVALID_REQUEST', `The broker keeps at most ${this.#maxEntities} client quota entities; remove some before adding ${key}`);
    }
    if (validateOnly) return;
    const values = { ...before?.values };
    for (const op of ops) {
      if (op.remove) delete values[op.key];
      else values[op.key] = op.value;
    }
    if (Object.keys(values).length === 0) this.#entities.delete(key);
    else this.#entities.set(key, { entity, values });
    try {
      this.#save();
    } catch (err) {
      if (before) this.#entities.set(key, before);
      else this.#entities.delete(key);
      throw err;
    }
  }

  /** The entities a DescribeClientQuotas filter matches, as Kafka matches them. */
  describe(components: ReadonlyArray<{ entityType: string; matchType: number; match: string | null }>, strict: boolean): Array<{ entity: QuotaEntity; values: Array<{ key: string; value: number }> }> {
    const exact = new Map<string, string | null>();
    const specified = new Set<string>();
    for (const c of components) {
      if (c.entityType === '') throw new ClientQuotaError('INVALID_REQUEST', 'Invalid empty entity type.');
      if (exact.has(c.entityType) || specified.has(c.entityType)) throw new ClientQuotaError('INVALID_REQUEST', `Entity type ${c.entityType} cannot appear more than once in the filter.`);
      if (!(ENTITY_TYPES as readonly string[]).includes(c.entityType)) throw new ClientQuotaError('UNSUPPORTED_VERSION', `Unsupported entity type ${c.entityType}`);
      if (c.matchType === MATCH_EXACT) {
        if (c.match === null) throw new ClientQuotaError('INVALID_REQUEST', 'Request specified MATCH_TYPE_EXACT, but set match string to null.');
        exact.set(c.entityType, c.match);
      } else if (c.matchType === MATCH_DEFAULT || c.matchType === MATCH_SPECIFIED) {
        if (c.match !== null) throw new ClientQuotaError('INVALID_REQUEST', `Request specified MATCH_TYPE_${c.matchType === MATCH_DEFAULT ? 'DEFAULT' : 'SPECIFIED'}, but also specified a match string.`);
        if (c.matchType === MATCH_DEFAULT) exact.set(c.entityType, null);
        else specified.add(c.entityType);
      } else {
        throw new ClientQuotaError('INVALID_REQUEST', `Unknown match type ${c.matchType}`);
      }
    }
    const names = (t: string) => exact.has(t) || specified.has(t);
    if (names(IP) && (names(USER) || names(CLIENT_ID))) {
      throw new ClientQuotaError('INVALID_REQUEST', 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
    }
    const out: Array<{ entity: QuotaEntity; values: Array<{ key: string; value: number }> }> = [];
    for (const { entity, values } of this.#entities.values()) {
      const types = Object.keys(entity);
      if (strict && types.length !== exact.size + specified.size) continue;
      if ([...exact].some(([t, name]) => !Object.hasOwn(entity, t) || entity[t] !== name)) continue;
      if ([...specified].some((t) => !Object.hasOwn(entity, t))) continue;
      out.push({
        entity: ENTITY_TYPES.filter((t) => t in entity).map((t) => ({ entityType: t, entityName: entity[t] ?? null })),
        values: Object.entries(values).map(([key, value]) => ({ key, value })),
      });
    }
    return out;
  }

  #save(): void {
    if (!this.#file) return;
    writeFileAtomic(this.#file, JSON.stringify({ entities: [...this.#entities.values()] }, null, 1));
  }
}
