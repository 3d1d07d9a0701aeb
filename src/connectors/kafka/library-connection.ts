import type { Base, Broker, Connection } from '@platformatic/kafka';
import type { Writer } from '../../protocol/primitives/writer.ts';

/** The parts of @platformatic/kafka that requests written by Sluice's codec use. */
export type ClientLibrary = Pick<typeof import('@platformatic/kafka'), 'kGetApi' | 'kGetConnection' | 'Writer'>;

type Callback<T> = (error: Error | null, value?: T) => void;
type LibraryReader = { buffer: { slice(): Buffer } };
type Internals = Record<symbol, (arg: unknown, callback: Callback<unknown>) => void>;

/** The version of `api` (e.g. 'Fetch') the client negotiated with the cluster (ApiVersions). */
export function negotiatedVersion(lib: ClientLibrary, client: Base, api: string): Promise<number> {
  const internals = client as unknown as Internals;
  return new Promise<number>((resolve, reject) => internals[lib.kGetApi]!(api, (e, a) => (e ? reject(e) : resolve((a as { version: number }).version))));
}

/** The client's own connection to `broker` (so TLS, SASL and re-authentication stay the library's). */
export function libraryConnection(lib: ClientLibrary, client: Base, broker: Broker): Promise<Connection> {
  const internals = client as unknown as Internals;
  return new Promise<Connection>((resolve, reject) => internals[lib.kGetConnection]!(broker, (e, c) => (e ? reject(e) : resolve(c as Connection))));
}

/**
 * Sends a request whose body Sluice's codec wrote into `body` on `connection`, and resolves with the
 * response body as one buffer (a view of the socket's chunk when it came in one), for the codec to
 * read. `flexible`: the request and response headers carry tagged fields. A failed send rejects
 * after `onFailure` saw it.
 */
export function sendOnLibraryConnection(lib: ClientLibrary, connection: Connection, apiKey: number, version: number, body: Writer, flexible: boolean, onFailure: (e: Error) => void): Promise<Buffer> {
  const payload = lib.Writer.create();
  for (const chunk of body.finish()) payload.append(chunk);
  return new Promise<Buffer>((resolve, reject) =>
    connection.send(
      apiKey,
      version,
      () => payload,
      (_correlationId: number, _apiKey: number, _version: number, reader: unknown) => (reader as LibraryReader).buffer.slice(),
      flexible,
      flexible,
      (e: Error | null, b?: Buffer) => {
        if (e) {
          onFailure(e);
          reject(e);
        } else resolve(b!);
      },
    ),
  );
}
