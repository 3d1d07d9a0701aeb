import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The arithmetic of SCRAM (RFC 5802) for SHA-256 (RFC 7677) and SHA-512: salted password,
 * client/server keys, signatures. The broker stores only salt, iterations, StoredKey and
 * ServerKey; the password and the salted password are never kept.
 */
export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramMechanismInfo {
  readonly name: ScramMechanismName;
  /** Kafka's wire code in Describe/AlterUserScramCredentials. */
  readonly type: 1 | 2;
  readonly hash: 'sha256' | 'sha512';
  readonly keyLength: number;
  /** Kafka's limits: credentials outside them are refused (UNACCEPTABLE_CREDENTIAL). */
  readonly minIterations: number;
  readonly maxIterations: number;
}

export const SCRAM_MECHANISMS: Readonly<Record<ScramMechanismName, ScramMechanismInfo>> = {
  'SCRAM-SHA-256': { name: 'SCRAM-SHA-256', type: 1, hash: 'sha256', keyLength: 32, minIterations: 4096, maxIterations: 16384 },
  'SCRAM-SHA-512': { name: 'SCRAM-SHA-512', type: 2, hash: 'sha512', keyLength: 64, minIterations: 4096, maxIterations: 16384 },
};

/** The mechanism of a wire code (1, 2), or undefined. */
export function scramMechanismOfType(type: number): ScramMechanismInfo | undefined {
  return type === 1 ? SCRAM_MECHANISMS['SCRAM-SHA-256'] : type === 2 ? SCRAM_MECHANISMS['SCRAM-SHA-512'] : undefined;
}

/** What the server keeps per user and mechanism. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function hmac(m: ScramMechanismInfo, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(m.hash, key).update(data).digest();
}

export function hash(m: ScramMechanismInfo, data: Buffer): Buffer {
  return createHash(m.hash).update(data).digest();
}

/** Hi(password, salt, i): PBKDF2 with HMAC as the PRF and one block of output. */
export function saltedPassword(m: ScramMechanismInfo, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash);
}

/** StoredKey and ServerKey from a salted password (what AlterUserScramCredentials sends). */
export function credentialFromSaltedPassword(m: ScramMechanismInfo, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(m, salted, 'Client Key');
  return { salt, iterations, storedKey: hash(m, clientKey), serverKey: hmac(m, salted, 'Server Key') };
}

/** A fresh credential for a password, with a random salt. */
export function createCredential(m: ScramMechanismInfo, password: string, iterations = m.minIterations, salt: Buffer = randomBytes(32)): ScramCredential {
  return credentialFromSaltedPassword(m, saltedPassword(m, password, salt, iterations), salt, iterations);
}

/** Whether `password` produces this credential (constant time in the comparison). */
export function passwordMatches(m: ScramMechanismInfo, credential: ScramCredential, password: string): boolean {
  const derived = credentialFromSaltedPassword(m, saltedPassword(m, password, credential.salt, credential.iterations), credential.salt, credential.iterations);
  return sameBytes(derived.storedKey, credential.storedKey);
}

/** Constant-time equality of two byte strings (false when lengths differ). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ (b[i] ?? 0);
  return out;
}
