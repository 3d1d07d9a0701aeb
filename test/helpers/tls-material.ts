// Certificates for TLS tests, made with the openssl command (Debian package `openssl`): a CA, a
// server certificate for 127.0.0.1 and localhost, client certificates with chosen subjects, and a
// second, untrusted CA. EC P-256 keys: fast to make. Everything lives in a temp dir.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp-dir.ts';

export interface KeyPair {
  /** PEM file paths. */
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM contents. */
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsMaterial {
  readonly dir: string;
  /** The trusted CA. */
  readonly ca: KeyPair;
  /** Server certificate: CN=localhost, SAN DNS:localhost and IP:127.0.0.1, signed by `ca`. */
  readonly server: KeyPair;
  /** A CA nobody trusts, and a server certificate it signed (for chain-verification tests). */
  readonly rogueCa: KeyPair;
  readonly rogueServer: KeyPair;
  /** A server certificate signed by `ca` for another host name only (for hostname-check tests). */
  readonly otherHostServer: KeyPair;
  /** A client certificate signed by `ca`; `subject` in openssl form, e.g. '/O=Sluice/OU=eng/CN=alice'. */
  client(name: string, subject?: string, options?: { passphrase?: string }): KeyPair;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): KeyPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

function makeCa(dir: string, name: string, cn: string): KeyPair {
  openssl(['req', '-x509', ...EC, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return pair(dir, name);
}

function makeLeaf(dir: string, name: string, ca: string, subject: string, extensions: string, passphrase?: string): KeyPair {
  const keyArgs = passphrase === undefined ? ['-nodes'] : ['-passout', `pass:${passphrase}`];
  openssl(['req', ...EC, ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
  return pair(dir, name);
}

const SERVER_EXT = (san: string) => `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`;
const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n';

/** Makes a fresh set of certificates (about 0.1 s). */
export function tlsMaterial(): TlsMaterial {
  const { dir, cleanup } = tempDir('sluice-tls-');
  const ca = makeCa(dir, 'ca', 'Sluice Test CA');
  const rogueCa = makeCa(dir, 'rogue-ca', 'Rogue CA');
  return {
    dir,
    ca,
    server: makeLeaf(dir, 'server', 'ca', '/CN=localhost', SERVER_EXT('DNS:localhost,IP:127.0.0.1')),
    rogueCa,
    rogueServer: makeLeaf(dir, 'rogue-server', 'rogue-ca', '/CN=localhost', SERVER_EXT('DNS:localhost,IP:127.0.0.1')),
    otherHostServer: makeLeaf(dir, 'other-host', 'ca', '/CN=kafka.example.com', SERVER_EXT('DNS:kafka.example.com')),
    client: (name, subject = `/CN=${name}`, options = {}) => makeLeaf(dir, `client-${name}`, 'ca', subject, CLIENT_EXT, options.passphrase),
    cleanup,
  };
}
