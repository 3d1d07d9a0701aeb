/** A frame whose declared size is negative or above the configured maximum. */
export class FrameTooLargeError extends Error {
  readonly size: number;
  constructor(size: number, max: number) {
    super(`request frame of ${size} bytes is outside the allowed 0..${max} bytes (max frame size)`);
    this.size = size;
  }
}

/**
 * Splits a TCP byte stream into Kafka frames (int32 size prefix, then that many bytes). Chunks are
 * kept as received; a frame is copied only when it spans several chunks.
 */
export class FrameSplitter {
  readonly #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Adds received bytes and returns every complete frame (without size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#buffered < 4) break;
      const head = this.#peek(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.#maxFrameBytes) throw new FrameTooLargeError(size, this.#maxFrameBytes);
      if (this.#buffered < 4 + size) break;
      const whole = this.#take(4 + size);
      frames.push(whole.subarray(4));
    }
    return frames;
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const c of this.#chunks) {
      filled += c.copy(out, filled, 0, Math.min(c.length, n - filled));
      if (filled === n) break;
    }
    return out;
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return out;
    }
    const all = Buffer.concat(this.#chunks, this.#buffered);
    const out = all.subarray(0, n);
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    this.#buffered -= n;
    return out;
  }
}
