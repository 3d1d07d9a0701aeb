import type { Socket } from 'node:net';
import type { DeferredBytes } from '../../protocol/primitives/writer.ts';

/** A deferred range the writer resolves itself (a FileRegion of a log segment). */
export interface DeferredChunk extends DeferredBytes {
  read(offset: number, length: number): Promise<Buffer>;
  release(): void;
}

/** One piece of a response: bytes, or a range read as the socket drains. */
export type ResponseChunk = Buffer | DeferredChunk;

/** Size of the pieces a deferred range is read in. */
const PIECE_BYTES = 256 * 1024;
/** Socket buffer above which the writer waits for 'drain' before writing the next piece. */
const SOCKET_HIGH_WATER = 512 * 1024;

interface Slot {
  chunks: ResponseChunk[] | null;
  done: boolean;
}

function lengthOf(chunks: readonly ResponseChunk[]): number {
  let n = 0;
  for (const c of chunks) n += Buffer.isBuffer(c) ? c.length : c.deferredLength;
  return n;
}

/**
 * Responses of one connection in request order (Kafka's contract), even when some are answered
 * later (long-poll fetch, joins). Buffers are written as soon as their turn comes; deferred ranges
 * are read in 256 KiB pieces, each only once the socket has room, so memory does not grow with a
 * client that does not read. `unwrittenBytes` is what the connection uses to stop reading requests.
 */
export class ResponseQueue {
  readonly #socket: Socket;
  readonly #onProgress: () => void;
  readonly #onFailure: (reason: string) => void;
  #slots: Slot[] = [];
  /** Bytes of completed responses not yet handed to the socket. */
  #queued = 0;
  #writing = false;
  #closed = false;

  constructor(socket: Socket, onProgress: () => void, onFailure: (reason: string) => void) {
    this.#socket = socket;
    this.#onProgress = onProgress;
    this.#onFailure = onFailure;
    socket.on('drain', () => this.#onProgress());
  }

  /** Responses not yet fully written (answered or not). */
  get length(): number {
    return this.#slots.length + (this.#writing ? 1 : 0);
  }

  /** Bytes answered but not yet written out by the socket. */
  get unwrittenBytes(): number {
    return this.#queued + this.#socket.writableLength;
  }

  /** Reserves the next response's place; fill it with `complete`. */
  reserve(): Slot {
    const slot: Slot = { chunks: null, done: false };
    this.#slots.push(slot);
    return slot;
  }

  complete(slot: Slot, chunks: ResponseChunk[] | null): void {
    if (this.#closed) {
      if (chunks) releaseAll(chunks);
      return;
    }
    slot.chunks = chunks;
    slot.done = true;
    if (chunks) this.#queued += lengthOf(chunks);
    void this.#pump();
  }

  /** Drops every response (connection closed): deferred ranges are released. */
  close(): void {
    this.#closed = true;
    for (const s of this.#slots) if (s.chunks) releaseAll(s.chunks);
    this.#slots = [];
    this.#queued = 0;
  }

  async #pump(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      while (!this.#closed && this.#slots.length > 0 && this.#slots[0]!.done) {
        const slot = this.#slots.shift()!;
        const chunks = slot.chunks ?? [];
        this.#socket.cork();
        for (let i = 0; i < chunks.length; i++) {
          const c = chunks[i]!;
          if (this.#closed) {
            releaseAll(chunks.slice(i));
            break;
          }
          if (Buffer.isBuffer(c)) {
            this.#socket.write(c);
            this.#queued -= c.length;
          } else {
            this.#socket.uncork();
            await this.#writeDeferred(c);
            this.#socket.cork();
          }
        }
        this.#socket.uncork();
        this.#onProgress();
      }
    } catch (err) {
      this.#onFailure(`could not read log data for a response: ${(err as Error).message}`);
    } finally {
      this.#writing = false;
    }
  }

  /** Reads a deferred range piece by piece, the next piece read while the socket sends this one. */
  async #writeDeferred(c: DeferredChunk): Promise<void> {
    const pieceAt = (at: number) => c.read(at, Math.min(PIECE_BYTES, c.deferredLength - at));
    let next: Promise<Buffer> | null = c.deferredLength > 0 ? pieceAt(0) : null;
    try {
      for (let at = 0; next !== null && !this.#closed; ) {
        const piece = await next;
        next = at + piece.length < c.deferredLength ? pieceAt(at + piece.length) : null;
        if (this.#closed) break;
        this.#socket.write(piece);
        this.#queued -= piece.length;
        at += piece.length;
        if (next !== null && this.#socket.writableLength >= SOCKET_HIGH_WATER) await this.#drained();
      }
    } finally {
      // A read still in flight must finish before the region is released (its file may be closed then).
      await next?.catch(() => {});
      c.release();
    }
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }
}

function releaseAll(chunks: readonly ResponseChunk[]): void {
  for (const c of chunks) if (!Buffer.isBuffer(c)) c.release();
}
