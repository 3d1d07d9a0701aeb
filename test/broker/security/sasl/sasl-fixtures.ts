// Shared helpers of the SASL tests: a credential store with known users, and the real client
// implementations of @platformatic/kafka driven against our server objects.
import { CredentialStore } from '../../../../src/broker/security/credentials/credential-store.ts';
import { ScramCredentialStore } from '../../../../src/broker/security/credentials/scram-credential-store.ts';
import { createCredential, SCRAM_MECHANISMS } from '../../../../src/broker/security/sasl/scram-crypto.ts';
import type { SaslAuthenticator } from '../../../../src/broker/security/sasl/authenticator.ts';

const DIST = new URL('../../../../node_modules/@platformatic/kafka/dist/', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = async (path: string): Promise<any> => import(new URL(path, DIST).href);
const scramClient = await load('protocol/sasl/scram-sha.js');
const plainClient = await load('protocol/sasl/plain.js');

/** alice has SCRAM-SHA-256 and -512 credentials (password 'alice-secret'); dev has a file password. */
export function credentials(): CredentialStore {
  const scram = ScramCredentialStore.inMemory();
  scram.apply([
    { kind: 'upsert', user: 'alice', mechanism: 'SCRAM-SHA-256', credential: createCredential(SCRAM_MECHANISMS['SCRAM-SHA-256'], 'alice-secret', 4096) },
    { kind: 'upsert', user: 'alice', mechanism: 'SCRAM-SHA-512', credential: createCredential(SCRAM_MECHANISMS['SCRAM-SHA-512'], 'alice-secret', 8192) },
  ]);
  return new CredentialStore(scram, new Map([['dev', 'dev-secret']]));
}

export interface ClientOutcome {
  /** Every SaslAuthenticate response the server sent, in order. */
  responses: { errorCode: number; errorMessage: string | null; sessionLifetimeMs: bigint }[];
  /** The client's verdict: null when it accepted the exchange (server signature included). */
  error: Error | null;
}

/** The client's SaslAuthenticate call, answered by our authenticator (errors as the client sees them). */
function authenticateApi(server: SaslAuthenticator, responses: ClientOutcome['responses']) {
  return (_connection: unknown, authBytes: Buffer, callback: (err: Error | null, res?: unknown) => void): void => {
    const { response } = server.authenticate(Buffer.from(authBytes));
    responses.push(response);
    if (response.errorCode !== 0) callback(new Error(`SaslAuthenticate error ${response.errorCode}: ${response.errorMessage}`));
    else callback(null, response);
  };
}

/** Runs @platformatic/kafka's SCRAM client (algorithm 'SHA-256' | 'SHA-512') against `server`. */
export async function platformaticScram(server: SaslAuthenticator, algorithm: string, user: string, password: string): Promise<ClientOutcome> {
  const responses: ClientOutcome['responses'] = [];
  try {
    await scramClient.authenticate(authenticateApi(server, responses), {}, algorithm, user, password);
    return { responses, error: null };
  } catch (err) {
    return { responses, error: err as Error };
  }
}

/** Runs @platformatic/kafka's PLAIN client against `server`. */
export async function platformaticPlain(server: SaslAuthenticator, user: string, password: string): Promise<ClientOutcome> {
  const responses: ClientOutcome['responses'] = [];
  try {
    await plainClient.authenticate(authenticateApi(server, responses), {}, user, password);
    return { responses, error: null };
  } catch (err) {
    return { responses, error: err as Error };
  }
}
