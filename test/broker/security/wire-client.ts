// A minimal Kafka wire client for the connection-security tests: one request at a time over a
// plain or TLS socket, responses decoded with our codec, and a way to see the broker close.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { decodeResponse, encodeRequest } from '../../../src/protocol/codec.ts';

export class WireClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<(frame: Buffer | null) => void> = [];
  #closed = false;
  #correlation = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, d]);
      this.#drain();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      for (const w of this.#waiters.splice(0)) w(null);
    });
  }

  static async plain(port: number): Promise<WireClient> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new WireClient(socket);
  }

  static async tls(port: number, options: ConnectionOptions): Promise<WireClient> {
    const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ...options });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return new WireClient(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #drain(): void {
    while (this.#buffer.length >= 4 && this.#waiters.length > 0) {
      const size = this.#buffer.readInt32BE(0);
      if (this.#buffer.length < 4 + size) return;
      const frame = this.#buffer.subarray(4, 4 + size);
      this.#buffer = this.#buffer.subarray(4 + size);
      this.#waiters.shift()!(frame);
    }
  }

  /** The next size-prefixed frame, or null when the broker closed the connection first. */
  nextFrame(): Promise<Buffer | null> {
    if (this.#closed && this.#buffer.length < 4) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#drain();
    });
  }

  /** Sends a request; resolves with the decoded response body, or null if the connection closed. */
  async request(apiKey: number, apiVersion: number, body: object): Promise<Record<string, any> | null> {
    this.socket.write(encodeRequest(apiKey, apiVersion, this.#correlation++, 'wire-test', body));
    const frame = await this.nextFrame();
    return frame === null ? null : (decodeResponse(apiKey, apiVersion, frame).body as Record<string, any>);
  }

  /** Sends a raw size-prefixed token (SaslHandshake v0 flow); resolves with the answer, or null. */
  async rawToken(token: Buffer): Promise<Buffer | null> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    this.socket.write(Buffer.concat([size, token]));
    return this.nextFrame();
  }

  /** Resolves once the broker closed the connection. */
  untilClosed(): Promise<void> {
    return this.#closed ? Promise.resolve() : new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A pino logger that keeps the JSON lines it is given. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, any>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
