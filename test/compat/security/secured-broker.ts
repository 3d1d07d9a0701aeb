// A broker with every kind of listener for the security compatibility tests: PLAINTEXT,
// SASL_PLAINTEXT, SSL (mutual TLS, client certificates required) and SASL_SSL, with users alice
// (PLAIN and SCRAM from a users file) and certificates from the openssl helper.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../../src/broker/index.ts';
import { tlsMaterial, type KeyPair, type TlsMaterial } from '../../helpers/tls-material.ts';
import { tempDir } from '../../helpers/tmp-dir.ts';

export const USER = 'alice';
export const PASSWORD = 'alice-secret';

export interface SecuredBroker {
  readonly broker: RunningBroker;
  readonly tls: TlsMaterial;
  /** A client certificate signed by the broker's CA, subject CN=carol,OU=eng. */
  readonly carol: KeyPair;
  readonly dir: string;
  /** Advertised host:port of a listener by name. */
  bootstrap(listener: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'): string;
  stop(): Promise<void>;
}

export async function startSecuredBroker(extra: Partial<BrokerOptions> = {}): Promise<SecuredBroker> {
  const { dir, cleanup } = tempDir('sluice-secured-');
  const tls = tlsMaterial();
  const carol = tls.client('carol', '/OU=eng/CN=carol');
  const users = join(dir, 'users.txt');
  writeFileSync(users, `${USER}:${PASSWORD}\n`);
  const broker = await startBroker({
    dataDir: join(dir, 'data'),
    listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    ssl: { certFile: tls.server.certFile, keyFile: tls.server.keyFile, caFile: tls.ca.certFile, clientAuth: 'requested' },
    saslUsersFile: users,
    ...extra,
  });
  return {
    broker,
    tls,
    carol,
    dir,
    bootstrap: (name) => broker.listeners.find((l) => l.name === name)!.bootstrap,
    async stop() {
      await broker.close();
      tls.cleanup();
      cleanup();
    },
  };
}

/** Runs a command; resolves with stdout and stderr whatever the exit code. */
export function run(cmd: string, args: string[], input = '', timeoutMs = 90_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(input);
  });
}
