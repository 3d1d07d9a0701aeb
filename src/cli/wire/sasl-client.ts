import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKey } from '../../protocol/api-keys.ts';
import { hash, hmac, saltedPassword, SCRAM_MECHANISMS, type ScramMechanismInfo } from '../../broker/security/sasl/scram-crypto.ts';
import type { BrokerConnection } from './broker-connection.ts';
import { BrokerAuthenticationError, BrokerRequestError } from './wire-errors.ts';

/** The SASL settings of `--command-config` (OAUTHBEARER is refused when the properties are read). */
export interface SaslSettings {
  mechanism: string;
  username?: string;
  password?: string;
}

/**
 * Authenticates a fresh connection: SaslHandshake v1 names the mechanism, then SaslAuthenticate
 * carries its exchange (KIP-152). PLAIN (RFC 4616) and SCRAM-SHA-256/512 (RFC 5802, RFC 7677).
 */
export async function authenticate(connection: BrokerConnection, sasl: SaslSettings): Promise<void> {
  const handshake = await connection.request(ApiKey.SaslHandshake, { mechanism: sasl.mechanism }, 1);
  if (handshake.errorCode !== 0) {
    throw new BrokerAuthenticationError(connection.address, `the broker does not offer ${sasl.mechanism} (it offers ${handshake.mechanisms.join(', ') || 'none'})`);
  }
  const username = sasl.username ?? '';
  const password = sasl.password ?? '';
  const exchange = async (bytes: Buffer): Promise<Buffer> => {
    const r = await connection.request(ApiKey.SaslAuthenticate, { authBytes: bytes });
    if (r.errorCode === 58 /* SASL_AUTHENTICATION_FAILED */) throw new BrokerAuthenticationError(connection.address, (r.errorMessage ?? 'credentials refused').replace(/\.$/, ''));
    if (r.errorCode !== 0) throw new BrokerRequestError('SaslAuthenticate', r.errorCode, r.errorMessage);
    return Buffer.from(r.authBytes);
  };
  if (sasl.mechanism === 'PLAIN') {
    await exchange(Buffer.from(`\0${username}\0${password}`, 'utf8'));
    return;
  }
  const m = SCRAM_MECHANISMS[sasl.mechanism as keyof typeof SCRAM_MECHANISMS];
  if (m === undefined) throw new BrokerAuthenticationError(connection.address, `SASL mechanism ${sasl.mechanism} is not supported by the CLI`);
  await scram(connection.address, m, username, password, exchange);
}

async function scram(address: string, m: ScramMechanismInfo, username: string, password: string, exchange: (b: Buffer) => Promise<Buffer>): Promise<void> {
  const nonce = randomBytes(24).toString('base64');
  const firstBare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`;
  const serverFirst = (await exchange(Buffer.from(`n,,${firstBare}`, 'utf8'))).toString('utf8');
  const attrs = attributes(serverFirst);
  const serverNonce = attrs.get('r') ?? '';
  const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
  const iterations = Number(attrs.get('i'));
  if (!serverNonce.startsWith(nonce) || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1) {
    throw new BrokerAuthenticationError(address, 'the broker sent a malformed SCRAM challenge');
  }
  const finalWithoutProof = `c=biws,r=${serverNonce}`;
  const authMessage = `${firstBare},${serverFirst},${finalWithoutProof}`;
  const salted = saltedPassword(m, password, salt, iterations);
  const clientKey = hmac(m, salted, 'Client Key');
  const signature = hmac(m, hash(m, clientKey), authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
  const serverFinal = attributes((await exchange(Buffer.from(`${finalWithoutProof},p=${proof.toString('base64')}`, 'utf8'))).toString('utf8'));
  if (serverFinal.has('e')) throw new BrokerAuthenticationError(address, serverFinal.get('e')!);
  // The broker proves it knows the credential too: a server that does not is no place to send data.
  const expected = hmac(m, hmac(m, salted, 'Server Key'), authMessage);
  const got = Buffer.from(serverFinal.get('v') ?? '', 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new BrokerAuthenticationError(address, "the broker's SCRAM signature does not match");
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i), part.slice(i + 1));
  }
  return out;
}
