import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../util/atomic-file.ts';
import { SecurityError, SecurityErrorCode } from '../errors.ts';
import { SCRAM_MECHANISMS, type ScramCredential, type ScramMechanismName } from '../sasl/scram-crypto.ts';

/** File of the SCRAM credentials in the broker's data dir. */
export const SCRAM_CREDENTIALS_FILE = 'scram-credentials.json';

/** One change of an AlterUserScramCredentials request (or of `sluice users`). */
export type ScramChange =
  | { readonly kind: 'upsert'; readonly user: string; readonly mechanism: ScramMechanismName; readonly credential: ScramCredential }
  | { readonly kind: 'delete'; readonly user: string; readonly mechanism: ScramMechanismName };

interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}
interface FileShape {
  version: 1;
  users: Record<string, Partial<Record<ScramMechanismName, StoredCredential>>>;
}

/**
 * SCRAM credentials (salt, iterations, StoredKey, ServerKey per user and mechanism) kept in
 * `<dataDir>/scram-credentials.json`, rewritten atomically (mode 0600) on every change. A file
 * that cannot be read stops the broker: silently starting with no users would lock everyone out
 * or, worse, hide a tampered file.
 */
export class ScramCredentialStore {
  readonly #file: string | null;
  readonly #users = new Map<string, Map<ScramMechanismName, ScramCredential>>();

  private constructor(file: string | null) {
    this.#file = file;
  }

  /** Opens (or starts) the store of a data dir. */
  static open(dataDir: string): ScramCredentialStore {
    const store = new ScramCredentialStore(join(dataDir, SCRAM_CREDENTIALS_FILE));
    store.#load();
    return store;
  }

  /** A store that is never written (tests, tools). */
  static inMemory(): ScramCredentialStore {
    return new ScramCredentialStore(null);
  }

  get(user: string, mechanism: ScramMechanismName): ScramCredential | undefined {
    return this.#users.get(user)?.get(mechanism);
  }

  /** Users with at least one credential, sorted. */
  users(): string[] {
    return [...this.#users.keys()].sort();
  }

  /** The mechanisms of a user with their iteration counts (SHA-256 first). */
  credentialsOf(user: string): { mechanism: ScramMechanismName; iterations: number }[] {
    const creds = this.#users.get(user);
    if (creds === undefined) return [];
    return (Object.keys(SCRAM_MECHANISMS) as ScramMechanismName[])
      .filter((m) => creds.has(m))
      .map((m) => ({ mechanism: m, iterations: creds.get(m)!.iterations }));
  }

  /** Applies changes all at once: persisted before the in-memory view changes. */
  apply(changes: readonly ScramChange[]): void {
    if (changes.length === 0) return;
    const next = new Map([...this.#users].map(([u, creds]) => [u, new Map(creds)]));
    for (const c of changes) {
      if (c.kind === 'upsert') {
        let creds = next.get(c.user);
        if (creds === undefined) next.set(c.user, (creds = new Map()));
        creds.set(c.mechanism, c.credential);
      } else {
        next.get(c.user)?.delete(c.mechanism);
        if (next.get(c.user)?.size === 0) next.delete(c.user);
      }
    }
    if (this.#file !== null) writeFileAtomic(this.#file, serialize(next), { mode: 0o600 });
    this.#users.clear();
    for (const [u, creds] of next) this.#users.set(u, creds);
  }

  #load(): void {
    const file = this.#file!;
    if (!existsSync(file)) return;
    let parsed: FileShape;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as FileShape;
      if (parsed?.version !== 1 || typeof parsed.users !== 'object' || parsed.users === null) throw new Error('not a version 1 credentials file');
      for (const [user, creds] of Object.entries(parsed.users)) {
        const map = new Map<ScramMechanismName, ScramCredential>();
        for (const [mechanism, c] of Object.entries(creds ?? {})) {
          if (!(mechanism in SCRAM_MECHANISMS)) throw new Error(`user '${user}': unknown mechanism '${mechanism}'`);
          map.set(mechanism as ScramMechanismName, decodeCredential(user, c));
        }
        if (map.size > 0) this.#users.set(user, map);
      }
    } catch (err) {
      throw new SecurityError(
        SecurityErrorCode.STATE_UNREADABLE,
        `cannot read the SCRAM credentials in ${file}: ${(err as Error).message}. Restore the file from a backup, or move it away to start with no SCRAM users (they must then be created again).`,
        { cause: err },
      );
    }
  }
}

function decodeCredential(user: string, c: StoredCredential | undefined): ScramCredential {
  const b64 = (v: unknown, what: string): Buffer => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v === '') throw new Error(`user '${user}': ${what} is not base64`);
    return Buffer.from(v, 'base64');
  };
  if (c === undefined || !Number.isInteger(c.iterations) || c.iterations <= 0) throw new Error(`user '${user}': bad iterations`);
  return { salt: b64(c.salt, 'salt'), iterations: c.iterations, storedKey: b64(c.storedKey, 'storedKey'), serverKey: b64(c.serverKey, 'serverKey') };
}

function serialize(users: Map<string, Map<ScramMechanismName, ScramCredential>>): string {
  const out: FileShape = { version: 1, users: {} };
  for (const user of [...users.keys()].sort()) {
    const creds: Partial<Record<ScramMechanismName, StoredCredential>> = {};
    for (const [m, c] of users.get(user)!) {
      creds[m] = { salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') };
    }
    out.users[user] = creds;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
