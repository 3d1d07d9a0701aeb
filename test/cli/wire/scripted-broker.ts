// A one-broker Kafka peer on loopback for the CLI's wire client tests: it negotiates versions like
// a broker (ApiVersions from Sluice's codec table, capped per API when asked) and answers every
// other request from a script, so tests can play answers a real broker gives only in rare states.
import { createServer, type Server, type Socket } from 'node:net';
import { API_TABLE, ApiKey } from '../../../src/protocol/api-keys.ts';
import { decodeRequest, encodeResponse } from '../../../src/protocol/codec.ts';

/** Answers of the scripted peer by api key: each call takes the next (the last one repeats). */
export type Script = Partial<Record<number, object[]>>;

/** A one-broker peer on loopback that answers from `script`, advertising at most `caps` versions. */
export async function scriptedBroker(script: Script, caps: Partial<Record<number, number>>): Promise<{ address: string; asked: Map<number, number[]>; close: () => Promise<void> }> {
  const asked = new Map<number, number[]>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
        buffered = buffered.subarray(4 + frame.length);
        const { header } = decodeRequest(frame);
        const versions = asked.get(header.apiKey) ?? [];
        versions.push(header.apiVersion);
        asked.set(header.apiKey, versions);
        let body: object;
        if (header.apiKey === ApiKey.ApiVersions) {
          const apiKeys = API_TABLE.filter((e) => e !== undefined).map((e) => ({ apiKey: e.apiKey, minVersion: e.minVersion, maxVersion: Math.min(e.maxVersion, caps[e.apiKey] ?? Infinity) }));
          body = { errorCode: 0, apiKeys, throttleTimeMs: 0 };
        } else {
          const answers = script[header.apiKey] ?? [];
          body = answers[Math.min(versions.length, answers.length) - 1]!;
        }
        for (const b of encodeResponse(header.apiKey, header.apiVersion, header.correlationId, body)) socket.write(b);
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    asked,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

