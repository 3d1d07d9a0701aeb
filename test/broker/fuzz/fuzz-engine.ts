import { connect, type Socket } from 'node:net';
import { loadCorpus, mutate, Rng, type CorpusFrame, type Mutation } from './mutator.ts';

export interface FuzzOptions {
  bootstrap: string;
  frames: number;
  seed: number;
  /** Connections fuzzing at once. */
  connections: number;
  /** How long to wait for the broker's answer to one frame before sending the next. */
  reactionMs?: number;
  onProgress?: (sent: number) => void;
}

export interface FuzzResult {
  frames: number;
  connectionsOpened: number;
  /** Connections the broker closed (bad frames are answered by closing, as Kafka does). */
  closedByBroker: number;
  answered: number;
  /** Frames with no answer within reactionMs (a long-poll fetch, a join, an acks=0 produce). */
  unanswered: number;
  byMutation: Record<string, number>;
}

/**
 * Replays every corpus frame once as sent (so the topics, groups and transactions the clients
 * made exist), then sends seeded mutations of corpus frames over `connections` concurrent
 * connections: each connection sends frames one after the other, waiting for the answer (or a
 * short time), and is replaced when the broker closes it.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const corpus = loadCorpus();
  const result: FuzzResult = { frames: 0, connectionsOpened: 0, closedByBroker: 0, answered: 0, unanswered: 0, byMutation: {} };
  const reactionMs = options.reactionMs ?? 100;
  let cid = 1;
  for (const f of corpus) {
    const c = await Conn.open(options.bootstrap, result);
    await c.send(f.frame, f.frame.length >= 12 ? f.frame.readInt32BE(8) : -1, 2000);
    c.close();
  }
  const rng = new Rng(options.seed);
  let sent = 0;
  const worker = async (w: number) => {
    const local = new Rng(options.seed ^ (w * 0x9e3779b9));
    let conn: Conn | null = null;
    while (sent < options.frames) {
      conn ??= await Conn.open(options.bootstrap, result);
      const base: CorpusFrame = local.pick(corpus);
      const id = (cid++ & 0x3fffffff) + 1;
      const { mutation, bytes } = mutate(rng.next() < 0.5 ? rng : local, corpus, base, id);
      sent++;
      result.frames++;
      result.byMutation[mutation as Mutation] = (result.byMutation[mutation as Mutation] ?? 0) + 1;
      if (sent % 1000 === 0) options.onProgress?.(sent);
      const reaction = await conn.send(bytes, id, reactionMs);
      if (reaction === 'answered') result.answered++;
      else if (reaction === 'timeout') result.unanswered++;
      if (conn.closed) {
        result.closedByBroker++;
        conn = null;
      } else if (local.next() < 0.05) {
        conn.close(); // fresh connections now and then, so connection state varies
        conn = null;
      }
    }
    conn?.close();
  };
  await Promise.all(Array.from({ length: options.connections }, (_, w) => worker(w)));
  return result;
}

/** A fuzzing connection that notices answers (by correlation id) and the broker closing it. */
class Conn {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { id: number; done: (r: 'answered' | 'closed' | 'timeout') => void } | null = null;
  closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? d : Buffer.concat([this.#buffered, d]);
      while (this.#buffered.length >= 8 && this.#buffered.length >= 4 + this.#buffered.readInt32BE(0)) {
        const id = this.#buffered.readInt32BE(4);
        this.#buffered = this.#buffered.subarray(4 + this.#buffered.readInt32BE(0));
        if (this.#waiting?.id === id) this.#waiting.done('answered');
      }
    });
    const onClose = () => {
      this.closed = true;
      this.#waiting?.done('closed');
    };
    socket.on('close', onClose);
    socket.on('error', () => {});
  }

  static open(bootstrap: string, result: FuzzResult): Promise<Conn> {
    const at = bootstrap.lastIndexOf(':');
    result.connectionsOpened++;
    return new Promise((resolve, reject) => {
      const s = connect(Number(bootstrap.slice(at + 1)), bootstrap.slice(0, at));
      s.once('connect', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Buffer, id: number, waitMs: number): Promise<'answered' | 'closed' | 'timeout'> {
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), waitMs);
      const done = (r: 'answered' | 'closed' | 'timeout') => {
        clearTimeout(timer);
        this.#waiting = null;
        resolve(r);
      };
      this.#waiting = { id, done };
      this.#socket.write(bytes);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
