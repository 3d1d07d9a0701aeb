import type { DeferredBytes } from '../../protocol/primitives/writer.ts';
import type { Segment } from './segment.ts';

/**
 * Bytes of a segment file that a response will carry, read only when the connection writes
 * them, in pieces, as the client takes them (the role sendfile plays in Kafka): a fetch response
 * costs no heap while it waits, and a client that stops reading stops costing memory. The
 * segment is pinned so deleting it meanwhile keeps the bytes readable.
 */
export class FileRegion implements DeferredBytes {
  readonly deferredLength: number;
  readonly #segment: Segment;
  readonly #position: number;
  #released = false;

  constructor(segment: Segment, position: number, length: number) {
    this.#segment = segment;
    this.#position = position;
    this.deferredLength = length;
    segment.pin();
  }

  /** Reads `length` bytes at `offset` within the region, off the event loop. */
  read(offset: number, length: number): Promise<Buffer> {
    return this.#segment.readAsync(this.#position + offset, length);
  }

  /** The region will not be read again (written, or its connection closed). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#segment.unpin();
  }
}
