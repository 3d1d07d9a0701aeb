import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../../src/protocol/index.ts';

/**
 * One raw connection to a broker speaking our codec: sends a request of an exact version, waits
 * for its response and decodes it. For tests that need to see every field of an answer.
 */
export class RawClient {
  readonly #socket: Socket;
  #buf = Buffer.alloc(0);
  #waiting: Array<(frame: Buffer) => void> = [];
  #correlationId = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 4 && this.#buf.length >= this.#buf.readInt32BE(0) + 4) {
        const size = this.#buf.readInt32BE(0);
        const frame = this.#buf.subarray(4, 4 + size);
        this.#buf = this.#buf.subarray(4 + size);
        this.#waiting.shift()!(frame);
      }
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  async call(apiKey: number, version: number, body: object): Promise<any> {
    const frame = await new Promise<Buffer>((resolve) => {
      this.#waiting.push(resolve);
      this.#socket.write(encodeRequest(apiKey, version, ++this.#correlationId, 'raw-test', body));
    });
    return decodeResponse(apiKey, version, frame).body;
  }

  close(): void {
    this.#socket.destroy();
  }
}
