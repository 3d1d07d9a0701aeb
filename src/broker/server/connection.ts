import type { Socket } from 'node:net';
import { FrameReader, type Frame } from './frame-reader.ts';
import { ResponseQueue, type ResponseChunk } from './response-queue.ts';
import type { MemoryPool } from './memory-pool.ts';
import type { Logger } from '../../util/logger.ts';

export type { ResponseChunk, DeferredChunk } from './response-queue.ts';

/** What the dispatcher answers for one frame: response chunks, nothing (acks=0), or later. */
export type DispatchResult = ResponseChunk[] | null | Promise<ResponseChunk[] | null>;

/** Thrown by a dispatcher when the connection must be closed (malformed or unsupported request). */
export class CloseConnection extends Error {}

/** Per-connection facts handed to the dispatcher. */
export interface ClientAddress {
  readonly host: string;
  readonly connectionId: number;
}

/** What a connection needs from its broker (limits are read at use, so dynamic changes apply). */
export interface ConnectionOptions {
  pool: MemoryPool;
  /** socket.request.max.bytes */
  maxFrameBytes: () => number;
  /** connections.max.idle.ms */
  idleTimeoutMs: number;
  /** Requests read but not yet answered before the connection stops reading. */
  maxInFlight: number;
  /** Unwritten response bytes above which the connection stops reading requests. */
  responseBacklogBytes: number;
  now: () => number;
  log: Logger;
}

/**
 * One client connection: reads frames within the request memory budget, hands each to the
 * dispatcher, and writes responses in request order. It stops reading (TCP back-pressure reaches
 * the client) while the budget is spent, while `maxInFlight` requests are unanswered, or while its
 * unwritten responses exceed `responseBacklogBytes`, as Kafka mutes a channel until its response
 * is sent. Bad frames close this connection only; nothing a client sends can throw past here.
 *
 * The socket may be any net.Socket, a TLS one included; an authentication step would sit
 * between the frame reader and the dispatcher.
 */
export class Connection {
  readonly #socket: Socket;
  readonly #dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult;
  readonly #options: ConnectionOptions;
  readonly #reader: FrameReader;
  readonly #responses: ResponseQueue;
  readonly #log: Logger;
  readonly client: ClientAddress;
  /** Frames read but not yet dispatched (the gate was closed). */
  #waiting: Frame[] = [];
  #closed = false;
  #paused = false;
  #cancelMemoryWait: (() => void) | null = null;
  /** Set when the broker closed it (as opposed to the client hanging up). */
  closedBy: string | null = null;

  constructor(socket: Socket, connectionId: number, dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult, options: ConnectionOptions) {
    this.#socket = socket;
    this.#dispatch = dispatch;
    this.#options = options;
    this.client = { host: socket.remoteAddress ?? 'unknown', connectionId };
    this.#log = options.log.child({ conn: connectionId, client: `${socket.remoteAddress}:${socket.remotePort}` });
    this.#reader = new FrameReader(options.pool, options.maxFrameBytes, options.now);
    this.#responses = new ResponseQueue(socket, () => this.#pump(), (reason) => this.abort(reason));
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs, () => {
      // Only idle when nothing is pending: a long-poll fetch or a join may legitimately wait.
      // Half a request followed by silence is idle too.
      if (this.#responses.length === 0 && this.#waiting.length === 0) {
        this.abort(`idle for ${options.idleTimeoutMs} ms (connections.max.idle.ms)`, 'debug');
      }
    });
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (err) => this.#log.debug({ err }, 'socket error'));
    socket.on('close', () => this.#release());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Since when the request being read has been arriving (null: none). */
  get requestArrivingSince(): number | null {
    return this.#reader.inProgressSince;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (err) {
      this.abort(`bad frame: ${(err as Error).message}`);
      return;
    }
    this.#accept(frames);
  }

  #accept(frames: Frame[]): void {
    for (const f of frames) this.#waiting.push(f);
    if (this.#reader.blocked && !this.#cancelMemoryWait) {
      this.#cancelMemoryWait = this.#options.pool.waitForRelease(() => {
        this.#cancelMemoryWait = null;
        if (this.#closed) return;
        try {
          this.#accept(this.#reader.retry());
        } catch (err) {
          this.abort(`bad frame: ${(err as Error).message}`);
        }
      });
    }
    this.#pump();
  }

  /** Whether another request may be handled now. */
  #gateOpen(): boolean {
    return this.#responses.length < this.#options.maxInFlight && this.#responses.unwrittenBytes < this.#options.responseBacklogBytes;
  }

  /** Dispatches waiting frames while the gate is open; pauses or resumes reading. */
  #pump(): void {
    while (!this.#closed && this.#waiting.length > 0 && this.#gateOpen()) this.#handle(this.#waiting.shift()!);
    if (this.#closed) return;
    const stop = this.#reader.blocked || this.#waiting.length > 0 || !this.#gateOpen();
    if (stop && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    } else if (!stop && this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #handle(frame: Frame): void {
    let result: DispatchResult;
    try {
      result = this.#dispatch(frame.body, this.client);
    } catch (err) {
      this.#options.pool.release(frame.reserved);
      this.#fail(err);
      return;
    }
    if (result === null) {
      this.#options.pool.release(frame.reserved); // acks=0 produce: no response, no slot
      return;
    }
    const slot = this.#responses.reserve();
    if (Array.isArray(result)) {
      this.#options.pool.release(frame.reserved);
      this.#responses.complete(slot, result);
      return;
    }
    result.then(
      (chunks) => {
        this.#options.pool.release(frame.reserved);
        this.#responses.complete(slot, chunks);
      },
      (err: unknown) => {
        this.#options.pool.release(frame.reserved);
        this.#fail(err);
      },
    );
  }

  #fail(err: unknown): void {
    if (err instanceof CloseConnection) {
      this.abort(err.message);
      return;
    }
    // A handler threw: a bug, never the client's fault. Logged as an error (the fuzzer counts these).
    this.#log.error({ err }, 'internal error while handling a request');
    this.abort(`internal error: ${(err as Error)?.message ?? err}`);
  }

  /** Closes the connection because of the client (or a limit); one log line. */
  abort(reason: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.#closed) return;
    this.closedBy = reason;
    this.#log[level]({ reason }, 'closing client connection');
    this.#socket.destroy();
    this.#release();
  }

  /** Closes without a log line (broker shutdown). */
  close(): void {
    this.#socket.destroy();
    this.#release();
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelMemoryWait?.();
    this.#cancelMemoryWait = null;
    for (const f of this.#waiting) this.#options.pool.release(f.reserved);
    this.#waiting = [];
    this.#reader.discard();
    this.#responses.close();
  }
}
