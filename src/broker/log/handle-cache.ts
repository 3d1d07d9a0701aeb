/** Something that owns one file descriptor, opened on demand and closable at any idle moment. */
export interface HandleOwner {
  /** Opens the file and returns its descriptor (called only while the owner has none). */
  openHandle(): number;
  /** Closes the descriptor (called only while the owner has one and is not busy). */
  closeHandle(): void;
  /** True while an asynchronous read uses the descriptor: it must not be closed then. */
  readonly busy: boolean;
}

/**
 * A bounded set of open segment files, least recently used closed first. Partitions cost no file
 * descriptor while idle, so a broker with tens of thousands of partitions starts and serves
 * without hitting the process's open-file limit. A busy owner (async read in progress) is skipped
 * by eviction, so the cache can briefly exceed its capacity by the number of such reads.
 */
export class HandleCache {
  #capacity: number;
  /** Owners with an open descriptor, oldest use first (Map keeps insertion order). */
  readonly #open = new Map<HandleOwner, number>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  set capacity(n: number) {
    this.#capacity = Math.max(1, n);
    this.#evict();
  }

  /** Open descriptors right now. */
  get size(): number {
    return this.#open.size;
  }

  /** The owner's descriptor, opening it (and closing the least recently used) when needed. */
  use(owner: HandleOwner): number {
    const fd = this.#open.get(owner);
    if (fd !== undefined) {
      this.#open.delete(owner); // move to the most recently used end
      this.#open.set(owner, fd);
      return fd;
    }
    this.#evict(1);
    const opened = owner.openHandle();
    this.#open.set(owner, opened);
    return opened;
  }

  /** Forgets an owner that closed its descriptor itself (deleted or retired segment). */
  forget(owner: HandleOwner): void {
    this.#open.delete(owner);
  }

  /** Closes every idle descriptor (e.g. at shutdown or when a file may be renamed). */
  closeIdle(): void {
    for (const owner of [...this.#open.keys()]) {
      if (owner.busy) continue;
      this.#open.delete(owner);
      owner.closeHandle();
    }
  }

  #evict(room = 0): void {
    if (this.#open.size + room <= this.#capacity) return;
    for (const owner of this.#open.keys()) {
      if (this.#open.size + room <= this.#capacity) break;
      if (owner.busy) continue;
      this.#open.delete(owner);
      owner.closeHandle();
    }
  }
}
