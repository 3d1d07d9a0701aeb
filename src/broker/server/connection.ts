import type { Socket } from 'node:net';
import { FrameSplitter } from './frame-splitter.ts';
import type { Logger } from '../../util/logger.ts';

/** What the dispatcher answers for one frame: response chunks, nothing (acks=0), or later. */
export type DispatchResult = Buffer[] | null | Promise<Buffer[] | null>;

/** Thrown by a dispatcher when the connection must be closed (malformed or unsupported request). */
export class CloseConnection extends Error {}

/** Per-connection facts handed to the dispatcher. */
export interface ClientAddress {
  readonly host: string;
  readonly connectionId: number;
}

/** Limits protecting the broker from one client. */
export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Requests read but not yet answered before the socket stops being read. */
  maxInFlight: number;
  /** A connection with no traffic for this long is closed (Kafka's connections.max.idle.ms). */
  idleTimeoutMs: number;
}

interface Slot {
  chunks: Buffer[] | null;
  done: boolean;
}

/**
 * One client connection: splits frames, hands each to the dispatcher, and writes responses in
 * request order (Kafka's contract) even when some are answered later (long-poll fetch, joins).
 * Bad frames close this connection only; nothing a client sends can throw past here.
 */
export class Connection {
  readonly #socket: Socket;
  readonly #dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult;
  readonly #splitter: FrameSplitter;
  readonly #limits: ConnectionLimits;
  readonly #log: Logger;
  readonly #client: ClientAddress;
  #queue: Slot[] = [];
  /** Frames read but not yet handled because maxInFlight requests were pending. */
  #waiting: Buffer[] = [];
  #closed = false;
  #paused = false;

  constructor(
    socket: Socket,
    connectionId: number,
    dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult,
    limits: ConnectionLimits,
    log: Logger,
  ) {
    this.#socket = socket;
    this.#dispatch = dispatch;
    this.#limits = limits;
    this.#splitter = new FrameSplitter(limits.maxFrameBytes);
    this.#client = { host: socket.remoteAddress ?? 'unknown', connectionId };
    this.#log = log.child({ conn: connectionId, client: `${socket.remoteAddress}:${socket.remotePort}` });
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => {
      // Only idle when nothing is pending: a long-poll fetch or a join may legitimately wait.
      if (this.#queue.length === 0) this.#abort(`idle for ${limits.idleTimeoutMs} ms`);
    });
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('drain', () => this.#maybeResume());
    socket.on('error', (err) => this.#log.debug({ err }, 'socket error'));
    socket.on('close', () => {
      this.#closed = true;
      this.#queue = [];
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.#splitter.push(chunk);
    } catch (err) {
      this.#abort(`bad frame: ${(err as Error).message}`);
      return;
    }
    for (const frame of frames) this.#waiting.push(frame);
    this.#handleWaiting();
  }

  /** Handles read frames while fewer than maxInFlight requests are unanswered. */
  #handleWaiting(): void {
    while (this.#waiting.length > 0 && this.#queue.length < this.#limits.maxInFlight && !this.#closed) {
      this.#handle(this.#waiting.shift()!);
    }
    if (this.#waiting.length > 0 && !this.#paused && !this.#closed) {
      this.#paused = true; // stop reading until answers drain the queue
      this.#socket.pause();
    }
  }

  #handle(frame: Buffer): void {
    let result: DispatchResult;
    try {
      result = this.#dispatch(frame, this.#client);
    } catch (err) {
      this.#abort(err instanceof CloseConnection ? err.message : `request failed: ${(err as Error).stack ?? err}`);
      return;
    }
    if (result === null) return; // acks=0 produce: no response, no slot
    const slot: Slot = { chunks: null, done: false };
    this.#queue.push(slot);
    if (Array.isArray(result)) {
      slot.chunks = result;
      slot.done = true;
      this.#flush();
      return;
    }
    result.then(
      (chunks) => {
        slot.chunks = chunks;
        slot.done = true;
        this.#flush();
      },
      (err: unknown) => {
        this.#abort(err instanceof CloseConnection ? err.message : `request failed: ${(err as Error)?.stack ?? err}`);
      },
    );
  }

  #flush(): void {
    if (this.#closed) return;
    let wrote = false;
    this.#socket.cork();
    while (this.#queue.length > 0 && this.#queue[0]!.done) {
      const slot = this.#queue.shift()!;
      if (slot.chunks) for (const c of slot.chunks) this.#socket.write(c);
      wrote = true;
    }
    this.#socket.uncork();
    if (this.#socket.writableLength >= 8 * 1024 * 1024 && !this.#paused) {
      this.#paused = true; // a slow reader: stop reading its requests until it drains
      this.#socket.pause();
    } else if (wrote) this.#maybeResume();
  }

  #maybeResume(): void {
    if (!this.#paused || this.#closed) return;
    if (this.#queue.length < this.#limits.maxInFlight) this.#handleWaiting();
    if (this.#waiting.length === 0 && this.#queue.length < this.#limits.maxInFlight && this.#socket.writableLength < 8 * 1024 * 1024) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #abort(reason: string): void {
    if (this.#closed) return;
    this.#log.warn({ reason }, 'closing client connection');
    this.#closed = true;
    this.#queue = [];
    this.#socket.destroy();
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }
}
