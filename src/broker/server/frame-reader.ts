import type { MemoryPool } from './memory-pool.ts';

/** A frame whose declared size is negative or above socket.request.max.bytes. */
export class FrameTooLargeError extends Error {
  readonly size: number;
  constructor(size: number, max: number) {
    super(`request frame of ${size} bytes is outside the allowed 0..${max} bytes (socket.request.max.bytes)`);
    this.size = size;
  }
}

/** A complete request frame (without its size prefix) and the pool bytes it holds. */
export interface Frame {
  body: Buffer;
  /** Bytes taken from the memory pool for it; release them when the request is done. */
  reserved: number;
}

/**
 * Splits a TCP byte stream into Kafka frames (int32 size prefix, then that many bytes), taking
 * each frame's size from the request memory pool before reading its body, as Kafka does. When the
 * pool cannot give it, the reader stops, keeps the bytes it was handed, and reports `blocked`;
 * `retry()` continues once memory was released. Frames inside one received chunk are sliced, not
 * copied; a frame spanning chunks is assembled in one buffer of its exact size.
 */
export class FrameReader {
  readonly #pool: MemoryPool;
  readonly #maxFrameBytes: () => number;
  readonly #now: () => number;
  /** Received bytes not yet consumed (only non-empty while blocked or mid-header). */
  #pending: Buffer[] = [];
  #header = Buffer.alloc(4);
  #headerFill = 0;
  /** Body of the frame being assembled across chunks. */
  #body: Buffer | null = null;
  #bodyFill = 0;
  #size = -1;
  #blocked = false;
  /** When the frame being read started arriving (null between frames). */
  #startedAt: number | null = null;

  constructor(pool: MemoryPool, maxFrameBytes: () => number, now: () => number) {
    this.#pool = pool;
    this.#maxFrameBytes = maxFrameBytes;
    this.#now = now;
  }

  /** True while a frame waits for pool memory. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /**
   * Since when the current frame has been arriving (its first byte), or null between frames.
   * Time spent waiting for pool memory counts: a client waits no longer than its own request
   * timeout anyway, and a paused socket would not notice the client leaving.
   */
  get inProgressSince(): number | null {
    return this.#startedAt;
  }

  /** Memory held by a partly read frame (released by `discard`). */
  get reservedPartial(): number {
    return this.#size >= 0 && !this.#blocked ? this.#size : 0;
  }

  /** Adds received bytes; returns the frames completed. Throws FrameTooLargeError. */
  push(chunk: Buffer): Frame[] {
    this.#pending.push(chunk);
    return this.#consume();
  }

  /** Tries again after the pool released memory. */
  retry(): Frame[] {
    return this.#consume();
  }

  /** Gives back the pool memory of a partly read frame (connection closing). */
  discard(): void {
    if (this.#size >= 0 && !this.#blocked) this.#pool.release(this.#size);
    this.#size = -1;
    this.#body = null;
    this.#pending = [];
    this.#startedAt = null;
  }

  #consume(): Frame[] {
    const frames: Frame[] = [];
    while (this.#pending.length > 0) {
      let chunk = this.#pending[0]!;
      if (chunk.length === 0) {
        this.#pending.shift();
        continue;
      }
      if (this.#size < 0) {
        // Reading the 4-byte size.
        this.#startedAt ??= this.#now();
        const n = Math.min(4 - this.#headerFill, chunk.length);
        chunk.copy(this.#header, this.#headerFill, 0, n);
        this.#headerFill += n;
        chunk = chunk.subarray(n);
        this.#pending[0] = chunk;
        if (this.#headerFill < 4) continue;
        const size = this.#header.readInt32BE(0);
        const max = this.#maxFrameBytes();
        if (size < 0 || size > max) throw new FrameTooLargeError(size, max);
        this.#size = size;
        this.#blocked = true;
      }
      if (this.#blocked) {
        if (!this.#pool.tryAllocate(this.#size)) return frames;
        this.#blocked = false;
      }
      if (this.#body === null && chunk.length >= this.#size) {
        // The whole body is in this chunk: slice it.
        frames.push({ body: chunk.subarray(0, this.#size), reserved: this.#size });
        this.#pending[0] = chunk.subarray(this.#size);
        this.#finishFrame();
        continue;
      }
      this.#body ??= Buffer.allocUnsafe(this.#size);
      const n = Math.min(this.#size - this.#bodyFill, chunk.length);
      chunk.copy(this.#body, this.#bodyFill, 0, n);
      this.#bodyFill += n;
      this.#pending[0] = chunk.subarray(n);
      if (this.#bodyFill === this.#size) {
        frames.push({ body: this.#body, reserved: this.#size });
        this.#finishFrame();
      }
    }
    return frames;
  }

  #finishFrame(): void {
    this.#size = -1;
    this.#headerFill = 0;
    this.#body = null;
    this.#bodyFill = 0;
    this.#startedAt = null;
  }
}
