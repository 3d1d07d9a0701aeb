import { connect, createServer, type Server } from 'node:net';

/** One request frame a client sent (size prefix included), with who sent it. */
export interface CapturedFrame {
  client: string;
  apiKey: number;
  apiVersion: number;
  frame: Buffer;
}

/**
 * A TCP proxy in front of a broker that records every request frame clients send through it.
 * The broker advertises the proxy's address, so clients reach it for every connection.
 */
export class CaptureProxy {
  readonly frames: CapturedFrame[] = [];
  client = 'unknown';
  readonly #server: Server;
  #target = 0;

  constructor() {
    this.#server = createServer((inbound) => {
      const outbound = connect(this.#target, '127.0.0.1');
      const label = this.client;
      let pending = Buffer.alloc(0);
      inbound.on('data', (d: Buffer) => {
        outbound.write(d);
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          const size = pending.readInt32BE(0);
          const frame = Buffer.from(pending.subarray(0, 4 + size));
          if (size >= 4) this.frames.push({ client: label, apiKey: frame.readInt16BE(4), apiVersion: frame.readInt16BE(6), frame });
          pending = pending.subarray(4 + size);
        }
      });
      outbound.on('data', (d: Buffer) => inbound.write(d));
      const close = () => {
        inbound.destroy();
        outbound.destroy();
      };
      inbound.on('close', close);
      outbound.on('close', close);
      inbound.on('error', close);
      outbound.on('error', close);
    });
  }

  /** Listens on a free port; returns it. */
  listen(): Promise<number> {
    return new Promise((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve((this.#server.address() as { port: number }).port)));
  }

  /** Where to forward (the broker's listening port). */
  forwardTo(port: number): void {
    this.#target = port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
