import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free 127.0.0.1 port in front of one broker: each client connection gets its
 * own connection to the broker, either side closing or failing closes the other, and close()
 * ends every connection. Subclasses decide what crosses (`relay`).
 */
export abstract class BrokerProxy {
  readonly upstreamPort: number;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(upstreamPort: number) {
    this.upstreamPort = upstreamPort;
    this.#server = createServer((client) => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      this.#sockets.add(client).add(upstream);
      client.on('close', () => (this.#sockets.delete(client), upstream.destroy()));
      upstream.on('close', () => (this.#sockets.delete(upstream), client.destroy()));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      this.relay(client, upstream);
    });
  }

  get port(): number {
    return this.#port;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Passes frames between one client connection and its connection to the broker. */
  protected abstract relay(client: Socket, upstream: Socket): void;
}
